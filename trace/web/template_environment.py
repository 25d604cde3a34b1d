"""The Jinja environment: each language's templates compiled with their translations in.

A page holds dozens of ``_("...")`` calls. Translated while rendering, each one goes through
Jinja's call machinery, Flask-Babel's locale and the catalogue: about a third of a
millisecond on the public label page, the busiest page of the platform. So each language
has its own copy of every template, compiled with its translations written in
(``trace/web/template_translation.py``) and its label dicts translated once.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any, TypeGuard

from flask.sansio.app import App
from flask.templating import Environment
from flask_babel import force_locale, get_locale
from flask_babel.speaklater import LazyString
from jinja2 import Template

from trace.web.template_translation import FixedTextTranslations

TEMPLATE_CACHE_SIZE = 400  # Jinja's own default, for each language


class LanguageEnvironment(Environment):
    """Flask's environment, handing out templates compiled for the language in force.

    Each language gets an overlay of this environment (same loader, globals and filters,
    its own template cache) whose templates are compiled with their translations written in.
    Outside a request or app context the templates translate while rendering, as Jinja's.
    """

    language: str | None = None  # set on each language's overlay

    def __init__(self, app: App, **options: Any) -> None:
        super().__init__(app, **options)
        self._by_language: dict[str, LanguageEnvironment] = {}
        self._labels: dict[str, dict[Any, str]] | None = None

    def get_template(
        self,
        name: str | Template,
        parent: str | None = None,
        globals: MutableMapping[str, Any] | None = None,
    ) -> Template:
        if self.language is None and isinstance(name, str):
            locale = get_locale()
            if locale is not None:
                return self._for_language(str(locale)).get_template(name, parent, globals)
        return super().get_template(name, parent, globals)

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """A template's globals: the environment's, its label dicts translated for the
        language, then the template's own.

        A plain dict rather than Jinja's ``ChainMap``: every render copies the globals and
        every ``{% import %}`` compares their keys, several microseconds each through a
        ``ChainMap``. Every global is set while the app is built, before a template loads.
        """
        return {**self.globals, **self._translated_labels(), **(d or {})}

    def _translated_labels(self) -> dict[str, dict[Any, str]]:
        """Each global mapping keys to lazy translations (``lazy_gettext``), translated
        once for this environment's language: a lazy string looks its language up anew
        each time it is shown."""
        if self.language is None:
            return {}
        if self._labels is None:
            with force_locale(self.language):
                self._labels = {
                    name: {key: str(label) for key, label in value.items()}
                    for name, value in self.globals.items()
                    if _is_label_dict(value)
                }
        return self._labels

    def _for_language(self, language: str) -> LanguageEnvironment:
        overlay = self._by_language.get(language)
        if overlay is None:
            overlay = self.overlay(
                cache_size=TEMPLATE_CACHE_SIZE, extensions=[FixedTextTranslations]
            )
            overlay.language = language
            self._by_language[language] = overlay
        return overlay


def _is_label_dict(value: object) -> TypeGuard[dict[Any, LazyString]]:
    # type(), not isinstance(): isinstance would resolve a proxy among the globals, and
    # current_user's would look the visitor up while a template loads.
    return (
        type(value) is dict
        and bool(value)
        and all(isinstance(label, LazyString) for label in value.values())
    )
