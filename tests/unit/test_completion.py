"""Stages of Implementation Completion measures: duration, proportion, furthest stage."""

from __future__ import annotations

from datetime import date

from roadmap.domain.completion import StageStatus, standing
from stages import progression
from tests.builders import ROADMAP, TODAY, finish_items, item_keys, make_agency


def test_duration_of_a_completed_stage_is_days_from_start_to_completion() -> None:
    agency = finish_items(make_agency(joined_on=date(2026, 1, 5)), "readiness", date(2026, 3, 6))
    assert standing(agency, ROADMAP, TODAY).stage("readiness").duration_days == 60


def test_duration_of_an_active_stage_is_days_so_far_as_of_the_given_date() -> None:
    agency = make_agency(joined_on=date(2026, 1, 5))
    assert standing(agency, ROADMAP, date(2026, 1, 15)).stage("readiness").duration_days == 10
    assert standing(agency, ROADMAP, date(2027, 1, 5)).stage("readiness").duration_days == 365


def test_proportion_counts_items_done_out_of_the_stage_checklist() -> None:
    agency = finish_items(make_agency(), "readiness", date(2026, 2, 1), leave_open=2)
    measured = standing(agency, ROADMAP, TODAY).stage("readiness")
    assert (measured.checklist_done, measured.checklist_total) == (4, 6)
    assert measured.open_items == tuple(item_keys("readiness")[-2:])


def test_stages_not_started_have_no_dates_and_no_duration() -> None:
    measured = standing(make_agency(), ROADMAP, TODAY).stage("team")
    assert (measured.status, measured.started_on, measured.duration_days) == (
        StageStatus.NOT_STARTED,
        None,
        None,
    )


def test_furthest_stage_is_the_furthest_gate_reached_not_an_ongoing_stage() -> None:
    agency = finish_items(make_agency(), "readiness", date(2026, 2, 1))
    agency = progression.launch(agency, ROADMAP, on=date(2026, 3, 1), as_of=TODAY).agency
    measured = standing(agency, ROADMAP, TODAY)
    assert (measured.furthest_stage, measured.current_stage, measured.gates_completed) == (
        "commitment",
        "commitment",
        1,
    )


def test_a_past_as_of_date_shows_only_what_had_happened_by_then() -> None:
    agency = finish_items(make_agency(joined_on=date(2026, 1, 5)), "readiness", date(2026, 3, 6))
    agency = progression.launch(agency, ROADMAP, on=date(2026, 6, 1), as_of=TODAY).agency
    before_completion = standing(agency, ROADMAP, date(2026, 3, 1))
    readiness = before_completion.stage("readiness")
    assert (readiness.status, readiness.completed_on, readiness.checklist_done) == (StageStatus.ACTIVE, None, 0)
    assert before_completion.stage("commitment").status is StageStatus.NOT_STARTED
    assert before_completion.launched_on is None
    assert before_completion.stage("monitoring").status is StageStatus.NOT_STARTED
    before_joining = standing(agency, ROADMAP, date(2025, 12, 1))
    assert before_joining.furthest_stage is None
    assert before_joining.current_stage is None
