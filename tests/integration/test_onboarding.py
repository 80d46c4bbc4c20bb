"""A state's first day: a spreadsheet of agencies as the state keeps it, some running IPS for years.

Imported through the CLI (CSV and .xlsx), on SQLite and PostgreSQL, then swept with mail going to a real SMTP
server: programs that already run are where they are, nothing is overdue for what happened before tracking.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from notifications.smtp_sink import SmtpSink
from tests.conftest import Cli, snapshot
from tests.smtp import text_part

TODAY = "2026-12-07"
HEADER = ("Agency Name", "Region", "Time Zone", "Launch Date", "Current Stage", "In stage since", "Last Review",
          "Last review total", "Notes")  # fmt: skip
ROWS = (
    ("Red River Community Services", "South", "America/Chicago", datetime(2019, 4, 1), "Monitoring", None,
     datetime(2026, 5, 12), 104, "IPS since 2019"),
    ("Prairie Wind Behavioral Health", "West", "America/Denver", datetime(2022, 9, 15), None, None,
     datetime(2025, 10, 2), 88, ""),
    ("North Country Behavioral Health", "North", "America/Chicago", None, "Training", datetime(2025, 1, 10), None,
     None, "mentoring started"),
    ("Lone Pine Clinic", "West", "America/Denver", None, None, None, None, None, "new this year"),
)  # fmt: skip


def workbook(tmp_path: Path) -> str:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    path = tmp_path / "agencies.xlsx"
    book.save(path)
    return str(path)


def csv_export(tmp_path: Path) -> str:
    def cell(value: object) -> str:
        return value.date().isoformat() if isinstance(value, datetime) else "" if value is None else str(value)

    lines = [",".join(HEADER)] + [",".join(cell(value) for value in row) for row in ROWS]
    path = tmp_path / "agencies.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    return str(path)


def add_directors(cli: Cli) -> None:
    cli.ok("contact", "add", "--role", "state-lead", "--name", "Sam Reed", "--email", "sam@state.example")
    for slug in ("red-river-community-services", "prairie-wind-behavioral-health", "north-country-behavioral-health",
                 "lone-pine-clinic"):  # fmt: skip
        cli.ok("contact", "add", slug, "--role", "director", "--name", f"Director of {slug}",
               "--email", f"director@{slug}.example")  # fmt: skip


@pytest.mark.parametrize("sheet", [workbook, csv_export], ids=["xlsx", "csv"])
def test_programs_already_running_start_where_they_are_and_owe_nothing_overdue(
    cli: Cli, tmp_path: Path, sheet: object, smtp: SmtpSink
) -> None:
    assert callable(sheet)
    path = sheet(tmp_path)
    result = cli.ok("import", "agencies", path, "--as-of", TODAY)
    assert "Ignored column(s) the import does not use: Notes" in result.err
    listed = {a["slug"]: a for a in cli.ok("agency", "list", "--json", "--as-of", TODAY).json()}
    red = listed["red-river-community-services"]
    assert red["launched_on"] == "2019-04-01" and red["tracked_from"] == TODAY and red["current_stage"] is None
    assert [s["status"] for s in red["stages"][:7]] == ["completed"] * 7
    assert all(s["before_tracking"] and not s["forced"] for s in red["stages"][:7])
    # Good fidelity in May 2026: the next review a year on, not two years overdue.
    assert red["next_review_due"] == "2027-05-12" and red["stalled"] is None
    # Below good fidelity in October 2025: the review due in April 2026 was missed before tracking; it is owed a
    # month from today, not 249 days overdue.
    assert listed["prairie-wind-behavioral-health"]["next_review_due"] == "2027-01-06"
    north = listed["north-country-behavioral-health"]
    assert north["current_stage"] == "training" and north["stalled"] is None and north["launched_on"] is None
    assert listed["lone-pine-clinic"]["current_stage"] == "readiness"

    due = cli.ok("due", "--within", "400", "--json", "--as-of", TODAY).json()
    assert due and not [item for item in due if item["overdue"]]
    add_directors(cli)
    flushed = cli.ok("notify", "flush", "--as-of", TODAY, "--json").json()
    # The first sweep mails only what is coming up; nothing is escalated to the state lead.
    assert flushed["failed"] == 0 and smtp.to("sam@state.example") == []
    for mail in (message for received in smtp.received for message in [received.message]):
        assert "overdue" not in mail["Subject"] and "overdue" not in text_part(mail)


def test_a_dry_run_shows_the_first_sweep_per_person_and_writes_nothing(cli: Cli, tmp_path: Path) -> None:
    cli.ok("contact", "add", "--role", "trainer", "--name", "Tia Moss", "--email", "tia@state.example")
    before = snapshot(cli.url)
    result = cli.ok("import", "agencies", workbook(tmp_path), "--dry-run", "--as-of", TODAY, "--json")
    assert snapshot(cli.url) == before
    preview = json.loads(result.out)
    assert preview["would_import"] == ["red-river-community-services", "prairie-wind-behavioral-health",
                                       "north-country-behavioral-health", "lone-pine-clinic"]  # fmt: skip
    # Nobody at the new agencies can be reminded yet: the dry run says so, and shows what the trainer would get.
    assert preview["nobody_to_remind"] == preview["would_import"]
    assert {line["recipient"] for line in preview["first_sweep"]} == {"Tia Moss"}
    assert not [line for line in preview["first_sweep"] if "overdue" in line["when"]]
    table = cli.ok("import", "agencies", workbook(tmp_path), "--dry-run", "--as-of", TODAY)
    assert "Dry run: 4 agencies would be imported; nothing was written." in table.out
    assert "4 of them have nobody of their own to remind yet" in table.out
    assert snapshot(cli.url) == before


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("A,North,UTC,2019-04-01,Monitoring,,2018-01-01,100", "row 2: last_review 2018-01-01 is before the launch"),
        ("A,North,UTC,,Trainng,,,", "row 2: stage 'Trainng' is not a roadmap stage (did you mean 'training'?)"),
        ("A,North,UTC,,,,2026-01-01,99", "row 2: last_review is given but the agency has not launched"),
        ("A,North,UTC,2019-04-01,Monitoring,,2026-01-01,", "row 2: give last_review and last_review_total together"),
    ],
)
def test_an_impossible_onboarding_row_is_refused_and_nothing_is_written(
    cli: Cli, tmp_path: Path, row: str, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("name,region,timezone,launched,stage,stage_since,last_review,last_review_total\n" + row + "\n")
    before = snapshot(cli.url)
    refused = cli("import", "agencies", str(path), "--as-of", TODAY)
    assert refused.code == 2 and message in refused.err and refused.err.count("\n") == 1
    assert snapshot(cli.url) == before


def test_a_scored_review_on_the_day_of_the_last_review_before_tracking_is_refused_in_one_line(
    cli: Cli, tmp_path: Path
) -> None:
    cli.ok("import", "agencies", workbook(tmp_path), "--as-of", TODAY)
    scores = tmp_path / "scores.json"
    scores.write_text(json.dumps({str(item): 4 for item in range(1, 26)}))
    before = snapshot(cli.url)
    refused = cli("review", "record", "red-river-community-services", "--date", "2026-05-12", "--scores", str(scores),
                  "--as-of", TODAY)  # fmt: skip
    assert refused.code == 2 and "2026-05-12" in refused.err and refused.err.count("\n") == 1
    assert snapshot(cli.url) == before


def test_slugs_are_printed_whole_in_a_narrow_terminal(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    cli.ok("import", "agencies", csv_export(tmp_path), "--as-of", TODAY)
    listed = cli.ok("agency", "list", "--as-of", TODAY).out
    assert "north-country-behavioral-health" in listed and "prairie-wind-behavioral-health" in listed
    assert max(len(line) for line in listed.splitlines()) <= 80
    due = cli.ok("due", "--within", "400", "--as-of", TODAY).out
    assert "red-river-community-services" in due


def test_agencies_with_nobody_to_remind_are_flagged_in_the_overview_due_and_preview(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    cli.ok("import", "agencies", csv_export(tmp_path), "--as-of", TODAY)
    add_directors(cli)
    cli.ok("agency", "add", "Quiet Valley Clinic", "--region", "North", "--timezone", "UTC", "--as-of", TODAY)
    for command in (("overview",), ("due",), ("notify", "preview")):
        out = " ".join(cli.ok(*command, "--as-of", TODAY).out.split())
        assert "⚠ 1 agency has nobody to remind (no director or IPS supervisor)" in out, command
        assert "quiet-valley-clinic" in out and "Add one with `ips-roadmap contact add SLUG --role director" in out


def test_lists_export_to_csv_and_excel_for_analysts(cli: Cli, tmp_path: Path) -> None:
    cli.ok("import", "agencies", workbook(tmp_path), "--as-of", TODAY)
    table = cli.ok("agency", "list", "--as-of", TODAY, "--csv", str(tmp_path / "agencies.csv"),
                   "--xlsx", str(tmp_path / "agencies.xlsx"))  # fmt: skip
    assert "Wrote 4 rows to" in table.err and "red-river-community-services" in table.out
    with (tmp_path / "agencies.csv").open(encoding="utf-8-sig", newline="") as stream:
        rows = {row["slug"]: row for row in csv.DictReader(stream)}
    assert rows["red-river-community-services"]["launched_on"] == "2019-04-01"
    assert rows["red-river-community-services"]["next_review_due"] == "2027-05-12"
    sheet = load_workbook(tmp_path / "agencies.xlsx").active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    launched = header.index("launched_on")
    assert [row[launched].value for row in sheet.iter_rows(min_row=2)].count(datetime(2019, 4, 1)) == 1
    for command in (("overview", "--as-of", TODAY), ("due", "--within", "400", "--as-of", TODAY), ("outcomes", "list")):
        out = tmp_path / f"{command[0]}.xlsx"
        cli.ok(*command, "--xlsx", str(out))
        assert out.exists()
    overview = load_workbook(tmp_path / "overview.xlsx").active
    assert overview is not None and "stages.monitoring" in [cell.value for cell in overview[1]]
    refused = cli("due", "--csv", str(tmp_path / "due.txt"))
    assert refused.code == 2 and "--csv" in refused.err and "give a file ending in .csv" in refused.err
    assert not (tmp_path / "due.txt").exists()
