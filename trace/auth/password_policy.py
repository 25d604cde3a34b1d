"""What a new password must be: long, not common, not made of the person's email or name.

Commonness is judged by zxcvbn (Dropbox's estimator, kept as the ``zxcvbn`` package): it
knows the 30,000 most common leaked passwords, English words, names, keyboard runs,
repeats, sequences and dates, and how many guesses each costs, so ``aaaaaaaaaaaa``,
``123456789012`` and ``password1234`` fail while a long phrase passes.
"""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200
# zxcvbn's score: 3 is "safely unguessable" (about 10^10 guesses), what an offline attack
# on an argon2id hash cannot reach.
MIN_SCORE = 3
# zxcvbn's cost grows with length; past the first 64 characters a password is long enough.
_SCORED_LENGTH = 64
# A shorter local part ("lan@...") is too common a word to refuse inside a password.
_MIN_PERSONAL_LENGTH = 4


def password_problem(password: str, *, email: str, display_name: str = "") -> str | None:
    """Why this password may not be used, in the user's language, or None when it may."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return str(_l("Use at least %(count)d characters.", count=MIN_PASSWORD_LENGTH))
    if len(password) > MAX_PASSWORD_LENGTH:
        return str(_l("Use at most %(count)d characters.", count=MAX_PASSWORD_LENGTH))
    compact = _compact(password)
    if any(word in compact for word in personal_words(email, display_name)):
        return str(_l("The password may not contain your email or your name."))
    # The name's single words only weaken the score: "Văn" or "Thị" alone may stay.
    hints = [*personal_words(email, display_name), *map(_plain, display_name.split())]
    if zxcvbn(password[:_SCORED_LENGTH], user_inputs=hints)["score"] < MIN_SCORE:
        return str(
            _l(
                "This password is too common or too easy to guess. Use a few unrelated words "
                "or a longer sentence."
            )
        )
    return None


def personal_words(email: str, display_name: str) -> list[str]:
    """What a password may not contain: the email, its local part and the whole name, each
    compared without marks, case, spaces or punctuation."""
    words = {_compact(word) for word in (email, email.split("@", 1)[0], display_name)}
    return sorted(word for word in words if len(word) >= _MIN_PERSONAL_LENGTH)


def _compact(text: str) -> str:
    return "".join(character for character in _plain(text) if character.isalnum())


def _plain(text: str) -> str:
    """Lower case without Vietnamese marks: people type ``nguyenvan`` for ``Nguyễn Văn``."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return "".join(character for character in decomposed if not unicodedata.combining(character))
