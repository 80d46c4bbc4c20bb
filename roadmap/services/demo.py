"""A realistic demo state: a dozen fictional agencies spread over the roadmap, dated relative to as_of."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from roadmap.domain import action_plan
from roadmap.domain.agency import Agency
from roadmap.domain.cadence import CadenceRules
from roadmap.domain.contact import Contact, Role
from roadmap.domain.definition import Roadmap
from roadmap.domain.errors import RuleViolation
from roadmap.domain.fidelity import ITEM_COUNT, FidelityScale
from roadmap.domain.names import slugify
from roadmap.domain.routine import Occurrence, next_occurrence
from roadmap.domain.trainer import Trainer
from roadmap.domain.user import User, UserRole
from roadmap.services.ports import UnitOfWork
from roadmap.services.records import Records
from roadmap.services.reviews import store_review
from roadmap.services.visits import new_calendar_id
from stages import progression
from stages.context import AgencyContext
from stages.routines import good_fidelity, running_since

DEMO_MARKER = ("contents", "demo")
DEMO_REVIEWERS = ("Dana Whitfield", "Luis Ortega")
# The demo agency whose latest review `demo` writes a fidelity report for.
REPORT_AGENCY = "riverbend-community-mental-health"


@dataclass(frozen=True)
class DemoAgency:
    """How far a fictional agency has come: days since joining, gates done, launch, active-gate items, reviews."""

    name: str
    region: str
    timezone: str
    joined_days_ago: int
    gates_completed: int
    launched_days_ago: int | None = None
    active_items_done: int = 1
    forced_stage: str | None = None
    forced_note: str | None = None
    reviews: tuple[tuple[int, int], ...] = ()  # (days ago, total)
    onboarded: Onboarded | None = None


@dataclass(frozen=True)
class Onboarded:
    """An agency the state began tracking part-way (imported with the onboarding columns), in days before as_of."""

    tracked_days_ago: int
    stage: str
    stage_since_days_ago: int | None = None
    launched_days_ago: int | None = None
    last_review: tuple[int, int] | None = None  # (days ago, total), held before tracking


DEMO_AGENCIES: tuple[DemoAgency, ...] = (
    # Fair, fair, then good: the cadence moves from six-monthly to annual.
    DemoAgency(
        "Riverbend Community Mental Health", "North", "America/Chicago", 1100, 7, 740,
        reviews=((557, 79), (375, 92), (190, 104)),
    ),
    DemoAgency("Lakeshore Behavioral Health", "North", "America/Chicago", 650, 7, 310, reviews=((127, 86),)),
    # Launched more than six months ago with no review yet: overdue.
    DemoAgency("Prairie Hills Counseling Center", "Central", "America/Chicago", 540, 6, 200, 3),
    DemoAgency(
        "Cedar Valley Recovery Services", "Central", "America/Chicago", 470, 5, 60, 2,
        forced_stage="structure", forced_note="VR fee-schedule change waits for the state contract cycle in July",
    ),
    DemoAgency("Bluestem Health Partners", "South", "America/Chicago", 390, 4, None, 4),
    DemoAgency("Mesa Verde Wellness", "West", "America/Denver", 330, 4, None, 1),
    # Imported 60 days ago half-way through the roadmap: the gates before were passed before tracking began.
    DemoAgency("High Plains Mental Health", "West", "America/Denver", 250, 3, None, 2,
               onboarded=Onboarded(60, "team", stage_since_days_ago=250)),
    DemoAgency(
        "Harbor Point Family Services", "East", "America/New_York", 210, 2, None, 1,
        forced_stage="commitment", forced_note="Director left; the interim director signed the commitment letter",
    ),
    DemoAgency("Pinecrest Behavioral Health", "East", "America/New_York", 190, 1, None, 0),
    # A program running IPS since 2021, imported 60 days ago with its last review: nothing was overdue on day one.
    DemoAgency("Two Rivers Human Services", "South", "America/Chicago", 1900, 7, None, 3,
               onboarded=Onboarded(60, "monitoring", launched_days_ago=1800, last_review=(150, 97))),
    DemoAgency("Sandhill Community Services", "West", "America/Denver", 45, 0, None, 4),
    DemoAgency("Northwoods Counseling Cooperative", "North", "America/Chicago", 10, 0, None, 0),
)  # fmt: skip


def build_demo(uow: UnitOfWork, roadmap: Roadmap, scale: FidelityScale, rules: CadenceRules, *, as_of: date) -> None:
    """Replace a demo (or empty) database's contents with the demo state; refuse a database with real data."""
    with uow:
        # Rebuild only a database that holds nothing but the demo's own agencies.
        foreign = uow.agencies.slugs() - {slugify(spec.name) for spec in DEMO_AGENCIES}
        if foreign or (uow.agencies.slugs() and uow.meta.get(DEMO_MARKER[0]) != DEMO_MARKER[1]):
            count = len(foreign) or len(uow.agencies.slugs())
            raise RuleViolation(
                f"the database already holds {count} agencies that are not demo data; "
                "run the demo on a fresh database, e.g. --database-url sqlite:///demo.db"
            )
        uow.agencies.delete_all()
        for spec in DEMO_AGENCIES:
            uow.agencies.add(play_agency(spec, roadmap, as_of))
        for spec in DEMO_AGENCIES:
            _review(uow, roadmap, scale, rules, spec, as_of)
            if spec.onboarded and spec.onboarded.last_review:
                days_ago, total = spec.onboarded.last_review
                uow.reviews.add_total(slugify(spec.name), as_of - timedelta(days=days_ago), total)
        records = Records.read(uow)
        for agency in uow.agencies.all():
            for routine, day in kept_routines(records.context(agency, roadmap, rules), as_of):
                uow.routines.add(agency.slug, routine, day)
        uow.visits.delete_all()
        new_calendar_id(uow)  # visit ids start again: calendar events must not reuse the old UIDs
        uow.trainers.delete_all()
        uow.contacts.delete_all()
        ids = {contact.name: uow.contacts.add(contact).id for contact in _contacts()}
        for trainer, agencies in DEMO_TRAINERS:
            uow.trainers.add(trainer.model_copy(update={"contact_id": ids.get(trainer.name)}))
            for slug in agencies:
                uow.trainers.assign(trainer.name, slug)
        for user in DEMO_USERS:
            if uow.users.find(user.email) is None:  # a second demo keeps the people (and their sessions)
                uow.users.add(user)
        uow.meta.put(*DEMO_MARKER)
        uow.commit()


# The state's trainers (the first two also review) and the agencies each visits; Tia Moss is also a contact.
DEMO_TRAINERS: tuple[tuple[Trainer, tuple[str, ...]], ...] = (
    (
        Trainer(name="Tia Moss", region="North", capacity=3, reviewer=True),
        ("riverbend-community-mental-health", "lakeshore-behavioral-health", "northwoods-counseling-cooperative",
         "prairie-hills-counseling-center", "cedar-valley-recovery-services"),
    ),
    (
        Trainer(name="Omar Haddad", region="West", capacity=3, reviewer=True),
        ("mesa-verde-wellness", "high-plains-mental-health", "sandhill-community-services",
         "bluestem-health-partners", "two-rivers-human-services"),
    ),
    (
        Trainer(name="Grace Lin", region="East", capacity=2),
        ("harbor-point-family-services", "pinecrest-behavioral-health"),
    ),
)  # fmt: skip


# Agencies whose meetings, visits and reports lapsed this many days ago, so the demo shows some overdue.
LAPSED_DAYS = {"cedar-valley-recovery-services": 40}


def kept_routines(context: AgencyContext, as_of: date) -> list[tuple[str, Occurrence]]:
    """Each routine done three days before it fell due, day by day through the agency's history (pure)."""
    slug = context.agency.slug
    last_day = as_of - timedelta(days=LAPSED_DAYS.get(slug, 0))
    kept: list[tuple[str, Occurrence]] = []
    tracked = context.routines_tracked_from
    for routine in context.roadmap.routines.routines:
        done: list[Occurrence] = []
        day = tracked or context.agency.joined_on
        while day <= last_day:
            since = running_since(context, routine, day)
            if since is not None:
                good = good_fidelity(context, day)
                period, due_on = next_occurrence(
                    routine, since=since, done=done, good_fidelity=good, as_of=day, tracked_from=tracked
                )
                if day >= due_on - timedelta(days=3):
                    occurrence = Occurrence(day, period if routine.quarterly_due_days else None)
                    done.append(occurrence)
                    kept.append((routine.key, occurrence))
            day += timedelta(days=1)
    return kept


# Who signs in to the demo's pages: the state lead as admin, a trainer, a funder who only reads.
DEMO_ADMIN = "sam.reed@state.example.org"
DEMO_USERS = (
    User(email=DEMO_ADMIN, name="Sam Reed", role=UserRole.ADMIN),
    User(email="tia.moss@state.example.org", name="Tia Moss", role=UserRole.TRAINER, trainer="Tia Moss"),
    User(email="funder@state.example.org", name="Fran Funder", role=UserRole.VIEWER),
)


def _contacts() -> list[Contact]:
    """A director and an IPS supervisor per agency, a state lead and the trainers (example.org: never real)."""
    people = [Contact(role=Role.STATE_LEAD, name="Sam Reed", email="sam.reed@state.example.org")]
    for trainer, _ in DEMO_TRAINERS:
        address = trainer.name.lower().replace(" ", ".") + "@state.example.org"
        people.append(Contact(role=Role.TRAINER, name=trainer.name, email=address))
    for spec in DEMO_AGENCIES:
        slug = slugify(spec.name)
        domain = f"{slug.split('-')[0]}.example.org"
        people.append(
            Contact(agency=slug, role=Role.DIRECTOR, name=f"Director of {spec.name}", email=f"director@{domain}")
        )
        people.append(
            Contact(agency=slug, role=Role.IPS_SUPERVISOR, name=f"IPS supervisor, {spec.name}", email=f"ips@{domain}")
        )
    return people


def demo_scores(total: int, rotation: int = 0) -> dict[int, int]:
    """Twenty-five varied item scores that add up to `total` (deterministic)."""
    scores = [(5, 4, 3, 4)[n % 4] for n in range(ITEM_COUNT)]  # a mixed profile adding up to 101
    # Stepping by 7 visits every item once per pass (7 and 25 share no factor), spreading the change.
    order = [(n * 7 + rotation) % ITEM_COUNT for n in range(ITEM_COUNT)]
    remaining, position = total - sum(scores), 0
    while remaining:
        step = 1 if remaining > 0 else -1
        index = order[position % ITEM_COUNT]
        if 1 <= scores[index] + step <= 5:
            scores[index] += step
            remaining -= step
        position += 1
    return {number: score for number, score in enumerate(scores, start=1)}


def _review(
    uow: UnitOfWork, roadmap: Roadmap, scale: FidelityScale, rules: CadenceRules, spec: DemoAgency, as_of: date
) -> None:
    slug = slugify(spec.name)
    for rotation, (days_ago, total) in enumerate(spec.reviews):
        # Earlier plans were carried out by the time of the next review.
        for action in uow.actions.for_agency(slug):
            if action.done_on is None:
                uow.actions.save(action_plan.close(action, on=action.due_on, as_of=as_of))
        visited_on = as_of - timedelta(days=days_ago)
        recorded = store_review(
            uow, scale, rules, slug, visited_on=visited_on, scores=demo_scores(total, rotation),
            reviewers=DEMO_REVIEWERS, as_of=as_of, roadmap=roadmap,
        )  # fmt: skip
    if spec.reviews and recorded.actions:
        # The team is working through the latest plan: most steps done, one assigned and still open.
        first, *rest = recorded.actions
        uow.actions.save(action_plan.revise(first, owner="IPS supervisor"))
        done_on = min(as_of, recorded.review.visited_on + timedelta(days=30))
        for step in rest[1:]:
            uow.actions.save(action_plan.close(step, on=done_on, as_of=as_of))


def play_agency(spec: DemoAgency, roadmap: Roadmap, as_of: date) -> Agency:
    """Walk one agency through the real progression rules, so the demo obeys every rule a user does."""
    if spec.onboarded is not None:
        return _onboard(spec, spec.onboarded, roadmap, as_of)
    joined = as_of - timedelta(days=spec.joined_days_ago)
    agency = progression.enrol(
        slug=slugify(spec.name), name=spec.name, region=spec.region, timezone=spec.timezone,
        joined_on=joined, launched_on=None, roadmap=roadmap, as_of=as_of,
    ).agency  # fmt: skip
    # Completed gates share the time since joining evenly; the active gate keeps the last share.
    share = spec.joined_days_ago // (spec.gates_completed + 1)
    for index, gate in enumerate(roadmap.gates[: spec.gates_completed]):
        started = joined + timedelta(days=share * index)
        finished = started + timedelta(days=share)
        items = gate.checklist[:-1] if gate.key == spec.forced_stage else gate.checklist
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


def _onboard(spec: DemoAgency, onboarded: Onboarded, roadmap: Roadmap, as_of: date) -> Agency:
    """An agency as `import agencies` made it on the day it was imported, with the active gate's work since."""

    def ago(days: int | None) -> date | None:
        return None if days is None else as_of - timedelta(days=days)

    tracked = as_of - timedelta(days=onboarded.tracked_days_ago)
    agency = progression.enrol(
        slug=slugify(spec.name), name=spec.name, region=spec.region, timezone=spec.timezone, joined_on=None,
        launched_on=ago(onboarded.launched_days_ago), roadmap=roadmap, as_of=tracked, stage=onboarded.stage,
        stage_since=ago(onboarded.stage_since_days_ago),
    ).agency  # fmt: skip
    if spec.gates_completed < len(roadmap.gates):
        active = roadmap.gates[spec.gates_completed]
        for position, item in enumerate(active.checklist[: spec.active_items_done], start=1):
            on = min(as_of, tracked + timedelta(days=7 * position))
            agency = progression.mark_done(agency, roadmap, item.key, on=on, as_of=as_of).agency
    return agency
