"""The QR encoder, behind one function so it can be swapped (it dominates the labels' speed).

zxing-cpp encodes a ~170-character URL in about 0.7 ms, 25 times faster than ``qrcode`` with
its mask search, and it is already the decoder the platform trusts.

Error correction is "boosted": the code gets the smallest version any level allows (the
version decides the module size, and the module size decides whether a phone reads the
label), then the highest level that still fits that same version, since it costs nothing.
A production unit code (~190 characters) is version 8 at L where M needs version 9: on a
50 x 30 mm roll that is 0.53 mm modules instead of 0.49 mm. Shorter codes keep M or better.
Level L restores 7% of the symbol; a printed label's damage is scratches and smudges at its
edge, and a blurred photo of modules that are too small is not helped by redundancy at all:
the issue's phone-photo imitation read no version 9 code at M with modules of 0.40 to 0.45 mm,
and ``tests/bench/phone_photo.py`` reads every version 8 code at L of 0.53 mm with zxing-cpp.

zxing-cpp mixes encoding modes (the GTIN's digits in numeric mode), so a signature that
happens to hold a run of digits may fit its code into one version less than others of the
same length (about one code in a hundred near a version's limit). That only enlarges its
modules; a run's report judges its largest symbol (``labels.legibility``).
"""

from __future__ import annotations

from dataclasses import dataclass

import zxingcpp

from labels.errors import ContentError

QUIET_ZONE_MODULES = 4  # ISO/IEC 18004: four modules of light on every side
EC_LEVELS = ("L", "M", "Q", "H")  # from the least to the most error correction
_MAX_GUESSES = 256
# A code's length to its version and boosted level, learnt as codes are made: only a hint,
# always checked (see ``_boosted_at``), so the symbol never depends on what came before.
# A run's codes share their length, so a code costs one symbol and two refusals.
_guesses: dict[int, tuple[int, str]] = {}


@dataclass(frozen=True)
class QrMatrix:
    """A QR symbol's modules without its quiet zone: ``size`` x ``size``, row by row."""

    size: int
    pixels: bytes  # one byte a module, row-major: 0 dark, 255 light (a greyscale image)
    ec_level: str = "M"

    @property
    def version(self) -> int:
        """The QR version, 1 to 40 (a version 1 symbol has 21 modules a side, each next +4)."""
        return (self.size - 17) // 4

    def is_dark(self, x: int, y: int) -> bool:
        """Whether the module in column x, row y is dark."""
        return self.pixels[y * self.size + x] == 0


def qr_matrix(text: str, *, ec_level: str | None = None) -> QrMatrix:
    """The QR symbol for the text, boosted (see the module) unless ``ec_level`` is given;
    raises ContentError if it cannot be made."""
    if not text:
        raise ContentError("a QR code cannot hold an empty text")
    if ec_level is not None and ec_level not in EC_LEVELS:
        raise ContentError(f"error correction must be one of {', '.join(EC_LEVELS)}")
    try:
        barcode = _encode(text, ec_level) if ec_level else _boosted(text)
        image = barcode.to_image(scale=1, add_quiet_zones=False)
    except ValueError as exc:  # zxing-cpp's only error for data it cannot encode
        raise ContentError(
            f"the code cannot be made into a QR code ({len(text)} characters): {exc}"
        ) from exc
    size, width = image.shape
    if size != width or barcode.ec_level not in EC_LEVELS:
        raise ContentError(
            f"the QR encoder returned an unexpected symbol for a {len(text)}-character code"
        )
    # The stubs do not say that zxing-cpp's Image exports the buffer protocol; it does.
    pixels = bytes(memoryview(image))  # type: ignore[arg-type]
    return QrMatrix(size=size, pixels=pixels, ec_level=barcode.ec_level)


def _encode(text: str, ec_level: str, version: int | None = None) -> zxingcpp.Barcode:
    if version is None:
        return zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level=ec_level)
    return zxingcpp.create_barcode(
        text, zxingcpp.BarcodeFormat.QRCode, ec_level=ec_level, version=version
    )


def _fits(text: str, ec_level: str, version: int) -> zxingcpp.Barcode | None:
    """The symbol at exactly this level and version, or None when the text is too long
    (a refusal costs 0.03 ms, a symbol 0.7 ms)."""
    try:
        return _encode(text, ec_level, version)
    except ValueError:
        return None


def _boosted(text: str) -> zxingcpp.Barcode:
    guess = _guesses.get(len(text))
    if guess is not None:
        barcode = _boosted_at(text, *guess)
        if barcode is not None:
            return barcode
    smallest = _encode(text, "L")
    version = (smallest.to_image(scale=1, add_quiet_zones=False).shape[0] - 17) // 4
    barcode = _boosted_at(text, version, "L", smallest) or smallest
    if len(_guesses) >= _MAX_GUESSES:
        _guesses.clear()
    _guesses[len(text)] = (version, barcode.ec_level)
    return barcode


def _boosted_at(
    text: str, version: int, level: str, known: zxingcpp.Barcode | None = None
) -> zxingcpp.Barcode | None:
    """The boosted symbol if ``version`` is the smallest the text fits, else None.

    The text must not fit one version less at L, and must fit this one at some level; from
    ``level`` (``known`` is its symbol, if made already) the level goes up while the next one
    fits, or down until one does: a level that does not fit has no higher one that does.
    """
    if version > 1 and _fits(text, "L", version - 1) is not None:
        return None
    place = EC_LEVELS.index(level)
    barcode = known or _fits(text, level, version)
    if barcode is None:
        for lower in reversed(EC_LEVELS[:place]):
            barcode = _fits(text, lower, version)
            if barcode is not None:
                return barcode
        return None
    for higher in EC_LEVELS[place + 1 :]:
        better = _fits(text, higher, version)
        if better is None:
            break
        barcode = better
    return barcode
