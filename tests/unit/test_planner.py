"""The visit planner on hand-built needs: capacity, regions, working days, reasons, existing bookings."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date, timedelta

import holidays
import pytest

from roadmap.data import load_routines, load_visit_policy
from roadmap.domain.planner import Plan, PlanRequest, Stream, plan_visits
from roadmap.domain.trainer import Trainer
from roadmap.domain.visit import Visit, VisitPolicy, VisitStatus

POLICY: VisitPolicy = load_visit_policy(load_routines())
US = holidays.country_holidays("US")
MONDAY = date(2026, 11, 30)


def workday(day: date) -> bool:
    return day.weekday() < 5 and day not in US


def need(purpose: str) -> Stream:
    found = POLICY.need(purpose)
    assert found is not None
    return Stream(found, "x", "North", MONDAY)


def stream(
    purpose: str, agency: str, region: str, first_due: date, *, days: int | None = None, months: int | None = None
) -> Stream:
    base = need(purpose)
    return Stream(base.need, agency, region, first_due, days, months)


def trainer(name: str, region: str, capacity: int, agencies: list[str], *, reviewer: bool = False) -> Trainer:
    return Trainer(name=name, region=region, capacity=capacity, agencies=tuple(agencies), reviewer=reviewer)


def request(streams: list[Stream], trainers: list[Trainer], weeks: int = 4, **extra: object) -> PlanRequest:
    return PlanRequest(
        streams=streams,
        trainers=trainers,
        start=MONDAY,
        end=MONDAY + timedelta(days=weeks * 7 - 1),
        is_workday=workday,
        max_visits_per_day=POLICY.max_visits_per_day,
        **extra,  # type: ignore[arg-type]
    )


def assert_within_the_rules(plan: Plan, trainers: list[Trainer], per_day: int = 2) -> None:
    """What a trainer relies on: no weekend or holiday, one region a day, capacity per week, whole days alone."""
    capacity = {t.name: t.capacity for t in trainers}
    days: dict[tuple[str, date], list[str]] = {}
    for visit in plan.visits:
        for day in visit.dates:
            assert workday(day), f"{visit} falls on {day:%A %d %b}, not a working day"
            for name in visit.trainers:
                days.setdefault((name, day), []).append(
                    visit.region if not visit.whole_days else f"whole:{visit.id}{visit.agency}"
                )
    for (name, day), regions in days.items():
        assert len(set(regions)) == 1, f"{name} is booked in {regions} on {day}"
        assert len(regions) <= (1 if regions[0].startswith("whole:") else per_day), f"{name} double-booked on {day}"
    weeks = Counter((name, day.isocalendar()[:2]) for name, day in days)
    for (name, week), count in weeks.items():
        assert count <= capacity[name], f"{name} has {count} trip days in week {week}, capacity {capacity[name]}"


def test_agencies_of_one_region_share_a_trainers_day_and_save_trips() -> None:
    agencies = [f"north-{n}" for n in range(6)]
    streams = [stream("treatment-team-visit", slug, "North", MONDAY + timedelta(days=9), months=1) for slug in agencies]
    staff = [trainer("Ana", "North", 3, agencies)]
    grouped, naive = plan_visits(request(streams, staff)), plan_visits(request(streams, staff), grouping=False)
    print(f"trip days: grouped {grouped.trip_days()}, one agency per day {naive.trip_days()}")
    assert len(grouped.visits) == len(naive.visits) == 6 and not grouped.unmet and not naive.unmet
    assert grouped.trip_days() == 3 and naive.trip_days() == 6
    assert_within_the_rules(grouped, staff)
    # Two visits on one day take the morning and the afternoon.
    assert sorted(Counter(v.on for v in grouped.visits).values()) == [2, 2, 2]
    assert {v.slot for v in grouped.visits} == {0, 1}


def test_regions_never_share_a_day_and_capacity_holds_per_week() -> None:
    north = [f"north-{n}" for n in range(4)]
    south = [f"south-{n}" for n in range(4)]
    streams = [stream("vocational-unit-visit", slug, "North", MONDAY + timedelta(days=3), days=15) for slug in north]
    streams += [stream("vocational-unit-visit", slug, "South", MONDAY + timedelta(days=3), days=15) for slug in south]
    staff = [trainer("Ana", "North", 4, north + south)]
    plan = plan_visits(request(streams, staff))
    assert_within_the_rules(plan, staff)
    booked = Counter((v.agency, v.purpose) for v in plan.visits)
    assert all(booked[(slug, "vocational-unit-visit")] == 2 for slug in north + south)  # twice a month, every one


def test_each_next_occurrence_is_due_one_interval_after_the_day_booked() -> None:
    staff = [trainer("Ana", "North", 5, ["a"])]
    plan = plan_visits(
        request([stream("vocational-unit-visit", "a", "North", MONDAY + timedelta(days=2), days=15)], staff, weeks=8)
    )
    dates = [v.on for v in plan.visits]
    assert dates[0] <= MONDAY + timedelta(days=2)
    assert all(later - earlier <= timedelta(days=15) for earlier, later in itertools.pairwise(dates))
    assert dates[-1] + timedelta(days=15) > MONDAY + timedelta(days=8 * 7 - 1)  # nothing left unbooked in the weeks
    assert [v.due_on for v in plan.visits][1:] == [d + timedelta(days=15) for d in dates[:-1]]


def test_weekends_and_holidays_are_never_booked() -> None:
    # Due on Christmas Day (a Friday in 2026), with a window over the weekend before it.
    due = date(2026, 12, 25)
    staff = [trainer("Ana", "North", 5, ["a"])]
    plan = plan_visits(request([stream("treatment-team-visit", "a", "North", due, months=1)], staff))
    assert [v.on for v in plan.visits] == [date(2026, 12, 24)]


def test_an_overdue_occurrence_is_booked_as_soon_as_possible() -> None:
    staff = [trainer("Ana", "North", 5, ["a"])]
    plan = plan_visits(request([stream("treatment-team-visit", "a", "North", date(2026, 10, 1), months=1)], staff))
    assert plan.visits[0].on == MONDAY and plan.visits[0].due_on == date(2026, 10, 1)


def test_a_review_takes_two_reviewers_for_two_consecutive_working_days_alone() -> None:
    due = MONDAY + timedelta(days=20)
    staff = [
        trainer("Ana", "North", 5, ["a"], reviewer=True),
        trainer("Ben", "South", 5, [], reviewer=True),
        trainer("Cy", "North", 5, ["a"]),
    ]
    streams = [
        stream("fidelity-review", "a", "North", due, months=6),
        stream("treatment-team-visit", "a", "North", due, months=1),
    ]
    plan = plan_visits(request(streams, staff))
    review = next(v for v in plan.visits if v.purpose == "fidelity-review")
    assert review.days == 2 and set(review.trainers) == {"Ana", "Ben"}
    assert all(workday(day) for day in review.dates) and review.dates[-1] <= due
    assert_within_the_rules(plan, staff)
    # The agency's monthly visit still happens, on a day that is not one of its trainer's review days.
    other = next(v for v in plan.visits if v.purpose == "treatment-team-visit")
    assert not (set(other.dates) & set(review.dates) and set(other.trainers) & set(review.trainers))


@pytest.mark.parametrize(
    ("streams", "staff", "reason"),
    [
        (
            [stream("treatment-team-visit", "lonely", "West", MONDAY + timedelta(days=5), months=1)],
            [trainer("Ana", "North", 3, ["a"])],
            "no trainer is assigned to lonely",
        ),
        (
            [stream("fidelity-review", "a", "North", MONDAY + timedelta(days=15), months=6)],
            [trainer("Ana", "North", 3, ["a"], reviewer=True)],
            "needs 2 reviewers; the state has 1",
        ),
        (
            [stream("fidelity-review", "a", "North", MONDAY + timedelta(days=15), months=6)],
            [trainer("Ana", "North", 3, ["a"])],
            "no reviewers",
        ),
    ],
)
def test_what_cannot_be_planned_is_listed_with_the_reason(
    streams: list[Stream], staff: list[Trainer], reason: str
) -> None:
    plan = plan_visits(request(streams, staff))
    assert not plan.visits
    assert [u.reason.startswith(reason) or reason in u.reason for u in plan.unmet] == [True]


def test_a_full_trainer_leaves_the_rest_unmet_and_says_so() -> None:
    # Eight agencies in eight regions, one trainer with one day a week: one visit a week fits.
    agencies = [(f"agency-{n}", f"Region {n}") for n in range(8)]
    streams = [
        stream("treatment-team-visit", slug, region, MONDAY + timedelta(days=11), months=1) for slug, region in agencies
    ]
    staff = [trainer("Ana", "North", 1, [slug for slug, _ in agencies])]
    plan = plan_visits(request(streams, staff))
    assert_within_the_rules(plan, staff)
    assert len(plan.visits) == 2  # the two weeks of the window
    assert len(plan.unmet) == 6
    assert all("Ana: no free day between" in u.reason and "within capacity" in u.reason for u in plan.unmet)
    assert {(v.agency, v.purpose) for v in plan.visits}.isdisjoint({(u.agency, u.purpose) for u in plan.unmet})


def test_visits_booked_earlier_are_kept_and_not_booked_again() -> None:
    staff = [trainer("Ana", "North", 2, ["a", "b"])]
    streams = [
        stream("treatment-team-visit", slug, "North", MONDAY + timedelta(days=8), months=1) for slug in ("a", "b")
    ]
    first = plan_visits(request(streams, staff))
    saved = [visit.model_copy(update={"id": n}) for n, visit in enumerate(first.visits, start=1)]
    again = plan_visits(request(streams, staff, existing=saved))
    assert first.visits and again.visits == [] and again.unmet == []


def test_one_trainers_plan_books_only_them() -> None:
    # Both trainers serve both agencies; Ana would be the first pick, but this is Ben's plan.
    staff = [trainer("Ana", "North", 3, ["a", "b"]), trainer("Ben", "North", 3, ["a", "b"])]
    streams = [
        stream("treatment-team-visit", "a", "North", MONDAY + timedelta(days=8), months=1),
        stream("treatment-team-visit", "b", "North", MONDAY + timedelta(days=8), months=1),
    ]
    plan = plan_visits(request(streams, staff, only="Ben"))
    assert sorted((v.agency, v.trainers) for v in plan.visits) == [("a", ("Ben",)), ("b", ("Ben",))]


def test_a_visit_kept_for_a_later_occurrence_does_not_stand_for_an_overdue_one() -> None:
    # The overdue occurrence's visit was cancelled; the one booked for the next occurrence is still there.
    staff = [trainer("Ana", "North", 5, ["a"])]
    overdue = stream("vocational-unit-visit", "a", "North", date(2026, 10, 19), days=15)
    later = plan_visits(request([overdue], staff)).visits[1].model_copy(update={"id": 2})
    plan = plan_visits(request([overdue], staff, existing=[later]))
    assert plan.visits and plan.visits[0].due_on == date(2026, 10, 19) and plan.visits[0].on == MONDAY
    assert all(v.on != later.on or v.slot != later.slot for v in plan.visits)


def test_a_new_visit_takes_the_free_slot_of_a_day_not_the_one_kept() -> None:
    staff = [trainer("Ana", "North", 5, ["a", "b"])]
    kept = plan_visits(
        request([stream("treatment-team-visit", "b", "North", MONDAY + timedelta(days=3), months=1)], staff)
    )
    afternoon = kept.visits[0].model_copy(update={"id": 1, "slot": 1})
    streams = [stream("treatment-team-visit", "a", "North", afternoon.on, months=1)]
    plan = plan_visits(request(streams, staff, existing=[afternoon]))
    assert [(v.on, v.slot) for v in plan.visits][:1] == [(afternoon.on, 0)]


def test_a_routine_is_never_booked_twice_on_one_day_even_with_a_window_as_long_as_its_interval() -> None:
    found = POLICY.need("vocational-unit-visit")
    assert found is not None
    wide = found.model_copy(update={"window_days": 20})
    staff = [trainer("Ana", "North", 5, ["a"])]
    plan = plan_visits(request([Stream(wide, "a", "North", MONDAY + timedelta(days=10), 15)], staff, weeks=6))
    assert len({v.on for v in plan.visits}) == len(plan.visits)


def test_an_overdue_routine_that_cannot_be_fitted_is_reported_once_per_missed_occurrence_in_the_plan() -> None:
    # Overdue since May and nobody assigned: not one row for every fortnight since May.
    plan = plan_visits(
        request(
            [stream("vocational-unit-visit", "lonely", "West", date(2026, 5, 1), days=15)],
            [trainer("Ana", "North", 3, ["a"])],
        )
    )
    assert [u.due_on for u in plan.unmet][:1] == [date(2026, 5, 1)] and len(plan.unmet) <= 2


def test_a_review_visit_done_and_awaiting_its_scores_is_not_booked_again() -> None:
    staff = [trainer("Ana", "North", 5, [], reviewer=True), trainer("Ben", "North", 5, [], reviewer=True)]
    due = date(2026, 11, 20)
    review = stream("fidelity-review", "a", "North", due, months=6)
    done = Visit(id=7, purpose="fidelity-review", agency="a", region="North", on=date(2026, 11, 18), days=2,
                 trainers=("Ana", "Ben"), due_on=due, status=VisitStatus.DONE, done_on=date(2026, 11, 18))  # fmt: skip
    assert plan_visits(request([review], staff)).visits  # without it, the overdue review is booked
    assert plan_visits(request([review], staff, existing=[done])).visits == []


def test_a_trip_day_already_taken_earlier_in_the_week_counts_against_capacity() -> None:
    staff = [trainer("Ana", "North", 1, ["a", "b"])]
    monday = Visit(
        id=1, purpose="treatment-team-visit", agency="b", region="South", on=MONDAY, trainers=("Ana",), due_on=MONDAY
    )
    wednesday = MONDAY + timedelta(days=2)
    streams = [stream("treatment-team-visit", "a", "North", wednesday + timedelta(days=2), months=1)]
    plan = plan_visits(PlanRequest(streams, staff, wednesday, wednesday + timedelta(days=13), workday, [monday], 2))
    assert plan.unmet and not plan.visits  # the only day that week is Monday's, in another region


def test_a_statewide_meeting_is_one_visit_for_the_whole_state() -> None:
    staff = [trainer("Ana", "North", 3, ["a"]), trainer("Ben", "South", 3, ["b"])]
    found = POLICY.need("supervisor-meeting")
    assert found is not None and found.scope == "statewide"
    plan = plan_visits(request([Stream(found, None, "statewide", MONDAY + timedelta(days=10), None, 3)], staff))
    assert len(plan.visits) == 1 and plan.visits[0].agency is None and plan.visits[0].where == "statewide"
