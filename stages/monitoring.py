"""Stage 8, monitor implementation: ongoing from launch, it holds the fidelity review cycle.

Never completes. Makes due the next fidelity review (six-monthly until good fidelity, then yearly), every
open action-plan step, and the quarterly outcome report (`outcome-report` routine).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from roadmap.domain.cadence import next_review_due
from roadmap.domain.due import DueItem, DueKind
from stages.context import AgencyContext
from stages.ongoing import OngoingStage


@dataclass(frozen=True)
class MonitoringStage(OngoingStage):
    """Ongoing from launch; makes the next fidelity review and every open action-plan step due."""

    def due_items(self, context: AgencyContext, as_of: date) -> list[DueItem]:
        """The next review (it moves on as soon as a review is recorded), open steps and routines, as of a date."""
        agency = context.agency
        if agency.launched_on is None or agency.launched_on > as_of:
            return []
        return self.review_items(context, as_of) + super().due_items(context, as_of)

    def visit_items(self, context: AgencyContext, as_of: date) -> list[DueItem]:
        """The next fidelity review and the routines, once launched (action-plan steps are the agency's work)."""
        if context.agency.launched_on is None or context.agency.launched_on > as_of:
            return []
        return [self.next_review(context, as_of), *super().visit_items(context, as_of)]

    def next_review(self, context: AgencyContext, as_of: date) -> DueItem:
        """The next fidelity review of a launched agency."""
        agency = context.agency
        assert agency.launched_on is not None  # checked by the caller
        reviews = [review for review in context.reviews if review[0] <= as_of]
        next_due = next_review_due(agency.launched_on, reviews, context.rules, agency.tracked_from)
        assert next_due is not None  # a launched agency always has one
        return DueItem(
            agency=agency.slug,
            kind=DueKind.FIDELITY_REVIEW,
            # Keyed by the due date: when a review is recorded the next one is a new subject.
            subject=f"fidelity-review:{next_due.isoformat()}",
            title="Fidelity review",
            stage=self.key,
            due_on=next_due,
        )

    def review_items(self, context: AgencyContext, as_of: date) -> list[DueItem]:
        """The next fidelity review and the open steps of every action plan."""
        agency = context.agency
        items = [self.next_review(context, as_of)]
        items += [
            DueItem(
                agency=agency.slug,
                kind=DueKind.ACTION_PLAN,
                subject=f"action:{action.id}",
                title=f"Action-plan step for fidelity item {action.item} (scored {action.score})",
                stage=self.key,
                due_on=action.due_on,
            )
            for action in context.actions
            if action.review_date <= as_of and (action.done_on is None or action.done_on > as_of)
        ]
        return items


STAGE = MonitoringStage(key="monitoring")
