"""Routines: the roadmap's recurring work (meetings, trainer visits, quarterly reports) as data, and their dates.

A routine belongs to one stage. It runs from the day a stage starts (`starts_with`) until another stage is
completed (`ends_with`), or for as long as the program runs when `ends_with` is empty. Each time it is done
(`ips-roadmap routine done`) the next occurrence moves on; nothing is stored about what is owed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Annotated, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, model_validator

from roadmap.domain.cadence import add_months
from roadmap.domain.due import DueKind
from roadmap.domain.errors import NotFound
from roadmap.domain.names import did_you_mean

# Kinds a routine may make due; reviews, checklist items and action plans have their own rules.
ROUTINE_KINDS = (DueKind.MEETING, DueKind.VISIT, DueKind.OUTCOME_REPORT)
# ASCII digits only, as for dates: int() would read fullwidth or Arabic-Indic digits as a year too.
_QUARTER = re.compile(r"([0-9]{4})Q([1-4])")


class Occurrence(NamedTuple):
    """One time a routine was done; a quarterly report also names the quarter it covers ('2026Q4')."""

    on: date
    period: str | None = None


class Routine(BaseModel):
    """One recurring obligation: what, for which stage, how often."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    key: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=60)
    kind: DueKind
    title: str = Field(min_length=1, max_length=200)
    stage: str
    starts_with: str | None = None  # defaults to `stage`
    ends_with: str | None = None
    every_days: int | None = Field(default=None, strict=True, ge=1, le=366)
    every_months: int | None = Field(default=None, strict=True, ge=1, le=36)
    # Where a routine slows down once the agency's latest review reaches good fidelity (steering team).
    every_months_at_good_fidelity: int | None = Field(default=None, strict=True, ge=1, le=36)
    # Calendar-quarter reports: due this many days after each quarter ends.
    quarterly_due_days: int | None = Field(default=None, strict=True, ge=1, le=120)
    # Who holds it: the agency, or the state team for every agency (agencies are invited, the state is chased).
    run_by: Literal["agency", "state"] = "agency"
    # What the reader of a reminder gets ready, in their words (default: the first tools of its stage).
    prepare: tuple[Annotated[str, Field(min_length=1, max_length=200)], ...] = Field(default=(), max_length=6)

    @model_validator(mode="after")
    def _check(self) -> Routine:
        if self.kind not in ROUTINE_KINDS:
            raise ValueError(f"kind must be one of {', '.join(kind.value for kind in ROUTINE_KINDS)}")
        periods = [self.every_days, self.every_months, self.quarterly_due_days]
        if sum(value is not None for value in periods) != 1:
            raise ValueError("give exactly one of every_days, every_months or quarterly_due_days")
        if self.every_months_at_good_fidelity is not None and self.every_months is None:
            raise ValueError("every_months_at_good_fidelity needs every_months")
        return self

    @property
    def start_stage(self) -> str:
        """The stage whose start starts the routine."""
        return self.starts_with or self.stage

    def months_at(self, good_fidelity: bool) -> int | None:
        """Months between occurrences at this fidelity standing; None for routines counted in days or quarters."""
        slower = self.every_months_at_good_fidelity
        return slower if good_fidelity and slower else self.every_months

    @property
    def cadence(self) -> str:
        """How often, in words: 'every 3 months (6 at good fidelity)'."""
        if self.quarterly_due_days is not None:
            return f"each calendar quarter, due {self.quarterly_due_days} days after it ends"
        if self.every_days is not None:
            return f"every {self.every_days} days"
        slower = self.every_months_at_good_fidelity
        return f"every {self.every_months} months" + (f" ({slower} at good fidelity)" if slower else "")


class Routines(BaseModel):
    """A state's routines file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal[1]
    routines: tuple[Routine, ...]

    @model_validator(mode="after")
    def _unique(self) -> Routines:
        keys = [routine.key for routine in self.routines]
        repeated = sorted({key for key in keys if keys.count(key) > 1})
        if repeated:
            raise ValueError(f"routine keys must be unique; repeated: {', '.join(repeated)}")
        return self

    def get(self, key: str) -> Routine:
        """The routine with this key."""
        for routine in self.routines:
            if routine.key == key:
                return routine
        keys = [routine.key for routine in self.routines]
        raise NotFound(f"unknown routine {key!r}{did_you_mean(key, keys)}; routines are: {', '.join(keys)}")

    def check_stages(self, stage_keys: tuple[str, ...]) -> None:
        """Every stage a routine names exists, and none ends before it starts (ValueError naming the routine)."""
        for routine in self.routines:
            for field, value in (
                ("stage", routine.stage),
                ("starts_with", routine.starts_with),
                ("ends_with", routine.ends_with),
            ):
                if value is not None and value not in stage_keys:
                    raise ValueError(
                        f"routine {routine.key!r}: {field} {value!r} is not a stage{did_you_mean(value, stage_keys)}"
                    )
            if routine.ends_with and stage_keys.index(routine.ends_with) < stage_keys.index(routine.start_stage):
                raise ValueError(
                    f"routine {routine.key!r}: ends_with {routine.ends_with!r} comes before the stage it starts with"
                )

    def of_stage(self, stage: str) -> tuple[Routine, ...]:
        """The routines a stage owns."""
        return tuple(routine for routine in self.routines if routine.stage == stage)


def quarter_of(day: date) -> tuple[int, int]:
    """(year, quarter 1-4) of a date."""
    return day.year, (day.month - 1) // 3 + 1


def quarter_end(year: int, quarter: int) -> date:
    """The last day of a calendar quarter."""
    first_of_next = date(year + quarter // 4, quarter % 4 * 3 + 1, 1)
    return first_of_next - timedelta(days=1)


def quarter_label(year: int, quarter: int) -> str:
    """'2027Q1'."""
    return f"{year}Q{quarter}"


def quarter_start(year: int, quarter: int) -> date:
    """The first day of a calendar quarter."""
    return date(year, quarter * 3 - 2, 1)


def parse_quarter_label(text: str) -> tuple[int, int]:
    """(year, quarter) from '2026Q4' (case-insensitive); ValueError for anything else."""
    found = _QUARTER.fullmatch(text.strip().upper())
    if not found or not 1900 <= int(found[1]) <= 2999:
        raise ValueError(f"{text!r} is not a quarter such as 2026Q4")
    return int(found[1]), int(found[2])


def last_ended_quarter(day: date) -> tuple[int, int]:
    """The latest calendar quarter that ended before this day."""
    return _previous_quarter(*quarter_of(day))


def _previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def _next_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year, quarter + 1) if quarter < 4 else (year + 1, 1)


def next_occurrence(
    routine: Routine,
    *,
    since: date,
    done: Iterable[Occurrence],
    good_fidelity: bool,
    as_of: date,
    tracked_from: date | None = None,
) -> tuple[str, date]:
    """The next occurrence's (period label, due date) for a routine running since a date.

    Interval routines fall due one interval after the latest time they were done, or, before the first, after
    `since` (or `tracked_from`, the day a database began tracking routines, when that is later). Quarterly
    reports cover whole quarters that began on or after `since` (and end on or after `tracked_from`): the latest
    one that has ended, until a report for that quarter is recorded; then the next. Once a later quarter ends,
    it is the one chased.
    """
    recorded = [occurrence for occurrence in done if since <= occurrence.on <= as_of]
    if routine.quarterly_due_days is not None:
        reported = {occurrence.period for occurrence in recorded}
        quarter = last_ended_quarter(as_of)
        if report_due(routine, quarter, since, tracked_from) is None or quarter_label(*quarter) in reported:
            quarter = _next_quarter(*quarter)
        while (due := report_due(routine, quarter, since, tracked_from)) is None:
            quarter = _next_quarter(*quarter)
        return quarter_label(*quarter), due
    base = max((occurrence.on for occurrence in recorded), default=max(since, tracked_from or since))
    if routine.every_days is not None:
        due = base + timedelta(days=routine.every_days)
    else:
        months = routine.months_at(good_fidelity)
        assert months is not None  # exactly one period is set (checked on load)
        due = add_months(base, months)
    return due.isoformat(), due


def report_due(
    routine: Routine, quarter: tuple[int, int], since: date, tracked_from: date | None = None
) -> date | None:
    """When a quarterly report for this quarter is due, or None when it is not owed.

    Owed for whole quarters that began on or after `since` and ended on or after `tracked_from`.
    """
    if routine.quarterly_due_days is None or quarter_start(*quarter) < since:
        return None
    if tracked_from is not None and quarter_end(*quarter) < tracked_from:
        return None
    return quarter_end(*quarter) + timedelta(days=routine.quarterly_due_days)
