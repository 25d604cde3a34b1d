"""What one label says: the code its QR holds and the text lines, already localized by the app."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from labels.errors import ContentError

MAX_OCOP_STARS = 5


@dataclass(frozen=True)
class LabelContent:
    """One label. Text is normalised to NFC when drawn (``nfc``); ``code`` is never changed."""

    code: str
    title: str
    lines: tuple[str, ...] = ()
    footer: str | None = None
    ocop_stars: int | None = None
    serial: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.code, str) or not self.code:
            raise ContentError("a label needs a code: the URL its QR code holds is empty")
        if not isinstance(self.title, str) or not self.title.strip():
            raise ContentError("a label needs a title (the product name); it is empty")
        if not isinstance(self.lines, tuple):
            # A list would make the content unhashable, and the text fitting is cached by it.
            object.__setattr__(self, "lines", tuple(self.lines))
        if not all(isinstance(line, str) for line in self.lines):
            raise ContentError("every line of a label must be text")
        for name in ("footer", "serial"):
            if not isinstance(getattr(self, name), str | None):
                raise ContentError(f"a label's {name} must be text, or None for none")
        if self.ocop_stars is not None and (
            isinstance(self.ocop_stars, bool)
            or not isinstance(self.ocop_stars, int)
            or not 1 <= self.ocop_stars <= MAX_OCOP_STARS
        ):
            raise ContentError(
                f"OCOP stars must be a whole number from 1 to {MAX_OCOP_STARS}, "
                f"not {self.ocop_stars!r}"
            )


def nfc(text: str) -> str:
    """Text as one code point per Vietnamese letter: decomposed marks misplace in many renderers,
    and the font's precomposed glyphs are the ones its designers spaced."""
    return unicodedata.normalize("NFC", text)


def pages_of(labels: Iterable[LabelContent], per_page: int) -> Iterator[list[LabelContent]]:
    """The labels in page-sized lists, taken from the iterable only as each page is needed."""
    iterator = iter(labels)
    while page := list(islice(iterator, per_page)):
        yield page
