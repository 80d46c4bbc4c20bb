"""When reviews, reports and action plans fall due."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from roadmap.domain.cadence import CadenceRules, action_plan_due, add_months, next_review_due, report_due

RULES = CadenceRules()
LAUNCH = date(2026, 1, 15)


def test_the_first_review_is_due_six_months_after_launch() -> None:
    assert next_review_due(LAUNCH, [], RULES) == date(2026, 7, 15)


def test_an_agency_that_has_not_launched_has_no_review_due() -> None:
    assert next_review_due(None, [], RULES) is None


def test_below_100_the_next_review_is_six_months_after_the_last() -> None:
    assert next_review_due(LAUNCH, [(date(2026, 7, 20), 99)], RULES) == date(2027, 1, 20)


def test_next_review_is_annual_once_total_reaches_100() -> None:
    assert next_review_due(LAUNCH, [(date(2026, 7, 20), 100)], RULES) == date(2027, 7, 20)


def test_falling_back_below_100_returns_to_six_months() -> None:
    history = [(date(2026, 7, 20), 104), (date(2027, 7, 19), 96)]
    assert next_review_due(LAUNCH, history, RULES) == date(2028, 1, 19)


def test_a_back_dated_review_does_not_move_the_due_date() -> None:
    latest = [(date(2027, 1, 18), 101)]
    with_older = [*latest, (date(2026, 7, 20), 80)]  # entered later, visited earlier
    assert next_review_due(LAUNCH, with_older, RULES) == next_review_due(LAUNCH, latest, RULES) == date(2028, 1, 18)


def test_months_keep_the_day_and_clamp_to_the_month_end() -> None:
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)  # leap year
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
    assert add_months(date(2026, 3, 31), 6) == date(2026, 9, 30)
    assert add_months(date(2026, 1, 30), 1) == date(2026, 2, 28)


def test_month_end_clamping_applies_to_due_dates() -> None:
    assert next_review_due(date(2027, 2, 28), [(date(2027, 8, 31), 90)], RULES) == date(2028, 2, 29)


def test_report_is_due_30_days_and_action_plan_6_weeks_after_the_visit() -> None:
    assert report_due(date(2026, 12, 15), RULES) == date(2027, 1, 14)
    assert action_plan_due(date(2026, 12, 15), RULES) == date(2027, 1, 26)


def test_a_state_can_set_its_own_cadence() -> None:
    oregon_like = CadenceRules(below_good_months=12, good_months=12, first_review_months=3, report_due_days=28)
    assert next_review_due(LAUNCH, [], oregon_like) == date(2026, 4, 15)
    assert next_review_due(LAUNCH, [(date(2026, 4, 20), 80)], oregon_like) == date(2027, 4, 20)
    assert report_due(date(2026, 4, 20), oregon_like) == date(2026, 5, 18)


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
    st.lists(st.tuples(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)), st.integers(25, 125)), max_size=6),
)  # fmt: skip
def test_the_due_date_follows_the_latest_review_by_six_or_twelve_months(
    launched: date, history: list[tuple[date, int]]
) -> None:
    due = next_review_due(launched, history, RULES)
    assert due is not None
    if not history:
        assert due == add_months(launched, 6)
        return
    last_day, last_total = max(history, key=lambda review: review[0])
    assert due == add_months(last_day, 12 if last_total >= 100 else 6)
    assert 181 <= (due - last_day).days <= 366


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2900, 12, 31)), st.integers(min_value=-600, max_value=600))
def test_adding_months_agrees_with_dateutil(day: date, months: int) -> None:
    assert add_months(day, months) == day + relativedelta(months=months)
