"""Routines as data: the packaged file, a state's own file refused with a reason, and when occurrences fall due."""

from __future__ import annotations

import re
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from roadmap.data import load_roadmap
from roadmap.domain.errors import InvalidInput, NotFound
from roadmap.domain.routine import Occurrence, Routine, next_occurrence, parse_quarter_label, quarter_end
from tests.builders import ROADMAP

QUARTERLY = Routine(key="report", kind="outcome-report", title="Report", stage="monitoring", quarterly_due_days=30)
MONTHLY = Routine(key="visit", kind="visit", title="Visit", stage="structure", every_months=1)
STEERING = ROADMAP.routines.get("steering-meeting")


def test_the_packaged_routines_follow_the_roadmap_cadences() -> None:
    cadences = {routine.key: (routine.stage, routine.cadence) for routine in ROADMAP.routines.routines}
    assert cadences == {
        "vocational-unit-visit": ("structure", "every 15 days"),
        "treatment-team-visit": ("structure", "every 1 months"),
        "field-mentoring-visit": ("training", "every 1 months"),
        "steering-meeting": ("improvement-team", "every 3 months (6 at good fidelity)"),
        "outcome-report": ("monitoring", "each calendar quarter, due 30 days after it ends"),
        "leadership-consultation": ("consultation", "every 3 months"),
        "supervisor-meeting": ("supervisor-expertise", "every 3 months"),
    }


def test_an_unknown_routine_is_refused_with_a_suggestion() -> None:
    with pytest.raises(
        NotFound, match=re.escape("unknown routine 'steering-meting' (did you mean 'steering-meeting'?)")
    ):
        ROADMAP.routines.get("steering-meting")


def _routines_file(tmp_path: Path, change: dict[str, Any]) -> Path:
    raw = yaml.safe_load(resources.files("roadmap.data").joinpath("routines.yaml").read_text())
    raw["routines"][0].update(change)
    path = tmp_path / "routines.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"stage": "strucutre"}, "'strucutre' is not a stage (did you mean 'structure'?)"),
        ({"ends_with": "readiness"}, "ends_with 'readiness' comes before the stage it starts with"),
        ({"every_months": 2}, "give exactly one of every_days, every_months or quarterly_due_days"),
        ({"kind": "fidelity-review"}, "kind must be one of meeting, visit, outcome-report"),
        ({"every_days": 0}, "routines.0.every_days"),
        ({"every_days": 7.0}, "routines.0.every_days: Input should be a valid integer"),  # not read as 7
        ({"every_days": True}, "routines.0.every_days: Input should be a valid integer"),  # not read as 1
        ({"key": "steering-meeting"}, "repeated: steering-meeting"),
        ({"every_months_at_good_fidelity": 6}, "every_months_at_good_fidelity needs every_months"),
    ],
)
def test_a_broken_routines_file_is_refused_with_the_reason(
    tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidInput, match=re.escape(message)):
        load_roadmap(routines=_routines_file(tmp_path, change))


def test_a_state_can_change_a_cadence_in_its_own_file(tmp_path: Path) -> None:
    roadmap = load_roadmap(routines=_routines_file(tmp_path, {"every_days": 7}))
    assert roadmap.routines.get("vocational-unit-visit").cadence == "every 7 days"


@pytest.mark.parametrize(("year", "quarter", "end"), [(2026, 1, date(2026, 3, 31)), (2026, 4, date(2026, 12, 31))])
def test_quarter_ends(year: int, quarter: int, end: date) -> None:
    assert quarter_end(year, quarter) == end


def test_the_first_report_covers_the_first_whole_quarter_after_the_start() -> None:
    # Started mid-Q3: Q3 is not owed; Q4's report falls due on 30 January.
    assert next_occurrence(
        QUARTERLY, since=date(2026, 8, 10), done=[], good_fidelity=False, as_of=date(2026, 9, 1)
    ) == (
        "2026Q4",
        date(2027, 1, 30),
    )
    # Started on the first day of a quarter: that quarter counts.
    assert (
        next_occurrence(QUARTERLY, since=date(2026, 7, 1), done=[], good_fidelity=False, as_of=date(2026, 10, 5))[0]
        == "2026Q3"
    )


def test_an_unsent_report_stays_due_until_a_report_for_that_quarter_is_recorded() -> None:
    since = date(2025, 1, 1)
    # A late report for the quarter before does not cover Q1.
    late = next_occurrence(
        QUARTERLY, since=since, done=[Occurrence(date(2026, 4, 12), "2025Q4")], good_fidelity=False,
        as_of=date(2026, 5, 20),
    )  # fmt: skip
    assert late == ("2026Q1", date(2026, 4, 30))
    sent = next_occurrence(
        QUARTERLY, since=since, done=[Occurrence(date(2026, 4, 12), "2026Q1")], good_fidelity=False,
        as_of=date(2026, 5, 20),
    )  # fmt: skip
    assert sent == ("2026Q2", date(2026, 7, 30))
    # Once Q2 has ended too, Q2 is the quarter chased.
    assert next_occurrence(QUARTERLY, since=since, done=[], good_fidelity=False, as_of=date(2026, 7, 2))[0] == "2026Q2"


def test_interval_routines_count_from_the_latest_occurrence_by_the_date_judged() -> None:
    since = date(2026, 1, 31)
    assert next_occurrence(MONTHLY, since=since, done=[], good_fidelity=False, as_of=date(2026, 2, 1)) == (
        "2026-02-28",
        date(2026, 2, 28),
    )
    done = [Occurrence(date(2026, 3, 3)), Occurrence(date(2026, 4, 9))]
    # Judged before the April visit happened, only the March one counts.
    assert next_occurrence(MONTHLY, since=since, done=done, good_fidelity=False, as_of=date(2026, 4, 1))[1] == date(
        2026, 4, 3
    )
    assert next_occurrence(MONTHLY, since=since, done=done, good_fidelity=False, as_of=date(2026, 4, 10))[1] == date(
        2026, 5, 9
    )
    # An occurrence before the routine started (an earlier run of it) is ignored.
    assert next_occurrence(
        MONTHLY, since=since, done=[Occurrence(date(2025, 12, 1))], good_fidelity=False, as_of=date(2026, 2, 1)
    )[1] == date(2026, 2, 28)


def test_good_fidelity_slows_the_steering_team_to_twice_a_year() -> None:
    since, met = date(2026, 1, 1), [Occurrence(date(2026, 2, 1))]
    assert next_occurrence(STEERING, since=since, done=met, good_fidelity=False, as_of=date(2026, 3, 1))[1] == date(
        2026, 5, 1
    )
    assert next_occurrence(STEERING, since=since, done=met, good_fidelity=True, as_of=date(2026, 3, 1))[1] == date(
        2026, 8, 1
    )


def test_a_database_that_began_tracking_routines_late_counts_them_from_then() -> None:
    launched, upgraded = date(2024, 3, 4), date(2026, 11, 23)
    quarterly = next_occurrence(QUARTERLY, since=launched, done=[], good_fidelity=False, as_of=date(2026, 11, 25),
                                tracked_from=upgraded)  # fmt: skip
    assert quarterly == ("2026Q4", date(2027, 1, 30))  # Q3 ended before tracking began: not chased
    first = next_occurrence(
        MONTHLY, since=launched, done=[], good_fidelity=False, as_of=upgraded, tracked_from=upgraded
    )
    assert first[1] == date(2026, 12, 23)
    # A meeting back-filled from before the upgrade still counts.
    backfilled = next_occurrence(MONTHLY, since=launched, done=[Occurrence(date(2026, 11, 2))], good_fidelity=False,
                                 as_of=upgraded, tracked_from=upgraded)  # fmt: skip
    assert backfilled[1] == date(2026, 12, 2)


@pytest.mark.parametrize(("text", "meant"), [("2026Q4", (2026, 4)), (" 2027q1\n", (2027, 1))])
def test_a_quarter_label_reads_as_year_and_quarter(text: str, meant: tuple[int, int]) -> None:
    assert parse_quarter_label(text) == meant


@pytest.mark.parametrize(
    "text", ["２０２６Q4", "\u0662\u0660\u0662\u0666Q1", "2026Q5", "2026Q4x", "26Q1", "1899Q4", ""]
)
def test_anything_else_is_not_a_quarter(text: str) -> None:
    with pytest.raises(ValueError, match="is not a quarter such as 2026Q4"):
        parse_quarter_label(text)
