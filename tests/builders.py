"""Builders for the pure core's tests."""

from __future__ import annotations

from datetime import date

from roadmap.data import load_roadmap
from roadmap.domain.agency import Agency
from roadmap.domain.definition import Roadmap
from stages import progression

ROADMAP: Roadmap = load_roadmap()
GATES = ["readiness", "commitment", "consensus", "team", "structure", "improvement-team", "training"]
TODAY = date(2026, 11, 23)


def make_agency(joined_on: date = date(2026, 1, 5), launched_on: date | None = None) -> Agency:
    """A new agency as enrolled by the real rules, tracked since it joined (launched on a day, if given)."""
    agency = progression.enrol(
        slug="riverbend",
        name="Riverbend Community Mental Health",
        region="North",
        timezone="America/Chicago",
        joined_on=joined_on,
        launched_on=None,
        roadmap=ROADMAP,
        as_of=TODAY,
    ).agency
    return agency if launched_on is None else progression.launch(agency, ROADMAP, on=launched_on, as_of=TODAY).agency


def finish_items(agency: Agency, stage_key: str, on: date, *, leave_open: int = 0) -> Agency:
    """Tick every checklist item of a stage (but the last `leave_open`) on one date."""
    items = ROADMAP.stage(stage_key).checklist
    for item in items[: len(items) - leave_open]:
        agency = progression.mark_done(agency, ROADMAP, item.key, on=on, as_of=TODAY).agency
    return agency


def item_keys(stage_key: str) -> list[str]:
    """The checklist keys of a stage."""
    return [item.key for item in ROADMAP.stage(stage_key).checklist]
