"""`ips-roadmap report quarter`: the state's quarterly summary, including who sent their outcome report."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Cli

TODAY = "2026-11-23"
LATER = "2027-02-15"


def test_the_quarter_shows_late_and_received_outcome_reports(bare_cli: Cli, tmp_path: Path) -> None:
    bare_cli.ok("demo", "--as-of", TODAY)
    bare_cli.ok("routine", "done", "lakeshore-behavioral-health", "outcome-report", "--on", "2027-01-20",
                "--as-of", LATER)  # fmt: skip
    out = tmp_path / "q4.html"
    summary = bare_cli.ok("report", "quarter", "--as-of", LATER, "--out", str(out), "--json").json()
    assert (summary["quarter"], summary["start"], summary["end"]) == ("2026Q4", "2026-10-01", "2026-12-31")
    reports = {row["agency"]: row["outcome_report"] for row in summary["agencies"]}
    assert reports["lakeshore-behavioral-health"] == {"status": "received", "due_on": "2027-01-30",
                                                      "received_on": "2027-01-20"}  # fmt: skip
    assert reports["riverbend-community-mental-health"]["status"] == "late"
    # Cedar Valley launched in September: it ran IPS services for all of Q4 and owes its report.
    assert reports["cedar-valley-recovery-services"]["status"] == "late"
    assert reports["pinecrest-behavioral-health"] == {"status": "not owed", "due_on": None, "received_on": None}
    # Two Rivers, running IPS long before the state began tracking it in September, owes its Q4 report too.
    assert reports["two-rivers-human-services"]["status"] == "late"
    assert summary["totals"]["outcome_reports_owed"] == 5 and summary["totals"]["outcome_reports_received"] == 1
    page = out.read_text()
    assert "Quarterly roadmap summary, 2026Q4" in page and "received on 2027-01-20" in page
    table = " ".join(bare_cli.ok("report", "quarter", "--as-of", LATER).out.split())
    assert "Quarter 2026Q4" in table and "outcome reports 1 of 5" in table


BAD_REQUESTS = [
    (("--quarter", "2026-Q4"), "is not a quarter such as 2026Q4"),
    (("--quarter", "2027Q2"), "--quarter 2027Q2 has not begun"),
    (("--out", "/nonexistent/q.html"), "folder /nonexistent does not exist"),
]


def test_a_bad_quarter_request_is_refused_in_one_line(bare_cli: Cli) -> None:
    bare_cli.ok("demo", "--as-of", TODAY)
    for args, message in BAD_REQUESTS:
        result = bare_cli("report", "quarter", "--as-of", LATER, *args)
        assert result.code != 0 and message in result.err and len(result.err.strip().splitlines()) == 1, args


def test_the_quarter_carries_served_working_and_the_rate_per_agency_and_statewide(
    bare_cli: Cli, tmp_path: Path
) -> None:
    bare_cli.ok("demo", "--as-of", TODAY)
    for slug, served, working in (
        ("lakeshore-behavioral-health", 40, 18),
        ("riverbend-community-mental-health", 60, 30),
    ):
        bare_cli.ok("outcomes", "record", slug, "--quarter", "2026Q4", "--served", str(served), "--working",
                    str(working), "--as-of", LATER)  # fmt: skip
    out = tmp_path / "q4.html"
    summary = bare_cli.ok("report", "quarter", "--as-of", LATER, "--out", str(out), "--json").json()
    rows = {row["agency"]: row for row in summary["agencies"]}
    lake = rows["lakeshore-behavioral-health"]
    assert (lake["served"], lake["working"], lake["employment_rate"]) == (40, 18, 45.0)
    assert rows["cedar-valley-recovery-services"]["served"] is None
    totals = summary["totals"]
    assert (totals["served"], totals["working"], totals["employment_rate"]) == (100, 48, 48.0)
    page = " ".join(out.read_text().split())
    assert "48 / 100" in page and "48.0%" in page and "45.0%" in page
    table = " ".join(bare_cli.ok("report", "quarter", "--as-of", LATER).out.split())
    assert "statewide 48 of 100 served working (48.0%)" in table
