"""`ips-roadmap demo` and `overview`: a realistic state built by the same rules users go through."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import Cli, snapshot

TODAY = "2026-11-23"


def test_demo_spreads_a_dozen_agencies_over_the_stages(bare_cli: Cli, tmp_path: Path) -> None:
    result = bare_cli.ok("demo", "--as-of", TODAY)
    assert "State overview as of 2026-11-23" in result.out
    assert "2026-11-07 (16d overdue)" in result.out  # the reviews-due table
    report = tmp_path / "fidelity-report-riverbend-community-mental-health.html"
    assert 'id="total">104' in report.read_text()
    overview = bare_cli.ok("overview", "--as-of", TODAY, "--json").json()
    assert len(overview) == 12
    current = {agency["current_stage"] for agency in overview}
    assert {"readiness", "commitment", "team", "structure", "training", None} <= current
    launched = [agency for agency in overview if agency["launched_on"]]
    assert 2 <= len(launched) < 12
    assert all(agency["stages"]["monitoring"] == "active" for agency in launched)


def test_demo_records_a_forced_completion_with_its_note(bare_cli: Cli) -> None:
    bare_cli.ok("demo", "--as-of", TODAY)
    agency = bare_cli.ok("agency", "show", "harbor-point-family-services", "--json", "--as-of", TODAY).json()
    commitment = next(stage for stage in agency["stages"] if stage["key"] == "commitment")
    assert commitment["forced"] is True
    assert commitment["note"]
    assert commitment["checklist_done"] < commitment["checklist_total"]


def test_demo_rebuilds_a_demo_database_from_scratch(bare_cli: Cli) -> None:
    bare_cli.ok("demo", "--as-of", TODAY)
    bare_cli.ok("checklist", "done", "northwoods-counseling-cooperative", "readiness.common-terms", "--on", TODAY,
                "--as-of", TODAY)  # fmt: skip
    bare_cli.ok("demo", "--as-of", TODAY)
    assert len(bare_cli.ok("agency", "list", "--json").json()) == 12
    northwoods = bare_cli.ok("agency", "show", "northwoods-counseling-cooperative", "--json").json()
    assert northwoods["stages"][0]["checklist_done"] == 0


def test_demo_never_deletes_a_real_agency_added_to_a_demo_database(bare_cli: Cli) -> None:
    bare_cli.ok("demo", "--as-of", TODAY)
    bare_cli.ok("agency", "add", "Real Agency", "--region", "North", "--timezone", "UTC", "--as-of", TODAY)
    before = snapshot(bare_cli.url)
    result = bare_cli("demo", "--as-of", TODAY)
    assert result.code == 2
    assert "already holds 1 agencies that are not demo data" in result.err
    assert snapshot(bare_cli.url) == before


def test_demo_refuses_a_database_with_real_agencies(cli: Cli) -> None:
    cli.ok("agency", "add", "Real Agency", "--region", "North", "--timezone", "UTC")
    before = snapshot(cli.url)
    result = cli("demo")
    assert result.code == 2
    assert "already holds 1 agencies that are not demo data" in result.err
    assert snapshot(cli.url) == before


def test_agencies_longer_than_the_norm_in_their_stage_are_flagged(bare_cli: Cli) -> None:
    bare_cli.ok("demo", "--as-of", TODAY)
    pinecrest = bare_cli.ok("agency", "show", "pinecrest-behavioral-health", "--json", "--as-of", TODAY).json()
    assert pinecrest["stalled"]["stage"] == "commitment"
    assert pinecrest["stalled"]["days"] == 95
    assert "longer than the 60-day norm" in pinecrest["stalled"]["reasons"]
    overview = {a["slug"]: a["stalled"] for a in bare_cli.ok("overview", "--json", "--as-of", TODAY).json()}
    assert overview["pinecrest-behavioral-health"] == pinecrest["stalled"]
    assert overview["northwoods-counseling-cooperative"] is None


def test_demo_sends_its_reminders_to_a_local_mail_server_and_records_them(bare_cli: Cli) -> None:
    result = bare_cli.ok("demo", "--as-of", TODAY)
    assert "Reminders sent on 2026-11-23 to the demo's local mail server: 14" in result.out
    assert "director@prairie.example.org" in result.out
    # Routines remind too: the supervisor expects the trainer at next week's vocational unit meeting.
    assert "Trainer visit for Bluestem Health Partners, due in 7 days" in result.out
    # The demo's own table says the review is 16 days overdue; so does the mail.
    assert "Fidelity review for Prairie Hills Counseling Center, 16 days overdue" in result.out
    # The leaders' reminders link their agency's page on this machine (`ips-roadmap web` serves it), where they act.
    assert (
        "An agency leader's own page, where they tick their checklist, report outcomes and close action steps"
        in result.out
    )
    assert "http://127.0.0.1:8000/a/" in result.out
    # The state lead signs in with a one-time link the demo prints (nobody is let in for being on this machine).
    signing = re.search(
        r"Sign in as the state lead \(admin\): .* open (http://127\.0\.0\.1:8000/sign-in/\S+) within 15", result.out
    )
    assert signing, result.out
    users = {user["email"]: user["role"] for user in bare_cli.ok("user", "list", "--json").json()}
    assert users["sam.reed@state.example.org"] == "admin" and users["tia.moss@state.example.org"] == "trainer"
    outbox = bare_cli.ok("outbox", "list", "--json").json()
    assert outbox and {entry["status"] for entry in outbox} == {"sent"}
    again = bare_cli.ok("demo", "--as-of", TODAY)  # a rebuilt demo starts with an empty outbox and sends again
    assert "local mail server: 14" in again.out


def test_demo_onboards_a_program_already_running_and_one_half_way_with_nothing_overdue(bare_cli: Cli) -> None:
    bare_cli.ok("demo", "--as-of", TODAY)
    listed = {a["slug"]: a for a in bare_cli.ok("agency", "list", "--json", "--as-of", TODAY).json()}
    rivers, plains = listed["two-rivers-human-services"], listed["high-plains-mental-health"]
    assert rivers["tracked_from"] == plains["tracked_from"] == "2026-09-24"  # imported 60 days before
    assert all(stage["before_tracking"] for stage in rivers["stages"][:7]) and rivers["launched_on"]
    assert plains["current_stage"] == "team" and plains["stalled"] is None
    assert [stage["before_tracking"] for stage in plains["stages"][:4]] == [True, True, True, False]
    # Its review before tracking (total 97, fair) sets the six-month cadence; nothing of theirs is overdue.
    assert rivers["next_review_due"] == "2026-12-26"
    due = bare_cli.ok("due", "--within", "60", "--json", "--as-of", TODAY).json()
    mine = [item for item in due if item["agency"] in ("two-rivers-human-services", "high-plains-mental-health")]
    assert mine and not [item for item in mine if item["overdue"]]
