"""Fidelity reviews through the CLI, on SQLite and PostgreSQL: record, list, due, action plans, reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from roadmap.services.demo import demo_scores
from tests.conftest import Cli, snapshot

TODAY = "2027-12-31"


@pytest.fixture
def launched(cli: Cli) -> str:
    """An agency launched on 2026-01-15."""
    cli.ok("agency", "add", "Riverbend", "--region", "North", "--timezone", "America/Chicago",
           "--launched", "2026-01-15", "--as-of", "2026-01-15")  # fmt: skip
    return "riverbend"


def scores_file(tmp_path: Path, total: int, name: str = "scores.json") -> str:
    path = tmp_path / f"{total}-{name}"
    scores = demo_scores(total)
    if name.endswith(".json"):
        path.write_text(json.dumps({str(k): v for k, v in scores.items()}))
    else:
        path.write_text("item,score\n" + "".join(f"{k},{v}\n" for k, v in scores.items()))
    return str(path)


def record(cli: Cli, tmp_path: Path, slug: str, day: str, total: int, *extra: str) -> dict:  # type: ignore[type-arg]
    return cli.ok(  # type: ignore[no-any-return]
        "review", "record", slug, "--date", day, "--scores", scores_file(tmp_path, total), "--as-of", TODAY, "--json",
        *extra,
    ).json()  # fmt: skip


def test_recording_a_review_prints_total_band_and_next_due(cli: Cli, launched: str, tmp_path: Path) -> None:
    result = record(
        cli, tmp_path, launched, "2026-07-20", 99, "--reviewer", "Dana Whitfield", "--reviewer", "Luis Ortega"
    )
    assert {k: result[k] for k in ("agency", "date", "total", "band", "good_fidelity", "next_review_due")} == {
        "agency": "riverbend", "date": "2026-07-20", "total": 99, "band": "fair", "good_fidelity": False,
        "next_review_due": "2027-01-20",
    }  # fmt: skip
    assert (result["report_due"], result["action_plan_due"]) == ("2026-08-19", "2026-08-31")


def test_a_csv_scores_file_works_like_json(cli: Cli, launched: str, tmp_path: Path) -> None:
    result = cli.ok("review", "record", launched, "--date", "2026-07-20", "--scores",
                    scores_file(tmp_path, 100, "scores.csv"), "--as-of", TODAY, "--json").json()  # fmt: skip
    assert (result["total"], result["band"], result["next_review_due"]) == (100, "good", "2027-07-20")


def test_a_year_of_reviews_moves_the_cadence_and_show_reports_it(cli: Cli, launched: str, tmp_path: Path) -> None:
    def due(as_of: str) -> dict:  # type: ignore[type-arg]
        listed = cli.ok("review", "due", "--as-of", as_of, "--json").json()
        return next(entry for entry in listed if entry["agency"] == launched)  # type: ignore[no-any-return]

    assert (due("2026-07-01")["next_review_due"], due("2026-07-01")["days_until"]) == ("2026-07-15", 14)
    late = due("2026-07-20")
    assert (late["days_until"], late["overdue"]) == (-5, True)
    record(cli, tmp_path, launched, "2026-07-20", 88)
    assert due("2026-08-01")["next_review_due"] == "2027-01-20"
    record(cli, tmp_path, launched, "2027-01-18", 104)
    assert due("2027-02-01")["next_review_due"] == "2028-01-18"
    record(cli, tmp_path, launched, "2027-08-31", 97)  # slipped below 100: back to six months
    assert due("2027-09-01")["next_review_due"] == "2028-02-29"
    agency = cli.ok("agency", "show", launched, "--as-of", TODAY, "--json").json()
    assert agency["next_review_due"] == "2028-02-29"
    assert agency["fidelity"] == [
        {"date": "2026-07-20", "total": 88, "band": "fair"},
        {"date": "2027-01-18", "total": 104, "band": "good"},
        {"date": "2027-08-31", "total": 97, "band": "fair"},
    ]


def test_a_back_dated_review_is_listed_but_does_not_move_the_due_date(cli: Cli, launched: str, tmp_path: Path) -> None:
    record(cli, tmp_path, launched, "2027-01-18", 104)
    back_dated = record(cli, tmp_path, launched, "2026-07-20", 80)
    assert back_dated["next_review_due"] == "2028-01-18"
    assert back_dated["actions_drafted"] == 0  # a past visit's history, not a new plan
    listed = cli.ok("review", "list", launched, "--json").json()
    assert [r["date"] for r in listed] == ["2026-07-20", "2027-01-18"]
    assert listed[0]["changes"] is None
    assert listed[1]["changes"] == {
        str(n): listed[1]["items"][str(n)] - listed[0]["items"][str(n)] for n in range(1, 26)
    }
    assert sum(listed[1]["items"].values()) == listed[1]["total"] == 104


def test_items_scored_3_or_less_become_the_action_plan(cli: Cli, launched: str, tmp_path: Path) -> None:
    result = record(cli, tmp_path, launched, "2026-07-20", 85)
    low = {n for n, s in demo_scores(85).items() if s <= 3}
    actions = cli.ok("actions", "list", launched, "--json").json()
    assert result["actions_drafted"] == len(actions) == len(low) > 0
    assert {a["item"] for a in actions} == low
    first = actions[0]
    assert (first["status"], first["due_on"], first["owner"]) == ("open", "2026-08-31", None)
    assert first["criterion"] and first["step"]
    cli.ok("actions", "assign", launched, str(first["id"]), "--to", "IPS supervisor")
    cli.ok("actions", "edit", launched, str(first["id"]), "--step", "Hold weekly unit meetings with the VR counselor")
    cli.ok("actions", "done", launched, str(first["id"]), "--on", "2026-08-15", "--as-of", TODAY)
    changed = next(a for a in cli.ok("actions", "list", launched, "--json").json() if a["id"] == first["id"])
    assert (changed["owner"], changed["step"], changed["status"], changed["done_on"]) == (
        "IPS supervisor",
        "Hold weekly unit meetings with the VR counselor",
        "done",
        "2026-08-15",
    )
    open_only = cli.ok("actions", "list", launched, "--open", "--json").json()
    assert first["id"] not in {a["id"] for a in open_only}
    again = cli("actions", "done", launched, str(first["id"]), "--on", "2026-08-16", "--as-of", TODAY)
    assert (again.code, "already done" in again.err) == (2, True)


def test_bad_reviews_are_refused_whole_and_nothing_is_stored(cli: Cli, launched: str, tmp_path: Path) -> None:
    cli.ok("agency", "add", "Not Yet", "--region", "North", "--timezone", "UTC", "--as-of", TODAY)
    record(cli, tmp_path, launched, "2026-07-20", 90)
    before = snapshot(cli.url)
    missing = tmp_path / "missing.json"
    missing.write_text(json.dumps({str(n): 4 for n in range(1, 25)}))
    bad_score = tmp_path / "bad.csv"
    bad_score.write_text("item,score\n" + "".join(f"{n},{4}\n" for n in range(1, 25)) + "25,7\n")
    good = scores_file(tmp_path, 100)
    cases = [
        (("--date", "2026-12-01", "--scores", str(missing)), "missing for item(s) 25"),
        (("--date", "2026-12-01", "--scores", str(bad_score)), "item 25: score 7 is not a whole number from 1 to 5"),
        (("--date", "2028-01-01", "--scores", good), "review date 2028-01-01 is in the future"),
        (("--date", "2026-07-20", "--scores", good), "already has a review on 2026-07-20"),
        (("--date", "2025-12-01", "--scores", good), "before the agency launched"),
        (("--date", "2026-12-01", "--scores", str(tmp_path / "nope.json")), "cannot read scores file"),
        (("--date", "12/01/2026", "--scores", good), "--date '12/01/2026' is not a date"),
    ]
    for args, message in cases:
        result = cli("review", "record", launched, *args, "--as-of", TODAY)
        assert result.code == 2, args
        assert message in result.err, (args, result.err)
        assert len(result.err.splitlines()) == 1
    unlaunched = cli("review", "record", "not-yet", "--date", "2026-12-01", "--scores", good, "--as-of", TODAY)
    assert (unlaunched.code, "has not launched IPS services" in unlaunched.err) == (2, True)
    assert snapshot(cli.url) == before


def test_review_due_lists_only_launched_agencies_soonest_first(cli: Cli, launched: str, tmp_path: Path) -> None:
    cli.ok("agency", "add", "Later", "--region", "South", "--timezone", "UTC", "--launched", "2026-06-01",
           "--as-of", "2026-06-01")  # fmt: skip
    cli.ok("agency", "add", "Unlaunched", "--region", "South", "--timezone", "UTC", "--as-of", TODAY)
    listed = cli.ok("review", "due", "--as-of", "2026-07-01", "--json").json()
    assert [(e["agency"], e["next_review_due"], e["days_until"], e["overdue"]) for e in listed] == [
        ("riverbend", "2026-07-15", 14, False),
        ("later", "2026-12-01", 153, False),
    ]


def test_the_fidelity_report_is_written_for_the_latest_or_a_chosen_review(
    cli: Cli, launched: str, tmp_path: Path
) -> None:
    record(cli, tmp_path, launched, "2026-07-20", 86, "--reviewer", "Dana <Whitfield>")
    record(cli, tmp_path, launched, "2027-01-18", 104)
    out = tmp_path / "report.html"
    cli.ok("report", "fidelity", launched, "--out", str(out), "--as-of", TODAY)
    html = out.read_text()
    assert "Riverbend: fidelity review" in html and 'id="total">104' in html and ">good<" in html
    assert "+18" in html  # change since the previous review
    cli.ok("report", "fidelity", launched, "--date", "2026-07-20", "--out", str(out), "--as-of", TODAY)
    first = out.read_text()
    assert 'id="total">86' in first and "first review" in first
    assert "Dana &lt;Whitfield&gt;" in first and "Dana <Whitfield>" not in first  # autoescaped
    assert 'id="action-plan"' in first


def test_a_report_that_cannot_be_written_leaves_no_file(cli: Cli, launched: str, tmp_path: Path) -> None:
    no_reviews = cli("report", "fidelity", launched, "--out", str(tmp_path / "r.html"), "--as-of", TODAY)
    assert (no_reviews.code, "has no fidelity reviews" in no_reviews.err) == (2, True)
    record(cli, tmp_path, launched, "2026-07-20", 86)
    for args, message in (
        (("--out", str(tmp_path / "missing" / "r.html")), "does not exist"),
        (("--out", str(tmp_path)), "exists and is not a regular file"),
        (("--date", "2026-07-21", "--out", str(tmp_path / "r.html")), "no review on 2026-07-21"),
    ):
        result = cli("report", "fidelity", launched, *args, "--as-of", TODAY)
        assert (result.code, message in result.err) == (2, True), result.err
    assert not (tmp_path / "r.html").exists()
    assert not list(tmp_path.glob(".report-*"))


def test_a_report_through_a_symlink_writes_the_file_it_names(cli: Cli, launched: str, tmp_path: Path) -> None:
    record(cli, tmp_path, launched, "2026-07-20", 86)
    target = tmp_path / "shared" / "riverbend.html"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "latest.html"
    link.symlink_to(target)
    cli.ok("report", "fidelity", launched, "--out", str(link), "--as-of", TODAY)
    assert link.is_symlink()
    assert 'id="total">86' in target.read_text()


def test_each_report_shows_only_its_own_review_s_plan_and_strengths(cli: Cli, launched: str, tmp_path: Path) -> None:
    record(cli, tmp_path, launched, "2026-07-20", 80)
    record(cli, tmp_path, launched, "2027-01-18", 104)
    actions = cli.ok("actions", "list", launched, "--json").json()
    first_items = {a["item"] for a in actions if a["review_date"] == "2026-07-20"}
    latest_items = {a["item"] for a in actions if a["review_date"] == "2027-01-18"}
    assert first_items != latest_items
    out = tmp_path / "r.html"
    for day, total, items in (("2026-07-20", 80, first_items), ("2027-01-18", 104, latest_items)):
        cli.ok("report", "fidelity", launched, "--date", day, "--out", str(out), "--as-of", TODAY)
        html = out.read_text()
        plan = html[html.index('id="action-plan"') :]
        shown = {int(cell.split("</td>")[0]) for cell in plan.split('<tr><td class="num">')[1:]}
        assert shown == items, day
        fives = [n for n, score in demo_scores(total).items() if score == 5]
        strengths = html[html.index("<h2>Strengths</h2>") : html.index("<h2>Action plan</h2>")]
        assert strengths.count("<li>") == len(fives)


def test_the_report_of_a_back_dated_review_says_why_it_has_no_plan(cli: Cli, launched: str, tmp_path: Path) -> None:
    record(cli, tmp_path, launched, "2027-01-18", 104)
    record(cli, tmp_path, launched, "2026-07-20", 60)
    out = tmp_path / "r.html"
    cli.ok("report", "fidelity", launched, "--date", "2026-07-20", "--out", str(out), "--as-of", TODAY)
    assert "no action plan was drafted for it" in out.read_text()


def test_the_report_follows_the_state_s_rules(
    cli: Cli, launched: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IPS_ROADMAP_CADENCE__GOOD_THRESHOLD", "105")
    monkeypatch.setenv("IPS_ROADMAP_CADENCE__ACTION_ITEM_MAX_SCORE", "4")
    result = record(cli, tmp_path, launched, "2026-07-20", 102)
    assert (result["good_fidelity"], result["next_review_due"]) == (True, "2027-01-20")
    out = tmp_path / "r.html"
    cli.ok("report", "fidelity", launched, "--out", str(out), "--as-of", TODAY)
    html = out.read_text()
    assert "meets good fidelity" in html and "state's shorter interval" in html
    assert "Every item scored 4 or less has a step" in html


def test_steps_and_owners_cannot_inject_markup_into_the_report(cli: Cli, launched: str, tmp_path: Path) -> None:
    record(cli, tmp_path, launched, "2026-07-20", 80)
    first = cli.ok("actions", "list", launched, "--json").json()[0]["id"]
    cli.ok("actions", "edit", launched, str(first), "--step", "<script>alert(1)</script>")
    cli.ok("actions", "assign", launched, str(first), "--to", "<b>boss</b>")
    out = tmp_path / "r.html"
    cli.ok("report", "fidelity", launched, "--out", str(out), "--as-of", TODAY)
    html = out.read_text()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>boss</b>" not in html


def test_as_of_hides_reviews_and_launches_that_had_not_happened(cli: Cli, launched: str, tmp_path: Path) -> None:
    cli.ok("agency", "add", "Later", "--region", "S", "--timezone", "UTC", "--launched", "2027-03-01",
           "--as-of", "2027-03-01")  # fmt: skip
    record(cli, tmp_path, launched, "2026-07-20", 88)
    record(cli, tmp_path, launched, "2027-01-18", 104)
    early = cli.ok("review", "due", "--as-of", "2026-12-01", "--json").json()
    assert [(e["agency"], e["last_review"], e["next_review_due"]) for e in early] == [
        ("riverbend", "2026-07-20", "2027-01-20")
    ]
    shown = cli.ok("agency", "show", launched, "--as-of", "2026-12-01", "--json").json()
    assert [f["date"] for f in shown["fidelity"]] == ["2026-07-20"]
    latest = next(e for e in cli.ok("review", "due", "--as-of", TODAY, "--json").json() if e["agency"] == launched)
    assert (latest["last_review"], latest["last_total"]) == ("2027-01-18", 104)
    out = tmp_path / "r.html"
    cli.ok("report", "fidelity", launched, "--out", str(out), "--as-of", "2026-12-01")
    assert 'id="total">88' in out.read_text()


def test_a_review_due_today_is_not_yet_overdue(cli: Cli, launched: str) -> None:
    today = next(e for e in cli.ok("review", "due", "--as-of", "2026-07-15", "--json").json())
    assert (today["days_until"], today["overdue"]) == (0, False)


def test_recording_as_of_an_earlier_day_ignores_later_reviews(cli: Cli, launched: str, tmp_path: Path) -> None:
    record(cli, tmp_path, launched, "2027-01-18", 104)
    earlier = cli.ok("review", "record", launched, "--date", "2026-07-20", "--scores", scores_file(tmp_path, 90),
                     "--as-of", "2026-08-01", "--json").json()  # fmt: skip
    assert earlier["next_review_due"] == "2027-01-20"
    assert earlier["actions_drafted"] > 0


def test_odd_numbers_in_scores_and_ids_get_one_line(cli: Cli, launched: str, tmp_path: Path) -> None:
    huge = tmp_path / "huge.json"
    huge.write_text('{"1": ' + "9" * 5000 + "}")
    superscript = tmp_path / "sup.json"
    superscript.write_text(json.dumps({"\u00b2": 4, **{str(n): 4 for n in range(1, 26) if n != 2}}))
    arabic = tmp_path / "arabic.csv"
    arabic.write_text("item,score\n" + "".join(f"{n},4\n" for n in range(1, 25)) + "25,\u0664\n")
    for path, message in ((huge, "too long"), (superscript, "is not an item number"), (arabic, "item 25: score")):
        result = cli("review", "record", launched, "--date", "2026-07-20", "--scores", str(path), "--as-of", TODAY)
        assert result.code == 2, path
        assert message in result.err and result.err.count("\n") == 1, result.err
    big_id = cli("actions", "done", launched, str(2**40), "--on", "2026-08-01", "--as-of", TODAY)
    assert big_id.code == 2 and big_id.err.count("\n") == 1 and "Traceback" not in big_id.err


def test_a_csv_scores_file_from_a_spreadsheet_with_bom_and_blank_lines_is_read(
    cli: Cli, launched: str, tmp_path: Path
) -> None:
    path = tmp_path / "from-excel.csv"
    rows = "".join(f"{n},{score}\r\n" for n, score in demo_scores(100).items())
    path.write_bytes(("\ufeffItem,Score\r\n\r\n" + rows + "\r\n\r\n").encode())
    result = cli.ok("review", "record", launched, "--date", "2026-07-20", "--scores", str(path), "--as-of", TODAY,
                    "--json").json()  # fmt: skip
    assert result["total"] == 100


def test_recording_a_review_ticks_the_monitoring_checklist_item_for_it(cli: Cli, launched: str, tmp_path: Path) -> None:
    record(cli, tmp_path, launched, "2026-07-20", 99)
    shown = cli.ok("agency", "show", launched, "--json", "--as-of", TODAY).json()
    monitoring = next(stage for stage in shown["stages"] if stage["key"] == "monitoring")
    done = {item["key"]: item["done_on"] for item in monitoring["checklist"]}
    assert done["monitoring.fidelity-review"] == "2026-07-20" and done["monitoring.action-plan"] is None
    record(cli, tmp_path, launched, "2027-01-18", 104)  # a later review leaves the first tick as it was
    shown = cli.ok("agency", "show", launched, "--json", "--as-of", TODAY).json()
    monitoring = next(stage for stage in shown["stages"] if stage["key"] == "monitoring")
    assert {i["key"]: i["done_on"] for i in monitoring["checklist"]}["monitoring.fidelity-review"] == "2026-07-20"
