"""A realistic demo state: a dozen fictional agencies spread over the roadmap, dated relative to as_of."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from roadmap.domain.agency import Agency
from roadmap.domain.completion import Standing, standing
from roadmap.domain.definition import Roadmap
from roadmap.domain.errors import RuleViolation
from roadmap.domain.names import slugify
from roadmap.services.ports import UnitOfWork
from stages import progression

DEMO_MARKER = ("contents", "demo")


@dataclass(frozen=True)
class DemoAgency:
    """How far a fictional agency has come: days since joining, gates done, launch, active-gate items."""

    name: str
    region: str
    timezone: str
    joined_days_ago: int
    gates_completed: int
    launched_days_ago: int | None = None
    active_items_done: int = 1
    forced_stage: str | None = None
    forced_note: str | None = None


DEMO_AGENCIES: tuple[DemoAgency, ...] = (
    DemoAgency("Riverbend Community Mental Health", "North", "America/Chicago", 760, 7, 420),
    DemoAgency("Lakeshore Behavioral Health", "North", "America/Chicago", 650, 7, 310),
    DemoAgency("Prairie Hills Counseling Center", "Central", "America/Chicago", 540, 6, 160, 3),
    DemoAgency(
        "Cedar Valley Recovery Services",
        "Central",
        "America/Chicago",
        470,
        5,
        60,
        2,
        forced_stage="structure",
        forced_note="VR fee-schedule change waits for the state contract cycle in July",
    ),
    DemoAgency("Bluestem Health Partners", "South", "America/Chicago", 390, 4, None, 4),
    DemoAgency("Mesa Verde Wellness", "West", "America/Denver", 330, 4, None, 1),
    DemoAgency("High Plains Mental Health", "West", "America/Denver", 250, 3, None, 2),
    DemoAgency(
        "Harbor Point Family Services",
        "East",
        "America/New_York",
        210,
        2,
        None,
        1,
        forced_stage="commitment",
        forced_note="Director left; the interim director signed the commitment letter",
    ),
    DemoAgency("Pinecrest Behavioral Health", "East", "America/New_York", 190, 1, None, 0),
    DemoAgency("Two Rivers Human Services", "South", "America/Chicago", 95, 1, None, 3),
    DemoAgency("Sandhill Community Services", "West", "America/Denver", 45, 0, None, 4),
    DemoAgency("Northwoods Counseling Cooperative", "North", "America/Chicago", 10, 0, None, 0),
)


def build_demo(uow: UnitOfWork, roadmap: Roadmap, *, as_of: date) -> list[Standing]:
    """Replace a demo (or empty) database's contents with the demo state; refuse a database with real data."""
    with uow:
        count = len(uow.agencies.slugs())
        if count and uow.meta.get(DEMO_MARKER[0]) != DEMO_MARKER[1]:
            raise RuleViolation(
                f"the database already holds {count} agencies that are not demo data; "
                "run the demo on a fresh database, e.g. --database-url sqlite:///demo.db"
            )
        uow.agencies.delete_all()
        agencies = [_play(spec, roadmap, as_of) for spec in DEMO_AGENCIES]
        for agency in agencies:
            uow.agencies.add(agency)
        uow.meta.put(*DEMO_MARKER)
        uow.commit()
    return sorted((standing(a, roadmap, as_of) for a in agencies), key=lambda s: s.agency.name.lower())


def _play(spec: DemoAgency, roadmap: Roadmap, as_of: date) -> Agency:
    """Walk one agency through the real progression rules, so the demo obeys every rule a user does."""
    joined = as_of - timedelta(days=spec.joined_days_ago)
    agency = progression.enrol(
        slug=slugify(spec.name),
        name=spec.name,
        region=spec.region,
        timezone=spec.timezone,
        joined_on=joined,
        launched_on=None,
        roadmap=roadmap,
        as_of=as_of,
    ).agency
    # Completed gates share the time since joining evenly; the active gate keeps the last share.
    share = spec.joined_days_ago // (spec.gates_completed + 1)
    for index, gate in enumerate(roadmap.gates[: spec.gates_completed]):
        started = joined + timedelta(days=share * index)
        finished = started + timedelta(days=share)
        items = gate.checklist
        if gate.key == spec.forced_stage:
            items = items[:-1]
        for position, item in enumerate(items, start=1):
            on = started + timedelta(days=share * position // len(gate.checklist))
            agency = progression.mark_done(agency, roadmap, item.key, on=on, as_of=as_of).agency
        if gate.key == spec.forced_stage:
            agency = progression.complete_stage(
                agency, roadmap, gate.key, on=finished, as_of=as_of, force=True, note=spec.forced_note
            ).agency
    if spec.launched_days_ago is not None:
        launched = as_of - timedelta(days=spec.launched_days_ago)
        agency = progression.launch(agency, roadmap, on=launched, as_of=as_of).agency
    if spec.gates_completed < len(roadmap.gates):
        active = roadmap.gates[spec.gates_completed]
        started = joined + timedelta(days=share * spec.gates_completed)
        for position, item in enumerate(active.checklist[: spec.active_items_done], start=1):
            on = min(as_of, started + timedelta(days=7 * position))
            agency = progression.mark_done(agency, roadmap, item.key, on=on, as_of=as_of).agency
    return agency
