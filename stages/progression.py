"""The progression rules: enrol, tick checklist items, complete gates, launch — each returns the new state.

Every function is pure: it takes the agency as recorded and the date it runs for (`as_of`), and returns the
changed agency plus the events that describe the change. A refused change raises a RoadmapError whose
message names the problem; nothing is returned, so nothing can be half-applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from roadmap.domain.agency import Agency, StageProgress
from roadmap.domain.definition import Roadmap, StageKind
from roadmap.domain.errors import InvalidInput, RuleViolation
from roadmap.domain.events import (
    AgencyEnrolled,
    AgencyLaunched,
    ChecklistItemDone,
    Event,
    StageCompleted,
    StageStarted,
)
from stages.registry import REGISTRY

Model = TypeVar("Model", bound=BaseModel)


@dataclass(frozen=True)
class Change:
    """The agency after a change, and what happened."""

    agency: Agency
    events: tuple[Event, ...]


def enrol(
    *,
    slug: str,
    name: str,
    region: str,
    timezone: str,
    joined_on: date | None,
    launched_on: date | None,
    roadmap: Roadmap,
    as_of: date,
    stage: str | None = None,
    stage_since: date | None = None,
) -> Change:
    """A new agency: readiness is active from the day it joins; launched agencies start the ongoing stages.

    Without a joining date an agency joins today. An agency that is already on its way when the state starts
    tracking it (a `stage` it has reached, or a launch date: a program that already runs IPS) is onboarded.
    """
    if not slug:
        raise InvalidInput(f"name {name!r} gives no usable slug; give one with --slug (letters, digits, hyphens)")
    if stage is not None or stage_since is not None or launched_on is not None:
        return _onboard(
            slug=slug, name=name, region=region, timezone=timezone, joined_on=joined_on, launched_on=launched_on,
            roadmap=roadmap, as_of=as_of, stage=stage, stage_since=stage_since,
        )  # fmt: skip
    if joined_on is None:
        joined_on = min(as_of, launched_on) if launched_on else as_of
    _not_after(joined_on, as_of, "joining date")
    agency = _validated_agency(slug=slug, name=name, region=region, timezone=timezone, joined_on=joined_on)
    change = start_ready_stages(Change(agency, (AgencyEnrolled(agency=slug, on=joined_on),)), joined_on)
    if launched_on is not None:
        launched = launch(change.agency, roadmap, on=launched_on, as_of=as_of)
        change = Change(launched.agency, change.events + launched.events)
    return change


def _onboard(
    *,
    slug: str,
    name: str,
    region: str,
    timezone: str,
    joined_on: date | None,
    launched_on: date | None,
    roadmap: Roadmap,
    as_of: date,
    stage: str | None,
    stage_since: date | None,
) -> Change:
    """An agency already on its way: every gate before the stage it reached was passed before tracking began.

    The stage reached (default: monitoring, for a program that launched) is active since `stage_since`; an
    ongoing stage means the program runs, from its launch date (default `stage_since`, else today). Tracking
    begins today (as_of), the day it is entered: checklist norms, routines, stalls and overdue reviews count from
    it, not from the past.
    """
    target = roadmap.stage(stage or "monitoring")
    ongoing = target.kind is StageKind.ONGOING
    if stage_since is not None:
        _not_after(stage_since, as_of, "stage_since")
    if launched_on is not None:
        _not_after(launched_on, as_of, "launch date")
    if ongoing:
        launched_on = launched_on or stage_since or as_of
    since = launched_on if ongoing else stage_since or as_of
    assert since is not None
    passed_by = min(since, launched_on) if launched_on else since
    joined = joined_on or passed_by
    _not_after(joined, as_of, "joining date")
    if launched_on is not None and launched_on < joined:
        raise RuleViolation(
            f"launch date {launched_on} is before the agency joined the roadmap on {joined}; "
            "give a joining date no later than the launch"
        )
    if joined > passed_by:
        raise InvalidInput(
            f"joining date {joined} is after the agency reached stage {target.key!r} ({passed_by}); "
            "leave joined empty or give an earlier one"
        )
    gates = [gate.key for gate in roadmap.gates]
    passed = gates if ongoing else gates[: gates.index(target.key)]
    stages = {
        key: StageProgress(key=key, started_on=passed_by, completed_on=passed_by, before_tracking=True)
        for key in passed
    }
    if not ongoing:
        stages[target.key] = StageProgress(key=target.key, started_on=since)
    # Tracking begins the day the agency is entered (as_of), whatever joining date a spreadsheet gives: a state's
    # "Date joined" column must not make years of reviews and reports overdue on the first sweep.
    tracked_from = as_of
    agency = _validated_agency(
        slug=slug, name=name, region=region, timezone=timezone, joined_on=joined, tracked_from=tracked_from,
        stages=stages,
    )  # fmt: skip
    events: list[Event] = [AgencyEnrolled(agency=slug, on=joined)]
    if not ongoing:
        events.append(StageStarted(agency=slug, on=since, stage=target.key))
    change = Change(agency, tuple(events))
    if launched_on is not None:
        launched = agency.model_copy(update={"launched_on": launched_on})
        change = start_ready_stages(
            Change(launched, (*events, AgencyLaunched(agency=slug, on=launched_on))), launched_on
        )
    return change


def mark_done(agency: Agency, roadmap: Roadmap, item_key: str, *, on: date, as_of: date) -> Change:
    """Tick one checklist item; ticking the last open item of the active gate completes it."""
    definition = roadmap.stage_of_item(item_key)
    progress = agency.progress(definition.key)
    if progress is None:
        raise RuleViolation(
            f"checklist item {item_key!r} belongs to stage {definition.key!r}, which has not started "
            f"({_whereabouts(agency, roadmap)})"
        )
    if item_key in agency.checklist:
        raise RuleViolation(f"checklist item {item_key!r} was already done on {agency.checklist[item_key]}")
    _not_after(on, as_of, "completion date")
    if on < progress.started_on:
        raise RuleViolation(
            f"{on} is before stage {definition.key!r} started on {progress.started_on}; "
            "an item cannot be done before its stage starts"
        )
    agency = agency.model_copy(update={"checklist": {**agency.checklist, item_key: on}})
    change = Change(agency, (ChecklistItemDone(agency=agency.slug, on=on, stage=definition.key, item=item_key),))
    logic = REGISTRY[definition.key]
    if progress.completed_on is None and logic.kind is StageKind.GATE and logic.is_done(agency, definition):
        finished_on = max(agency.checklist[item.key] for item in definition.checklist)
        change = _complete(change, definition.key, finished_on, forced=False, note=None)
    return change


# The checklist item a recorded fidelity review does (if the state's roadmap has it).
REVIEW_ITEM = "monitoring.fidelity-review"


def review_ticks(agency: Agency, roadmap: Roadmap, visited_on: date, *, as_of: date) -> Agency | None:
    """The agency with its 'complete a fidelity review' item done on the review's date, or None when it was
    already done (or the roadmap has no such item)."""
    items = {item.key for item in roadmap.stage("monitoring").checklist}
    if REVIEW_ITEM not in items or REVIEW_ITEM in agency.checklist:
        return None
    return mark_done(agency, roadmap, REVIEW_ITEM, on=visited_on, as_of=as_of).agency


def complete_stage(
    agency: Agency,
    roadmap: Roadmap,
    stage_key: str,
    *,
    on: date,
    as_of: date,
    force: bool = False,
    note: str | None = None,
) -> Change:
    """Complete the active gate; open checklist items are refused unless forced with a note saying why."""
    definition = roadmap.stage(stage_key)
    logic = REGISTRY[stage_key]
    if logic.kind is StageKind.ONGOING:
        raise RuleViolation(
            f"stage {stage_key!r} is ongoing: it starts when the agency launches IPS services and stays active"
        )
    progress = agency.progress(stage_key)
    if progress is None:
        raise RuleViolation(
            f"stage {stage_key!r} cannot be completed: it has not started and gates are taken in order "
            f"({_whereabouts(agency, roadmap)})"
        )
    if progress.completed_on is not None:
        raise RuleViolation(f"stage {stage_key!r} was already completed on {progress.completed_on}")
    note = note.strip() if note else None
    if force and not note:
        raise InvalidInput("a forced completion needs a note saying why (--note TEXT)")
    _not_after(on, as_of, "completion date")
    if on < progress.started_on:
        raise RuleViolation(f"{on} is before stage {stage_key!r} started on {progress.started_on}")
    done = logic.is_done(agency, definition)
    if not done and not force:
        open_items = [item.key for item in definition.checklist if item.key not in agency.checklist]
        raise RuleViolation(
            f"stage {stage_key!r} has {len(open_items)} of {len(definition.checklist)} checklist items open "
            f"({', '.join(open_items)}); mark them done, or use --force --note TEXT to complete it anyway"
        )
    return _complete(Change(agency, ()), stage_key, on, forced=not done, note=note)


def launch(agency: Agency, roadmap: Roadmap, *, on: date, as_of: date) -> Change:
    """The agency begins IPS services: monitoring, consultation and supervisor expertise start that day."""
    if agency.launched_on is not None:
        raise RuleViolation(f"agency {agency.slug!r} already launched IPS services on {agency.launched_on}")
    _not_after(on, as_of, "launch date")
    if on < agency.joined_on:
        raise RuleViolation(
            f"launch date {on} is before the agency joined the roadmap on {agency.joined_on}; "
            "give a joining date no later than the launch"
        )
    launched = agency.model_copy(update={"launched_on": on})
    return start_ready_stages(Change(launched, (AgencyLaunched(agency=agency.slug, on=on),)), on)


def _complete(change: Change, stage_key: str, on: date, *, forced: bool, note: str | None) -> Change:
    agency = change.agency
    # Validated rather than copied: the note is typed by a person and must be one clean line.
    finished = _validated(
        StageProgress, agency.stages[stage_key].model_dump() | {"completed_on": on, "forced": forced, "note": note}
    )
    agency = agency.model_copy(update={"stages": {**agency.stages, stage_key: finished}})
    event = StageCompleted(agency=agency.slug, on=on, stage=stage_key, forced=forced, note=note)
    return start_ready_stages(Change(agency, (*change.events, event)), on)


def start_ready_stages(change: Change, on: date) -> Change:
    """Start, on the given date, every stage whose entry condition now holds (one pass in roadmap order)."""
    agency, events = change.agency, list(change.events)
    for key, logic in REGISTRY.items():
        if key not in agency.stages and logic.may_start(agency):
            agency = agency.model_copy(update={"stages": {**agency.stages, key: StageProgress(key=key, started_on=on)}})
            events.append(StageStarted(agency=agency.slug, on=on, stage=key))
    return Change(agency, tuple(events))


def _whereabouts(agency: Agency, roadmap: Roadmap) -> str:
    for gate in roadmap.gates:
        progress = agency.progress(gate.key)
        if progress is not None and progress.completed_on is None:
            return f"the active stage is {gate.key!r}"
    return "all gate stages are completed"


def _not_after(value: date, as_of: date, what: str) -> None:
    if value > as_of:
        raise InvalidInput(f"{what} {value} is in the future (today is {as_of}); record it once it has happened")


def _validated_agency(**fields: object) -> Agency:
    return _validated(Agency, fields)


def _validated(model: type[Model], fields: dict[str, object]) -> Model:
    try:
        return model.model_validate(fields)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or model.__name__.lower()
        raise InvalidInput(f"{where}: {first['msg'].removeprefix('Value error, ')}") from None
