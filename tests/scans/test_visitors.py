"""What a scan keeps of its visitor: the network, never the address, and the browser's family."""

from __future__ import annotations

import ipaddress
import random

import pytest

from trace.scans.models import NETWORK_MAX_LENGTH, USER_AGENT_FAMILY_MAX_LENGTH
from trace.scans.services import UNKNOWN_NETWORK, network_of, user_agent_family


@pytest.mark.parametrize(
    ("remote_addr", "network"),
    [
        ("203.113.45.7", "203.113.45.0/24"),
        ("14.161.0.255", "14.161.0.0/24"),
        (" 203.113.45.7\n", "203.113.45.0/24"),
        ("2001:ee0:4f12:abcd:1:2:3:4", "2001:ee0:4f12::/48"),
        ("2402:800:6371:1::99", "2402:800:6371::/48"),
        ("fe80::1%eth0", "fe80::/48"),
        ("::1", "::/48"),
        # An IPv4 client seen through an IPv6 socket, or a 6to4 prefix (one IPv4 host).
        ("::ffff:203.113.45.7", "203.113.45.0/24"),
        ("::FFFF:cb71:2d07", "203.113.45.0/24"),
        ("2002:cb71:2d07::1", "203.113.45.0/24"),
    ],
)
def test_network_of_keeps_the_network_and_drops_the_host(remote_addr, network):
    assert network_of(remote_addr) == network


@pytest.mark.parametrize(
    "remote_addr",
    [
        None,
        "",
        "   ",
        "unknown",
        "203.113.45",
        "999.1.1.1",
        "203.113.45.7:51234",
        "[2001:ee0::1]",
        "2001:ee0::1::2",
        "203.113.45.7, 10.0.0.1",
        "localhost",
        "\x00",
    ],
)
def test_network_of_anything_else_is_unknown(remote_addr):
    assert network_of(remote_addr) == UNKNOWN_NETWORK


def test_network_of_every_ipv4_form_matches_the_standard_library():
    """The plain-IPv4 shortcut answers as ipaddress does, refusals included."""
    generator = random.Random(7)
    addresses = [".".join(str(generator.randrange(256)) for _ in range(4)) for _ in range(2000)]
    addresses += [
        "0.0.0.0",
        "255.255.255.255",
        "256.1.1.1",
        "1.2.3.256",
        "1.2.3.04",
        "01.2.3.4",
        "1.2.3",
        "1.2.3.4.5",
        "1..3.4",
        "\u0661.2.3.4",
        "1.2.3.4\n5",
        "+1.2.3.4",
    ]
    for address in addresses:
        try:
            address_as_number = int(ipaddress.IPv4Address(address))
            expected = str(ipaddress.IPv4Network((address_as_number, 24), strict=False))
        except ValueError:
            expected = UNKNOWN_NETWORK
        assert network_of(address) == expected, address


def test_the_longest_network_fits_its_column():
    longest = network_of("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")
    assert longest == "ffff:ffff:ffff::/48"
    assert len(longest) <= NETWORK_MAX_LENGTH


# Real user agents, as the browsers and apps sent them.
USER_AGENTS = {
    "Android Chrome": [
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Mobile Safari/537.36",
        "Mozilla/5.0 (Linux; Android 13; CUBOT X70) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/119.0.6045.163 Mobile Safari/537.36",
    ],
    "Android WebView": [
        "Mozilla/5.0 (Linux; Android 11; Redmi Note 8 Build/RKQ1.201004.002; wv) "
        "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/118.0.5993.111 "
        "Mobile Safari/537.36",
    ],
    "Android Firefox": [
        "Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0",
    ],
    "iPhone Safari": [
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.1.2 Mobile/15E148 Safari/604.1",
    ],
    "iPhone Chrome": [
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1",
    ],
    "iPad Safari": [
        "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/16.6 Mobile/15E148 Safari/604.1",
    ],
    "Zalo": [
        "Mozilla/5.0 (Linux; Android 12; SM-A325F Build/SP1A.210812.016; wv) "
        "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.230 "
        "Mobile Safari/537.36 Zalo android/12100708 ZaloTheme/light ZaloLanguage/vn",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Mobile/15E148 Zalo iOS/471 ZaloTheme/light ZaloLanguage/vn",
    ],
    "Facebook": [
        "Mozilla/5.0 (Linux; Android 13; SM-S908E Build/TP1A.220624.014; wv) "
        "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.163 "
        "Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/442.0.0.33.113;]",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_1 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/440.0.0.33.116;FBBV/538466553;"
        "FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/17.1.1;FBSS/3;FBID/phone;FBLC/vi_VN;FBOP/5]",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Mobile/15E148 [FBAN/MessengerForiOS;FBAV/432.0.0.22.108;]",
    ],
    "Instagram": [
        "Mozilla/5.0 (Linux; Android 13; SM-A536E Build/TP1A.220624.014; wv) "
        "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.193 "
        "Mobile Safari/537.36 Instagram 309.0.0.40.113 Android",
    ],
    "Samsung Internet": [
        "Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-A546E) AppleWebKit/537.36 "
        "(KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
    ],
    "Coc Coc": [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "coc_coc_browser/117.0.226 Chrome/111.0.5563.148 Safari/537.36",
    ],
    "KaiOS": [
        "Mozilla/5.0 (Mobile; Nokia 8110 4G; rv:48.0) Gecko/48.0 Firefox/48.0 KAIOS/2.5",
    ],
    "Desktop Chrome": [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Safari/537.36",
    ],
    "Desktop Edge": [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0",
    ],
    "Desktop Firefox": [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
        "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
    ],
    "Desktop Safari": [
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.1 Safari/605.1.15",
    ],
    "Bot": [
        "curl/8.4.0",
        "Wget/1.21.4",
        "python-requests/2.31.0",
        "Go-http-client/1.1",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/120.0.6099.216 Mobile Safari/537.36 "
        "(compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 (compatible; coccocbot-web/1.0; +http://help.coccoc.com/searchengine)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "TelegramBot (like TwitterBot)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/120.0.0.0 Safari/537.36",
    ],
    "Other": [None, "", "Opera/9.80 (J2ME/MIDP; Opera Mini/4.2.14912/870; U; vi)", "\x00" * 10],
}


@pytest.mark.parametrize(
    ("user_agent", "family"),
    [(agent, family) for family, agents in USER_AGENTS.items() for agent in agents],
)
def test_user_agent_family(user_agent, family):
    assert user_agent_family(user_agent) == family
    assert len(family) <= USER_AGENT_FAMILY_MAX_LENGTH


def test_only_the_start_of_a_huge_user_agent_is_read():
    assert user_agent_family("Android " * 100_000 + "Zalo") == "Android Other"
    assert user_agent_family("Mozilla/5.0 (" + "a" * 1000 + " Zalo iOS/471") == "Other"
