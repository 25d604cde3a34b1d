"""Vietnamese alphabetical order, for lists sorted in Python (Python compares code points).

The alphabet is a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y: ă and â follow a,
đ follows d (code points put Đ after Z), and so on. Tone marks (huyền, sắc, hỏi, ngã, nặng)
only break ties between words spelled alike, in that order after the unmarked one.
"""

from __future__ import annotations

import unicodedata

# Combining marks that make letters of their own, and their rank after the bare letter.
_LETTER_MARKS = {"\u0306": 1, "\u0302": 2, "\u031b": 3}  # breve (ă), circumflex (â ê ô), horn (ơ ư)
# Tone marks in the order dictionaries use: none, huyền, sắc, hỏi, ngã, nặng.
_TONE_MARKS = {"\u0300": 1, "\u0301": 2, "\u0309": 3, "\u0303": 4, "\u0323": 5}


def vietnamese_sort_key(text: str) -> tuple[tuple[tuple[str, int], ...], tuple[int, ...], str]:
    """A key that sorts ``text`` as a Vietnamese reader expects (case ignored, then tones)."""
    letters: list[tuple[str, int]] = []
    tones: list[int] = []
    for character in unicodedata.normalize("NFD", text.casefold()):
        if character in _LETTER_MARKS and letters:
            base, _ = letters[-1]
            letters[-1] = (base, _LETTER_MARKS[character])
        elif character in _TONE_MARKS:
            if tones:
                tones[-1] = _TONE_MARKS[character]
        elif character == "đ":
            letters.append(("d", 1))
            tones.append(0)
        else:
            letters.append((character, 0))
            tones.append(0)
    return tuple(letters), tuple(tones), text
