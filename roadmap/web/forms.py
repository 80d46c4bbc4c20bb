"""Form posts from the pages: urlencoded fields read and checked the way the CLI checks its options."""

from __future__ import annotations

import math
import re
from datetime import date
from urllib.parse import parse_qs

from roadmap.domain.dates import parse_iso_date
from roadmap.domain.errors import InvalidInput

# A form holds a few short fields; anything larger is not one of ours.
MAX_FORM_BYTES = 16_384


def fields(body: bytes) -> dict[str, str]:
    """The posted fields (the last value of a repeated one), refused when too large or not text."""
    if len(body) > MAX_FORM_BYTES:
        raise InvalidInput("the form is too large")
    try:
        parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        raise InvalidInput("the form is not UTF-8 text") from None
    return {name: values[-1].strip() for name, values in parsed.items()}


def is_quarter(text: str) -> bool:
    """A quarter's label as reminders carry it (2027Q1)."""
    return re.fullmatch(r"\d{4}Q[1-4]", text) is not None


def whole_number(form: dict[str, str], name: str, option: str) -> int:
    """A count that must be given, with the CLI option's name in the message."""
    found = optional_number(form, name, option)
    if found is None:
        raise InvalidInput(f"{option} is required")
    return found


def optional_number(form: dict[str, str], name: str, option: str) -> int | None:
    """A count that may be left empty."""
    text = form.get(name, "")
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise InvalidInput(f"{option} {text[:20]!r} is not a whole number") from None


def optional_hours(form: dict[str, str], name: str, option: str) -> float | None:
    """A number of hours that may be left empty (the use case checks its range)."""
    text = form.get(name, "")
    if not text:
        return None
    try:
        hours = float(text)
    except ValueError:
        raise InvalidInput(f"{option} {text[:20]!r} is not a number") from None
    if not math.isfinite(hours):
        raise InvalidInput(f"{option} {text[:20]!r} is not a number")
    return hours


def day(form: dict[str, str], name: str, option: str, default: date | None = None) -> date:
    """A date field (YYYY-MM-DD); the default when left empty, or refused when there is none."""
    text = form.get(name, "")
    if text:
        return parse_iso_date(text, option)
    if default is None:
        raise InvalidInput(f"{option} is required")
    return default


def scores(form: dict[str, str]) -> list[tuple[object, object]]:
    """The (item, score) pairs a review form gives: fields item-1 .. item-25, unanswered ones left out."""
    return [(name.removeprefix("item-"), value) for name, value in form.items() if name.startswith("item-") and value]


def reviewers(form: dict[str, str]) -> list[str]:
    """The reviewer names typed in (reviewer_1, reviewer_2), blanks left out."""
    return [form[name] for name in ("reviewer_1", "reviewer_2") if form.get(name)]
