"""What is due: items with a date, derived afresh from an agency's current state (never stored)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict


class DueKind(StrEnum):
    """Public kinds of due item (reminder rules and the outbox will key on these)."""

    CHECKLIST_ITEM = "checklist-item"
    FIDELITY_REVIEW = "fidelity-review"
    ACTION_PLAN = "action-plan"
    # Routines: recurring work with a cadence (roadmap/data/routines.yaml).
    MEETING = "meeting"
    VISIT = "visit"
    OUTCOME_REPORT = "outcome-report"
    # A visit booked by the planner (`ips-roadmap visits plan`): the trainers go on that day.
    SITE_VISIT = "site-visit"
    # Not owed by an agency: the state team is told that a reminder could not be delivered.
    DELIVERY_FAILURE = "delivery-failure"


class DueItem(BaseModel):
    """One dated thing an agency owes; `subject` is stable across sweeps so reminders can be keyed on it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    agency: str
    kind: DueKind
    subject: str
    title: str
    stage: str
    due_on: date
    # State people (contact ids) this item concerns: the trainers booked on a visit or assigned to the agency.
    # When set, trainer and reviewer reminders go to them only (none, when empty: nobody booked has an address);
    # None: to every trainer. Not stored: the outbox already names its recipient.
    people: tuple[int, ...] | None = None
    # Work the state team runs for every agency (the statewide supervisors' meeting): the agency is invited
    # before it, the state team is told when it is late. Not stored either: only queueing decides on it.
    state_run: bool = False

    def distance(self, as_of: date) -> str:
        """How far the due date is from a day, in words: 'due in 2 days', 'due today', '751 days overdue'."""
        return distance(self.due_on, as_of)

    def days_until(self, as_of: date) -> int:
        """Days from as_of to the due date; negative once overdue."""
        return (self.due_on - as_of).days


class Worked(NamedTuple):
    """One agency as worked out for the kept due list."""

    generation: int  # the agency's generation it was worked out at
    items: Sequence[DueItem]
    taken: Mapping[str, int]  # the days it took over each stage it had completed (for the peers' medians)
    position: tuple[str, int] | None  # its active gate and the days they count towards a stall


@dataclass(frozen=True)
class DueSlice:
    """A page of a due list: its items, the names of their agencies, and how many the whole list holds."""

    items: list[DueItem]
    names: dict[str, str]
    total: int
    overdue: int


def deep_link(item: DueItem) -> str | None:
    """Where on its agency's page the work a reminder asks for is done, as an agency link's query: the quarter's
    outcomes form, the checklist, the action plan; None when the agency does it elsewhere (a review, a visit)."""
    if item.kind is DueKind.OUTCOME_REPORT:
        period = item.subject.rsplit(":", 1)[-1]
        return f"to=outcomes&quarter={period}" if re.fullmatch(r"\d{4}Q[1-4]", period) else "to=outcomes"
    if item.kind is DueKind.CHECKLIST_ITEM:
        return "to=checklist"
    if item.kind is DueKind.ACTION_PLAN:
        return "to=actions"
    return None


def distance(due_on: date, day: date) -> str:
    """The real distance from `day` to a due date, as a reader is told it (never a rule's offset)."""
    days = (due_on - day).days
    if days == 0:
        return "due today"
    if days == 1:
        return "due tomorrow"
    if days > 1:
        return f"due in {days} days"
    return "1 day overdue" if days == -1 else f"{-days} days overdue"
