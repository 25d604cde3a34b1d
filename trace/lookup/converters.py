"""The ``compressed`` URL converter: a root segment that is a compressed GS1 Digital Link URI.

Only a segment that decompresses to a label path matches: any other one-segment URL
(``/no-such-page``, ``/metrics`` without its token) stays an unknown URL, a plain 404
counted as unmatched, instead of being taken for a broken compressed URI.
"""

from __future__ import annotations

from werkzeug.routing import BaseConverter, ValidationError

from trace.lookup.compression import UnreadableCompressedURI, decompressed


class CompressedConverter(BaseConverter):
    """A path segment of 8 or more base64url characters that decompresses to a label path,
    as a compressed URI has at the root (``/CxBAe2Jvog...``)."""

    regex = "[A-Za-z0-9_-]{8,}"

    def to_python(self, value: str) -> str:
        try:
            decompressed(value)
        except UnreadableCompressedURI as error:
            raise ValidationError() from error
        return value
