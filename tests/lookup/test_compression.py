"""Compressed GS1 Digital Link URIs: decompressed as GS1's toolkit compresses them, and
answered as the uncompressed URI with an ``owl:sameAs`` Link header."""

from __future__ import annotations

import pytest

from tests.lookup.conftest import BASE, GTIN
from tests.registry.test_views_common import text_of
from trace.lookup.compression import UnreadableCompressedURI, decompressed

SIGNATURE = (
    "k=gA5Eq_MlsL4&s=8YkTsH72Y3xJ2kY0fuE6KpIxUiOi7p8vEj_rTC6TTrSIi5PcVSWJUNMIm3zrLGaMcaobQFZjpMpQ"
    "DKtHqb6wDA"
)


# Each segment was made by GS1DigitalLinkToolkit.js (compressGS1DigitalLink, optimisations
# on) from the URI beside it.
@pytest.mark.parametrize(
    ("segment", "path", "query"),
    [
        ("ARBAe2Jvog", f"/01/{GTIN}", None),
        ("CxBAe2JvotySe3P23Wuuvn2mouhBbg", f"/01/{GTIN}/10/ST25-261118-01", "17=270519"),
        (
            "CxBAe2JvotySe3P23Wuuvn2mouhBb-BkYuADkSr8yWwvjwNjreMSJ2D97Mb4k7SMaP3CdFUkYqRHRd0-XiR_"
            "1phdJp1pERcnuKpLEqGmETb51ljNGONUNoCsx0mUoBlWj1N9YBgA",
            f"/01/{GTIN}/10/ST25-261118-01",
            f"17=270519&{SIGNATURE}",
        ),
        # The toolkit itself reads this serial back as "7": the count keeps the zeros.
        ("CxBAe2Jvow8yfUVsV8EhBAAc", f"/01/{GTIN}/10/LOT%2B1%2FA/21/0007", None),
        (
            "CxBAe2Jvok1XgkYieh6kLIV2hs4A56HsA",
            f"/01/{GTIN}/10/abc123/21/K7Q2",
            "11=250101&7007=250102",
        ),
    ],
)
def test_compressed_uris_decompress_as_gs1s_toolkit_compressed_them(segment, path, query):
    assert decompressed(segment) == (path, query)


@pytest.mark.parametrize("segment", ["AAAAAAAAAAAA", "lookupxyz", "gAAAAAAAAAA", "ARBAe2J"])
def test_a_segment_that_is_no_compressed_label_is_refused(segment):
    with pytest.raises(UnreadableCompressedURI):
        decompressed(segment)


def test_a_compressed_label_answers_as_its_uncompressed_uri(client, label):
    query = label.path.split("?")[1]
    signature = query.removeprefix("17=270519&")
    assert label.path == f"/01/{GTIN}/10/ST25-261118-01?17=270519&{signature}"
    # By GS1DigitalLinkToolkit.js from the path and expiry; the signature stays a query.
    segment = "CxBAe2JvotySe3P23Wuuvn2mouhBbg"
    response = client.get(f"/{segment}?{signature}", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "Genuine label" in text_of(response)
    same_as = f'<{BASE}/01/{GTIN}/10/ST25-261118-01?{query}>; rel="owl:sameAs"'
    assert same_as in response.headers["Link"]
    assert 'rel="linkset"' in response.headers["Link"]
    linkset = client.get(f"/{segment}?linkType=linkset")
    assert linkset.status_code == 200
    assert linkset.get_json()["linkset"][0]["anchor"] == f"{BASE}/01/{GTIN}/10/ST25-261118-01"
    assert "owl:sameAs" in linkset.headers["Link"]
    # Without the expiry and without any query (GS1DigitalLinkToolkit.js again): like its
    # uncompressed URI, a 307 to the page in the reader's language.
    typed = client.get("/CxBAe2JvotySe3P23Wuuvn2mo", headers={"Accept-Language": "en"})
    assert typed.status_code == 307
    assert typed.headers["Location"] == f"{BASE}/01/{GTIN}/10/ST25-261118-01?lang=en"
    assert "owl:sameAs" in typed.headers["Link"]


def test_a_segment_that_does_not_decompress_is_an_unknown_url(client, label):
    unknown = client.get("/no-such-page").get_data().replace(b"/no-such-page", b"/AAAAAAAAAAAA")
    response = client.get("/AAAAAAAAAAAA", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert client.get("/AAAAAAAAAAAA").get_data() == unknown
    assert client.get("/no-such-page.html").status_code == 404
    assert client.get("/short").status_code == 404
