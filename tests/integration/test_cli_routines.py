"""`ips-roadmap routine ...`: the roadmap's recurring work, recorded as it happens, moving what is due next."""

from __future__ import annotations

from tests.conftest import Cli, snapshot

TODAY = "2026-11-23"
RIVERBEND = "riverbend-community-mental-health"


def test_routine_list_shows_every_cadence_as_data(cli: Cli) -> None:
    listed = {r["key"]: r for r in cli.ok("routine", "list", "--json").json()}
    assert listed["steering-meeting"]["cadence"] == "every 3 months (6 at good fidelity)"
    assert (listed["vocational-unit-visit"]["starts_with"], listed["vocational-unit-visit"]["ends_with"]) == (
        "structure",
        "training",
    )
    assert "Statewide IPS supervisor meeting" in cli.ok("routine", "list").out


def test_recording_a_meeting_moves_the_next_one_on_and_shows_in_history(bare_cli: Cli) -> None:
    bare_cli.ok("demo", "--as-of", TODAY)
    before = [
        i for i in bare_cli.ok("due", "--agency", RIVERBEND, "--as-of", TODAY, "--within", "400", "--json").json()
        if i["subject"].startswith("supervisor-meeting:")
    ]  # fmt: skip
    assert len(before) == 1
    done = bare_cli.ok("routine", "done", RIVERBEND, "supervisor-meeting", "--on", "2026-11-20",
                       "--as-of", TODAY, "--json").json()  # fmt: skip
    assert (done["routine"], done["done_on"]) == ("supervisor-meeting", "2026-11-20")
    assert done["next_due"]["due_on"] == "2027-02-20"
    after = bare_cli.ok("due", "--agency", RIVERBEND, "--as-of", TODAY, "--within", "400", "--json").json()
    assert [i["due_on"] for i in after if i["subject"].startswith("supervisor-meeting:")] == ["2027-02-20"]
    history = bare_cli.ok("routine", "history", RIVERBEND, "--json").json()
    assert history[0] == {"agency": RIVERBEND, "routine": "supervisor-meeting", "done_on": "2026-11-20", "period": None}


REFUSED = [
    ((RIVERBEND, "supervisor-meting", "--on", "2026-11-20"), "did you mean 'supervisor-meeting'"),
    ((RIVERBEND, "supervisor-meeting", "--on", "2026-12-20"), "--on 2026-12-20 is in the future"),
    ((RIVERBEND, "supervisor-meeting", "--on", "2026-13-01"), "--on"),
    (("nowhere", "supervisor-meeting", "--on", "2026-11-20"), "unknown agency 'nowhere'"),
    (("northwoods-counseling-cooperative", "steering-meeting", "--on", "2026-11-20"), "was not running"),
    # Field mentoring ended when Riverbend finished training, long before this date.
    ((RIVERBEND, "field-mentoring-visit", "--on", "2026-11-20"), "until stage 'training' is completed"),
    ((RIVERBEND, "supervisor-meeting", "--on", "2026-11-20", "--quarter", "2026Q3"), "--quarter applies to"),
    ((RIVERBEND, "outcome-report", "--on", "2026-11-20", "--quarter", "2026Q4"), "after the quarter ends"),
    ((RIVERBEND, "outcome-report", "--on", "2026-11-20", "--quarter", "0000Q1"), "not a quarter such as"),
    # The demo's Riverbend sent its Q3 report in October.
    ((RIVERBEND, "outcome-report", "--on", "2026-11-20", "--quarter", "2026Q3"), "already recorded for 2026Q3"),
]


def test_a_refused_record_names_the_problem_and_writes_nothing(bare_cli: Cli) -> None:
    # One demo for every case (building it is most of the cost); each case must leave it untouched.
    bare_cli.ok("demo", "--as-of", TODAY)
    before = snapshot(bare_cli.url)
    for args, message in REFUSED:
        result = bare_cli("routine", "done", *args, "--as-of", TODAY)
        assert result.code != 0 and message in result.err, (args, result.err)
        assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
        assert snapshot(bare_cli.url) == before, args


def test_a_report_names_the_quarter_it_covers_and_only_that_quarter_is_settled(bare_cli: Cli) -> None:
    bare_cli.ok("demo", "--as-of", TODAY)
    later = "2027-05-20"
    # Riverbend sends its late Q4 report in April: Q1 (due 30 April) is still owed.
    done = bare_cli.ok("routine", "done", RIVERBEND, "outcome-report", "--on", "2027-04-12", "--quarter", "2026Q4",
                       "--as-of", later, "--json").json()  # fmt: skip
    assert done["period"] == "2026Q4" and done["next_due"]["subject"] == "outcome-report:2027Q1"
    assert done["next_due"]["overdue"] is True
    q1 = bare_cli.ok("report", "quarter", "--quarter", "2027Q1", "--as-of", later, "--json").json()
    assert {row["agency"]: row["outcome_report"]["status"] for row in q1["agencies"]}[RIVERBEND] == "late"


def test_the_same_routine_twice_on_one_day_is_refused(bare_cli: Cli) -> None:
    bare_cli.ok("demo", "--as-of", TODAY)
    bare_cli.ok("routine", "done", RIVERBEND, "supervisor-meeting", "--on", "2026-11-20", "--as-of", TODAY)
    again = bare_cli("routine", "done", RIVERBEND, "supervisor-meeting", "--on", "2026-11-20", "--as-of", TODAY)
    assert again.code != 0 and "already recorded" in again.err
