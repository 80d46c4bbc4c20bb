"""An agency on the roadmap and the facts recorded about its progress (agency-level only, no client data)."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Annotated, NamedTuple
from zoneinfo import available_timezones

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from roadmap.domain.names import SLUG_PATTERN, printable

# One-line text typed by people: names, regions, notes.
Line = Annotated[str, AfterValidator(printable)]


@cache
def _timezones() -> frozenset[str]:
    # Read the timezone database once, when first needed rather than at import.
    return frozenset(available_timezones())


def known_timezone(value: str) -> str:
    """The value, if it names an IANA timezone."""
    if value not in _timezones():
        raise ValueError(f"{value!r} is not an IANA timezone such as America/Chicago")
    return value


class StageProgress(BaseModel):
    """A stage that has started: when, and whether and how it was completed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    started_on: date
    completed_on: date | None = None
    forced: bool = False
    note: Line | None = None
    # A gate the agency had passed before the state began tracking it (a program that already ran): completed,
    # but not by a recorded checklist or a forced completion, and kept out of the stage-duration measures.
    before_tracking: bool = False


class Agency(BaseModel):
    """A mental-health agency: who it is, and which stages and checklist items it has reached."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    slug: str = Field(pattern=f"^{SLUG_PATTERN}$", max_length=80)
    name: Line = Field(min_length=1, max_length=200)
    region: Line = Field(min_length=1, max_length=120)
    timezone: str
    joined_on: date
    launched_on: date | None = None
    # The day the state began tracking an agency that was already on its way (None: since it joined). Nothing
    # is overdue for what happened before it: checklist norms, routines, stalls and reviews count from it.
    tracked_from: date | None = None
    # The day it left the roadmap, and why: no reminders or visits from then on; its history stays.
    archived_on: date | None = None
    archive_reason: Line | None = Field(default=None, max_length=300)
    stages: dict[str, StageProgress] = Field(default_factory=dict)
    checklist: dict[str, date] = Field(default_factory=dict)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        return known_timezone(value)

    def progress(self, stage_key: str) -> StageProgress | None:
        """The stage's progress, or None when it has not started."""
        return self.stages.get(stage_key)

    def on_roadmap(self, as_of: date) -> bool:
        """Not yet archived on this day (an agency archived later was still on the roadmap then)."""
        return still_on(self.archived_on, as_of)

    def counted_from(self, day: date) -> date:
        """A day the roadmap counts from (a stage's start, the launch), moved up to the day tracking began."""
        return max(day, self.tracked_from) if self.tracked_from else day


def still_on(archived_on: date | None, as_of: date) -> bool:
    """An agency that left on `archived_on` (None: it has not) was still on the roadmap on as_of."""
    return archived_on is None or as_of < archived_on


class Placed(NamedTuple):
    """An agency as the overview counts it: enough to order, filter and count, and its active gate with the days
    they count towards a stall. `kept` says the gate was read from the rows kept with the day's due list (or
    worked out since); where it is False the gate is not known yet and must be worked out from the stages."""

    slug: str
    name: str
    region: str
    launched_on: date | None
    archived_on: date | None
    kept: bool
    stage: str | None  # None when no gate is active (or not known)
    days: int | None

    def on_roadmap(self, as_of: date) -> bool:
        """Not yet archived on this day (as `Agency.on_roadmap`)."""
        return still_on(self.archived_on, as_of)

    def launched_by(self, as_of: date) -> bool:
        """Launched IPS services on or before this day."""
        return self.launched_on is not None and self.launched_on <= as_of


class Launched(NamedTuple):
    """A launched agency as the list of reviews due reads it, with its latest review held by then (if any)."""

    slug: str
    name: str
    launched_on: date
    tracked_from: date | None
    archived_on: date | None
    last_review: date | None
    last_total: int | None
