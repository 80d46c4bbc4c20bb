"""Agency slugs and close-match suggestions for mistyped keys."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

SLUG_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_SLUG = re.compile(SLUG_PATTERN)
MAX_SLUG_LENGTH = 80


def slugify(name: str) -> str:
    """Lower-case ASCII words joined by hyphens: 'Riverbend Mental Health' -> 'riverbend-mental-health'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:MAX_SLUG_LENGTH].rstrip("-")


def is_slug(text: str) -> bool:
    """True when text is a well-formed slug."""
    return len(text) <= MAX_SLUG_LENGTH and _SLUG.fullmatch(text) is not None


# Cc: tabs, NULs, newlines, NEL. Zl, Zp: the line and paragraph separators U+2028 and U+2029, at which
# str.splitlines() and JavaScript break lines too.
_NOT_ON_ONE_LINE = frozenset({"Cc", "Zl", "Zp"})


def printable(value: str) -> str:
    """Refuse control characters and line breaks (tabs, NULs, newlines, U+2028) in one-line text such as names."""
    if any(unicodedata.category(character) in _NOT_ON_ONE_LINE for character in value):
        raise ValueError("must not contain control characters such as tabs or line breaks")
    return value


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean X?)' hint, or '' when nothing is close."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {matches[0]!r}?)" if matches else ""
