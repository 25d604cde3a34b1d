"""Translations written into templates as they compile: the Jinja extension.

``_("text")`` becomes the translated text. ``_("text %(n)s", n=x)`` becomes the translated
text ``% {"n": x}``, so only the formatting is left for rendering; ``ngettext`` and calls of
anything but string literals still translate while rendering. The page is the same as
before: Jinja's new-style gettext marks a translation safe when autoescaping and always
formats it with ``%`` (escaping the values), and so does this.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from flask_babel import force_locale, get_translations
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream
from markupsafe import Markup

TRANSLATION_CALLS = frozenset({"_", "gettext"})
Translate = Callable[[str], str]
OPENING, CLOSING = ("lparen", "lbracket", "lbrace"), ("rparen", "rbracket", "rbrace")


class FixedTextTranslations(Extension):
    """Writes each ``_("constant", ...)`` call's translation into the template as it compiles,
    for the language of its environment (``LanguageEnvironment``'s overlays)."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        language = getattr(self.environment, "language", None)
        tokens = list(stream)
        if language is None:
            return iter(tokens)
        with force_locale(language):
            catalogue = get_translations()
        autoescape = self.environment.autoescape
        is_markup = autoescape(stream.name) if callable(autoescape) else bool(autoescape)
        return iter(_translated(tokens, catalogue.ugettext, is_markup))


@dataclass(frozen=True)
class _Call:
    """A translation call of string literals: its text, keyword arguments, line, last token."""

    message: str
    arguments: list[tuple[str, list[Token]]]
    lineno: int
    end: int


def _translated(tokens: list[Token], translate: Translate, is_markup: bool) -> list[Token]:
    result: list[Token] = []
    index = 0
    while index < len(tokens):
        call = _translation_call(tokens, index)
        replacement = _replacement(call, translate, is_markup) if call else None
        if call is None or replacement is None:
            result.append(tokens[index])
            index += 1
        else:
            result.extend(replacement)
            index = call.end + 1
    return result


def _translation_call(tokens: list[Token], index: int) -> _Call | None:
    """The call ``_("text" ...[, name=value ...])`` starting at ``index``, if one does."""
    token = tokens[index]
    if token.type != "name" or token.value not in TRANSLATION_CALLS:
        return None
    if index > 0 and tokens[index - 1].type == "dot":  # an attribute, not the function
        return None
    position = index + 1
    if position >= len(tokens) or tokens[position].type != "lparen":
        return None
    position += 1
    strings_start = position
    while position < len(tokens) and tokens[position].type == "string":
        position += 1
    if position == strings_start or position >= len(tokens):
        return None
    message = "".join(str(part.value) for part in tokens[strings_start:position])
    arguments: list[tuple[str, list[Token]]] = []
    while tokens[position].type == "comma":
        position += 1
        if position < len(tokens) and tokens[position].type == "rparen":
            break  # a trailing comma
        argument = _keyword_argument(tokens, position)
        if argument is None:
            return None
        name, value, position = argument
        arguments.append((name, value))
        if position >= len(tokens):
            return None
    if tokens[position].type != "rparen":
        return None
    return _Call(message, arguments, token.lineno, position)


def _keyword_argument(tokens: list[Token], position: int) -> tuple[str, list[Token], int] | None:
    """``name=value`` at ``position``: the name, the value's tokens, the position after it."""
    if position + 2 >= len(tokens):
        return None
    if tokens[position].type != "name" or tokens[position + 1].type != "assign":
        return None
    name, position, depth, start = str(tokens[position].value), position + 2, 0, position + 2
    while position < len(tokens):
        kind = tokens[position].type
        if depth == 0 and kind in ("comma", "rparen"):
            break
        depth += kind in OPENING
        depth -= kind in CLOSING
        position += 1
    return (name, tokens[start:position], position) if position > start else None


def _replacement(call: _Call, translate: Translate, is_markup: bool) -> list[Token] | None:
    """The tokens that give what Jinja's new-style ``gettext`` would, translated now."""
    translation, lineno = translate(call.message), call.lineno
    if not call.arguments:
        try:  # formatted with no values, as Jinja does: "%%" is a percent sign
            text = Markup(translation) % {} if is_markup else translation % {}  # noqa: S704
        except (TypeError, ValueError, KeyError):  # it fails as it would while rendering
            return None
        return _literal(lineno, text, is_markup)
    values: list[Token] = [Token(lineno, "lbrace", "{")]
    for name, value in call.arguments:
        values += [Token(lineno, "string", name), Token(lineno, "colon", ":"), *value]
        values.append(Token(lineno, "comma", ","))
    values.append(Token(lineno, "rbrace", "}"))
    return [
        Token(lineno, "lparen", "("),
        *_literal(lineno, translation, is_markup),
        Token(lineno, "mod", "%"),
        *values,
        Token(lineno, "rparen", ")"),
    ]


def _literal(lineno: int, text: str, is_markup: bool) -> list[Token]:
    """``("text"|safe)`` where the translation would have been marked safe, else ``"text"``."""
    if not is_markup:
        return [Token(lineno, "string", text)]
    return [
        Token(lineno, "lparen", "("),
        Token(lineno, "string", str(text)),
        Token(lineno, "pipe", "|"),
        Token(lineno, "name", "safe"),
        Token(lineno, "rparen", ")"),
    ]
