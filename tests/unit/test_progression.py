"""The roadmap's progression rules, on plain values."""

from __future__ import annotations

from datetime import date

import pytest

from roadmap.domain.completion import StageStatus, standing
from roadmap.domain.errors import InvalidInput, NotFound, RuleViolation
from roadmap.domain.events import StageCompleted, StageStarted
from stages import progression
from tests.builders import ROADMAP, TODAY, finish_items, item_keys, make_agency

GATES = ["readiness", "commitment", "consensus", "team", "structure", "improvement-team", "training"]
ONGOING = ["monitoring", "consultation", "supervisor-expertise"]


def status(agency, key: str) -> StageStatus:
    return standing(agency, ROADMAP, TODAY).stage(key).status


def test_readiness_is_active_from_the_day_an_agency_joins() -> None:
    agency = make_agency(joined_on=date(2026, 1, 5))
    assert agency.stages["readiness"].started_on == date(2026, 1, 5)
    assert [key for key in GATES + ONGOING if status(agency, key) is StageStatus.ACTIVE] == ["readiness"]


def test_ticking_the_last_item_completes_the_stage_and_starts_the_next_that_day() -> None:
    agency = finish_items(make_agency(), "readiness", date(2026, 2, 1), leave_open=1)
    assert status(agency, "readiness") is StageStatus.ACTIVE
    change = progression.mark_done(agency, ROADMAP, item_keys("readiness")[-1], on=date(2026, 2, 9), as_of=TODAY)
    assert change.agency.stages["readiness"].completed_on == date(2026, 2, 9)
    assert change.agency.stages["commitment"].started_on == date(2026, 2, 9)
    assert StageStarted(agency="riverbend", on=date(2026, 2, 9), stage="commitment") in change.events


def test_a_stage_completes_on_the_latest_item_date_even_when_items_are_entered_late() -> None:
    agency = make_agency()
    keys = item_keys("readiness")
    agency = progression.mark_done(agency, ROADMAP, keys[0], on=date(2026, 3, 1), as_of=TODAY).agency
    for key in keys[1:]:
        agency = progression.mark_done(agency, ROADMAP, key, on=date(2026, 2, 1), as_of=TODAY).agency
    assert agency.stages["readiness"].completed_on == date(2026, 3, 1)


def test_gates_are_taken_in_order() -> None:
    agency = make_agency()
    with pytest.raises(RuleViolation, match=r"'consensus' cannot be completed: it has not started.*'readiness'"):
        progression.complete_stage(
            agency, ROADMAP, "consensus", on=date(2026, 2, 1), as_of=TODAY, force=True, note="skip ahead"
        )


def test_items_of_a_stage_that_has_not_started_are_refused() -> None:
    with pytest.raises(RuleViolation, match="belongs to stage 'team', which has not started"):
        progression.mark_done(make_agency(), ROADMAP, item_keys("team")[0], on=date(2026, 2, 1), as_of=TODAY)


def test_open_items_refuse_completion_and_are_named() -> None:
    agency = finish_items(make_agency(), "readiness", date(2026, 2, 1), leave_open=2)
    with pytest.raises(RuleViolation, match=r"2 of 6 checklist items open \(readiness\.\S+, readiness\.\S+\)"):
        progression.complete_stage(agency, ROADMAP, "readiness", on=date(2026, 2, 2), as_of=TODAY)


def test_forcing_needs_a_note_and_records_it() -> None:
    agency = finish_items(make_agency(), "readiness", date(2026, 2, 1), leave_open=2)
    with pytest.raises(InvalidInput, match="needs a note"):
        progression.complete_stage(agency, ROADMAP, "readiness", on=date(2026, 2, 2), as_of=TODAY, force=True)
    with pytest.raises(InvalidInput, match="needs a note"):
        progression.complete_stage(
            agency, ROADMAP, "readiness", on=date(2026, 2, 2), as_of=TODAY, force=True, note="   "
        )
    change = progression.complete_stage(
        agency,
        ROADMAP,
        "readiness",
        on=date(2026, 2, 2),
        as_of=TODAY,
        force=True,
        note="leaders met once only",
    )
    completed = change.agency.stages["readiness"]
    assert (completed.completed_on, completed.forced, completed.note) == (
        date(2026, 2, 2),
        True,
        "leaders met once only",
    )
    assert change.agency.stages["commitment"].started_on == date(2026, 2, 2)
    assert (
        StageCompleted(
            agency="riverbend",
            on=date(2026, 2, 2),
            stage="readiness",
            forced=True,
            note="leaders met once only",
        )
        in change.events
    )


def test_open_items_of_a_forced_stage_can_still_be_recorded_later() -> None:
    agency = finish_items(make_agency(), "readiness", date(2026, 2, 1), leave_open=1)
    agency = progression.complete_stage(
        agency, ROADMAP, "readiness", on=date(2026, 2, 2), as_of=TODAY, force=True, note="moving on"
    ).agency
    agency = progression.mark_done(agency, ROADMAP, item_keys("readiness")[-1], on=date(2026, 4, 1), as_of=TODAY).agency
    measured = standing(agency, ROADMAP, TODAY).stage("readiness")
    assert (measured.checklist_done, measured.completed_on) == (6, date(2026, 2, 2))


def test_a_completed_stage_cannot_be_completed_again() -> None:
    agency = finish_items(make_agency(), "readiness", date(2026, 2, 1))
    with pytest.raises(RuleViolation, match="'readiness' was already completed on 2026-02-01"):
        progression.complete_stage(
            agency, ROADMAP, "readiness", on=date(2026, 2, 3), as_of=TODAY, force=True, note="again"
        )


def test_an_item_cannot_be_done_twice() -> None:
    agency = finish_items(make_agency(), "readiness", date(2026, 2, 1), leave_open=1)
    with pytest.raises(RuleViolation, match="already done on 2026-02-01"):
        progression.mark_done(agency, ROADMAP, item_keys("readiness")[0], on=date(2026, 2, 5), as_of=TODAY)


def test_all_seven_gates_in_order_leave_no_current_stage() -> None:
    agency = make_agency(joined_on=date(2025, 1, 1))
    for month, gate in enumerate(GATES, start=2):
        assert standing(agency, ROADMAP, TODAY).current_stage == gate
        agency = finish_items(agency, gate, date(2025, month, 1))
    measured = standing(agency, ROADMAP, TODAY)
    assert measured.current_stage is None
    assert measured.gates_completed == 7
    assert measured.furthest_stage == "training"


def test_launch_starts_the_three_ongoing_stages_which_stay_active() -> None:
    agency = make_agency()
    change = progression.launch(agency, ROADMAP, on=date(2026, 6, 1), as_of=TODAY)
    for key in ONGOING:
        assert change.agency.stages[key].started_on == date(2026, 6, 1)
        with pytest.raises(RuleViolation, match=f"'{key}' is ongoing"):
            progression.complete_stage(change.agency, ROADMAP, key, on=TODAY, as_of=TODAY, force=True, note="x")
    assert standing(change.agency, ROADMAP, TODAY).current_stage == "readiness"


def test_ongoing_stages_do_not_start_before_launch() -> None:
    agency = make_agency(joined_on=date(2025, 1, 1))
    for month, gate in enumerate(GATES, start=2):
        agency = finish_items(agency, gate, date(2025, month, 1))
    assert all(status(agency, key) is StageStatus.NOT_STARTED for key in ONGOING)


def test_a_second_launch_is_refused() -> None:
    agency = make_agency(launched_on=date(2026, 3, 1))
    with pytest.raises(RuleViolation, match="already launched IPS services on 2026-03-01"):
        progression.launch(agency, ROADMAP, on=date(2026, 4, 1), as_of=TODAY)


TOMORROW = date(2026, 11, 24)
OPEN_READINESS = finish_items(make_agency(), "readiness", date(2026, 2, 1), leave_open=1)
FUTURE_ACTIONS = {
    "item": lambda: progression.mark_done(
        OPEN_READINESS, ROADMAP, item_keys("readiness")[-1], on=TOMORROW, as_of=TODAY
    ),
    "stage": lambda: progression.complete_stage(
        OPEN_READINESS, ROADMAP, "readiness", on=TOMORROW, as_of=TODAY, force=True, note="n"
    ),
    "launch": lambda: progression.launch(OPEN_READINESS, ROADMAP, on=TOMORROW, as_of=TODAY),
    "enrol": lambda: make_agency(joined_on=TOMORROW),
}


@pytest.mark.parametrize("action", FUTURE_ACTIONS)
def test_dates_after_today_are_refused(action: str) -> None:
    with pytest.raises(InvalidInput, match="is in the future"):
        FUTURE_ACTIONS[action]()


def test_nothing_can_be_done_before_its_stage_started() -> None:
    agency = make_agency(joined_on=date(2026, 3, 1))
    with pytest.raises(RuleViolation, match="before stage 'readiness' started on 2026-03-01"):
        progression.mark_done(agency, ROADMAP, item_keys("readiness")[0], on=date(2026, 2, 28), as_of=TODAY)
    with pytest.raises(RuleViolation, match="before stage 'readiness' started on 2026-03-01"):
        progression.complete_stage(
            agency, ROADMAP, "readiness", on=date(2026, 2, 28), as_of=TODAY, force=True, note="n"
        )


def test_unknown_keys_are_named_with_a_suggestion() -> None:
    with pytest.raises(NotFound, match="unknown stage 'readines' \\(did you mean 'readiness'\\?\\)"):
        progression.complete_stage(make_agency(), ROADMAP, "readines", on=TODAY, as_of=TODAY)
    with pytest.raises(NotFound, match=r"unknown checklist item 'readiness\.common-term' \(did you mean"):
        progression.mark_done(make_agency(), ROADMAP, "readiness.common-term", on=TODAY, as_of=TODAY)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("timezone", "Mars/Olympus", "not an IANA timezone"),
        ("name", "   ", "name"),
        ("region", "", "region"),
        ("slug", "Not A Slug", "slug"),
    ],
)
def test_enrolment_refuses_bad_agency_facts(field: str, value: str, message: str) -> None:
    facts = {"slug": "ok", "name": "Ok", "region": "North", "timezone": "America/Chicago"} | {field: value}
    with pytest.raises(InvalidInput, match=message):
        progression.enrol(**facts, joined_on=TODAY, launched_on=None, roadmap=ROADMAP, as_of=TODAY)


def test_work_on_the_day_a_stage_starts_counts() -> None:
    agency = make_agency(joined_on=date(2026, 3, 1))
    agency = progression.mark_done(agency, ROADMAP, item_keys("readiness")[0], on=date(2026, 3, 1), as_of=TODAY).agency
    change = progression.complete_stage(
        agency, ROADMAP, "readiness", on=date(2026, 3, 1), as_of=TODAY, force=True, note="same day"
    )
    assert change.agency.stages["readiness"].completed_on == date(2026, 3, 1)
    assert standing(change.agency, ROADMAP, TODAY).stage("readiness").duration_days == 0


def test_force_on_a_finished_checklist_is_not_recorded_as_forced() -> None:
    agency = finish_items(make_agency(), "readiness", date(2026, 2, 1), leave_open=1)
    agency = progression.complete_stage(
        agency, ROADMAP, "readiness", on=date(2026, 2, 2), as_of=TODAY, force=True, note="one item left"
    ).agency
    assert agency.stages["readiness"].forced is True
    commitment = finish_items(agency, "commitment", date(2026, 3, 1), leave_open=1)
    last = item_keys("commitment")[-1]
    commitment = progression.mark_done(commitment, ROADMAP, last, on=date(2026, 3, 1), as_of=TODAY).agency
    assert commitment.stages["commitment"].forced is False


@pytest.mark.parametrize("text", ["Harbor\tPoint", "Harbor\nPoint", "Harbor\x00Point"])
def test_control_characters_in_names_and_notes_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="control characters"):
        progression.enrol(slug="ok", name=text, region="North", timezone="UTC", joined_on=TODAY, launched_on=None,
                          roadmap=ROADMAP, as_of=TODAY)  # fmt: skip
    with pytest.raises(InvalidInput, match="control characters"):
        progression.complete_stage(make_agency(), ROADMAP, "readiness", on=TODAY, as_of=TODAY, force=True, note=text)


def test_a_name_without_letters_or_digits_needs_a_slug() -> None:
    with pytest.raises(InvalidInput, match="gives no usable slug; give one with --slug"):
        progression.enrol(slug="", name="!!!", region="North", timezone="UTC", joined_on=TODAY, launched_on=None,
                          roadmap=ROADMAP, as_of=TODAY)  # fmt: skip
