"""Everything due for one agency, from every stage's logic, soonest first."""

from __future__ import annotations

from datetime import date

from roadmap.domain.due import DueItem
from stages.context import AgencyContext
from stages.registry import REGISTRY


def due_items(context: AgencyContext, as_of: date) -> list[DueItem]:
    """Recomputed from the agency's current state every time; nothing here is stored."""
    items = [item for logic in REGISTRY.values() for item in logic.due_items(context, as_of)]
    return sorted(items, key=lambda item: (item.due_on, item.kind.value, item.subject))
