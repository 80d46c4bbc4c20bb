"""Stages of Implementation Completion measures: duration, proportion done, furthest stage reached."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from roadmap.domain.agency import Agency
from roadmap.domain.dates import days_between
from roadmap.domain.definition import Roadmap, StageDefinition, StageKind


class StageStatus(StrEnum):
    """Where an agency stands on one stage."""

    NOT_STARTED = "not-started"
    ACTIVE = "active"
    COMPLETED = "completed"


class ItemStanding(NamedTuple):
    """One checklist item and the date it was done, if it was (a tuple: thousands are built per listing)."""

    key: str
    text: str
    done_on: date | None


class StageStanding(NamedTuple):
    """One stage of one agency, measured as of a date (a tuple: a listing of ten thousand agencies builds a hundred
    thousand, and a frozen dataclass's __init__ sets each field through object.__setattr__)."""

    key: str
    title: str
    kind: StageKind
    status: StageStatus
    started_on: date | None
    completed_on: date | None
    duration_days: int | None
    checklist: tuple[ItemStanding, ...]
    forced: bool
    note: str | None
    # Passed before the state began tracking the agency: completed, with no duration of its own to measure.
    before_tracking: bool = False

    @property
    def checklist_done(self) -> int:
        """Items done, however the stage ended."""
        return sum(1 for item in self.checklist if item.done_on is not None)

    @property
    def checklist_total(self) -> int:
        """Items in the stage's checklist."""
        return len(self.checklist)

    @property
    def open_items(self) -> tuple[str, ...]:
        """Keys of the items not done yet."""
        return tuple(item.key for item in self.checklist if item.done_on is None)


@dataclass(frozen=True)
class Standing:
    """An agency's whole position on the roadmap as of a date."""

    agency: Agency
    as_of: date
    stages: tuple[StageStanding, ...]

    @property
    def current_stage(self) -> str | None:
        """The active gate stage, or None once all seven are completed."""
        for stage in self.stages:
            if stage.kind is StageKind.GATE and stage.status is StageStatus.ACTIVE:
                return stage.key
        return None

    @property
    def gates_completed(self) -> int:
        """How many of the seven gate stages are completed."""
        return sum(1 for s in self.stages if s.kind is StageKind.GATE and s.status is StageStatus.COMPLETED)

    @property
    def furthest_stage(self) -> str | None:
        """The furthest gate stage reached by as_of (None before the agency joined): the SIC 'final stage'."""
        reached = [s.key for s in self.stages if s.kind is StageKind.GATE and s.status is not StageStatus.NOT_STARTED]
        return reached[-1] if reached else None

    @property
    def launched_on(self) -> date | None:
        """The launch date, if the agency had launched by as_of."""
        return _by(self.agency.launched_on, self.as_of)

    def stage(self, key: str) -> StageStanding:
        """The standing of one stage."""
        return next(stage for stage in self.stages if stage.key == key)


def standing(agency: Agency, roadmap: Roadmap, as_of: date, *, items: bool = True) -> Standing:
    """Measure every stage as of a date: what had happened by then, and nothing recorded for later.

    `items=False` leaves the checklists out (stage statuses and durations only): a matrix of a thousand agencies,
    or the median time other agencies took, needs no checklist.
    """
    stages = []
    marks = agency.checklist
    for definition in roadmap.stages:
        progress = agency.progress(definition.key)
        checklist: tuple[ItemStanding, ...] = ()
        if items:
            keys, blank = _unmarked(definition)
            checklist = (
                blank
                if keys.isdisjoint(marks)
                else tuple(
                    ItemStanding(item.key, item.text, _by(marks.get(item.key), as_of)) for item in definition.checklist
                )
            )
        started = _by(progress.started_on, as_of) if progress else None
        completed = _by(progress.completed_on, as_of) if progress and started else None
        if started is None:
            status, duration = StageStatus.NOT_STARTED, None
        elif completed is None:
            status, duration = StageStatus.ACTIVE, days_between(started, as_of)
        elif progress and progress.before_tracking:
            # Its dates only say it was passed by then: kept out of durations, medians and stalls.
            status, duration = StageStatus.COMPLETED, None
        else:
            # A stage entered before tracking began is measured from that day: the years before it are not the
            # stage's to carry into the medians other agencies are held to.
            status, duration = StageStatus.COMPLETED, days_between(agency.counted_from(started), completed)
        stages.append(
            StageStanding(
                key=definition.key,
                title=definition.title,
                kind=definition.kind,
                status=status,
                started_on=started,
                completed_on=completed,
                duration_days=duration,
                checklist=checklist,
                forced=bool(progress and completed and progress.forced),
                note=progress.note if progress and completed else None,
                before_tracking=bool(progress and completed and progress.before_tracking),
            )
        )
    return Standing(agency=agency, as_of=as_of, stages=tuple(stages))


# Per stage definition: its checklist's keys, and its items with none done. Most stages of most agencies have no
# item ticked, and a list of ten thousand agencies would build six hundred thousand identical tuples for them.
_UNMARKED: dict[int, tuple[StageDefinition, frozenset[str], tuple[ItemStanding, ...]]] = {}


def _unmarked(definition: StageDefinition) -> tuple[frozenset[str], tuple[ItemStanding, ...]]:
    """The stage's checklist keys and its items with none done (shared: a tuple cannot be changed)."""
    found = _UNMARKED.get(id(definition))
    if found is None or found[0] is not definition:  # the definition is kept, so its id cannot be reused
        if len(_UNMARKED) > 256:  # roadmaps loaded and dropped (tests, a settings reload): keep it small
            _UNMARKED.clear()
        keys = frozenset(item.key for item in definition.checklist)
        found = (definition, keys, tuple(ItemStanding(item.key, item.text, None) for item in definition.checklist))
        _UNMARKED[id(definition)] = found
    return found[1], found[2]


def _by(day: date | None, as_of: date) -> date | None:
    """The date if it had come by as_of; facts recorded for later dates do not exist yet."""
    return day if day is not None and day <= as_of else None
