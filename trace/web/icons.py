"""The line icons, inlined in pages by the ``icon`` filter: ``{{ "scan" | icon }}``.

The drawings live in ``icons.svg``. A filter rather than a macro: with a name written in the
template, Jinja calls it once, when it compiles the template, and writes the result in,
where a macro call cost a few microseconds on every render (a page shows a dozen icons).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from markupsafe import Markup

ICONS_FILE = Path(__file__).with_name("icons.svg")
_SYMBOL = re.compile(r'<symbol id="([a-z-]+)">(.*?)</symbol>', re.DOTALL)
# Decorative: the text beside each icon carries the meaning, so screen readers skip it.
_OPENING = (
    '<svg class="icon" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2"'
    ' stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">'
)


@cache
def drawings() -> dict[str, str]:
    """Each icon's name and its shapes, as ``icons.svg`` draws them."""
    return dict(_SYMBOL.findall(ICONS_FILE.read_text(encoding="utf-8")))


def icon(name: str) -> Markup:
    """The icon as inline SVG; an unknown name gives an empty one, as the macros did."""
    return Markup(_OPENING + drawings().get(name, "") + "</svg>")  # noqa: S704 (our own file)
