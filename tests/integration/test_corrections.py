"""Correcting records through the CLI, on SQLite and PostgreSQL: edit, archive and remove an agency, audited."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from notifications.smtp_sink import SmtpSink
from roadmap.bootstrap import build
from roadmap.domain.errors import RuleViolation
from roadmap.services.sweep import advance_one
from roadmap.settings import load_settings
from tests.conftest import Cli, snapshot

TODAY = "2026-11-23"
LATER = "2026-11-30"
PRAIRIE = "prairie-hills-counseling-center"


def test_an_agency_s_name_region_and_timezone_are_corrected_and_audited(bare_cli: Cli) -> None:
    bare_cli.ok("demo", "--as-of", TODAY)
    edited = bare_cli.ok("agency", "edit", PRAIRIE, "--name", "Prairie Hills Behavioral Health", "--region", "North",
                         "--timezone", "America/Denver", "--json").json()  # fmt: skip
    assert edited == {"agency": PRAIRIE, "name": "Prairie Hills Behavioral Health", "region": "North",
                      "timezone": "America/Denver"}  # fmt: skip
    shown = bare_cli.ok("agency", "show", PRAIRIE, "--json", "--as-of", TODAY).json()
    assert (shown["name"], shown["region"], shown["timezone"]) == (
        "Prairie Hills Behavioral Health", "North", "America/Denver"
    )  # fmt: skip
    [entry] = [e for e in bare_cli.ok("audit", PRAIRIE, "--json").json() if e["action"] == "changed"]
    assert entry["before"]["name"] == "Prairie Hills Counseling Center"
    assert entry["after"]["name"] == "Prairie Hills Behavioral Health" and entry["via"] == "cli"
    before = snapshot(bare_cli.url)
    for args, message in (
        (("--timezone", "Mountain Time"), "timezone: 'Mountain Time' is not an IANA timezone"),
        ((), "nothing to change"),
        (("--region", "North"), "already has those values"),
    ):
        refused = bare_cli("agency", "edit", PRAIRIE, *args)
        assert refused.code == 2 and message in refused.err and refused.err.count("\n") == 1
    assert snapshot(bare_cli.url) == before


def test_an_archived_agency_gets_nothing_from_the_next_sweep_and_keeps_its_history(
    bare_cli: Cli, smtp: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    bare_cli.ok("demo", "--as-of", TODAY)
    bare_cli.ok("visits", "plan", "--weeks", "4", "--as-of", TODAY)
    booked = [v for v in bare_cli.ok("visits", "list", "--json").json() if v["agency"] == PRAIRIE]
    archived = bare_cli.ok("agency", "archive", PRAIRIE, "--on", TODAY, "--reason", "Program closed in November",
                           "--as-of", TODAY, "--json").json()  # fmt: skip
    assert archived["archived_on"] == TODAY and archived["visits_cancelled"] == len(booked) > 0
    # Its booked visits are cancelled: the trainers' days are free again and their calendars drop them.
    still = bare_cli.ok("visits", "list", "--status", "planned", "--json").json()
    assert PRAIRIE not in {visit["agency"] for visit in still}
    # Running its progression alone (what `ips-roadmap advance` does in a flow) is refused too.
    app = build(load_settings(bare_cli.url))
    try:
        with pytest.raises(RuleViolation, match="left the roadmap on 2026-11-23"):
            advance_one(app.uow, app.roadmap, app.cadence, app.reminder_rules, PRAIRIE, as_of=date(2026, 11, 30),
                        now=datetime(2026, 11, 30, 12, tzinfo=UTC))  # fmt: skip
    finally:
        app.close()
    monkeypatch.setenv("IPS_ROADMAP_MAIL_URL", smtp.url)
    flushed = bare_cli.ok("notify", "flush", "--as-of", LATER, "--json").json()
    assert flushed["sent"] > 0  # other agencies still get theirs
    assert smtp.to("director@prairie.example.org") == smtp.to("ips@prairie.example.org") == []
    mail = " ".join(m.message["Subject"] for m in smtp.received)
    assert "Prairie Hills" not in mail
    assert PRAIRIE not in {a["slug"] for a in bare_cli.ok("agency", "list", "--json", "--as-of", LATER).json()}
    assert PRAIRIE not in {r["agency"] for r in bare_cli.ok("review", "due", "--json", "--as-of", LATER).json()}
    assert PRAIRIE not in {i["agency"] for i in bare_cli.ok("due", "--json", "--as-of", LATER).json()}
    [gone] = bare_cli.ok("agency", "list", "--archived", "--json", "--as-of", LATER).json()
    assert (gone["slug"], gone["archive_reason"]) == (PRAIRIE, "Program closed in November")
    # Its history stays: the page, the trail, and the overview of a day before it left.
    assert bare_cli.ok("agency", "show", PRAIRIE, "--json", "--as-of", LATER).json()["launched_on"]
    assert PRAIRIE in {a["slug"] for a in bare_cli.ok("agency", "list", "--json", "--as-of", "2026-11-22").json()}
    planned = bare_cli.ok("visits", "plan", "--weeks", "4", "--as-of", LATER, "--json").json()
    assert PRAIRIE not in {visit["agency"] for visit in planned["visits"]}


def test_an_agency_added_by_mistake_is_removed_but_one_with_records_is_pointed_to_archive(bare_cli: Cli) -> None:
    bare_cli.ok("demo", "--as-of", TODAY)
    bare_cli.ok("agency", "add", "Typo Agncy", "--region", "North", "--timezone", "UTC", "--as-of", TODAY)
    bare_cli.ok("contact", "add", "typo-agncy", "--role", "director", "--name", "Pat", "--email", "pat@typo.example")
    assert bare_cli.ok("agency", "remove", "typo-agncy", "--json").json() == {"removed": "typo-agncy"}
    assert "typo-agncy" not in {a["slug"] for a in bare_cli.ok("agency", "list", "--json").json()}
    assert "pat@typo.example" not in bare_cli.ok("contact", "list").out
    assert [e["action"] for e in bare_cli.ok("audit", "typo-agncy", "--json").json()][-1] == "removed"
    before = snapshot(bare_cli.url)
    refused = bare_cli("agency", "remove", PRAIRIE)
    assert refused.code == 2 and refused.err.count("\n") == 1
    assert "has records (" in refused.err and f"ips-roadmap agency archive {PRAIRIE}" in refused.err
    assert snapshot(bare_cli.url) == before


def test_a_contact_is_corrected_and_the_trail_keeps_the_old_values(bare_cli: Cli) -> None:
    bare_cli.ok("demo", "--as-of", TODAY)
    [director] = [c for c in bare_cli.ok("contact", "list", PRAIRIE, "--json").json() if c["role"] == "director"]
    edited = bare_cli.ok("contact", "edit", str(director["id"]), "--name", "Ruth Okafor", "--email",
                         "ruth.okafor@prairie.example.org", "--json").json()  # fmt: skip
    assert (edited["name"], edited["email"], edited["role"]) == ("Ruth Okafor", "ruth.okafor@prairie.example.org",
                                                                 "director")  # fmt: skip
    [entry] = [e for e in bare_cli.ok("audit", PRAIRIE, "--json").json() if e["subject"] == "contact"][-1:]
    assert entry["action"] == "changed" and entry["before"]["email"] == "director@prairie.example.org"
    before = snapshot(bare_cli.url)
    for args, message in (
        (("--email", "not-an-address"), "is not an email address"),
        (("--role", "state-lead"), "is a state role"),
        (("--notify", "nonsense://x"), "is not a notification channel"),
        ((), "nothing to change"),
    ):
        refused = bare_cli("contact", "edit", str(director["id"]), *args)
        assert refused.code == 2 and message in refused.err and refused.err.count("\n") == 1, args
    assert snapshot(bare_cli.url) == before


def test_a_trainer_is_unassigned_and_one_added_by_mistake_removed(bare_cli: Cli) -> None:
    bare_cli.ok("demo", "--as-of", TODAY)
    left = bare_cli.ok("trainer", "unassign", "Tia Moss", PRAIRIE, "--json").json()
    assert PRAIRIE not in left["agencies"]
    assert [e["action"] for e in bare_cli.ok("audit", PRAIRIE, "--json").json()][-1] == "removed"
    refused = bare_cli("trainer", "unassign", "Tia Moss", PRAIRIE)
    assert refused.code == 2 and "is not assigned to Tia Moss" in refused.err
    bare_cli.ok("trainer", "add", "Jo Typo", "--region", "North", "--capacity", "2", "--email", "jo@state.example")
    bare_cli.ok("trainer", "assign", "Jo Typo", "riverbend-community-mental-health")
    assert bare_cli.ok("trainer", "remove", "Jo Typo", "--json").json() == {"removed": "Jo Typo"}
    assert "Jo Typo" not in {t["name"] for t in bare_cli.ok("trainer", "list", "--json").json()}
    # Their contact goes with them: a removed trainer is reminded of nothing.
    assert "jo@state.example" not in {c["email"] for c in bare_cli.ok("contact", "list", "--json").json()}
    # A trainer booked on visits stays until those are dealt with.
    bare_cli.ok("visits", "plan", "--weeks", "4", "--as-of", TODAY)
    booked = bare_cli("trainer", "remove", "Tia Moss")
    assert booked.code == 2 and "is booked on" in booked.err and "visits cancel" in booked.err


def test_a_booked_visit_moves_to_a_free_working_day_and_its_calendar_event_follows(bare_cli: Cli) -> None:
    bare_cli.ok("demo", "--as-of", TODAY)
    planned = bare_cli.ok("visits", "plan", "--weeks", "4", "--as-of", TODAY, "--json").json()["visits"]
    visit = next(v for v in planned if v["agency"] == "bluestem-health-partners")
    busy = {v["date"] for v in planned if set(v["trainers"]) & set(visit["trainers"])}
    free = next(day for day in ("2026-12-14", "2026-12-15", "2026-12-16", "2026-12-17") if day not in busy)
    moved = bare_cli.ok("visits", "move", str(visit["id"]), "--to", free, "--as-of", TODAY, "--json").json()
    assert moved["date"] == free and moved["status"] == "planned"
    listed = {v["id"]: v for v in bare_cli.ok("visits", "list", "--json").json()}
    assert listed[visit["id"]]["date"] == free
    change = [e for e in bare_cli.ok("audit", "bluestem-health-partners", "--json").json() if e["subject"] == "visit"]
    assert change[-1]["before"]["on"] == visit["date"] and change[-1]["after"]["on"] == free
    before = snapshot(bare_cli.url)
    for to, message in (
        ("2026-12-12", "Saturday 12 December 2026 is not a working day"),
        ("2026-12-25", "Friday 25 December 2026 is not a working day"),
        ("2026-11-20", "has passed"),
    ):
        refused = bare_cli("visits", "move", str(visit["id"]), "--to", to, "--as-of", TODAY)
        assert refused.code == 2 and message in refused.err, to

    def whole(v: dict[str, object]) -> bool:
        return v["days"] != 1 or len(v["trainers"]) > 1  # type: ignore[arg-type]

    clash = next(
        v for v in planned
        if v["id"] != visit["id"] and set(v["trainers"]) & set(visit["trainers"])
        and (whole(v) or whole(visit) or v["slot"] == visit["slot"])
    )  # fmt: skip
    refused = bare_cli("visits", "move", str(visit["id"]), "--to", clash["date"], "--as-of", TODAY)
    assert refused.code == 2 and "already go on visit" in refused.err
    assert snapshot(bare_cli.url) == before


def test_the_planner_gives_five_days_notice_and_says_which_overdue_visits_it_could_not_book_sooner(
    bare_cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "400")
    bare_cli.ok("demo", "--as-of", TODAY)
    out = " ".join(bare_cli.ok("visits", "plan", "--weeks", "4", "--as-of", TODAY).out.split())
    assert (
        "overdue visits could not be booked sooner than 5 days' notice allows: prairie-hills-counseling-center "
        "fidelity-review (due 2026-11-07) on 2026-11-30"
    ) in out
    planned = bare_cli.ok("visits", "list", "--json").json()
    assert planned and min(visit["date"] for visit in planned) >= "2026-11-28"
