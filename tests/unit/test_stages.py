"""Each stage module's rules: when it may start, what counts as done, what it makes due, when an agency stalls."""

from __future__ import annotations

from datetime import date, timedelta
from importlib import import_module
from types import ModuleType

import pytest

from roadmap.domain.agency import Agency
from roadmap.domain.cadence import CadenceRules
from roadmap.domain.completion import standing
from roadmap.domain.definition import STAGE_KEYS
from roadmap.domain.due import DueItem, DueKind
from roadmap.domain.routine import Occurrence
from stages import progression
from stages.context import AgencyContext
from stages.registry import REGISTRY
from stages.stall import PeerDurations
from tests.builders import GATES, ROADMAP, TODAY, finish_items, make_agency

RULES = CadenceRules()
JOINED = date(2025, 1, 6)
# Found by the naming rule (stages/<key with underscores>.py), not by the registry's own list.
MODULES: dict[str, ModuleType] = {key: import_module(f"stages.{key.replace('-', '_')}") for key in STAGE_KEYS}
GATE_MODULES = [MODULES[key] for key in GATES]


def through(gates_done: int, *, every: int = 30, launched: date | None = None) -> Agency:
    """An agency that finished the first `gates_done` gates, one every `every` days from JOINED."""
    agency = make_agency(joined_on=JOINED)
    for index, key in enumerate(GATES[:gates_done]):
        agency = finish_items(agency, key, JOINED + timedelta(days=every * (index + 1)))
    if launched is not None:
        agency = progression.launch(agency, ROADMAP, on=launched, as_of=TODAY).agency
    return agency


def due(agency: Agency, as_of: date, stage: str, **records: object) -> list[DueItem]:
    context = AgencyContext(agency=agency, roadmap=ROADMAP, rules=RULES, **records)  # type: ignore[arg-type]
    return REGISTRY[stage].due_items(context, as_of)


def test_each_stage_has_its_own_module_and_the_registry_uses_it() -> None:
    assert list(REGISTRY) == list(STAGE_KEYS)
    for key, module in MODULES.items():
        assert module.STAGE.key == key
        assert REGISTRY[key] == module.STAGE


@pytest.mark.parametrize("index", range(len(GATES)))
def test_each_gate_may_start_only_when_the_gate_before_it_is_complete(index: int) -> None:
    stage = GATE_MODULES[index].STAGE
    assert stage.may_start(through(index)) is True
    if index:
        assert stage.may_start(through(index - 1)) is False


@pytest.mark.parametrize("index", range(len(GATES)))
def test_each_gate_is_done_only_when_its_whole_checklist_is_done(index: int) -> None:
    key = GATES[index]
    before = through(index)
    almost = finish_items(before, key, JOINED + timedelta(days=30 * (index + 1)), leave_open=1)
    assert GATE_MODULES[index].STAGE.is_done(almost, ROADMAP.stage(key)) is False
    assert GATE_MODULES[index].STAGE.is_done(through(index + 1), ROADMAP.stage(key)) is True


@pytest.mark.parametrize("key", ["monitoring", "consultation", "supervisor-expertise"])
def test_ongoing_stages_start_at_launch_and_never_finish(key: str) -> None:
    stage = MODULES[key].STAGE
    assert stage.may_start(through(3)) is False
    launched = through(3, launched=date(2025, 6, 1))
    assert stage.may_start(launched) is True
    assert stage.is_done(launched, ROADMAP.stage(stage.key)) is False


def test_readiness_makes_each_open_item_due_when_its_norm_runs_out_and_nothing_else() -> None:
    items = due(make_agency(joined_on=JOINED), JOINED + timedelta(days=10), "readiness")
    assert {item.kind for item in items} == {DueKind.CHECKLIST_ITEM}
    assert {item.due_on for item in items} == {JOINED + timedelta(days=ROADMAP.stage("readiness").norm_days or 0)}
    assert len(items) == len(ROADMAP.stage("readiness").checklist)


def test_structure_makes_trainer_visits_due_twice_a_month_and_monthly() -> None:
    agency = through(4)  # structure started on JOINED + 120 days
    started = JOINED + timedelta(days=120)
    items = {item.subject.split(":")[0]: item for item in due(agency, started + timedelta(days=3), "structure")}
    assert items["vocational-unit-visit"].due_on == started + timedelta(days=15)
    assert items["treatment-team-visit"].due_on == date(2025, 6, 6)  # 2025-05-06 + 1 month
    assert {items[key].kind for key in ("vocational-unit-visit", "treatment-team-visit")} == {DueKind.VISIT}


def test_a_visit_done_moves_the_next_one_on_from_the_day_it_was_done() -> None:
    agency = through(4)
    started = JOINED + timedelta(days=120)
    visited = started + timedelta(days=12)
    items = due(agency, visited, "structure", done={"vocational-unit-visit": [Occurrence(visited)]})
    unit = next(item for item in items if item.subject.startswith("vocational-unit-visit"))
    assert unit.due_on == visited + timedelta(days=15)
    assert unit.subject == f"vocational-unit-visit:{(visited + timedelta(days=15)).isoformat()}"


def test_trainer_visits_run_through_the_steering_team_stage_and_stop_when_training_completes() -> None:
    in_improvement = through(5)
    in_training = through(6)
    done_training = through(7)
    day = JOINED + timedelta(days=200)
    assert any(item.kind is DueKind.VISIT for item in due(in_improvement, day, "structure"))
    assert {i.subject.split(":")[0] for i in due(in_training, day, "training") if i.kind is DueKind.VISIT} == {
        "field-mentoring-visit"
    }
    after = JOINED + timedelta(days=30 * 7 + 1)
    assert not [i for key in GATES for i in due(done_training, after, key) if i.kind is DueKind.VISIT]
    # Judged as of a date before training completed, the visits were still due.
    assert [i for i in due(done_training, after - timedelta(days=10), "structure") if i.kind is DueKind.VISIT]


def test_the_steering_team_meets_quarterly_until_good_fidelity_then_twice_a_year() -> None:
    agency = through(7, launched=date(2025, 9, 1))
    formed = JOINED + timedelta(days=30 * 5)  # improvement-team started when structure completed
    meeting = date(2026, 1, 10)
    fair = due(agency, date(2026, 2, 1), "improvement-team", reviews=[(date(2025, 12, 1), 90)],
               done={"steering-meeting": [Occurrence(meeting)]})  # fmt: skip
    good = due(agency, date(2026, 2, 1), "improvement-team", reviews=[(date(2025, 12, 1), 104)],
               done={"steering-meeting": [Occurrence(meeting)]})  # fmt: skip
    assert [(i.kind, i.due_on) for i in fair] == [(DueKind.MEETING, date(2026, 4, 10))]
    assert [i.due_on for i in good] == [date(2026, 7, 10)]
    # Before any meeting, the first is due a quarter after the team was formed (while its checklist is still open).
    early = due(agency, formed + timedelta(days=5), "improvement-team")
    assert [i.due_on for i in early if i.kind is DueKind.MEETING] == [date(2025, 9, 5)]
    assert {i.kind for i in early} == {DueKind.MEETING, DueKind.CHECKLIST_ITEM}


def test_monitoring_makes_the_review_the_outcome_report_and_open_action_steps_due() -> None:
    agency = through(7, launched=date(2025, 9, 15))
    items = due(agency, date(2026, 1, 20), "monitoring")
    kinds = {item.kind: item for item in items}
    assert kinds[DueKind.FIDELITY_REVIEW].due_on == date(2026, 3, 15)
    # 2025Q4 is the first whole quarter after launch; its report is due 30 days after it ends.
    assert kinds[DueKind.OUTCOME_REPORT].subject == "outcome-report:2025Q4"
    assert kinds[DueKind.OUTCOME_REPORT].due_on == date(2026, 1, 30)
    reported = due(
        agency, date(2026, 1, 20), "monitoring", done={"outcome-report": [Occurrence(date(2026, 1, 18), "2025Q4")]}
    )
    report = next(item for item in reported if item.kind is DueKind.OUTCOME_REPORT)
    assert (report.subject, report.due_on) == ("outcome-report:2026Q1", date(2026, 4, 30))


def test_nothing_is_due_from_ongoing_stages_before_launch() -> None:
    agency = through(7)
    for key in ("monitoring", "consultation", "supervisor-expertise"):
        assert due(agency, TODAY, key) == []


@pytest.mark.parametrize(
    ("key", "routine", "title"),
    [
        ("consultation", "leadership-consultation", "Consultation with agency leaders"),
        ("supervisor-expertise", "supervisor-meeting", "Statewide IPS supervisor meeting"),
    ],
)
def test_consultation_and_supervisor_meetings_are_quarterly_from_launch(key: str, routine: str, title: str) -> None:
    agency = through(7, launched=date(2025, 9, 15))
    stage = MODULES[key].STAGE.key
    items = due(agency, date(2025, 10, 1), stage)
    assert [(i.kind, i.subject, i.title, i.due_on) for i in items] == [
        (DueKind.MEETING, f"{routine}:2025-12-15", title, date(2025, 12, 15))
    ]
    later = due(agency, date(2026, 1, 5), stage, done={routine: [Occurrence(date(2025, 12, 18))]})
    assert [i.due_on for i in later] == [date(2026, 3, 18)]


def test_only_the_active_gate_reports_a_stall_against_its_norm_and_its_peers_median() -> None:
    agency = through(2)  # consensus started JOINED + 60 days, norm from the roadmap
    norm = ROADMAP.stage("consensus").norm_days or 0
    as_of = JOINED + timedelta(days=60 + norm + 5)
    measured = standing(agency, ROADMAP, as_of)
    peers = PeerDurations(medians={"consensus": 20.0}, counts={"consensus": 4})
    stall = MODULES["consensus"].STAGE.stall(measured, ROADMAP, peers)
    assert stall is not None and stall.days == norm + 5
    assert stall.reasons == (
        f"longer than the {norm}-day norm",
        "longer than the 20-day median of 4 agencies that completed it",
    )
    assert MODULES["team"].STAGE.stall(measured, ROADMAP, peers) is None
    assert MODULES["monitoring"].STAGE.stall(measured, ROADMAP, peers) is None
    assert (
        MODULES["consensus"].STAGE.stall(standing(agency, ROADMAP, JOINED + timedelta(days=70)), ROADMAP, peers) is None
    )


def test_the_review_and_steering_cadences_judge_fidelity_by_the_same_review() -> None:
    # Two totals entered for one visit date: both cadences take the same one (the first listed), never one each.
    agency = through(7, launched=date(2025, 9, 1))
    reviews = [(date(2025, 12, 1), 90), (date(2025, 12, 1), 104)]
    done = {"steering-meeting": [Occurrence(date(2026, 1, 10))]}
    review = [
        i.due_on
        for i in due(agency, date(2026, 2, 1), "monitoring", reviews=reviews)
        if i.kind is DueKind.FIDELITY_REVIEW
    ]
    meeting = [i.due_on for i in due(agency, date(2026, 2, 1), "improvement-team", reviews=reviews, done=done)]
    assert review == [date(2026, 6, 1)]  # six months: below good
    assert meeting == [date(2026, 4, 10)]  # quarterly: below good
