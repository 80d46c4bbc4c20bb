"""The workload forecast and the visits file's rules, on hand-built needs."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest
from pydantic import ValidationError

from roadmap.data import load_routines, load_visit_policy
from roadmap.domain.planner import Stream
from roadmap.domain.trainer import Trainer
from roadmap.domain.visit import VisitPolicy
from roadmap.domain.workload import UNASSIGNED, forecast

POLICY = load_visit_policy(load_routines())
START = date(2026, 11, 23)


def weekdays(day: date) -> bool:
    return day.weekday() < 5


def need_stream(purpose: str, agency: str | None, first_due: date, **cadence: Any) -> Stream:
    need = POLICY.need(purpose)
    assert need is not None
    return Stream(need, agency, "North", first_due, **cadence)


def test_days_go_to_the_assigned_trainers_shared_evenly_and_reviews_to_the_reviewers() -> None:
    staff = [
        Trainer(name="Ana", region="North", capacity=2, agencies=("a",), reviewer=True),
        Trainer(name="Ned", region="North", capacity=2, agencies=("a",)),
        Trainer(name="Rae", region="North", capacity=2, reviewer=True),
    ]
    streams = [
        need_stream("vocational-unit-visit", "a", date(2026, 12, 1), every_days=15),  # Dec 1, 16, 31
        need_stream("fidelity-review", "a", date(2026, 12, 10), every_months=6),  # 2 reviewers x 2 days
        need_stream("treatment-team-visit", "lonely", date(2026, 12, 5), every_months=1),
    ]
    result = forecast(streams, staff, start=START, months=3, is_workday=weekdays)
    december = {name: loads[1] for name, loads in result.rows.items()}
    assert result.months == ["2026-11", "2026-12", "2027-01"]
    assert december["Ana"].needed == 1.5 + 2 and december["Ned"].needed == 1.5 and december["Rae"].needed == 2
    assert december[UNASSIGNED].needed == 1 and december[UNASSIGNED].capacity == 0
    # Two days a week of December's 23 weekdays; November only from the 23rd (6 weekdays).
    assert december["Ana"].capacity == 9.2 and result.rows["Ana"][0].capacity == 2.4
    assert result.first_over() is None and result.unassigned_days() == 2  # Dec 5 and Jan 5


def test_an_overdue_occurrence_counts_in_the_first_month_and_a_routine_stops_at_its_projected_end() -> None:
    staff = [Trainer(name="Ana", region="North", capacity=1, agencies=("a",))]
    streams = [
        need_stream("treatment-team-visit", "a", date(2026, 9, 1), every_months=1, ends_on=date(2027, 1, 15)),
    ]
    result = forecast(streams, staff, start=START, months=4, is_workday=weekdays)
    # Overdue since September: once, on the first day (not once per month missed); then a month after that,
    # and none after the routine ends in mid-January.
    assert [load.needed for load in result.rows["Ana"]] == [1, 1, 0, 0]
    assert result.first_over() is None  # one day against a day a week for six weekdays


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"day_starts": time(17), "day_ends": time(9)}, "day_ends must come after day_starts"),
        ({"needs": ({"purpose": "steering-meeting"}, {"purpose": "steering-meeting"})}, "repeated: steering-meeting"),
        ({"needs": ({"purpose": "supervisor-meeting", "scope": "statewide", "people": 2},)}, "one trainer for one day"),
        ({"holidays": "united states"}, "String should match pattern"),
    ],
)
def test_a_broken_visits_file_is_refused_with_the_reason(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        VisitPolicy.model_validate(POLICY.model_dump() | change)


def test_two_visits_on_one_day_take_the_morning_and_the_afternoon() -> None:
    assert POLICY.hours(0, whole_day=False) == (time(9), time(12, 30))
    assert POLICY.hours(1, whole_day=False) == (time(12, 30), time(16))
    assert POLICY.hours(0, whole_day=True) == (time(9), time(16))


def test_one_trainers_forecast_is_their_row_of_the_whole_states() -> None:
    """A trainer's page asks for their row only (it skips adding every shared need to everyone else's)."""
    staff = [
        Trainer(name="Ana", region="North", capacity=2, agencies=("a", "b"), reviewer=True),
        Trainer(name="Ned", region="North", capacity=3, agencies=("a",)),
        Trainer(name="Rae", region="South", capacity=1, reviewer=True),
        Trainer(name="Sol", region="South", capacity=1),
    ]
    streams = [
        need_stream("vocational-unit-visit", "a", date(2026, 12, 1), every_days=15),
        need_stream("fidelity-review", "b", date(2027, 2, 10), every_months=6),
        need_stream("treatment-team-visit", "lonely", date(2026, 12, 5), every_months=1),
        Stream(POLICY.need("supervisor-meeting"), None, "statewide", date(2027, 1, 12), None, 3),  # type: ignore[arg-type]
    ]
    whole = forecast(streams, staff, start=START, months=14, is_workday=weekdays)
    assert sum(load.needed for load in whole.rows["Sol"]) > 0  # the statewide meeting reaches everyone
    for trainer in staff:
        own = forecast(streams, staff, start=START, months=14, is_workday=weekdays, only=trainer.name)
        assert own.rows == {trainer.name: whole.rows[trainer.name]}
