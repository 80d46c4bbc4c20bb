"""Fidelity reviews and action-plan items in SQL, mapped to and from the domain's values."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from roadmap.domain.action_plan import ActionItem
from roadmap.domain.audit import action_change, review_added, review_total_added, score_corrected
from roadmap.domain.errors import NotFound
from roadmap.domain.review import Review
from roadmap.store.audit import SqlAuditTrail
from roadmap.store.mapping import agency_row_id
from roadmap.store.plain import plain
from roadmap.store.tables import ActionRow, AgencyRow, ReviewRow, ScoreRow


class SqlReviewRepository:
    """Reviews by agency slug, oldest first."""

    def __init__(self, session: Session, audit: SqlAuditTrail) -> None:
        self._session = session
        self._audit = audit

    def for_agency(self, slug: str) -> list[Review]:
        rows = self._session.scalars(
            select(ReviewRow).join(AgencyRow).where(AgencyRow.slug == slug).order_by(ReviewRow.visited_on)
        ).all()
        # A review known by its total only (recorded at onboarding) has no scores to show or correct.
        return [_review(slug, row) for row in rows if row.scores]

    def add(self, review: Review) -> None:
        self._session.add(
            ReviewRow(
                agency_id=agency_row_id(self._session, review.agency),
                visited_on=review.visited_on,
                total=review.total,
                reviewers=list(review.reviewers),
                scores=[ScoreRow(item=item, score=score) for item, score in review.scores.items()],
            )
        )
        self._audit.record([review_added(review)])

    def add_total(self, slug: str, visited_on: date, total: int) -> None:
        """A review held before tracking began, known by its date and total only (no item scores are kept)."""
        self._session.add(
            ReviewRow(agency_id=agency_row_id(self._session, slug), visited_on=visited_on, total=total, reviewers=[])
        )
        self._audit.record([review_total_added(slug, visited_on, total)])

    def correct(self, review: Review, item: int, score: int, reason: str) -> Review:
        """Change one item's score of a stored review (and its total); the trail keeps the old score and why."""
        row = self._session.scalars(
            select(ReviewRow).join(AgencyRow).where(AgencyRow.slug == review.agency,
                                                   ReviewRow.visited_on == review.visited_on)
        ).one()  # fmt: skip
        before = _review(review.agency, row)
        after = before.model_copy(update={"scores": {**before.scores, item: score}})
        for stored in row.scores:
            if stored.item == item:
                stored.score = score
        row.total = after.total
        self._audit.record([score_corrected(before, after, item, reason)])
        return after

    def history(self, slugs: Collection[str] | None = None) -> dict[str, list[tuple[date, int]]]:
        """(visit date, total) of every review (of some agencies), by agency slug — one query, no score rows."""
        found: dict[str, list[tuple[date, int]]] = {}
        query = select(AgencyRow.slug, ReviewRow.visited_on, ReviewRow.total).join(ReviewRow.agency)
        if slugs is not None:
            query = query.where(AgencyRow.slug.in_(slugs))
        # Reviews of one day in the order they were recorded: `latest_review` takes the first of the latest day.
        for slug, visited_on, total in plain(self._session, query.order_by(ReviewRow.visited_on, ReviewRow.id)):
            found.setdefault(slug, []).append((visited_on, total))
        return found


class SqlActionRepository:
    """Action-plan items by agency slug and id."""

    def __init__(self, session: Session, audit: SqlAuditTrail) -> None:
        self._session = session
        self._audit = audit
        self._rows: dict[int, ActionRow] = {}

    def for_agency(self, slug: str) -> list[ActionItem]:
        # The review date comes in the same query: no per-action load of the review and its 25 scores.
        rows = self._session.execute(
            select(ActionRow, ReviewRow.visited_on)
            .join(ActionRow.agency)
            .join(ActionRow.review)
            .where(AgencyRow.slug == slug)
            .order_by(ReviewRow.visited_on, ActionRow.item)
        ).all()
        return [self._remember(slug, row, visited_on) for row, visited_on in rows]

    def by_agency(
        self, slugs: Collection[str] | None = None, *, open_on: date | None = None
    ) -> dict[str, list[ActionItem]]:
        """Every action item (of some agencies), by agency slug — one query of plain columns, for reading only.

        The sweep, planning and the forecast read every agency's plan: ORM rows and re-validating text that
        was checked when it was written cost them more than the rest of the work. These items cannot be saved.
        """
        query = select(
            ActionRow.id, AgencyRow.slug, ReviewRow.visited_on, ActionRow.item, ActionRow.score, ActionRow.criterion,
            ActionRow.step, ActionRow.owner, ActionRow.due_on, ActionRow.done_on, ActionRow.done_note,
        ).join(ActionRow.agency).join(ActionRow.review)  # fmt: skip
        if slugs is not None:
            query = query.where(AgencyRow.slug.in_(slugs))
        if open_on is not None:
            # Only the steps still open on that day: most of a program's plans were closed long ago.
            query = query.where(or_(ActionRow.done_on.is_(None), ActionRow.done_on > open_on))
        found: dict[str, list[ActionItem]] = {}
        for row in plain(self._session, query.order_by(ReviewRow.visited_on, ActionRow.item)):
            action_id, slug, visited_on, item, score, criterion, step, owner, due_on, done_on, note = row
            found.setdefault(slug, []).append(
                ActionItem.model_construct(
                    id=action_id,
                    agency=slug,
                    review_date=visited_on,
                    item=item,
                    score=score,
                    criterion=criterion,
                    step=step,
                    owner=owner,
                    due_on=due_on,
                    done_on=done_on,
                    done_note=note,
                )
            )
        return found

    def get(self, slug: str, action_id: int) -> ActionItem:
        found = self._session.execute(
            select(ActionRow, ReviewRow.visited_on)
            .join(ActionRow.agency)
            .join(ActionRow.review)
            .where(AgencyRow.slug == slug, ActionRow.id == action_id)
        ).one_or_none()
        if found is None:
            raise NotFound(f"agency {slug!r} has no action {action_id}; `ips-roadmap actions list {slug}` shows them")
        return self._remember(slug, found[0], found[1])

    def add_all(self, actions: list[ActionItem]) -> list[ActionItem]:
        """Store new actions (their review must be stored first); returns them with their ids."""
        reviews: dict[tuple[str, date], tuple[int, int]] = {}
        stored = []
        for action in actions:
            key = (action.agency, action.review_date)
            if key not in reviews:
                review_id, agency_id = self._session.execute(
                    select(ReviewRow.id, ReviewRow.agency_id)
                    .join(ReviewRow.agency)
                    .where(AgencyRow.slug == action.agency, ReviewRow.visited_on == action.review_date)
                ).one()
                reviews[key] = (review_id, agency_id)
            row = ActionRow(review_id=reviews[key][0], agency_id=reviews[key][1])
            _write_action(row, action)
            self._session.add(row)
            stored.append(row)
        self._session.flush()
        added = [
            self._remember(action.agency, row, action.review_date) for action, row in zip(actions, stored, strict=True)
        ]
        self._audit.record(action_change(None, action) for action in added)
        return added

    def save(self, action: ActionItem) -> None:
        if action.id is None or action.id not in self._rows:
            raise KeyError(f"action {action.id} was not loaded in this unit of work")
        row = self._rows[action.id]
        before = self._remember(action.agency, row, action.review_date)
        _write_action(row, action)
        self._audit.record([action_change(before, action)])

    def _remember(self, slug: str, row: ActionRow, review_date: date) -> ActionItem:
        self._rows[row.id] = row
        return ActionItem(
            id=row.id,
            agency=slug,
            review_date=review_date,
            item=row.item,
            score=row.score,
            criterion=row.criterion,
            step=row.step,
            owner=row.owner,
            due_on=row.due_on,
            done_on=row.done_on,
            done_note=row.done_note,
        )


def _review(slug: str, row: ReviewRow) -> Review:
    return Review(
        agency=slug,
        visited_on=row.visited_on,
        scores={score.item: score.score for score in row.scores},
        reviewers=tuple(row.reviewers),
    )


def _write_action(row: ActionRow, action: ActionItem) -> None:
    row.item, row.score, row.criterion, row.step = action.item, action.score, action.criterion, action.step
    row.owner, row.due_on, row.done_on = action.owner, action.due_on, action.done_on
    row.done_note = action.done_note
