"""Finds text in the wrong language: English sentences in Vietnamese output, Vietnamese words
in English output.

English in Vietnamese: a run of at least three plain-ASCII words (whole words: a word
joined to a digit or a hyphen is a code) holding at least one English function word that is
not also a Vietnamese syllable ("in", "to", "do", "no" are both). Vietnamese in English: a
word with a letter only Vietnamese writes (ắ, ơ, đ...). Either way, the words of the data
shown (names of places, cooperatives, products, notes: ``data_words``) are not the
interface's and are left out, as are e-mail addresses, URLs and a few names of standards.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser

# Common English function words that a Vietnamese sentence written without diacritics does
# not use (so not "in", "an", "to", "do", "no", "on", "me", "a", "i").
ENGLISH_FUNCTION_WORDS = frozenset(
    [
        "the",
        "of",
        "and",
        "for",
        "with",
        "this",
        "that",
        "these",
        "those",
        "are",
        "is",
        "was",
        "were",
        "be",
        "been",
        "being",
        "not",
        "your",
        "you",
        "has",
        "have",
        "had",
        "by",
        "at",
        "from",
        "or",
        "it",
        "its",
        "will",
        "can",
        "cannot",
        "which",
        "there",
        "their",
        "they",
        "we",
        "our",
        "when",
        "what",
        "who",
        "whom",
        "all",
        "each",
        "any",
        "than",
        "into",
        "only",
        "but",
        "if",
        "should",
        "must",
        "would",
        "may",
        "here",
        "how",
        "does",
        "did",
        "done",
        "yet",
        "why",
    ]
)
# Names people write the same in both languages.
ALLOWED_NAMES = frozenset(
    [
        "VietGAP",
        "GlobalGAP",
        "OCOP",
        "GS1",
        "QR",
        "GTIN",
        "EPCIS",
        "CSV",
        "PDF",
        "PNG",
        "ZPL",
        "TSPL",
        "JSON",
        "API",
        "URL",
        "UTC",
        "HTTP",
        "HTTPS",
        "OpenStreetMap",
        "Chromium",
        "Android",
        "iPhone",
        "Excel",
        "Zalo",
        "Google",
        "Apple",
        "Tiếng",
        "Việt",
    ]
)

VIETNAMESE_LETTER = re.compile(
    "[àáảãạăắằẳẵặâấầẩẫậèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵđ]", re.IGNORECASE
)
ASCII_RUN = re.compile(r"(?<![\w'-])[A-Za-z']+(?:[ ,]+[A-Za-z']+){2,}(?![\w'-])")
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
NOT_WORDS = re.compile(
    r"[\w.+-]+@[\w.-]+"  # e-mail addresses
    r"|\w+://\S+"  # URLs
    r"|(?<!\w)/[\w./?=&%-]*"  # paths
)


def data_words(texts: Iterable[str]) -> frozenset[str]:
    """Every word of the given data, in lower case: names and notes, not the interface."""
    return frozenset(word.lower() for text in texts for word in WORD.findall(text or ""))


def english_runs(text: str, data: frozenset[str] = frozenset()) -> list[str]:
    """Runs of English words in a text that should be Vietnamese."""
    text = NOT_WORDS.sub(" ", text)
    found = []
    for match in ASCII_RUN.finditer(text):
        words = [word for word in re.split(r"[ ,]+", match.group()) if word]
        interface = [w for w in words if w.lower() not in data and w not in ALLOWED_NAMES]
        if len(interface) >= 3 and any(w.lower() in ENGLISH_FUNCTION_WORDS for w in interface):
            found.append(match.group())
    return found


def vietnamese_words(text: str, data: frozenset[str] = frozenset()) -> list[str]:
    """Vietnamese words in a text that should be English."""
    text = NOT_WORDS.sub(" ", text)
    return [
        word
        for word in WORD.findall(text)
        if VIETNAMESE_LETTER.search(word) and word.lower() not in data and word not in ALLOWED_NAMES
    ]


def wrong_language(text: str, language: str, data: frozenset[str] = frozenset()) -> list[str]:
    return english_runs(text, data) if language == "vi" else vietnamese_words(text, data)


class _VisibleText(HTMLParser):
    """The text a person reads on a page: text nodes, titles and labels of controls."""

    HIDDEN = frozenset({"script", "style", "template", "noscript"})
    INLINE = frozenset(
        [
            "a",
            "abbr",
            "b",
            "bdi",
            "cite",
            "code",
            "data",
            "em",
            "i",
            "kbd",
            "mark",
            "q",
            "s",
            "small",
            "span",
            "strong",
            "sub",
            "sup",
            "time",
            "u",
        ]
    )
    READ_ATTRIBUTES = ("title", "alt", "placeholder", "aria-label")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        values = dict(attrs)
        read = [values[name] for name in self.READ_ATTRIBUTES if values.get(name)]
        if tag == "input" and values.get("type") in ("submit", "button"):
            read.append(values.get("value") or "")
        self.parts.extend(f"\n{value}\n" for value in read)
        self.parts.append(" " if tag in self.INLINE else "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        self.parts.append(" " if tag in self.INLINE else "\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible_text(markup: str) -> str:
    """Each element's text on a line of its own, so no run spans two elements."""
    parser = _VisibleText()
    parser.feed(markup)
    return "\n".join(" ".join(line.split()) for line in "".join(parser.parts).splitlines())
