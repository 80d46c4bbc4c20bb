"""Site visits: which due items need someone from the state on site (a state's visits file), and a booked visit.

The cadence of each visit lives with its routine (routines.yaml) or the review cadence; this file says who goes,
for how long, and how early a visit may be booked before its due date.
"""

from __future__ import annotations

from datetime import date, timedelta
from datetime import time as clock
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from roadmap.domain.agency import Line
from roadmap.domain.names import did_you_mean
from roadmap.domain.routine import Routines

FIDELITY_REVIEW = "fidelity-review"
STATEWIDE = "statewide"


class VisitNeed(BaseModel):
    """One kind of visit: the routine (or the fidelity review) it serves, how many people and days it takes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    purpose: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=60)
    days: int = Field(strict=True, default=1, ge=1, le=5)
    people: int = Field(strict=True, default=1, ge=1, le=4)
    role: Literal["trainer", "reviewer"] = "trainer"
    # A visit may be booked from this many days before its due date (an overdue one within this many days).
    window_days: int = Field(strict=True, default=7, ge=0, le=120)
    # `statewide`: one visit a period for the whole state (the supervisors' meeting), not one per agency.
    scope: Literal["agency", "statewide"] = "agency"

    @model_validator(mode="after")
    def _check(self) -> VisitNeed:
        if self.scope == STATEWIDE and (self.days > 1 or self.people > 1):
            raise ValueError(f"{self.purpose}: a statewide visit is one trainer for one day")
        return self

    @property
    def whole_days(self) -> bool:
        """Takes whole days of everyone on it (a review), so nothing else shares those days."""
        return self.days > 1 or self.people > 1


class VisitPolicy(BaseModel):
    """A state's visits file: working days, the visiting day, and the needs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal[1]
    # Public holidays of this country, optionally with a subdivision: "US", "US-NH" (the `holidays` package's codes).
    holidays: str = Field(default="US", pattern=r"^[A-Z]{2,3}(?:-[A-Z0-9]{1,4})?$")
    day_starts: clock = clock(9, 0)
    day_ends: clock = clock(16, 0)
    # A trainer's day in one region holds this many visits (agencies near each other share a trip).
    max_visits_per_day: int = Field(strict=True, default=2, ge=1, le=4)
    # An agency and its trainers hear of a visit at least this many days ahead: a plan never books sooner, even
    # for a visit that is overdue (which it books on the first day the notice allows, and says so).
    min_notice_days: int = Field(strict=True, default=5, ge=0, le=60)
    needs: tuple[VisitNeed, ...]

    @model_validator(mode="after")
    def _check(self) -> VisitPolicy:
        if self.day_ends <= self.day_starts:
            raise ValueError("day_ends must come after day_starts")
        purposes = [need.purpose for need in self.needs]
        repeated = sorted({purpose for purpose in purposes if purposes.count(purpose) > 1})
        if repeated:
            raise ValueError(f"each purpose appears once; repeated: {', '.join(repeated)}")
        return self

    def check_purposes(self, routine_keys: tuple[str, ...]) -> None:
        """Every purpose is a routine key or the fidelity review (ValueError naming the purpose)."""
        known = (FIDELITY_REVIEW, *routine_keys)
        for need in self.needs:
            if need.purpose not in known:
                raise ValueError(
                    f"purpose {need.purpose!r} is neither a routine nor {FIDELITY_REVIEW!r}"
                    f"{did_you_mean(need.purpose, known)}"
                )

    def need(self, purpose: str) -> VisitNeed | None:
        """The need for this purpose, or None when it takes no visit."""
        return next((need for need in self.needs if need.purpose == purpose), None)

    def hours(self, slot: int, whole_day: bool) -> tuple[clock, clock]:
        """Local start and end of a visit in a slot of the day (a whole-day visit takes the whole day)."""
        if whole_day:
            return self.day_starts, self.day_ends
        start = self.day_starts.hour * 60 + self.day_starts.minute
        length = (self.day_ends.hour * 60 + self.day_ends.minute - start) // self.max_visits_per_day
        # A visit booked when days held more visits keeps the last part of today's shorter day.
        begin = start + min(slot, self.max_visits_per_day - 1) * length
        return clock(begin // 60, begin % 60), clock((begin + length) // 60, (begin + length) % 60)


def purpose_title(routines: Routines, purpose: str) -> str:
    """What a visit is for, in words: its routine's title, or the fidelity review."""
    if purpose == FIDELITY_REVIEW:
        return "Fidelity review (two reviewers on site)"
    return next((routine.title for routine in routines.routines if routine.key == purpose), purpose)


class VisitStatus(StrEnum):
    """A booked visit's state."""

    PLANNED = "planned"
    DONE = "done"
    CANCELLED = "cancelled"


class Visit(BaseModel):
    """A booked visit: who goes where on which days, for what. `agency` is None for a statewide visit."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: int | None = None
    purpose: str
    agency: str | None
    region: Line
    on: date
    days: int = Field(default=1, ge=1, le=5)
    # Which part of the day (0 = first) when a trainer's day holds several visits.
    slot: int = Field(default=0, ge=0, le=3)
    trainers: tuple[str, ...] = Field(min_length=1)
    due_on: date
    status: VisitStatus = VisitStatus.PLANNED
    done_on: date | None = None
    # Raised on every change, so a calendar program re-importing the export takes the newer version.
    sequence: int = Field(default=0, ge=0)
    # The booked trainers' contact ids (for reminders); filled by the store, never typed in.
    contacts: tuple[int, ...] = ()

    @property
    def dates(self) -> list[date]:
        """Every day the visit takes."""
        return [self.on + timedelta(days=offset) for offset in range(self.days)]

    @property
    def whole_days(self) -> bool:
        """Takes the whole of its days for everyone on it."""
        return self.days > 1 or len(self.trainers) > 1

    @property
    def where(self) -> str:
        """The agency slug, or 'statewide'."""
        return self.agency or STATEWIDE
