"""Everything due for one agency, from every stage's logic and its booked visits, soonest first."""

from __future__ import annotations

from datetime import date

from roadmap.domain.due import DueItem, DueKind
from roadmap.domain.routine import ROUTINE_KINDS
from roadmap.domain.visit import FIDELITY_REVIEW, Visit, purpose_title
from stages.context import AgencyContext
from stages.registry import REGISTRY


def due_items(context: AgencyContext, as_of: date, until: date | None = None, *, people: bool = True) -> list[DueItem]:
    """Recomputed from the agency's current state every time; nothing here is stored. `until` keeps only what
    falls due by that day (a due list's window), before anything more is worked out for each item; `people=False`
    leaves out which trainers are reminded (a due list shows what is owed, not whom the sweep will tell).

    A routine occurrence with a visit booked for it (on or after as_of) is reminded as that visit instead; the
    trainers assigned to the agency are the ones reminded about its items.
    """
    # A visit stands for the occurrence it was booked for (its due date), until its day has gone by.
    booked = {(visit.purpose, visit.due_on) for visit in context.visits if visit.on >= as_of}
    items = [
        item
        for item in stage_items(context, as_of)
        if not (_is_routine(item) and (purpose_of(item), item.due_on) in booked)
    ]
    items += [_visit_item(context, visit) for visit in context.visits if visit.agency == context.agency.slug]
    if until is not None:
        items = [item for item in items if item.due_on <= until]
    if people and context.trainers is not None:
        items = [
            item if item.people is not None else item.model_copy(update={"people": context.trainers}) for item in items
        ]
    return sorted(items, key=lambda item: (item.due_on, item.kind.value, item.subject))


def stage_items(context: AgencyContext, as_of: date) -> list[DueItem]:
    """What the stages make due, before booked visits stand in for routine occurrences."""
    return [item for logic in REGISTRY.values() for item in logic.due_items(context, as_of)]


def purpose_of(item: DueItem) -> str | None:
    """The visit purpose an item may need: its routine key, or the fidelity review; None for anything else."""
    if item.kind is DueKind.FIDELITY_REVIEW:
        return FIDELITY_REVIEW
    return item.subject.split(":", 1)[0] if _is_routine(item) else None


def _is_routine(item: DueItem) -> bool:
    return item.kind in ROUTINE_KINDS


def _visit_item(context: AgencyContext, visit: Visit) -> DueItem:
    routine = next((each for each in context.roadmap.routines.routines if each.key == visit.purpose), None)
    what = purpose_title(context.roadmap.routines, visit.purpose)
    return DueItem(
        agency=context.agency.slug,
        kind=DueKind.SITE_VISIT,
        subject=f"visit:{visit.id}",
        title=f"{what} — booked for {', '.join(visit.trainers)} ({visit.days} day{'s' if visit.days > 1 else ''})",
        stage=routine.stage if routine else "monitoring",
        due_on=visit.on,
        people=visit.contacts,
    )
