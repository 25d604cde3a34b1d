"""``?linkType=all``: the links a label URL resolves to, as an RFC 9264 linkset.

Link relation types are GS1 Web Vocabulary terms, as a GS1 Digital Link resolver answers.
"""

from __future__ import annotations

from typing import Any

GS1 = "https://gs1.org/voc/"
MEDIA_TYPE = "application/linkset+json"


def linkset(anchor: str, title: str, titles: dict[str, str], verify_url: str) -> dict[str, Any]:
    """The page in each language, the default link, and the service that checks a code.

    ``anchor`` is the label URL without its query; ``titles`` names the page per language.
    """
    pages = [
        {
            "href": f"{anchor}?lang={language}",
            "title": text,
            "type": "text/html",
            "hreflang": [language],
        }
        for language, text in titles.items()
    ]
    return {
        "linkset": [
            {
                "anchor": anchor,
                f"{GS1}defaultLink": [{"href": anchor, "title": title, "type": "text/html"}],
                f"{GS1}pip": pages,
                f"{GS1}verificationService": [
                    {
                        "href": verify_url,
                        "title": 'POST {"code": "<the QR text>"}',
                        "type": "application/json",
                    }
                ],
            }
        ]
    }
