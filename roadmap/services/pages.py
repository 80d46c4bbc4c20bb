"""What the web pages show, read in one transaction each: the state overview and one agency's page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from roadmap.domain.action_plan import ActionItem
from roadmap.domain.cadence import CadenceRules
from roadmap.domain.contact import Contact
from roadmap.domain.definition import Roadmap
from roadmap.domain.due import DueItem
from roadmap.domain.outbox import OutboxEntry, OutboxStatus
from roadmap.domain.outcome import QuarterOutcome
from roadmap.domain.permission import Ability
from roadmap.domain.trainer import Trainer, TrainerLine
from roadmap.domain.visit import Visit, VisitStatus
from roadmap.domain.workload import MonthLoad
from roadmap.services.access import abilities, require_trainer, visible
from roadmap.services.agencies import AgencySummary, Matrix, matrix, show_agency
from roadmap.services.contacts import agencies_nobody_reminds, last_confirmed
from roadmap.services.due import due_slice, state_due
from roadmap.services.forecast import workload
from roadmap.services.ports import UnitOfWork
from roadmap.services.reviews import DueReview, ReviewEntry, list_reviews, reviews_due
from roadmap.services.visits import VisitRules


@dataclass(frozen=True)
class OverviewPage:
    """A page of every agency against the stages, the reviews due, undelivered reminders, the trainers."""

    as_of: date
    matrix: Matrix
    region: str | None
    reviews: list[DueReview]
    failed: list[OutboxEntry]
    trainers: list[TrainerLine]


@dataclass(frozen=True)
class AgencyPage:
    """One agency: its stages and checklists, fidelity history, action plan, outcomes and upcoming visits."""

    summary: AgencySummary
    reviews: list[ReviewEntry]
    actions: list[ActionItem]
    outcomes: list[QuarterOutcome]
    visits: list[Visit]
    # What the agency owes in the coming weeks (overdue first), and who is reminded of it there.
    due: list[DueItem] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    # What the one asking may do here (the page offers those forms only).
    can: frozenset[Ability] = frozenset()
    # Who last confirmed the contacts as they stand, and when.
    confirmed: tuple[str, date] | None = None


@dataclass(frozen=True)
class DuePage:
    """One page of what is due across the state (overdue, then the coming weeks), and who nobody can remind."""

    as_of: date
    within_days: int
    items: list[DueItem]
    names: dict[str, str]
    nobody: list[str]
    # The whole list's size and how much of it is overdue; which page of how many this is.
    total: int = 0
    overdue: int = 0
    number: int = 1
    pages: int = 1


# How far ahead the web's due lists look: the longest reminder lead of the default rules.
DUE_WINDOW_DAYS = 30
# Rows on a page of the due list (a thousand agencies owe thousands of items).
DUE_ROWS = 200


def due_page(uow: UnitOfWork, roadmap: Roadmap, rules: CadenceRules, *, as_of: date, number: int = 1) -> DuePage:
    """The statewide 'what is due' page: page `number` (kept within the pages there are)."""
    with uow:
        shown = visible(uow)
    number = max(1, number)
    found = due_slice(uow, roadmap, rules, as_of=as_of, within_days=DUE_WINDOW_DAYS,
                      offset=(number - 1) * DUE_ROWS, limit=DUE_ROWS)  # fmt: skip
    pages = max(1, -(-found.total // DUE_ROWS))
    if number > pages:  # past the end (the list shrank since the link was made): the last page
        number = pages
        found = due_slice(uow, roadmap, rules, as_of=as_of, within_days=DUE_WINDOW_DAYS,
                          offset=(number - 1) * DUE_ROWS, limit=DUE_ROWS)  # fmt: skip
    nobody = agencies_nobody_reminds(uow, as_of=as_of)
    if shown is not None:
        nobody = [slug for slug in nobody if slug in shown]
    with uow:
        names = found.names | uow.agencies.names(nobody)
    return DuePage(as_of, DUE_WINDOW_DAYS, found.items, names, nobody, found.total, found.overdue, number, pages)


@dataclass(frozen=True)
class TrainerPage:
    """One trainer: who they are, their booked visits from today, and a year of their workload forecast."""

    as_of: date
    trainer: Trainer
    visits: list[Visit]
    workload: list[MonthLoad]
    # Agency names by slug, as the page shows them.
    names: dict[str, str] = field(default_factory=dict)


# How far back a trainer's page lists booked visits not yet recorded as held.
UNRECORDED_DAYS = 90


def trainer_page(uow: UnitOfWork, rules: VisitRules, name: str, *, as_of: date, months: int = 12) -> TrainerPage:
    """A trainer's page (NotFound for an unknown name): booked visits (the last weeks' not yet recorded as held
    first), and a year of workload."""
    with uow:
        require_trainer(uow, name)
        trainer = uow.trainers.get(name)
        start = as_of - timedelta(days=UNRECORDED_DAYS)
        visits = uow.visits.listed(start=start, status=VisitStatus.PLANNED, trainer=name)
        names = uow.agencies.names({visit.agency for visit in visits if visit.agency is not None})
    projected = workload(uow, rules, as_of=as_of, months=months, trainer=name)
    return TrainerPage(as_of, trainer, visits, projected.rows.get(name, []), names)


# Agencies on a page of the overview's matrix: a state of thousands is read a region or a page at a time.
MATRIX_ROWS = 100


def overview_page(
    uow: UnitOfWork, roadmap: Roadmap, rules: CadenceRules, *, as_of: date, number: int = 1, region: str | None = None
) -> OverviewPage:
    """The state team's first page: page `number` of the matrix (of one region, or all).

    Its counts read the positions kept with the day's due list (the morning's sweep keeps them); an agency whose
    rows are stale is measured live and nothing is written. Keeping them here too would make a day nobody swept
    cost its first view the whole due list (ten seconds at 10,000 agencies) to spare the later ones a second.
    """
    shown = matrix(uow, roadmap, rules, as_of=as_of, rows=MATRIX_ROWS, number=number, region=region)
    due = reviews_due(uow, rules, as_of=as_of)
    with uow:
        everyone = uow.who.sees_every_agency
        # Failed deliveries name recipients and the team's workload: the state team's business, not a trainer's.
        failed = uow.outbox.listed(status=OutboxStatus.FAILED.value) if everyone else []
        trainers = [t for t in uow.trainers.roll() if everyone or t.name == uow.who.trainer]
    return OverviewPage(as_of, shown, region, due, failed, trainers)


def agency_page(uow: UnitOfWork, roadmap: Roadmap, rules: CadenceRules, slug: str, *, as_of: date) -> AgencyPage:
    """One agency's page (NotFound for an unknown slug)."""
    summary = show_agency(uow, roadmap, rules, slug, as_of=as_of)
    reviews = [entry for entry in list_reviews(uow, slug) if entry.review.visited_on <= as_of]
    with uow:
        can = abilities(uow, slug)
        actions = uow.actions.for_agency(slug)
        outcomes = uow.outcomes.listed(slug)
        visits = uow.visits.listed(start=as_of, status=VisitStatus.PLANNED, agencies=[slug])
        contacts = uow.contacts.listed(slug)
        confirmed = last_confirmed(uow, slug)
    due = state_due(uow, roadmap, rules, as_of=as_of, within_days=DUE_WINDOW_DAYS, agency=slug, people=False)
    return AgencyPage(summary, reviews, actions, outcomes, visits, due, contacts, can, confirmed)
