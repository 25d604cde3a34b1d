"""The errors the label library raises: one family, so a caller can catch ``LabelError``."""

from __future__ import annotations


class LabelError(ValueError):
    """Base of every error of ``labels``; a ValueError because each is caused by bad input."""


class LayoutError(LabelError):
    """Raised when a layout's sizes are not positive, too small for a QR code, or off the page."""


class MarginError(LayoutError):
    """Raised when a sheet's printable margin leaves a label at its edge too little room."""


class ContentError(LabelError):
    """Raised when a label's content cannot be drawn: an empty code, one too long for a QR code,
    an empty title, or OCOP stars outside 1 to 5."""
