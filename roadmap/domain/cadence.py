"""When fidelity reviews, reports and action plans fall due: every rule takes dates in and returns dates."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict, Field

from roadmap.domain.fidelity import GOOD_FIDELITY

# A review owed since before the state began tracking an agency falls due this long after tracking began: the
# longest lead of the default reminders (30 days), so its director hears of it before it is late.
ONBOARDING_LEAD_DAYS = 30


class CadenceRules(BaseModel):
    """A state's review cadence; the defaults follow the roadmap (six-monthly until good fidelity, then yearly)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    first_review_months: int = Field(default=6, ge=1, le=36)
    below_good_months: int = Field(default=6, ge=1, le=36)
    good_months: int = Field(default=12, ge=1, le=36)
    good_threshold: int = Field(default=GOOD_FIDELITY, ge=25, le=125)
    report_due_days: int = Field(default=30, ge=1, le=365)
    action_plan_due_days: int = Field(default=42, ge=1, le=365)
    action_item_max_score: int = Field(default=3, ge=1, le=5)


def add_months(day: date, months: int) -> date:
    """Same day of month, clamped to the month's end: 2027-08-31 + 6 months = 2028-02-29.

    Plain arithmetic (what dateutil's relativedelta does for months, a test holds them together): forecasts and
    sweeps call it for every occurrence of every routine, and relativedelta was a visible share of their time.
    """
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def next_review_due(
    launched_on: date | None,
    reviews: Iterable[tuple[date, int]],
    rules: CadenceRules,
    tracked_from: date | None = None,
) -> date | None:
    """The next review date from the launch and the (date, total) of past reviews; None before launch.

    The most recent review by date decides, so entering an older review later never moves the due date. For an
    agency tracked from a later day than its launch, a review that fell due before that day is due
    ONBOARDING_LEAD_DAYS after it: owed, but with the usual run of reminders before it, not overdue on day one.
    """
    if launched_on is None:
        return None
    latest = latest_review(reviews)
    if latest is None:
        due = add_months(launched_on, rules.first_review_months)
    else:
        due = add_months(latest[0], review_months(is_good(latest, rules), rules))
    if tracked_from is not None and due < tracked_from:
        return tracked_from + timedelta(days=ONBOARDING_LEAD_DAYS)
    return due


def review_months(good: bool, rules: CadenceRules) -> int:
    """Months from one review to the next: longer once the review reached good fidelity."""
    return rules.good_months if good else rules.below_good_months


def latest_review(reviews: Iterable[tuple[date, int]], as_of: date | None = None) -> tuple[date, int] | None:
    """The most recent (date, total) review, of those held by as_of when given (the first listed wins a tie)."""
    held = (review for review in reviews if as_of is None or review[0] <= as_of)
    return max(held, default=None, key=lambda review: review[0])


def is_good(review: tuple[date, int], rules: CadenceRules) -> bool:
    """The review's total reaches the state's good-fidelity threshold (the cadence slows down from there)."""
    return review[1] >= rules.good_threshold


def report_due(visited_on: date, rules: CadenceRules) -> date:
    """The reviewers' written report is due this many days after the visit."""
    return visited_on + timedelta(days=rules.report_due_days)


def action_plan_due(visited_on: date, rules: CadenceRules) -> date:
    """The agency's fidelity action plan is due this many days after the visit."""
    return visited_on + timedelta(days=rules.action_plan_due_days)
