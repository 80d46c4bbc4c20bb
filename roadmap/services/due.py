"""What is due across the state (or for one agency) within a window, derived from current state."""

from __future__ import annotations

from datetime import date, timedelta

from roadmap.domain.cadence import CadenceRules
from roadmap.domain.definition import Roadmap
from roadmap.domain.due import DueItem
from roadmap.domain.errors import InvalidInput
from roadmap.domain.permission import Ability
from roadmap.services.access import require, visible
from roadmap.services.ports import UnitOfWork
from roadmap.services.records import Records
from stages.due import due_items

MAX_WINDOW_DAYS = 3650


def state_due(
    uow: UnitOfWork,
    roadmap: Roadmap,
    rules: CadenceRules,
    *,
    as_of: date,
    within_days: int = 30,
    agency: str | None = None,
    people: bool = True,
) -> list[DueItem]:
    """Everything overdue or due within `within_days` of as_of, soonest first; `people=False` for a list that
    shows what is owed and never decides whom to remind (it skips working out the trainers of every item)."""
    if not 0 <= within_days <= MAX_WINDOW_DAYS:
        raise InvalidInput(f"--within must be between 0 and {MAX_WINDOW_DAYS} days, got {within_days}")
    with uow:
        if agency is not None:
            require(uow, Ability.READ_AGENCY, agency)
        shown = visible(uow) if agency is None else None
        agencies = [uow.agencies.get(agency)] if agency else uow.agencies.all()
        if shown is not None:
            agencies = [each for each in agencies if each.slug in shown]
        records = Records.read(uow, [agency] if agency else None, open_on=as_of)
    agencies = [each for each in agencies if each.on_roadmap(as_of)]  # nothing is due from an agency that left
    horizon = as_of + timedelta(days=within_days)
    found = [
        item
        for each in agencies
        for item in due_items(records.context(each, roadmap, rules), as_of, horizon, people=people)
    ]
    return sorted(found, key=lambda item: (item.due_on, item.agency, item.kind.value, item.subject))
