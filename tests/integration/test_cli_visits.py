"""Trainer visit planning through the CLI, on a realistic state, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from email.message import Message
from importlib import resources
from pathlib import Path
from typing import Any

import holidays
import icalendar
import pytest
import yaml

from notifications.smtp_sink import SmtpSink
from roadmap.bootstrap import build
from roadmap.data import load_routines, load_visit_policy
from roadmap.domain.cadence import add_months
from roadmap.services.due import prepare_due_list
from roadmap.services.forecast import workload
from roadmap.services.visits import read_planning_state
from roadmap.settings import load_settings
from tests.conftest import Cli
from tests.integration.demo_state import demo_without_contacts
from tests.integration.visit_state import TRAINERS, UNASSIGNED, realistic_state

TODAY = date(2026, 11, 23)
WEEKS = 8
END = TODAY + timedelta(days=WEEKS * 7 - 1)
ROUTINES = load_routines()
POLICY = load_visit_policy(ROUTINES)
US_HOLIDAYS = holidays.country_holidays("US")
CAPACITY = {name: capacity for name, _, capacity, _ in TRAINERS}


def interval_after(purpose: str, day: date) -> date:
    """When the next occurrence is due once one is done on `day` (no agency here has good fidelity yet)."""
    if purpose == "fidelity-review":
        return add_months(day, 6)
    routine = ROUTINES.get(purpose)
    return (
        day + timedelta(days=routine.every_days) if routine.every_days else add_months(day, routine.every_months or 0)
    )


def first_dues(cli: Cli) -> dict[tuple[str, str], date]:
    """What `due` shows for every need that takes a visit, before any visit is booked."""
    found = {}
    for item in cli.ok("due", "--within", str(WEEKS * 7), "--as-of", TODAY.isoformat(), "--json").json():
        purpose = "fidelity-review" if item["kind"] == "fidelity-review" else item["subject"].split(":")[0]
        need = POLICY.need(purpose)
        if need is not None and need.scope == "agency" and item["kind"] in ("visit", "meeting", "fidelity-review"):
            found[(item["agency"], purpose)] = date.fromisoformat(item["due_on"])
    return found


def assert_trainers_can_keep_it(plan: dict[str, Any], regions: dict[str, str]) -> None:
    """Working days only; one region per trainer-day; at most two visits a day; reviews alone; capacity per week."""
    days: dict[tuple[str, date], list[dict[str, Any]]] = {}
    for visit in plan["visits"]:
        first = date.fromisoformat(visit["date"])
        if visit["agency"]:
            assert visit["region"] == regions[visit["agency"]]
        for offset in range(visit["days"]):
            day = first + timedelta(days=offset)
            assert day.weekday() < 5 and day not in US_HOLIDAYS, f"visit {visit['id']} on {day:%A %d %b}"
            for name in visit["trainers"]:
                days.setdefault((name, day), []).append(visit)
    for (name, day), booked in days.items():
        assert len({visit["region"] for visit in booked}) == 1, f"{name} in two regions on {day}"
        limit = 1 if any(visit["days"] > 1 or len(visit["trainers"]) > 1 for visit in booked) else 2
        assert len(booked) <= limit, f"{name} double-booked on {day}: {[v['id'] for v in booked]}"
        assert len({visit["slot"] for visit in booked}) == len(booked), f"{name} has two visits at once on {day}"
        assert len({(visit["agency"], visit["purpose"]) for visit in booked}) == len(booked)
    weeks = Counter((name, day.isocalendar()[:2]) for name, day in days)
    assert weeks, "nothing was planned"
    for (name, week), count in weeks.items():
        assert count <= CAPACITY[name], f"{name}: {count} trip days in week {week}, capacity {CAPACITY[name]}"


def assert_every_cadence_met_or_reported(plan: dict[str, Any], dues: dict[tuple[str, str], date]) -> None:
    """Per agency and need: each occurrence due in the weeks is booked in its window, or listed with a reason.

    Walked the way the sweep will judge it: each occurrence falls due one interval after the day the last one
    is booked (an unmet one: after the last day it could have been booked). Every booked visit is accounted for.
    """
    booked: dict[tuple[str, str], list[date]] = {}
    for visit in plan["visits"]:
        if visit["agency"]:
            booked.setdefault((visit["agency"], visit["purpose"]), []).append(date.fromisoformat(visit["date"]))
    unmet: dict[tuple[str, str], list[date]] = {}
    for need in plan["unmet"]:
        assert need["reason"], need
        if need["agency"]:
            unmet.setdefault((need["agency"], need["purpose"]), []).append(date.fromisoformat(need["due_on"]))
    for key, first_due in dues.items():
        window = POLICY.need(key[1]).window_days  # type: ignore[union-attr]
        due = first_due
        # Nothing is booked with less than the policy's notice (5 days by default).
        opens = TODAY + timedelta(days=POLICY.min_notice_days)
        while due <= END:
            if due >= opens:
                first, last = max(opens, due - timedelta(days=window)), due
            else:  # overdue, or due before the notice allows: as soon as the notice allows, within its window
                first, last = opens, min(END, opens + timedelta(days=window))
            in_window = [day for day in booked.get(key, []) if first <= day <= last]
            if in_window:
                day = min(in_window)
                booked[key].remove(day)
            else:
                assert due in unmet.get(key, []), (
                    f"{key}: occurrence due {due} neither booked in its window nor reported"
                )
                day = last
            due = interval_after(key[1], day)
    left = {key: days for key, days in booked.items() if days}
    assert not left, f"visits that stand for no occurrence: {left}"


def text_of(message: Message) -> str:
    """The subject and every decoded text part of an email, as a person reads them."""
    parts = [str(message["Subject"])]
    for part in message.walk():
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            parts.append(payload.decode())
    return "\n".join(parts)


@pytest.fixture
def state(cli: Cli) -> tuple[Cli, dict[str, str]]:
    return cli, realistic_state(cli, TODAY)


def test_a_realistic_state_is_planned_within_capacity_keeping_every_cadence(
    state: tuple[Cli, dict[str, str]], tmp_path: Path
) -> None:
    cli, regions = state
    assert len(regions) == 36 and len(set(regions.values())) == 4
    dues = first_dues(cli)
    assert len(dues) > 60
    plan = cli.ok(
        "visits",
        "plan",
        "--weeks",
        str(WEEKS),
        "--as-of",
        TODAY.isoformat(),
        "--json",
        "--ics",
        str(tmp_path / "plan.ics"),
    ).json()
    print(
        f"\n{len(plan['visits'])} visits, {len(plan['unmet'])} unmet; trip days {plan['trip_days']} grouped by region, "
        f"{plan['naive_trip_days']} one agency per day"
    )
    assert set(plan["visits"][0]) >= {"id", "trainer", "agency", "date", "days", "purpose"}
    assert set(plan["unmet"][0] if plan["unmet"] else {"agency": 1, "purpose": 1, "reason": 1}) >= {
        "agency",
        "purpose",
        "reason",
    }
    assert_trainers_can_keep_it(plan, regions)
    assert_every_cadence_met_or_reported(plan, dues)
    # Reviews: two reviewers, two days, before the due date.
    reviews = [visit for visit in plan["visits"] if visit["purpose"] == "fidelity-review"]
    assert reviews and all(len(v["trainers"]) == 2 and v["days"] == 2 for v in reviews)
    assert all(
        date.fromisoformat(v["date"]) + timedelta(days=1) <= date.fromisoformat(v["due_on"])
        or date.fromisoformat(v["due_on"]) < TODAY
        for v in reviews
    )
    # A statewide supervisors' meeting is one visit with no agency.
    assert [v["agency"] for v in plan["visits"] if v["purpose"] == "supervisor-meeting"] in ([], [None])
    # Grouping agencies of one region on a trainer's day saves trips against one agency per trip day.
    assert plan["trip_days"] <= 0.8 * plan["naive_trip_days"] and len(plan["unmet"]) <= plan["naive_unmet"]
    # The agency nobody is assigned to yet is reported, with what to do.
    assert any(u["agency"] == UNASSIGNED and "no trainer is assigned" in u["reason"] for u in plan["unmet"])

    # The .ics holds one event per visit day, each at the agency's own time zone.
    calendar = icalendar.Calendar.from_ical((tmp_path / "plan.ics").read_bytes())
    events = calendar.walk("VEVENT")
    assert len(events) == sum(visit["days"] for visit in plan["visits"])
    west = next(v for v in plan["visits"] if v["region"] == "West" and v["days"] == 1)
    event = next(e for e in events if str(e["uid"]).startswith(f"visit-{west['id']}-day1-"))
    assert (
        str(event["dtstart"].dt.tzinfo) == "America/Denver" and event["dtstart"].dt.date().isoformat() == west["date"]
    )


def test_planning_again_keeps_booked_visits_and_calendar_uids(
    state: tuple[Cli, dict[str, str]], tmp_path: Path
) -> None:
    cli, regions = state
    first = cli.ok("visits", "plan", "--weeks", "4", "--as-of", TODAY.isoformat(), "--json").json()
    assert all(visit["new"] for visit in first["visits"])
    cli.ok("visits", "ics", "--trainer", "Ana Ruiz", "--out", str(tmp_path / "before.ics"))
    # Nothing new falls due: planning the same weeks again books nothing and keeps every visit.
    again = cli.ok("visits", "plan", "--weeks", "4", "--as-of", TODAY.isoformat(), "--json").json()
    assert not any(visit["new"] for visit in again["visits"])
    assert [v["id"] for v in again["visits"]] == [v["id"] for v in first["visits"]]
    # A cancelled visit is booked again; the calendar keeps every UID and marks the cancelled one.
    cancelled = next(v for v in first["visits"] if v["trainer"] == "Ana Ruiz" and v["days"] == 1)
    cli.ok("visits", "cancel", str(cancelled["id"]))
    replanned = cli.ok("visits", "plan", "--weeks", "4", "--as-of", TODAY.isoformat(), "--json").json()
    assert_trainers_can_keep_it(replanned, regions)
    new = [v for v in replanned["visits"] if v["new"]]
    assert [(v["agency"], v["purpose"]) for v in new] == [(cancelled["agency"], cancelled["purpose"])]
    cli.ok("visits", "ics", "--trainer", "Ana Ruiz", "--out", str(tmp_path / "after.ics"))

    def events(name: str) -> dict[str, icalendar.Event]:
        parsed = icalendar.Calendar.from_ical((tmp_path / name).read_bytes())
        return {str(event["uid"]): event for event in parsed.walk("VEVENT")}

    before, after = events("before.ics"), events("after.ics")
    assert set(before) <= set(after)
    gone = next(uid for uid in before if uid.startswith(f"visit-{cancelled['id']}-"))
    assert after[gone]["status"] == "CANCELLED" and after[gone]["sequence"] > before[gone]["sequence"]
    assert all(after[uid]["status"] == "CONFIRMED" for uid in before if uid != gone)
    assert len(after) == len(before) + (1 if new[0]["trainer"] == "Ana Ruiz" else 0)


def test_a_done_visit_counts_toward_its_cadence_and_visits_are_reminded_to_their_trainer(
    cli: Cli, smtp: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IPS_ROADMAP_MAIL_URL", smtp.url)
    demo_without_contacts(cli, TODAY.isoformat())
    cli.ok("trainer", "add", "Tia Moss", "--region", "North", "--capacity", "3", "--email", "tia@state.example.org")
    cli.ok(
        "trainer", "add", "Omar Haddad", "--region", "Central", "--capacity", "3", "--email", "omar@state.example.org"
    )
    cli.ok("trainer", "assign", "Omar Haddad", "cedar-valley-recovery-services")
    cli.ok(
        "contact",
        "add",
        "cedar-valley-recovery-services",
        "--role",
        "ips-supervisor",
        "--name",
        "Val Cruz",
        "--email",
        "val@cv.example.org",
    )
    plan = cli.ok("visits", "plan", "--weeks", "2", "--as-of", TODAY.isoformat(), "--json").json()
    visits = [v for v in plan["visits"] if v["agency"] == "cedar-valley-recovery-services"]
    unit = next(v for v in visits if v["purpose"] == "vocational-unit-visit")
    assert unit["trainer"] == "Omar Haddad"
    # Reminders: the booked trainer and the agency's supervisor hear of the visit; the other trainer does not.
    reminders = cli.ok("notify", "preview", "--as-of", unit["date"], "--json").json()
    about = {r["recipient"] for r in reminders if r["kind"] == "site-visit" and r["subject"] == f"visit:{unit['id']}"}
    assert about == {"Omar Haddad", "Val Cruz"}
    # While a visit is booked, the routine is reminded as that visit, not twice.
    assert not [r for r in reminders if r["kind"] == "visit" and r["agency"] == "cedar-valley-recovery-services"]
    # And it arrives by email.
    cli.ok("notify", "flush", "--as-of", unit["date"])
    omar = smtp.to("omar@state.example.org")
    assert len(omar) == 1 and "Booked site visit" in text_of(omar[0])
    assert "Trainer attends the vocational unit meeting" in text_of(omar[0])
    # Tia is assigned nowhere, so she still hears of agencies with no trainer of their own, never of this one.
    assert all(
        "cedar-valley-recovery-services" not in message.as_string() for message in smtp.to("tia@state.example.org")
    )

    done = cli.ok("visits", "done", str(unit["id"]), "--on", unit["date"], "--as-of", unit["date"], "--json").json()
    assert done["status"] == "done" and done["counted_for"] == ["cedar-valley-recovery-services"]
    history = cli.ok("routine", "history", "cedar-valley-recovery-services", "--json").json()
    assert {"routine": "vocational-unit-visit", "done_on": unit["date"]}.items() <= history[0].items()
    due = cli.ok(
        "due", "--agency", "cedar-valley-recovery-services", "--within", "60", "--as-of", unit["date"], "--json"
    ).json()
    next_unit = [i for i in due if i["subject"].startswith("vocational-unit-visit:")]
    # Two weeks were planned; the next one falls due 15 days after the visit, beyond them, so nothing stands in.
    assert not [v for v in visits if v["purpose"] == "vocational-unit-visit" and v["id"] != unit["id"]]
    assert next_unit[0]["due_on"] == (date.fromisoformat(unit["date"]) + timedelta(days=15)).isoformat()


def test_the_forecast_shows_when_a_trainer_runs_out_of_days(state: tuple[Cli, dict[str, str]], tmp_path: Path) -> None:
    cli, _ = state
    forecast = cli.ok("forecast", "--months", "24", "--as-of", TODAY.isoformat(), "--json").json()
    assert len(forecast["months"]) == 24 and forecast["months"][0] == "2026-11"
    rows = {row["trainer"]: row["months"] for row in forecast["trainers"]}
    assert set(rows) == {name for name, *_ in TRAINERS} | {"(unassigned)"}
    # Capacity: three days a week of the month's working days, from today in the first month (Thanksgiving off).
    november, december = rows["Ned Cole"][0], rows["Ned Cole"][1]
    assert (november["capacity_days"], december["capacity_days"]) == (3.0, 13.2)
    # Ned shares six structuring and training agencies of the North: about two visits a month each, halved.
    assert 9 <= december["needed_days"] <= 14
    # The North's reviews fall to the three reviewers: Ana Ruiz is needed beyond her days in December.
    assert rows["Ana Ruiz"][1]["needed_days"] > rows["Ana Ruiz"][1]["capacity_days"]
    assert forecast["first_over_capacity"] == {"month": "2026-12", "trainer": "Ana Ruiz"}
    # Training ends at its norm, so the visits of structuring and training fall away within two years.
    assert rows["Ned Cole"][-1]["needed_days"] < december["needed_days"] / 4
    # The agency with no trainer shows up as days nobody is assigned to.
    assert forecast["unassigned_days"] > 0
    text = cli.ok("forecast", "--months", "6", "--as-of", TODAY.isoformat()).out
    assert "First month over capacity: 2026-12 (Ana Ruiz)." in text and "have no trainer" in text
    # A trainer's page works out only that trainer's agencies' needs (a reviewer's, all), and shows the same
    # months, with the roadmap's routines and with a state's own: here the statewide meeting belongs to the
    # monitoring stage (nothing due before launch) and starts with commitment.
    for routines in (None, statewide_meeting_in_monitoring(tmp_path)):
        settings = load_settings(cli.url).model_copy(update={"routines_file": routines})
        app = build(settings)
        try:
            whole = workload(app.uow(), app.visit_rules, as_of=TODAY, months=24)
            # With nothing kept for the day, and with the day's due list kept (the statewide needs then come from
            # the agency holding each one's earliest occurrence, and the trainer's own agencies are all that is read).
            for kept in (False, True):
                if kept:
                    assert prepare_due_list(app.uow(), app.roadmap, app.cadence, as_of=TODAY)
                for name, *_ in TRAINERS:
                    own = workload(app.uow(), app.visit_rules, as_of=TODAY, months=24, trainer=name)
                    assert own.rows == {name: whole.rows[name]}, (name, routines, kept)
            # The statewide needs come out the same when no agency's own needs are asked for (from the kept list).
            with app.uow() as uow:
                everything, _ = read_planning_state(uow, app.visit_rules, TODAY)
                none_own, _ = read_planning_state(uow, app.visit_rules, TODAY, agencies=set())
            assert none_own.streams == [s for s in everything.streams if s.agency is None], routines
        finally:
            app.close()


def statewide_meeting_in_monitoring(folder: Path) -> Path:
    routines = yaml.safe_load(resources.files("roadmap.data").joinpath("routines.yaml").read_text())
    meeting = next(r for r in routines["routines"] if r["key"] == "supervisor-meeting")
    meeting.update({"stage": "monitoring", "starts_with": "commitment"})
    path = folder / "routines.yaml"
    path.write_text(yaml.safe_dump(routines))
    return path


def test_bad_planning_input_is_refused_in_one_line_and_changes_nothing(cli: Cli, tmp_path: Path) -> None:
    demo_without_contacts(cli, TODAY.isoformat())
    refusals = [
        (("trainer", "add", "Ann", "--region", "North", "--capacity", "9"), "--capacity"),
        (("trainer", "add", "Ann", "--region", "North", "--capacity", "2", "--email", "not-an-address"), "email"),
        (("trainer", "assign", "Nobody", "cedar-valley-recovery-services"), "unknown trainer 'Nobody'"),
        (("visits", "plan", "--as-of", TODAY.isoformat()), "no trainers yet"),
    ]
    for args, message in refusals:
        result = cli(*args)
        assert result.code == 2 and message in result.err and "Traceback" not in result.err, (args, result.err)
    cli.ok("trainer", "add", "Ann Lee", "--region", "North", "--capacity", "2")
    refusals = [
        (("trainer", "add", "Ann Lee", "--region", "South", "--capacity", "2"), "already exists"),
        (("trainer", "assign", "Ann Lee", "no-such-agency"), "unknown agency 'no-such-agency'"),
        (("visits", "plan", "--weeks", "0", "--as-of", TODAY.isoformat()), "--weeks must be between 1 and 52"),
        (("visits", "plan", "--from", "2026-11-01", "--as-of", TODAY.isoformat()), "--from 2026-11-01 is in the past"),
        (("visits", "plan", "--from", "2026-13-01", "--as-of", TODAY.isoformat()), "--from"),
        (("visits", "plan", "--trainer", "Ann Le", "--as-of", TODAY.isoformat()), "did you mean 'Ann Lee'"),
        (
            ("visits", "plan", "--as-of", TODAY.isoformat(), "--ics", str(tmp_path / "missing" / "x.ics")),
            "does not exist",
        ),
        (("visits", "done", "99", "--on", TODAY.isoformat()), "no visit 99"),
        (("visits", "ics", "--trainer", "Ann Lee", "--agency", "x", "--out", str(tmp_path / "x.ics")), "not both"),
        (("forecast", "--months", "0"), "--months must be between 1 and 60"),
    ]
    for args, message in refusals:
        result = cli(*args)
        assert result.code == 2 and message in result.err and "Traceback" not in result.err, (args, result.err)
        assert len(result.err.strip().splitlines()) == 1
    # None of that wrote anything.
    assert cli.ok("visits", "list", "--json").json() == []
    assert [t["name"] for t in cli.ok("trainer", "list", "--json").json()] == ["Ann Lee"]
    assert not (tmp_path / "x.ics").exists()

    cli.ok("trainer", "assign", "Ann Lee", "cedar-valley-recovery-services")
    visit = cli.ok("visits", "plan", "--weeks", "2", "--as-of", TODAY.isoformat(), "--json").json()["visits"][0]
    later = (date.fromisoformat(visit["date"]) + timedelta(days=1)).isoformat()
    result = cli("visits", "done", str(visit["id"]), "--on", later, "--as-of", visit["date"])
    assert result.code == 2 and "is in the future" in result.err
    cli.ok("visits", "done", str(visit["id"]), "--on", visit["date"], "--as-of", visit["date"])
    for args in (("visits", "done", str(visit["id"]), "--on", visit["date"]), ("visits", "cancel", str(visit["id"]))):
        result = cli(*args)
        assert result.code == 2 and "already recorded as done" in result.err


def test_a_state_changes_visit_needs_in_its_own_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> None:
    text = (Path(__file__).parents[2] / "roadmap" / "data" / "visits.yaml").read_text()
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("purpose: steering-meeting", "purpose: steering-meetings"))
    monkeypatch.setenv("IPS_ROADMAP_VISITS_FILE", str(bad))
    result = cli("trainer", "list")
    assert result.code == 2
    assert "purpose 'steering-meetings' is neither a routine nor 'fidelity-review'" in result.err
    assert "did you mean 'steering-meeting'" in result.err
    # Reviews with one reviewer for one day, booked up to a week early.
    own = tmp_path / "visits.yaml"
    own.write_text(
        text.replace(
            "    people: 2\n    days: 2\n    window_days: 42", "    people: 1\n    days: 1\n    window_days: 7"
        )
    )
    monkeypatch.setenv("IPS_ROADMAP_VISITS_FILE", str(own))
    demo_without_contacts(cli, TODAY.isoformat())
    cli.ok("trainer", "add", "Ann Lee", "--region", "Central", "--capacity", "5", "--reviewer")
    cli.ok("trainer", "assign", "Ann Lee", "prairie-hills-counseling-center")
    plan = cli.ok("visits", "plan", "--weeks", "2", "--as-of", TODAY.isoformat(), "--json").json()
    review = next(v for v in plan["visits"] if v["purpose"] == "fidelity-review")
    assert review["trainers"] == ["Ann Lee"] and review["days"] == 1
