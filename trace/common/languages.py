"""The languages of the site and its documents: Vietnamese first, English on request."""

from __future__ import annotations

LANGUAGES = ("vi", "en")
LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}
DEFAULT_LANGUAGE = "vi"
