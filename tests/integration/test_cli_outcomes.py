"""Quarterly outcomes through the CLI, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.conftest import Cli
from tests.integration.demo_state import demo_without_contacts

TODAY = "2026-11-23"
AGENCY = "riverbend-community-mental-health"  # launched about two years before TODAY


@pytest.fixture
def state(cli: Cli) -> Cli:
    return demo_without_contacts(cli, TODAY)


def outcome_report_due(cli: Cli, as_of: str) -> list[dict[str, str]]:
    items = cli.ok("due", "--agency", AGENCY, "--within", "60", "--as-of", as_of, "--json").json()
    return [item for item in items if item["kind"] == "outcome-report"]


def test_recorded_counts_give_the_rate_its_band_and_stand_as_the_quarters_report(state: Cli) -> None:
    later = "2027-01-20"  # 2026Q4 has ended; its report is due on 30 January
    before = outcome_report_due(state, later)
    assert [(item["subject"], item["due_on"]) for item in before] == [("outcome-report:2026Q4", "2027-01-30")]
    recorded = state.ok(
        "outcomes", "record", AGENCY, "--quarter", "2026Q4", "--served", "48", "--working", "21",
        "--job-starts", "6", "--working-90-days", "15", "--avg-hours", "22.5", "--as-of", later, "--json",
    ).json()  # fmt: skip
    assert recorded["employment_rate"] == 43.8 and recorded["band"] == "average"
    assert recorded["report_recorded"] is True and recorded["reported_on"] == later
    # The report is in: the next one owed is 2026Q4's successor, not yet within reach.
    assert outcome_report_due(state, later) == []
    history = state.ok("routine", "history", AGENCY, "--json").json()
    assert {"routine": "outcome-report", "done_on": later, "period": "2026Q4"}.items() <= history[0].items()

    # An earlier quarter whose report the agency had already sent: the counts are stored, the report stands.
    older = state.ok(
        "outcomes", "record", AGENCY, "--quarter", "2026Q3", "--served", "40", "--working", "12", "--as-of", later,
        "--json",
    ).json()  # fmt: skip
    assert older["report_recorded"] is False
    listed = state.ok("outcomes", "list", AGENCY, "--json").json()
    assert [(row["quarter"], row["employment_rate"], row["band"]) for row in listed] == [
        ("2026Q3", 30.0, "below minimal"),
        ("2026Q4", 43.8, "average"),
    ]
    assert listed[0]["job_starts"] is None and listed[1]["working_90_days"] == 15
    text = state.ok("outcomes", "list").out
    assert "43.8%" in text and "below minimal" in text


def test_a_state_sets_its_own_benchmarks(state: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IPS_ROADMAP_BENCHMARKS__EXCELLENT", "43")
    row = state.ok(
        "outcomes", "record", AGENCY, "--quarter", "2026Q3", "--served", "48", "--working", "21", "--as-of", TODAY,
        "--json",
    ).json()  # fmt: skip
    assert row["band"] == "excellent"
    monkeypatch.setenv("IPS_ROADMAP_BENCHMARKS__EXCELLENT", "20")
    result = state("outcomes", "list")
    assert result.code == 2 and "benchmarks must rise" in result.err


def test_contradictory_or_misplaced_counts_are_refused_in_one_line_and_store_nothing(state: Cli) -> None:
    base = ("outcomes", "record", AGENCY, "--as-of", TODAY)
    refusals = [
        (("--quarter", "2026Q3", "--served", "10", "--working", "12"), "--working 12 is more than --served 10"),
        (
            ("--quarter", "2026Q3", "--served", "-1", "--working", "0"),
            "--served: Input should be greater than or equal to 0",
        ),
        (
            ("--quarter", "2026Q3", "--served", "10", "--working", "5", "--working-90-days", "6"),
            "--working-90-days 6 is more than --working 5",
        ),
        (
            ("--quarter", "2026Q3", "--served", "10", "--working", "5", "--in-school", "11"),
            "--in-school 11 is more than --served 10",
        ),
        (("--quarter", "2026Q4", "--served", "10", "--working", "5"), "2026Q4 ends on 2026-12-31"),
        (("--quarter", "2027Q1", "--served", "10", "--working", "5"), "--quarter 2027Q1 has not begun"),
        (("--quarter", "2026Q5", "--served", "10", "--working", "5"), "is not a quarter such as 2026Q4"),
        (("--quarter", "2026Q3", "--served", "10", "--working", "5", "--on", "2026-12-01"), "is in the future"),
        (("--quarter", "2026Q3", "--served", "10", "--working", "5", "--avg-hours", "100"), "--avg-hours"),
        (("--quarter", "2026Q3", "--served", "ten", "--working", "5"), "--served"),
    ]
    for extra, message in refusals:
        result = state(*base, *extra)
        assert result.code == 2 and message in result.err and len(result.err.strip().splitlines()) == 1, (
            extra,
            result.err,
        )
    not_launched = state(
        "outcomes",
        "record",
        "pinecrest-behavioral-health",
        "--quarter",
        "2026Q3",
        "--served",
        "5",
        "--working",
        "1",
        "--as-of",
        TODAY,
    )
    assert not_launched.code == 2 and "had not launched IPS services by the end of 2026Q3" in not_launched.err
    assert state.ok("outcomes", "list", "--json").json() == []
    state.ok(*base, "--quarter", "2026Q3", "--served", "10", "--working", "5")
    again = state(*base, "--quarter", "2026Q3", "--served", "11", "--working", "5")
    assert again.code == 2 and "outcomes for 2026Q3 are already recorded" in again.err
    assert [row["served"] for row in state.ok("outcomes", "list", "--json").json()] == [10]
    unknown = state("outcomes", "list", "no-such-agency")
    assert unknown.code == 2 and "unknown agency 'no-such-agency'" in unknown.err
