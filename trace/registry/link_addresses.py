"""The addresses a product link may point to: public https sites, named, with no login.

A link is shown to anyone who scans a label, so it must be safe to follow: https only, no
user name or password in it (phishing pages hide behind ``https://shop.vn@evil.example``),
a public site's name rather than an IP address or a local name (``localhost``, an
intranet's host), and no longer than a browser and the database keep comfortably.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import SplitResult, urlsplit, urlunsplit

from flask_babel import lazy_gettext as _l

from trace.registry.product_links import HREF_MAX_LENGTH

# One label of a host name, as written in DNS (after IDNA for Vietnamese names).
HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
# The last label is letters, or an internationalised top-level domain.
TOP_LEVEL = re.compile(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}")
LOCAL_SUFFIXES = (".local", ".localhost", ".internal", ".lan", ".home.arpa", ".test", ".invalid")


def https_address(raw: object) -> str:
    """The address, its scheme and host lower-cased, or ``ValueError`` saying what to fix."""
    text = str(raw or "").strip()
    if not text:
        raise ValueError(_l("Enter the address of the page, starting with https://."))
    if len(text) > HREF_MAX_LENGTH:
        raise ValueError(_l("Use at most %(count)d characters.", count=HREF_MAX_LENGTH))
    if any(character.isspace() or not character.isprintable() for character in text):
        raise ValueError(_l("An address has no spaces: copy it again from the browser."))
    parts = _split(text)
    if parts.scheme.lower() != "https":
        raise ValueError(_l("Only addresses starting with https:// are accepted."))
    if "@" in parts.netloc:
        raise ValueError(_l("Remove the user name and password from the address."))
    host = public_host(parts.hostname or "")
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    return urlunsplit(("https", netloc, parts.path, parts.query, parts.fragment))


def _split(text: str) -> SplitResult:
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 (reading it checks the port)
    except ValueError:
        raise ValueError(_l("This is not a web address: copy it again from the browser.")) from None
    return parts


def public_host(host: str) -> str:
    """A public site's name in its DNS form, or ``ValueError``."""
    host = host.rstrip(".").lower()
    if not host:
        raise ValueError(_l("The address has no site name, such as shopee.vn."))
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        raise ValueError(_l("Use the site's name, such as shopee.vn, not a numeric address."))
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError(_l("The site's name in this address is not valid.")) from None
    labels = ascii_host.split(".")
    if (
        len(labels) < 2
        or not all(HOST_LABEL.fullmatch(label) for label in labels)
        or not TOP_LEVEL.fullmatch(labels[-1])
        or f".{ascii_host}".endswith(LOCAL_SUFFIXES)
    ):
        raise ValueError(_l("Use a public site's name, such as shopee.vn."))
    return ascii_host
