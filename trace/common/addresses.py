"""Postal addresses as one line, without the parts a clerk typed that the official names repeat.

A cooperative's street address is free text ("Ấp Giồng Chát, Xã Trần Đề") and the commune
and province come from the official list ("Xã Trần Đề", "Thành phố Cần Thơ"): joined as
they are, the commune would be read twice. Parts are compared the way a reader compares
them: case, tone marks and the spelling of administrative prefixes ("TP." for "Thành
phố", "X." for "Xã") aside.
"""

from __future__ import annotations

import re
import unicodedata

from trace.common.communes import Commune

# Written forms of the administrative prefixes, each with the one it stands for. Only those
# a clerk writes for the units of an address today or before 2025; "T." is left out, as it
# stands for "Tỉnh" or "Thị trấn" alike.
_PREFIXES = {
    "ap": "ap",
    "thon": "thon",
    "xom": "xom",
    "to dan pho": "to dan pho",
    "khu pho": "khu pho",
    "kp": "khu pho",
    "xa": "xa",
    "x": "xa",
    "phuong": "phuong",
    "p": "phuong",
    "thi tran": "thi tran",
    "tt": "thi tran",
    "dac khu": "dac khu",
    "huyen": "huyen",
    "h": "huyen",
    "quan": "quan",
    "q": "quan",
    "thi xa": "thi xa",
    "tx": "thi xa",
    "thanh pho": "thanh pho",
    "tp": "thanh pho",
    "tinh": "tinh",
}
# Prefixes of provinces, which the official list mostly names without one ("Thái Nguyên").
_PROVINCE_PREFIXES = ("tinh ", "thanh pho ")
# Longest first, so "thi xa" is not read as "thi" then "xa"; an abbreviation may be glued to
# the name by its full stop ("TP.Cần Thơ").
_PREFIX = re.compile(
    r"^(" + "|".join(sorted(map(re.escape, _PREFIXES), key=len, reverse=True)) + r")(?:\.\s*|\s+)"
)


def _plain(text: str) -> str:
    """Lower case without tone or letter marks, spaces collapsed: "Xã  Trần Đề" -> "xa tran de"."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.split())


def _keys(part: str) -> tuple[str, str | None]:
    """The part's name with its prefix written in full, and the bare name when it has a prefix."""
    plain = _plain(part)
    match = _PREFIX.match(plain)
    if match is None:
        return plain, None
    name = plain[match.end() :].strip()
    if not name:  # "Xã" alone, or "P." is a name of its own
        return plain, None
    return f"{_PREFIXES[match.group(1)]} {name}", name


def join_address(*parts: str) -> str:
    """The parts joined by commas, each said once; each part may hold several, comma-separated.

    Later parts are the authoritative ones (the official commune and province names), so
    of two parts that read the same the last is kept, in its place: "Ấp A, xã trần đề" then
    "Xã Trần Đề" gives "Ấp A, Xã Trần Đề". A name with and without its prefix is one part
    too ("Cần Thơ" before "Thành phố Cần Thơ", "Tỉnh Thái Nguyên" before "Thái Nguyên", as
    the official list spells most provinces); two prefixes make two units ("Huyện Trần Đề"
    before "Xã Trần Đề": the district of before 2025 is kept), and so does a commune named
    after its province ("Phường Lào Cai, Lào Cai").
    """
    return ", ".join(piece for piece in _said_once(_pieces(*parts)) if piece)


def _pieces(*parts: str) -> list[str]:
    """Each comma-separated piece of the parts, spaces collapsed, empty ones left out."""
    pieces = (" ".join(piece.split()) for part in parts for piece in part.split(","))
    return [piece for piece in pieces if piece]


def _said_once(pieces: list[str]) -> list[str | None]:
    """The pieces, with None in place of each that a later one says again."""
    kept: list[str | None] = []
    seen_full: set[str] = set()  # "xa tran de", and "thai nguyen" for an unprefixed name
    seen_names: set[str] = set()  # "tran de" for "Xã Trần Đề"
    for piece in reversed(pieces):
        full, name = _keys(piece)
        if name is None:
            bare_repeat = full in seen_names
        else:
            bare_repeat = full.startswith(_PROVINCE_PREFIXES) and name in seen_full
        if full in seen_full or bare_repeat:
            kept.append(None)
            continue
        seen_full.add(full)
        if name is not None:
            seen_names.add(name)
        kept.append(piece)
    kept.reverse()
    return kept


def full_address(street_address: str, commune: Commune | None) -> str:
    """A street address, then its commune and province, each part once."""
    if commune is None:
        return join_address(street_address)
    return join_address(street_address, commune.name, commune.province_name)


def place_within(place: str, commune: Commune | None) -> str:
    """A place as written, without the parts its commune and province (shown beside it)
    say already: "Chợ Sóc Trăng, quầy 12, phường Sóc Trăng" in Phường Sóc Trăng gives
    "Chợ Sóc Trăng, quầy 12". A place that is only its commune stays as written."""
    own = _pieces(place)
    if commune is None:
        return join_address(place)
    said = _said_once([*own, *_pieces(commune.name, commune.province_name)])[: len(own)]
    return ", ".join(piece for piece in said if piece) or join_address(place)
