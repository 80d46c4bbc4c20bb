"""Each stage's visit items are exactly the items of its due list a visit can serve (planning reads only those)."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings

from roadmap.domain.due import DueKind
from stages.context import AgencyContext
from stages.due import purpose_of
from stages.registry import REGISTRY
from tests.unit.test_quiet import contexts


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(contexts())
def test_a_stages_visit_items_are_its_due_items_that_have_a_visit_purpose(found: tuple[AgencyContext, date]) -> None:
    context, as_of = found
    for key, logic in REGISTRY.items():
        served = [item for item in logic.due_items(context, as_of) if purpose_of(item) is not None]
        assert logic.visit_items(context, as_of) == served, key


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(contexts())
def test_a_launched_agencys_visit_items_hold_its_next_review_and_no_action_step_or_checklist_item(
    found: tuple[AgencyContext, date],
) -> None:
    context, as_of = found
    kinds = {item.kind for logic in REGISTRY.values() for item in logic.visit_items(context, as_of)}
    launched = context.agency.launched_on is not None and context.agency.launched_on <= as_of
    assert (DueKind.FIDELITY_REVIEW in kinds) is launched
    assert not kinds & {DueKind.ACTION_PLAN, DueKind.CHECKLIST_ITEM}
