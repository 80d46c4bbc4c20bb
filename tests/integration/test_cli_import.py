"""`import agencies FILE`: all rows or none."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Cli, snapshot

TODAY = "2026-11-23"


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "agencies.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_good_file_adds_every_agency(cli: Cli, tmp_path: Path) -> None:
    csv = write(
        tmp_path,
        "name,region,timezone,launched\n"
        "Riverbend Community Mental Health,North,America/Chicago,2025-03-01\n"
        "Mesa Verde Wellness,West,America/Denver,\n",
    )
    result = cli.ok("import", "agencies", csv, "--as-of", TODAY, "--json").json()
    assert result == {"imported": 2, "slugs": ["riverbend-community-mental-health", "mesa-verde-wellness"],
                      "ignored_columns": []}  # fmt: skip
    listed = {a["slug"]: a for a in cli.ok("agency", "list", "--json", "--as-of", TODAY).json()}
    assert listed["riverbend-community-mental-health"]["launched_on"] == "2025-03-01"
    assert listed["mesa-verde-wellness"]["current_stage"] == "readiness"


def test_a_bad_row_rejects_the_whole_file_and_names_the_row(cli: Cli, tmp_path: Path) -> None:
    cli.ok("agency", "add", "Existing Agency", "--region", "North", "--timezone", "UTC")
    before = snapshot(cli.url)
    cases = {
        "name,region,timezone\nA One,North,America/Chicago\nB Two,South,Central Time\n": "row 3: timezone: 'Central Time' is not an IANA timezone",
        "name,region,timezone\nA One,North,UTC\nA One,South,UTC\n": "row 3: slug 'a-one' repeats row 2",
        "name,region,timezone\nA One,North,UTC\nExisting Agency,South,UTC\n": "row 3: an agency with slug 'existing-agency' already exists",
        "name,region,timezone,launched\nA One,North,UTC,2030-01-01\n": "row 2: launch date 2030-01-01 is in the future",
    }
    for text, message in cases.items():
        result = cli("import", "agencies", write(tmp_path, text), "--as-of", TODAY)
        assert result.code == 2
        assert message in result.err, result.err
        assert len(result.err.splitlines()) == 1
    assert snapshot(cli.url) == before


def test_a_missing_file_is_named(cli: Cli, tmp_path: Path) -> None:
    result = cli("import", "agencies", str(tmp_path / "nope.csv"))
    assert result.code == 2
    assert "cannot read" in result.err and "nope.csv" in result.err
