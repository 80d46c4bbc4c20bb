"""A simulated year of the demo state: agencies do their work day by day and the daily sweep runs each day.

The agencies behave like a plausible state's: each ticks one open checklist item every two weeks (three at
the agency that lapsed), launches IPS services once its program is structured, holds every review, meeting,
visit and report on the day it falls due, and finishes action-plan steps on time; what was already late is
done three weeks after its due date, once the escalation has reached the state lead. Everything goes through the
same use cases a user's commands do, so the year obeys every rule. What happened is counted month by month.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from notifications.messages import Message
from roadmap.domain.completion import standing
from roadmap.domain.contact import Contact
from roadmap.domain.due import DueItem, DueKind
from roadmap.domain.events import AgencyLaunched, StageCompleted
from roadmap.domain.routine import ROUTINE_KINDS
from roadmap.services import agencies
from roadmap.services.demo import DEMO_REVIEWERS, LAPSED_DAYS, demo_scores
from roadmap.services.due import state_due
from roadmap.services.ports import UnitOfWork
from roadmap.services.reviews import close_action, record_review
from roadmap.services.routines import record_done
from roadmap.services.sweep import Policies, sweep_in_process

TICK_DAYS = 14
# Late work gets done three weeks after its due date: a week after the state lead was told (escalation at 14).
CHASED_DAYS = 21
FIRST_TOTAL = 84  # the first review of a newly launched program: fair fidelity
GAIN_PER_REVIEW = 7


class CountingSender:
    """Accepts every reminder and counts it (the demo's year sends nothing anywhere)."""

    def __init__(self) -> None:
        self.sent = 0

    def send(self, contact: Contact, message: Message) -> str | None:
        self.sent += 1
        return None


@dataclass
class Month:
    """What happened in one month of the simulated year."""

    month: str
    items_done: int = 0
    stages_completed: int = 0
    launched: int = 0
    reviews: list[int] = field(default_factory=list)
    routines_kept: int = 0
    reminders_queued: int = 0
    reminders_sent: int = 0
    due_items: int = 0
    overdue: int = 0
    stalled: int = 0


def simulate_year(
    uow_factory: Callable[[], UnitOfWork],
    policies: Policies,
    *,
    start: date,
    days: int = 365,
    every: int = 1,
    progress: Callable[[int], None] = lambda _day: None,
    full: bool = False,
) -> list[Month]:
    """Play `days` days after `start` over the demo state already in the database; sweep every `every` days
    (`full`: working every agency out each time, passing none by)."""
    sender, months = CountingSender(), [Month(start.strftime("%Y-%m"))]
    ticked: dict[str, date] = {}
    for offset in range(1, days + 1):
        day = start + timedelta(days=offset)
        label = day.strftime("%Y-%m")
        if months[-1].month != label:
            months.append(Month(label))
        month = months[-1]
        _work(uow_factory, policies, day, month, ticked, lapsed=offset <= max(LAPSED_DAYS.values(), default=0))
        if offset % every == 0:
            sent_before = sender.sent
            outcome = sweep_in_process(
                uow_factory,
                policies,
                sender,
                as_of=day,
                now=datetime.combine(day, time(12), UTC),
                max_batches=1,
                full=full,
            )
            month.reminders_queued += outcome.batches.reminders_queued
            month.reminders_sent += sender.sent - sent_before
            month.stalled = outcome.batches.stalled
        items = state_due(uow_factory(), policies.roadmap, policies.cadence, as_of=day, within_days=30)
        month.due_items = len(items)
        month.overdue = sum(1 for item in items if item.due_on < day)
        progress(offset)
    return months


def _work(
    uow_factory: Callable[[], UnitOfWork],
    policies: Policies,
    day: date,
    month: Month,
    ticked: dict[str, date],
    *,
    lapsed: bool,
) -> None:
    """One day of the agencies' own work, before the sweep runs."""
    roadmap = policies.roadmap
    with uow_factory() as uow:
        states = uow.agencies.all()
        history = uow.reviews.history()
    for agency in states:
        slack = lapsed and agency.slug in LAPSED_DAYS
        active = standing(agency, roadmap, day).current_stage
        pace = TICK_DAYS * 3 // 2 if agency.slug in LAPSED_DAYS else TICK_DAYS
        if active is not None and not slack and (day - ticked.get(agency.slug, agency.joined_on)).days >= pace:
            open_items = [item.key for item in roadmap.stage(active).checklist if item.key not in agency.checklist]
            change = agencies.mark_item_done(uow_factory(), roadmap, agency.slug, open_items[0], on=day, as_of=day)
            ticked[agency.slug] = day
            month.items_done += 1
            month.stages_completed += sum(isinstance(event, StageCompleted) for event in change.events)
            agency = change.agency
        structured = agency.progress("structure")
        if agency.launched_on is None and structured is not None and structured.completed_on is not None:
            change = agencies.launch_agency(uow_factory(), roadmap, agency.slug, on=day, as_of=day)
            month.launched += sum(isinstance(event, AgencyLaunched) for event in change.events)
    # On the day it falls due; or, for what was already late, once the escalation has had a week to work.
    due_today = [
        item
        for item in state_due(uow_factory(), roadmap, policies.cadence, as_of=day, within_days=0)
        if (item.due_on == day or item.due_on <= day - timedelta(days=CHASED_DAYS))
        and not (lapsed and item.agency in LAPSED_DAYS)
    ]
    for item in due_today:
        _keep(uow_factory, policies, item, day, month, history.get(item.agency, []))


def _keep(
    uow_factory: Callable[[], UnitOfWork],
    policies: Policies,
    item: DueItem,
    day: date,
    month: Month,
    reviews: list[tuple[date, int]],
) -> None:
    """Do one thing that falls due today, through the use case a person would run."""
    if item.kind in ROUTINE_KINDS:
        routine, period = item.subject.split(":", 1)
        quarter = period if item.kind is DueKind.OUTCOME_REPORT else None
        record_done(uow_factory(), policies.roadmap, policies.cadence, item.agency, routine, on=day, as_of=day,
                    quarter=quarter)  # fmt: skip
        month.routines_kept += 1
    elif item.kind is DueKind.FIDELITY_REVIEW:
        total = min(125, max((t for _, t in reviews), default=FIRST_TOTAL - GAIN_PER_REVIEW) + GAIN_PER_REVIEW)
        record_review(uow_factory(), policies.scale, policies.cadence, item.agency, visited_on=day,
                      scores=demo_scores(total, len(reviews)), reviewers=DEMO_REVIEWERS, as_of=day,
                      roadmap=policies.roadmap)  # fmt: skip
        month.reviews.append(total)
    elif item.kind is DueKind.ACTION_PLAN:
        action_id = int(item.subject.removeprefix("action:"))
        close_action(uow_factory(), item.agency, action_id, on=day, as_of=day)


def month_totals(months: list[Month]) -> dict[str, int]:
    """The year's totals of every count that adds up."""
    summed = ("items_done", "stages_completed", "launched", "routines_kept", "reminders_queued", "reminders_sent")
    totals = {name: sum(getattr(month, name) for month in months) for name in summed}
    totals["reviews"] = sum(len(month.reviews) for month in months)
    return totals
