"""Fidelity review use cases: record a review (drafting its action plan), list reviews, what is due, actions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from roadmap.domain import action_plan
from roadmap.domain.action_plan import ActionItem
from roadmap.domain.cadence import CadenceRules, next_review_due
from roadmap.domain.cadence import action_plan_due as plan_due
from roadmap.domain.cadence import report_due as written_report_due
from roadmap.domain.definition import Roadmap
from roadmap.domain.errors import InvalidInput, NotFound
from roadmap.domain.fidelity import FidelityScale
from roadmap.domain.names import printable
from roadmap.domain.permission import Ability
from roadmap.domain.review import Review, check_new_review, corrected, item_changes
from roadmap.services.access import require, visible
from roadmap.services.ports import UnitOfWork
from stages.progression import review_ticks

MAX_REVIEWER_NAME = 120


@dataclass(frozen=True)
class RecordedReview:
    """A stored review and the dates it sets."""

    review: Review
    next_review_due: date | None
    report_due: date
    action_plan_due: date
    actions: list[ActionItem]


@dataclass(frozen=True)
class ReviewEntry:
    """A review in an agency's history, with the change per item since the review before it."""

    review: Review
    changes: dict[int, int] | None


@dataclass(frozen=True)
class DueReview:
    """A launched agency's next fidelity review."""

    agency: str
    name: str
    launched_on: date
    last_review: date | None
    last_total: int | None
    next_review_due: date
    as_of: date

    @property
    def days_until(self) -> int:
        """Days from as_of to the due date; negative once overdue."""
        return (self.next_review_due - self.as_of).days

    @property
    def overdue(self) -> bool:
        """The due date has passed."""
        return self.days_until < 0


def record_review(
    uow: UnitOfWork,
    scale: FidelityScale,
    rules: CadenceRules,
    slug: str,
    *,
    visited_on: date,
    scores: dict[int, int],
    reviewers: Sequence[str],
    as_of: date,
    roadmap: Roadmap,
) -> RecordedReview:
    """Store a review; when it is the agency's latest, draft an action plan from its low-scoring items."""
    with uow:
        require(uow, Ability.RECORD_REVIEW, slug)
        recorded = store_review(
            uow, scale, rules, slug, visited_on=visited_on, scores=scores, reviewers=reviewers, as_of=as_of,
            roadmap=roadmap,
        )  # fmt: skip
        uow.commit()
    return recorded


@dataclass(frozen=True)
class CorrectedScore:
    """A review before and after one item's score was corrected, and the next review date it now gives."""

    before: Review
    after: Review
    item: int
    reason: str
    next_review_due: date | None
    action_steps: int

    def said(self) -> str:
        """The line the CLI prints."""
        before, after, item = self.before, self.after, self.item
        return (
            f"item {item} of the {after.visited_on} review corrected: {before.scores[item]} → {after.scores[item]}; "
            f"total {before.total} → {after.total} ({after.band.value}); "
            f"next review due {self.next_review_due.isoformat() if self.next_review_due else None}"
        )


def correct_score(
    uow: UnitOfWork,
    rules: CadenceRules,
    slug: str,
    *,
    visited_on: date,
    item: int,
    score: int,
    reason: str,
    as_of: date,
) -> CorrectedScore:
    """Correct one score of a recorded review; the audit trail keeps the old score, the author and the reason.

    The total (and so the band and the next review's date) follows the new score. The action plan is the team's
    own text and is left as it is: the result says how many of its steps were drafted from the item.
    """
    with uow:
        # Held until committed: a correction made meanwhile waits and starts from this one's scores and total.
        uow.agencies.get(slug, for_update=True)
        reviews = uow.reviews.for_agency(slug)
        before = next((review for review in reviews if review.visited_on == visited_on), None)
        if before is None:
            dates = ", ".join(review.visited_on.isoformat() for review in reviews) or "none"
            raise NotFound(f"{slug} has no review on {visited_on} (its reviews: {dates})")
        why = " ".join(reason.split())
        after = uow.reviews.correct(before, item, corrected(before, item, score, why).scores[item], why)
        steps = sum(1 for step in uow.actions.for_agency(slug) if (step.review_date, step.item) == (visited_on, item))
        agency = uow.agencies.get(slug)
        uow.commit()
    history = sorted(
        (review.visited_on, after.total if review.visited_on == visited_on else review.total)
        for review in reviews
        if review.visited_on <= as_of  # reviews after as_of have not happened yet
    )
    return CorrectedScore(
        before=before,
        after=after,
        item=item,
        reason=why,
        next_review_due=next_review_due(agency.launched_on, history, rules, agency.tracked_from),
        action_steps=steps,
    )


def review_recorded(recorded: RecordedReview) -> str:
    """The line both the CLI and the web page say once a review is stored."""
    review, due = recorded.review, recorded.next_review_due
    return (
        f"review of {review.visited_on} recorded: total {review.total} ({review.band.value}); "
        f"next review due {due.isoformat() if due else None}"
    )


def store_review(
    uow: UnitOfWork,
    scale: FidelityScale,
    rules: CadenceRules,
    slug: str,
    *,
    visited_on: date,
    scores: dict[int, int],
    reviewers: Sequence[str],
    as_of: date,
    roadmap: Roadmap,
) -> RecordedReview:
    """Record a review inside an open unit of work (the caller commits); it ticks the monitoring stage's
    fidelity-review checklist item, if still open."""
    names = tuple(_reviewer(name) for name in reviewers)
    # Held until committed, like a correction: two reviews recorded at once cannot both be the latest.
    agency = uow.agencies.get(slug, for_update=True)
    recorded = uow.reviews.for_agency(slug)
    # Every review date counts, those known only by their total (recorded when the agency was onboarded) too.
    held = [day for day, _ in uow.reviews.history([slug]).get(slug, [])]
    check_new_review(agency, visited_on, held, as_of=as_of)
    past = [r for r in recorded if r.visited_on <= as_of]  # reviews after as_of have not happened yet
    review = Review(agency=slug, visited_on=visited_on, scores=scores, reviewers=names)
    uow.reviews.add(review)
    ticked = review_ticks(agency, roadmap, visited_on, as_of=as_of)
    if ticked is not None:
        uow.agencies.save(ticked)
    # A back-dated review completes the history; it does not open a plan for a visit long past.
    is_latest = all(r.visited_on < visited_on for r in past)
    drafts = action_plan.draft_action_plan(review, scale, rules) if is_latest else []
    actions = uow.actions.add_all(drafts) if drafts else []
    history = [(r.visited_on, r.total) for r in (*past, review)]
    return RecordedReview(
        review=review,
        next_review_due=next_review_due(agency.launched_on, history, rules, agency.tracked_from),
        report_due=written_report_due(visited_on, rules),
        action_plan_due=plan_due(visited_on, rules),
        actions=actions,
    )


def list_reviews(uow: UnitOfWork, slug: str) -> list[ReviewEntry]:
    """Every review of an agency, oldest first, with item changes against the previous one."""
    with uow:
        require(uow, Ability.READ_AGENCY, slug)
        uow.agencies.get(slug)
        reviews = uow.reviews.for_agency(slug)
    return [
        ReviewEntry(review, item_changes(review, reviews[index - 1] if index else None))
        for index, review in enumerate(reviews)
    ]


def reviews_due(uow: UnitOfWork, rules: CadenceRules, *, as_of: date) -> list[DueReview]:
    """Every launched agency's next review, soonest (most overdue) first."""
    with uow:
        shown = visible(uow)
        launches = uow.agencies.launches(as_of)
    due = []
    for row in launches:
        if shown is not None and row.slug not in shown:
            continue
        if row.launched_on > as_of or (row.archived_on is not None and row.archived_on <= as_of):
            continue
        last = (row.last_review, row.last_total) if row.last_review is not None and row.last_total is not None else None
        next_due = next_review_due(row.launched_on, [last] if last else [], rules, row.tracked_from)
        assert next_due is not None  # launched agencies always have one
        due.append(
            DueReview(
                agency=row.slug,
                name=row.name,
                launched_on=row.launched_on,
                last_review=row.last_review,
                last_total=row.last_total,
                next_review_due=next_due,
                as_of=as_of,
            )
        )
    return sorted(due, key=lambda d: (d.next_review_due, d.agency))


def list_actions(uow: UnitOfWork, slug: str) -> list[ActionItem]:
    """The agency's action-plan items."""
    with uow:
        require(uow, Ability.READ_AGENCY, slug)
        uow.agencies.get(slug)
        return uow.actions.for_agency(slug)


def close_action(
    uow: UnitOfWork, slug: str, action_id: int, *, on: date, as_of: date, note: str | None = None
) -> ActionItem:
    """Mark an action-plan item done, with a line on what was done."""
    with uow:
        require(uow, Ability.MARK_ACTION, slug)
        closed = action_plan.close(uow.actions.get(slug, action_id), on=on, as_of=as_of, note=note)
        uow.actions.save(closed)
        uow.commit()
    return closed


def revise_action(
    uow: UnitOfWork, slug: str, action_id: int, *, step: str | None = None, owner: str | None = None
) -> ActionItem:
    """Edit an action-plan item's step or assign it."""
    with uow:
        require(uow, Ability.CHANGE_AGENCY, slug)
        revised = action_plan.revise(uow.actions.get(slug, action_id), step=step, owner=owner)
        uow.actions.save(revised)
        uow.commit()
    return revised


def _reviewer(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > MAX_REVIEWER_NAME:
        raise InvalidInput(f"reviewer name {name!r} must be 1 to {MAX_REVIEWER_NAME} characters")
    try:
        return printable(cleaned)
    except ValueError as error:
        raise InvalidInput(f"reviewer name {name!r} {error}") from None
