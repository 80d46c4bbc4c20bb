"""What a fidelity report says: scores by section, band, change since the last review, strengths, the plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from roadmap.domain.action_plan import ActionItem
from roadmap.domain.cadence import CadenceRules, action_plan_due, next_review_due, report_due
from roadmap.domain.errors import NotFound, RuleViolation
from roadmap.domain.fidelity import Band, FidelityScale
from roadmap.domain.permission import Ability
from roadmap.domain.review import Review
from roadmap.services.access import require
from roadmap.services.ports import UnitOfWork


@dataclass(frozen=True)
class ItemResult:
    """One item of the scale in this review."""

    number: int
    name: str
    score: int
    previous: int | None
    criterion: str

    @property
    def change(self) -> int | None:
        """Score minus the previous review's; None for a first review."""
        return None if self.previous is None else self.score - self.previous


@dataclass(frozen=True)
class SectionResult:
    """Staffing, organization or services: its items and subtotal."""

    title: str
    items: tuple[ItemResult, ...]

    @property
    def score(self) -> int:
        """Sum of the section's item scores."""
        return sum(item.score for item in self.items)

    @property
    def maximum(self) -> int:
        """The highest possible subtotal (5 per item)."""
        return 5 * len(self.items)


@dataclass(frozen=True)
class FidelityReport:
    """Everything the report shows, computed; the template only lays it out."""

    agency_name: str
    agency_slug: str
    region: str
    review: Review
    previous: Review | None
    sections: tuple[SectionResult, ...]
    actions: tuple[ActionItem, ...]
    history: tuple[tuple[date, int, Band], ...]
    next_review_due: date | None
    report_due: date
    action_plan_due: date
    scale_title: str
    generated_on: date
    longer_interval: bool
    action_item_max_score: int
    plan_drafted: bool

    @property
    def strengths(self) -> tuple[ItemResult, ...]:
        """Items at full fidelity (5)."""
        return tuple(item for section in self.sections for item in section.items if item.score == 5)

    @property
    def total_change(self) -> int | None:
        """Total minus the previous review's total."""
        return None if self.previous is None else self.review.total - self.previous.total


def build_report(
    uow: UnitOfWork,
    scale: FidelityScale,
    rules: CadenceRules,
    slug: str,
    *,
    review_date: date | None,
    as_of: date,
) -> FidelityReport:
    """The report for one review (default: the agency's latest)."""
    with uow:
        require(uow, Ability.READ_AGENCY, slug)
        agency = uow.agencies.get(slug)
        reviews = [review for review in uow.reviews.for_agency(slug) if review.visited_on <= as_of]
        actions = uow.actions.for_agency(slug)
    if not reviews:
        raise RuleViolation(f"agency {slug!r} has no fidelity reviews to report on (as of {as_of})")
    dates = [review.visited_on for review in reviews]
    if review_date is None:
        index = len(reviews) - 1
    elif review_date in dates:
        index = dates.index(review_date)
    else:
        known = ", ".join(day.isoformat() for day in dates)
        raise NotFound(f"agency {slug!r} has no review on {review_date}; its reviews: {known}")
    review, previous = reviews[index], reviews[index - 1] if index else None
    sections = tuple(
        SectionResult(
            title=section.title,
            items=tuple(
                ItemResult(
                    number=number,
                    name=scale.item(number).name,
                    score=review.scores[number],
                    previous=previous.scores[number] if previous else None,
                    criterion=scale.item(number).criterion,
                )
                for number in range(section.items[0], section.items[1] + 1)
            ),
        )
        for section in scale.sections
    )
    history = [(r.visited_on, r.total) for r in reviews[: index + 1]]
    return FidelityReport(
        agency_name=agency.name,
        agency_slug=agency.slug,
        region=agency.region,
        review=review,
        previous=previous,
        sections=sections,
        actions=tuple(action for action in actions if action.review_date == review.visited_on),
        history=tuple((r.visited_on, r.total, r.band) for r in reviews[: index + 1]),
        next_review_due=next_review_due(agency.launched_on, history, rules, agency.tracked_from),
        report_due=report_due(review.visited_on, rules),
        action_plan_due=action_plan_due(review.visited_on, rules),
        scale_title=scale.title,
        generated_on=as_of,
        longer_interval=review.total >= rules.good_threshold,
        action_item_max_score=rules.action_item_max_score,
        # Only a review that was the latest when recorded gets a plan; back-dated ones fill in history.
        plan_drafted=index == len(reviews) - 1 or any(a.review_date == review.visited_on for a in actions),
    )
