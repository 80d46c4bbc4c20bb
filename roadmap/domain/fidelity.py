"""The IPS Supported Employment Fidelity Scale (25 items), scoring and bands."""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from roadmap.domain.errors import InvalidInput

ITEM_COUNT = 25
# ASCII digits only: str.isdigit() also accepts "²" or "٢", which int() then rejects or misreads.
_SMALL_NUMBER = re.compile(r"[0-9]{1,3}")
LOWEST_SCORE, HIGHEST_SCORE = 1, 5
GOOD_FIDELITY = 100
# The lowest and highest possible totals of the 25 items.
MIN_TOTAL, MAX_TOTAL = ITEM_COUNT * LOWEST_SCORE, ITEM_COUNT * HIGHEST_SCORE


class Band(StrEnum):
    """Public band keys of a review total."""

    EXEMPLARY = "exemplary"
    GOOD = "good"
    FAIR = "fair"
    NOT_IPS = "not-ips"


# Lowest total of each band, highest band first (totals run 25..125).
_BAND_FLOORS: tuple[tuple[int, Band], ...] = (
    (115, Band.EXEMPLARY),
    (100, Band.GOOD),
    (74, Band.FAIR),
    (25, Band.NOT_IPS),
)


def band_for(total: int) -> Band:
    """The band of a total between 25 and 125."""
    if not ITEM_COUNT * LOWEST_SCORE <= total <= ITEM_COUNT * HIGHEST_SCORE:
        raise ValueError(f"a total must be between 25 and 125, got {total}")
    return next(band for floor, band in _BAND_FLOORS if total >= floor)


def is_good_fidelity(total: int) -> bool:
    """Good fidelity means a total of 100 or more."""
    return total >= GOOD_FIDELITY


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Section(_Frozen):
    """Staffing, organization or services, with its first and last item number."""

    key: Literal["staffing", "organization", "services"]
    title: str = Field(min_length=1)
    items: tuple[int, int]


class FidelityItem(_Frozen):
    """One item of the scale: what a 5 looks like, and a first step for an agency scoring lower."""

    number: int = Field(strict=True, ge=1, le=ITEM_COUNT)
    section: Literal["staffing", "organization", "services"]
    name: str = Field(min_length=1, max_length=60)
    criterion: str = Field(min_length=1)
    suggested_step: str = Field(min_length=1)


class FidelityScale(_Frozen):
    """The 25 items in order, each in its section."""

    version: Literal[1]
    title: str = Field(min_length=1)
    sections: tuple[Section, ...]
    items: tuple[FidelityItem, ...]

    @model_validator(mode="after")
    def _check_shape(self) -> FidelityScale:
        numbers = [item.number for item in self.items]
        if numbers != list(range(1, ITEM_COUNT + 1)):
            raise ValueError(f"items must be numbered 1..{ITEM_COUNT} in order")
        expected = {"staffing": (1, 3), "organization": (4, 11), "services": (12, 25)}
        if {section.key: section.items for section in self.sections} != expected:
            raise ValueError("sections must be staffing 1-3, organization 4-11, services 12-25")
        for item in self.items:
            first, last = expected[item.section]
            if not first <= item.number <= last:
                raise ValueError(f"item {item.number} is not in section {item.section!r}")
        return self

    def item(self, number: int) -> FidelityItem:
        """The item with this number (1..25)."""
        return self.items[number - 1]


def validate_scores(pairs: Iterable[tuple[object, object]]) -> dict[int, int]:
    """Exactly one integer score 1..5 for each of the 25 items, or InvalidInput naming the first problem.

    Takes (item, score) pairs rather than a mapping so that an item given twice is caught, not collapsed.
    """
    scores: dict[int, int] = {}
    for key, value in pairs:
        text = str(key).strip()
        if not _SMALL_NUMBER.fullmatch(text) or not 1 <= int(text) <= ITEM_COUNT:
            raise InvalidInput(f"item {str(key)[:20]!r} is not an item number between 1 and {ITEM_COUNT}")
        number = int(text)
        if number in scores:
            raise InvalidInput(f"item {number} is scored more than once")
        scores[number] = _score(number, value)
    missing = [str(number) for number in range(1, ITEM_COUNT + 1) if number not in scores]
    if missing:
        raise InvalidInput(f"scores are missing for item(s) {', '.join(missing)}; all {ITEM_COUNT} are needed")
    return dict(sorted(scores.items()))


def _score(number: int, value: object) -> int:
    if isinstance(value, bool):  # JSON true would otherwise pass as 1
        raise InvalidInput(f"item {number}: score {value!r} is not a whole number from 1 to 5")
    if isinstance(value, str) and _SMALL_NUMBER.fullmatch(value.strip()):
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or not LOWEST_SCORE <= value <= HIGHEST_SCORE:
        shown = repr(value) if len(repr(value)) <= 20 else repr(value)[:20] + "..."
        raise InvalidInput(f"item {number}: score {shown} is not a whole number from 1 to 5")
    return value
