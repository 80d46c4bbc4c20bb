"""`ips-roadmap audit`: every change to agency-level facts, with when, who and before/after, on both backends."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from roadmap.bootstrap import os_user
from roadmap.services.demo import demo_scores
from tests.conftest import Cli, snapshot
from tests.web import client_for, csrf_of, sign_in, web_app

TODAY = "2027-12-31"
SLUG = "riverbend"
CHANNEL_SECRET = "Tok3nNeverShown"


def entries(cli: Cli, *args: str) -> list[dict[str, Any]]:
    return cli.ok("audit", *args, "--json").json()  # type: ignore[no-any-return]


def only(found: list[dict[str, Any]], subject: str, key: str | None = None) -> dict[str, Any]:
    matching = [e for e in found if e["subject"] == subject and (key is None or e["key"] == key)]
    assert len(matching) == 1, (subject, key, matching)
    return matching[0]


def scores(tmp_path: Path, total: int) -> str:
    path = tmp_path / f"scores-{total}.json"
    path.write_text(json.dumps({str(item): score for item, score in demo_scores(total).items()}))
    return str(path)


@pytest.fixture
def launched(cli: Cli) -> Cli:
    cli.ok("agency", "add", "Riverbend", "--region", "North", "--timezone", "America/Chicago",
           "--joined", "2026-01-05", "--as-of", "2026-01-05")  # fmt: skip
    cli.ok("agency", "launch", SLUG, "--on", "2026-01-15", "--as-of", "2026-01-15")
    return cli


def test_each_change_is_recorded_with_its_author_time_and_values(launched: Cli, tmp_path: Path) -> None:
    cli = launched
    enrolled = {e["id"] for e in entries(cli, SLUG)}
    started = datetime.now(UTC)
    cli.ok("checklist", "done", SLUG, "readiness.common-terms", "--on", "2026-02-01", "--as-of", TODAY)
    cli.ok("review", "record", SLUG, "--date", "2026-07-20", "--scores", scores(tmp_path, 90),
           "--reviewer", "Ana Ruiz", "--as-of", TODAY)  # fmt: skip
    step = cli.ok("actions", "list", SLUG, "--json").json()[0]
    cli.ok("actions", "assign", SLUG, str(step["id"]), "--to", "IPS supervisor")
    cli.ok("outcomes", "record", SLUG, "--quarter", "2026Q3", "--served", "40", "--working", "18", "--as-of", TODAY)
    contact = cli.ok("contact", "add", SLUG, "--role", "director", "--name", "Ruth Okafor",
                     "--notify", f"json://ruth:{CHANNEL_SECRET}@127.0.0.1:9/", "--json").json()  # fmt: skip
    cli.ok("contact", "remove", str(contact["id"]))
    link = cli.ok("link", "create", SLUG, "--json").json()
    cli.ok("link", "revoke", str(link["id"]))
    found = entries(cli, SLUG)
    finished = datetime.now(UTC)

    for entry in found:
        assert (entry["actor"], entry["via"], entry["agency"]) == (os_user(), "cli", SLUG)
        if entry["id"] not in enrolled:
            assert started <= datetime.fromisoformat(entry["at"]) <= finished
    enrolment = found[0]  # the agency as it joined, whole; its launch then changed one field
    assert (enrolment["subject"], enrolment["action"], enrolment["after"]["name"]) == ("agency", "added", "Riverbend")
    changed = [e for e in found if e["subject"] == "agency" and e["action"] == "changed"]
    assert [(e["before"], e["after"]) for e in changed] == [({"launched_on": None}, {"launched_on": "2026-01-15"})]
    mark = only(found, "checklist", "readiness.common-terms")
    assert (mark["action"], mark["before"], mark["after"]) == ("added", None, {"done_on": "2026-02-01"})
    review = only(found, "review", "2026-07-20")
    assert review["after"]["total"] == 90 and review["after"]["reviewers"] == ["Ana Ruiz"]
    assigned = [e for e in found if e["subject"] == "action" and e["action"] == "changed"]
    assert [(e["before"], e["after"]) for e in assigned] == [({"owner": None}, {"owner": "IPS supervisor"})]
    outcome = only(found, "outcome", "2026Q3")
    assert (outcome["after"]["served"], outcome["after"]["working"]) == (40, 18)
    people = [e for e in found if e["subject"] == "contact"]
    assert [e["action"] for e in people] == ["added", "removed"]
    assert people[0]["after"]["channels"] == ["json"] and people[1]["before"]["name"] == "Ruth Okafor"
    links = [e for e in found if e["subject"] == "link"]
    assert [e["action"] for e in links] == ["added", "changed"] and links[1]["before"] == {"revoked_at": None}
    # The trail never holds a channel's secret, in JSON or in the table.
    assert CHANNEL_SECRET not in json.dumps(found) and CHANNEL_SECRET not in cli.ok("audit").out
    assert [e["id"] for e in found] == sorted(e["id"] for e in found)


def test_a_corrected_score_keeps_the_old_value_the_reason_and_moves_the_total(
    launched: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = launched
    monkeypatch.setenv("COLUMNS", "400")  # one line per change
    cli.ok("review", "record", SLUG, "--date", "2026-07-20", "--scores", scores(tmp_path, 99), "--as-of", TODAY)
    item = next(number for number, score in demo_scores(99).items() if score < 5)
    old = demo_scores(99)[item]
    fixed = cli.ok("review", "correct", SLUG, "--date", "2026-07-20", "--item", str(item), "--score", str(old + 1),
                   "--reason", "  the sheet was misread:\tit said " + str(old + 1), "--as-of", TODAY,
                   "--json").json()  # fmt: skip
    assert (fixed["score_before"], fixed["score"], fixed["total_before"], fixed["total"]) == (old, old + 1, 99, 100)
    assert fixed["band"] == "good"
    # The new total counts from now on: good fidelity moves the next review a year out instead of six months.
    assert fixed["next_review_due"] == "2027-07-20"
    assert cli.ok("review", "list", SLUG, "--json").json()[0]["total"] == 100
    correction = only(entries(cli, SLUG), "score")
    assert correction["key"] == f"2026-07-20 item {item}" and correction["action"] == "corrected"
    assert correction["before"] == {"score": old, "total": 99} and correction["after"] == {
        "score": old + 1,
        "total": 100,
    }
    assert correction["reason"] == f"the sheet was misread: it said {old + 1}"
    table = cli.ok("audit", SLUG).out
    assert f"score: {old} → {old + 1}; total: 99 → 100" in table and "the sheet was misread" in table


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (("--item", "1", "--score", "5", "--reason", "   "), "needs a reason"),
        (("--item", "1", "--score", "SAME", "--reason", "checked"), "nothing to correct"),
        (("--item", "1", "--score", "5", "--reason", "x" * 501), "at most 500"),
        (("--item", "26", "--score", "5", "--reason", "checked"), "--item"),
        (("--item", "1", "--score", "0", "--reason", "checked"), "--score"),
    ],
)
def test_a_refused_correction_writes_nothing(
    launched: Cli, tmp_path: Path, args: tuple[str, ...], problem: str
) -> None:
    cli = launched
    cli.ok("review", "record", SLUG, "--date", "2026-07-20", "--scores", scores(tmp_path, 90), "--as-of", TODAY)
    same = str(demo_scores(90)[1])
    before = snapshot(cli.url)
    refused = cli("review", "correct", SLUG, "--date", "2026-07-20", *[same if a == "SAME" else a for a in args])
    assert refused.code == 2 and problem in refused.err and "Traceback" not in refused.err
    assert snapshot(cli.url) == before


def test_a_correction_of_a_review_that_does_not_exist_names_the_ones_that_do(launched: Cli, tmp_path: Path) -> None:
    cli = launched
    cli.ok("review", "record", SLUG, "--date", "2026-07-20", "--scores", scores(tmp_path, 90), "--as-of", TODAY)
    refused = cli("review", "correct", SLUG, "--date", "2026-07-21", "--item", "1", "--score", "5", "--reason", "x")
    assert refused.code == 2 and "no review on 2026-07-21 (its reviews: 2026-07-20)" in refused.err


def test_rules_are_recorded_when_a_sweep_first_runs_with_them_and_again_only_when_they_change(
    launched: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = launched
    cli.ok("notify", "flush", "--as-of", "2026-03-01")
    first = [e for e in entries(cli) if e["subject"] == "rules"]
    assert {e["key"] for e in first} == {"roadmap", "routines", "fidelity scale", "review cadence", "reminder rules",
                                         "retries"}  # fmt: skip
    assert all(e["action"] == "added" and e["agency"] is None for e in first)
    cli.ok("notify", "flush", "--as-of", "2026-03-02")
    assert [e for e in entries(cli) if e["subject"] == "rules"] == first  # the same rules: nothing new
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "version: 1\ndefault: {before_days: [10], overdue_days: 7, escalate_days: 14, recipients: [director, ips-supervisor],"
        " escalate_to: [state-lead]}\n"
    )
    monkeypatch.setenv("IPS_ROADMAP_REMINDER_RULES_FILE", str(rules))
    cli.ok("notify", "flush", "--as-of", "2026-03-03")
    later = [e for e in entries(cli) if e["subject"] == "rules"][len(first) :]
    assert [(e["key"], e["action"]) for e in later] == [("reminder rules", "changed")]
    assert later[0]["before"] == first[[e["key"] for e in first].index("reminder rules")]["after"]
    assert later[0]["after"]["default"]["before_days"] == [10]
    monkeypatch.setenv("COLUMNS", "400")  # one line per change
    assert "default.before_days: [30, 7, 1] → [10]" in cli.ok("audit").out


def test_the_sweep_s_own_changes_are_recorded_as_its_runner_s(launched: Cli) -> None:
    cli = launched
    cli.ok("stage", "complete", SLUG, "readiness", "--force", "--note", "assessed in the field", "--on", "2026-02-01",
           "--as-of", "2026-02-01")  # fmt: skip
    stages = [e for e in entries(cli, SLUG) if e["subject"] == "stage" and e["key"] == "readiness"]
    assert stages[-1]["action"] == "changed"
    assert stages[-1]["after"] == {"completed_on": "2026-02-01", "forced": True, "note": "assessed in the field"}


def test_audit_of_one_agency_and_from_a_day(launched: Cli) -> None:
    cli = launched
    cli.ok("agency", "add", "Lakeshore", "--region", "South", "--timezone", "America/Chicago", "--as-of", TODAY)
    assert {e["agency"] for e in entries(cli, "lakeshore")} == {"lakeshore"}
    assert {e["agency"] for e in entries(cli)} == {"lakeshore", SLUG}
    assert entries(cli, "--since", "2999-01-01") == []
    assert len(entries(cli, "--since", "2000-01-01")) == len(entries(cli))
    refused = cli("audit", "rivrbend")
    assert refused.code == 2 and "unknown agency 'rivrbend' (did you mean 'riverbend'?)" in refused.err
    bad_day = cli("audit", "--since", "2026-02-30")
    assert bad_day.code == 2 and "--since" in bad_day.err and bad_day.err.count("\n") == 1


def test_a_change_made_in_the_browser_or_the_api_names_the_person(launched: Cli, tmp_path: Path) -> None:
    launched.ok("user", "add", "analyst@state.example", "--name", "Ana Lytic", "--role", "admin")
    token = launched.ok("user", "token", "analyst@state.example", "--json").json()["token"]
    with web_app(launched.url) as (application, base):
        client = sign_in(client_for(application, base), launched.url, "analyst@state.example")
        page = client.get(f"/agencies/{SLUG}")
        answer = client.post(f"/agencies/{SLUG}/checklist", data={"item": "readiness.common-terms",
                             "csrf": csrf_of(page.text)}, headers={"Origin": base}, follow_redirects=False)  # fmt: skip
        assert answer.status_code == 303
        api = client_for(application, base).post(f"/api/agencies/{SLUG}/checklist", json={"item": "readiness.implementation-lead"},
                                                 headers={"Authorization": f"Bearer {token}"})  # fmt: skip
        assert api.status_code == 201, api.text
    mark = only(entries(launched, SLUG), "checklist", "readiness.common-terms")
    assert (mark["actor"], mark["via"]) == ("analyst@state.example", "web")
    scripted = only(entries(launched, SLUG), "checklist", "readiness.implementation-lead")
    assert (scripted["actor"], scripted["via"]) == ("analyst@state.example", "api")


def test_the_trail_survives_a_backup_and_the_removal_of_the_agency(cli: Cli, tmp_path: Path) -> None:
    cli.ok("demo", "--as-of", "2026-11-23")
    trail = entries(cli)
    assert {e["subject"] for e in trail} >= {"agency", "review", "action", "contact", "routine"}
    cli.ok("export", "--out", str(tmp_path / "state.json"))
    restored = cli.on(f"sqlite:///{tmp_path / 'restored.db'}")
    restored.ok("init")
    restored.ok("import-all", str(tmp_path / "state.json"))
    assert entries(restored) == trail
    # Building the demo again removes its agencies: their history stays, with what they were.
    cli.ok("demo", "--as-of", "2026-11-23")
    removed = [e for e in entries(cli, "riverbend-community-mental-health") if e["action"] == "removed"]
    assert [e["subject"] for e in removed] == ["agency"]
    assert removed[0]["before"]["name"] == "Riverbend Community Mental Health"


def test_trainers_their_agencies_and_site_visits_are_in_the_trail(launched: Cli) -> None:
    cli = launched
    cli.ok("trainer", "add", "Tia Moss", "--region", "North", "--capacity", "3")
    cli.ok("trainer", "assign", "Tia Moss", SLUG)
    plan = cli.ok("visits", "plan", "--weeks", "8", "--as-of", "2026-03-02", "--json").json()
    held = next(v for v in plan["visits"] if v["agency"] == SLUG)
    dropped = next(v for v in plan["visits"] if v["id"] != held["id"])
    cli.ok("visits", "done", str(held["id"]), "--on", held["date"], "--as-of", held["date"])
    cli.ok("visits", "cancel", str(dropped["id"]))
    everything = entries(cli)
    team = only([e for e in everything if e["agency"] is None], "trainer", "Tia Moss")  # the state's team
    assert team["action"] == "added"
    assert {"region": "North", "capacity": 3, "reviewer": False}.items() <= team["after"].items()
    assignment = only(entries(cli, SLUG), "trainer", "Tia Moss")  # on the agency's own trail
    assert (assignment["action"], assignment["after"]) == ("added", {"assigned": True})
    visits = [e for e in everything if e["subject"] == "visit"]
    added = {e["key"]: e for e in visits if e["action"] == "added"}
    assert set(added) == {f"#{v['id']} {v['purpose']}" for v in plan["visits"]}
    assert added[f"#{held['id']} {held['purpose']}"]["after"]["trainers"] == ["Tia Moss"]
    changes = {e["key"]: (e["agency"], e["before"], e["after"]) for e in visits if e["action"] == "changed"}
    assert changes == {
        f"#{held['id']} {held['purpose']}": (SLUG, {"status": "planned", "done_on": None},
                                              {"status": "done", "done_on": held["date"]}),
        f"#{dropped['id']} {dropped['purpose']}": (dropped["agency"], {"status": "planned"}, {"status": "cancelled"}),
    }  # fmt: skip
