"""Strict ISO dates: the one date format the product accepts from users."""

from __future__ import annotations

import re
from datetime import date

from roadmap.domain.errors import InvalidInput

# date.fromisoformat also accepts "20261123" and week dates; users get one unambiguous format. ASCII digits
# only: \d alone also matches "２０２６" or "٢٠٢٦", which fromisoformat then refuses as "not a real calendar date".
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
# Wide enough for any real program, narrow enough that "+ 12 months" or "- 3 years" never leaves date's range.
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)


def parse_iso_date(text: str, what: str = "date") -> date:
    """Parse YYYY-MM-DD or raise InvalidInput naming the field."""
    value = text.strip()
    if not _ISO_DATE.fullmatch(value):
        raise InvalidInput(f"{what} {text!r} is not a date in the form YYYY-MM-DD")
    try:
        parsed = date.fromisoformat(value)
    except ValueError as error:
        raise InvalidInput(f"{what} {text!r} is not a real calendar date ({error})") from None
    if not EARLIEST <= parsed <= LATEST:
        raise InvalidInput(f"{what} {text!r} is outside the supported years {EARLIEST.year}-{LATEST.year}")
    return parsed


def days_between(start: date, end: date) -> int:
    """Whole days from start to end (0 when end is not after start)."""
    return max(0, (end - start).days)
