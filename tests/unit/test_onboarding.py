"""Agencies already on their way when the state begins tracking them: nothing is overdue for the past."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from roadmap.domain.cadence import CadenceRules
from roadmap.domain.completion import StageStatus, standing
from roadmap.domain.due import DueKind
from roadmap.domain.errors import InvalidInput, NotFound
from stages import progression
from stages.context import AgencyContext
from stages.due import due_items
from stages.stall import peer_durations, stall
from tests.builders import GATES, ROADMAP, TODAY


def onboard(**given: object):  # type: ignore[no-untyped-def]
    fields: dict[str, object] = {"slug": "red-river", "name": "Red River", "region": "South",
                                 "timezone": "America/Chicago", "joined_on": None, "launched_on": None}  # fmt: skip
    return progression.enrol(**(fields | given), roadmap=ROADMAP, as_of=TODAY).agency  # type: ignore[arg-type]


def test_a_program_running_since_2019_passed_every_gate_before_tracking_and_is_not_stalled() -> None:
    agency = onboard(launched_on=date(2019, 4, 1))
    measured = standing(agency, ROADMAP, TODAY)
    assert agency.tracked_from == TODAY and agency.launched_on == date(2019, 4, 1)
    assert [measured.stage(key).status for key in GATES] == [StageStatus.COMPLETED] * 7
    assert all(measured.stage(key).before_tracking and not measured.stage(key).forced for key in GATES)
    assert measured.current_stage is None
    assert measured.stage("monitoring").status is StageStatus.ACTIVE
    # Stages passed before tracking have no duration: they never feed the medians other agencies are held to.
    assert peer_durations([measured]).counts == {}


def test_an_agency_onboarded_mid_roadmap_is_in_its_stage_since_the_date_given() -> None:
    agency = onboard(stage="training", stage_since=date(2025, 1, 10))
    measured = standing(agency, ROADMAP, TODAY)
    assert measured.current_stage == "training" and measured.stage("training").started_on == date(2025, 1, 10)
    assert all(measured.stage(key).before_tracking for key in GATES[:6])
    assert measured.launched_on is None and agency.joined_on == date(2025, 1, 10)
    # 682 days in the stage, but only tracked since today: within the norm, not stalled.
    assert stall(measured, ROADMAP, peer_durations([])) is None
    later = standing(agency, ROADMAP, TODAY + timedelta(days=200))
    found = stall(later, ROADMAP, peer_durations([]))
    assert found is not None and found.days == 200


def test_nothing_is_overdue_on_the_first_day_and_dates_count_from_tracking() -> None:
    agency = onboard(stage="training", stage_since=date(2025, 1, 10), launched_on=date(2025, 6, 2))
    items = due_items(AgencyContext(agency, ROADMAP, CadenceRules()), TODAY)
    assert items and all(item.due_on >= TODAY for item in items)
    checklist = {item.due_on for item in items if item.kind is DueKind.CHECKLIST_ITEM}
    assert checklist == {TODAY + timedelta(days=ROADMAP.stage("training").norm_days or 0)}
    # The first review fell due in December 2025, before tracking: it is owed 30 days from today.
    [review] = [item for item in items if item.kind is DueKind.FIDELITY_REVIEW]
    assert review.due_on == TODAY + timedelta(days=30)


def test_the_last_review_before_tracking_sets_the_cadence_from_day_one() -> None:
    agency = onboard(launched_on=date(2019, 4, 1))
    reviews = [(date(2026, 5, 12), 104)]  # good fidelity: the next one a year on
    items = due_items(AgencyContext(agency, ROADMAP, CadenceRules(), reviews=reviews), TODAY)
    [review] = [item for item in items if item.kind is DueKind.FIDELITY_REVIEW]
    assert review.due_on == date(2027, 5, 12)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"stage": "trainning"}, "stage 'trainning' is not a roadmap stage"),
        ({"stage": "training", "stage_since": date(2027, 1, 1)}, "stage_since 2027-01-01 is in the future"),
        ({"stage": "team", "stage_since": date(2026, 1, 1), "joined_on": date(2026, 3, 1)},
         "joining date 2026-03-01 is after the agency reached stage 'team'"),
    ],
)  # fmt: skip
def test_an_impossible_onboarding_is_refused(given: dict[str, object], message: str) -> None:
    stage = str(given.pop("stage"))
    with pytest.raises((InvalidInput, NotFound)) as refused:
        onboard(stage=ROADMAP.find_stage(stage).key, **given)
    assert message in str(refused.value)


def test_a_stage_is_found_by_key_label_title_or_number() -> None:
    assert {ROADMAP.find_stage(text).key for text in ("Training", "7", "training", "Supervisors")} == {
        "training", "supervisor-expertise"
    }  # fmt: skip
    assert ROADMAP.find_stage("improvement team").key == "improvement-team"


def test_a_stage_entered_before_tracking_is_measured_from_the_day_tracking_began() -> None:
    agency = onboard(stage="training", stage_since=date(2025, 1, 10))
    later = TODAY + timedelta(days=10)
    done = progression.complete_stage(agency, ROADMAP, "training", on=later, as_of=later, force=True, note="mastery")
    measured = standing(done.agency, ROADMAP, later)
    # 10 days tracked, not the 692 since the spreadsheet's date: other agencies' medians are not skewed by it.
    assert measured.stage("training").duration_days == 10
    assert peer_durations([measured]).medians == {"training": 10.0}
