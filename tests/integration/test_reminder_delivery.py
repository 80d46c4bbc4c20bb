"""Reminders delivered to a real SMTP server on loopback: once per offset, one digest per person, retried."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

import roadmap
from notifications.delivery import AppriseSender
from notifications.smtp_sink import SmtpSink
from roadmap.bootstrap import build
from roadmap.domain.access_link import token_id
from roadmap.services.links import open_link, reminder_tokens, revoke_link
from roadmap.services.outbox import deliver
from roadmap.services.sweep import advance_batch, plan_sweep
from roadmap.settings import load_settings
from tests.conftest import Cli
from tests.integration.demo_state import demo_without_contacts
from tests.smtp import body, text_part

TODAY = "2026-11-23"


@pytest.fixture
def state(bare_cli: Cli, smtp: SmtpSink, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv(
        "IPS_ROADMAP_MAIL_URL",
        smtp.url,
    )
    demo_without_contacts(bare_cli, TODAY)
    for args in (
        (
            "prairie-hills-counseling-center",
            "--role",
            "director",
            "--name",
            "Ruth Okafor",
            "--email",
            "ruth@prairie.example",
        ),
        (
            "pinecrest-behavioral-health",
            "--role",
            "ips-supervisor",
            "--name",
            "Dev Patel",
            "--email",
            "dev@pinecrest.example",
        ),
        ("--role", "state-lead", "--name", "Sam Reed", "--email", "sam@state.example"),
    ):
        bare_cli.ok("contact", "add", *args)
    return bare_cli


def test_each_person_gets_one_digest_with_the_agency_item_and_date(state: Cli, smtp: SmtpSink) -> None:
    result = state.ok("notify", "flush", "--as-of", TODAY, "--json").json()
    assert result["sent"] == result["queued"] > 0 and result["failed"] == 0
    ruth = smtp.to("ruth@prairie.example")
    assert len(ruth) == 1
    # The review fell due on 7 November; the sweep of the 23rd is the first: 16 days, whatever the rule's offset.
    assert ruth[0]["Subject"] == "IPS roadmap: Fidelity review for Prairie Hills Counseling Center, 16 days overdue"
    assert "Due Saturday 7 November 2026" in text_part(ruth[0]) and "16 days overdue" in text_part(ruth[0])
    assert "prairie-hills-counseling-center" not in body(ruth[0]) + text_part(ruth[0])
    assert "Questions: Sam Reed &lt;sam@state.example&gt;" in body(ruth[0])
    # Until the state says where the app is reached, reminders carry no link (one to this machine would be dead).
    assert "/a/" not in body(ruth[0]) and "Your page on the roadmap" not in body(ruth[0])
    assert {part.get_content_type() for part in ruth[0].walk()} >= {"text/plain", "text/html"}
    sam = smtp.to("sam@state.example")
    assert len(sam) == 1  # many escalations, one digest
    assert "escalated to the state team" in body(sam[0])
    dev = smtp.to("dev@pinecrest.example")
    assert len(dev) == 1 and dev[0]["Subject"].startswith(
        "IPS roadmap: Pinecrest Behavioral Health: 6 reminders, 6 overdue (most urgent: "
    )


def test_a_digest_past_the_rules_limit_lists_the_most_urgent_and_counts_the_rest(
    state: Cli, smtp: SmtpSink, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    packaged = Path(roadmap.__file__).parent / "data" / "reminder_rules.yaml"
    rules = packaged.read_text().replace("digest_lines: 100", "digest_lines: 10")
    (tmp_path / "rules.yaml").write_text(rules)
    monkeypatch.setenv("IPS_ROADMAP_REMINDER_RULES_FILE", str(tmp_path / "rules.yaml"))
    result = state.ok("notify", "flush", "--as-of", TODAY, "--json").json()
    entries = state.ok("outbox", "list", "--json").json()
    sams = [entry for entry in entries if entry["recipient"] == "Sam Reed"]
    assert len(sams) > 10 and result["sent"] == result["queued"] == len(entries)
    assert {entry["status"] for entry in sams} == {"sent"}  # the ones counted went with the message too
    (mail,) = smtp.to("sam@state.example")
    listed = [line for line in text_part(mail).splitlines() if line.startswith("- ")]
    assert len(listed) == 10
    # The ten listed are the ten most overdue.
    said_due = [line.split("Due ", 1)[1].split(" — ")[0] for line in text_part(mail).splitlines() if "Due " in line]
    earliest = sorted(date.fromisoformat(entry["due_on"]) for entry in sams)[:10]
    assert said_due == [f"{day:%A %-d %B %Y}" for day in earliest]
    agencies = {entry["agency"] for entry in sams}
    assert mail["Subject"].startswith(
        f"IPS roadmap: {len(agencies)} agencies: {len(sams)} reminders, {len(sams)} overdue"
    )
    said = f"And {len(sams) - 10} more reminders ({len(sams) - 10} overdue) for "
    assert said in text_part(mail) and said in body(mail)
    assert "not listed here to keep this message short; the web app lists them all." in text_part(mail)


def test_an_agency_contacts_reminder_carries_a_link_to_that_agencys_pages_only(
    state: Cli, smtp: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IPS_ROADMAP_WEB__BASE_URL", "https://roadmap.state.example")
    state.ok("notify", "flush", "--as-of", TODAY)
    found = re.search(r"https://roadmap\.state\.example/a/(\S+)", text_part(smtp.to("ruth@prairie.example")[0]))
    assert found is not None
    token = found.group(1)
    assert f'href="https://roadmap.state.example/a/{token}"' in body(smtp.to("ruth@prairie.example")[0])
    app = build(load_settings(state.url))
    try:
        opened = open_link(app.uow(), token, on=date(2026, 11, 23))
        assert opened is not None and opened.agency == "prairie-hills-counseling-center"
        # It works for 90 days (the default) from the day it was mailed (today, for this run of an earlier day),
        # and not a day longer.
        mailed = max(date(2026, 11, 23), app.settings.schedule.run_for(None, datetime.now(UTC))[0])
        last = mailed + timedelta(days=90)
        assert open_link(app.uow(), token, on=last) is not None
        assert open_link(app.uow(), token, on=last + timedelta(days=1)) is None
    finally:
        app.close()
    # Dev Patel's link is his own agency's, not Ruth's; the state lead's points at the overview (she signs in).
    dev = text_part(smtp.to("dev@pinecrest.example")[0])
    assert "https://roadmap.state.example/a/" in dev and token not in dev
    assert "Your page on the roadmap: https://roadmap.state.example/\r\n" in text_part(smtp.to("sam@state.example")[0])
    listed = state.ok("link", "list", "--json").json()
    assert {(link["agency"], link["label"]) for link in listed} == {
        ("prairie-hills-counseling-center", "reminders to Ruth Okafor"),
        ("pinecrest-behavioral-health", "reminders to Dev Patel"),
    }
    assert token not in state.ok("link", "list").out


def test_a_retried_entry_goes_at_the_next_delivery_whatever_its_hour(state: Cli, smtp: SmtpSink) -> None:
    smtp.stop()
    state.ok("notify", "flush", "--as-of", TODAY)
    smtp.start()
    entry = state.ok("outbox", "list", "--status", "pending", "--json").json()[0]
    state.ok("outbox", "retry", str(entry["id"]))
    # Early on the queued day in a state east of Greenwich: 23:00 UTC the evening before.
    app = build(load_settings(state.url))
    try:
        sent, _, _ = deliver(app.uow(), app.roadmap, AppriseSender(smtp.url), app.settings.retry,
                             as_of=date(2026, 11, 23), now=datetime(2026, 11, 22, 23, tzinfo=UTC))  # fmt: skip
    finally:
        app.close()
    assert sent >= 1
    assert (
        state.ok("outbox", "list", "--json").json()[
            [e["id"] for e in state.ok("outbox", "list", "--json").json()].index(entry["id"])
        ]["status"]
        == "sent"
    )


def test_a_contact_keeps_one_link_until_it_nears_its_end_or_is_revoked(state: Cli) -> None:
    app = build(load_settings(state.url))
    try:
        with app.uow() as uow:
            ruth = next(c for c in uow.contacts.listed() if c.name == "Ruth Okafor")
            first = reminder_tokens(uow, [ruth], on=date(2026, 11, 23), days=90)[ruth.id]  # type: ignore[index]
            uow.commit()
        with app.uow() as uow:
            # Sent again a month later: the same link.
            assert reminder_tokens(uow, [ruth], on=date(2026, 12, 23), days=90)[ruth.id] == first  # type: ignore[index]
            # With less than a month left, a new one (the old one still works to its end).
            renewed = reminder_tokens(uow, [ruth], on=date(2027, 1, 23), days=90)[ruth.id]  # type: ignore[index]
            uow.commit()
        assert renewed != first
        assert open_link(app.uow(), first, on=date(2027, 1, 23)) is not None
        revoke_link(app.uow(), token_id(renewed) or 0, at=datetime(2027, 1, 24, tzinfo=UTC))
        assert open_link(app.uow(), renewed, on=date(2027, 1, 24)) is None
        with app.uow() as uow:
            after = reminder_tokens(uow, [ruth], on=date(2027, 1, 24), days=90)[ruth.id]  # type: ignore[index]
            uow.commit()
        assert after not in (first, renewed)
        opened = open_link(app.uow(), after, on=date(2027, 1, 24))
        assert opened is not None and opened.expires_on == date(2027, 4, 24)
    finally:
        app.close()
    # Removing the contact removes the links their reminders carried.
    contact_id = next(c["id"] for c in state.ok("contact", "list", "--json").json() if c["name"] == "Ruth Okafor")
    state.ok("contact", "remove", str(contact_id))
    assert [link for link in state.ok("link", "list", "--json").json() if link["contact_id"] == contact_id] == []


def test_a_removed_contacts_link_never_opens_the_link_that_takes_its_place(state: Cli) -> None:
    day = date(2026, 11, 23)

    def link_for(name: str) -> str:
        with app.uow() as uow:
            contact = next(c for c in uow.contacts.listed() if c.name == name)
            token = reminder_tokens(uow, [contact], on=day, days=90)[contact.id]  # type: ignore[index]
            uow.commit()
        return token

    app = build(load_settings(state.url))
    try:
        ruths = link_for("Ruth Okafor")
        ruth_id = next(c["id"] for c in state.ok("contact", "list", "--json").json() if c["name"] == "Ruth Okafor")
        state.ok("contact", "remove", str(ruth_id))
        state.ok("contact", "add", "prairie-hills-counseling-center", "--role", "director", "--name", "Rosa Lind",
                 "--email", "rosa@prairie.example")  # fmt: skip
        rosas = link_for("Rosa Lind")
        if state.url.startswith("sqlite"):
            # SQLite gives the new link the deleted one's id, for the same agency and expiry: only the link's own
            # salt tells them apart.
            assert token_id(rosas) == token_id(ruths)
        assert open_link(app.uow(), rosas, on=day) is not None
        assert open_link(app.uow(), ruths, on=day) is None
    finally:
        app.close()


def test_repeated_runs_send_nothing_twice(state: Cli, smtp: SmtpSink) -> None:
    state.ok("notify", "flush", "--as-of", TODAY)
    first = len(smtp.received)
    again = state.ok("notify", "flush", "--as-of", TODAY, "--json").json()
    next_day = state.ok("notify", "flush", "--as-of", "2026-11-24", "--json").json()
    assert (again["queued"], again["sent"], next_day["queued"], next_day["sent"]) == (0, 0, 0, 0)
    assert len(smtp.received) == first
    statuses = {entry["status"] for entry in state.ok("outbox", "list", "--json").json()}
    assert statuses == {"sent"}


def test_a_down_server_delays_messages_and_they_arrive_once_when_it_is_back(
    state: Cli, smtp: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = smtp.url
    # While the server is down the configured URL carries a password: it must not show anywhere.
    monkeypatch.setenv("IPS_ROADMAP_MAIL_URL", plain.replace("127.0.0.1", "roadmap:S3cretMail@127.0.0.1"))
    smtp.stop()
    down = state.ok("notify", "flush", "--as-of", TODAY, "--json")
    assert down.json()["sent"] == 0 and down.json()["retried"] == down.json()["queued"] > 0
    pending = state.ok("outbox", "list", "--status", "pending", "--json")
    entries = pending.json()
    assert all(e["attempts"] == 1 for e in entries)
    assert "did not accept the message" in entries[0]["last_error"]
    assert "S3cretMail" not in down.out + down.err + pending.out + state.ok("outbox", "list").out
    assert down.err == ""  # failures are recorded in the outbox, not sprayed on stderr
    smtp.start()
    monkeypatch.setenv("IPS_ROADMAP_MAIL_URL", plain)
    back = state.ok("notify", "flush", "--as-of", "2026-11-24", "--json").json()
    assert back["sent"] == len(entries)
    assert len(smtp.to("ruth@prairie.example")) == 1
    state.ok("notify", "flush", "--as-of", "2026-11-25")
    assert len(smtp.to("ruth@prairie.example")) == 1


def test_after_the_last_attempt_a_reminder_fails_for_good(
    state: Cli, smtp: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IPS_ROADMAP_RETRY__MAX_ATTEMPTS", "2")
    smtp.stop()
    state.ok("notify", "flush", "--as-of", TODAY)
    last = state.ok("notify", "flush", "--as-of", "2026-11-24", "--json").json()
    assert last["failed"] > 0 and last["retried"] == 0
    failed = state.ok("outbox", "list", "--status", "failed", "--json").json()
    assert failed and all(e["attempts"] == 2 for e in failed)
    notices = [e for e in state.ok("outbox", "list", "--json").json() if e["kind"] == "delivery-failure"]
    # Every failure but the state lead's own is reported to the state lead.
    assert {e["recipient"] for e in notices} == {"Sam Reed"}
    assert len(notices) == len([e for e in failed if e["recipient"] != "Sam Reed"])
    smtp.start()
    told = state.ok("notify", "flush", "--as-of", "2026-11-25", "--json").json()
    assert told["sent"] == len(notices)
    sam = smtp.to("sam@state.example")
    assert len(sam) == 1 and "could not be delivered after 2 attempts" in body(sam[0])
    state.ok("outbox", "retry", str(failed[0]["id"]))
    revived = state.ok("notify", "flush", "--as-of", "2026-11-26", "--json").json()
    assert revived["sent"] == 1


@pytest.fixture
def one_agency(cli: Cli, smtp: SmtpSink, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """An agency launched on 1 January 2026 (first review due 1 July) with a director who reads email."""
    monkeypatch.setenv("IPS_ROADMAP_MAIL_URL", smtp.url)
    cli.ok("agency", "add", "Lone Oak Clinic", "--region", "South", "--timezone", "America/Chicago",
           "--joined", "2026-01-01", "--launched", "2026-01-01", "--as-of", "2026-01-01")  # fmt: skip
    cli.ok(
        "contact", "add", "lone-oak-clinic", "--role", "director", "--name", "Ada Byrne", "--email", "ada@oak.example"
    )
    return cli


def review_reminders(cli: Cli) -> list[tuple[int, str]]:
    """(offset, day sent) of every fidelity-review reminder, in the order sent."""
    entries = [e for e in cli.ok("outbox", "list", "--json").json() if e["kind"] == "fidelity-review"]
    assert all(e["status"] == "sent" for e in entries)
    return sorted((e["offset_days"], e["sent_at"][:10]) for e in entries)[::-1]


def test_daily_runs_for_two_months_send_each_offset_once_on_its_day(one_agency: Cli, smtp: SmtpSink) -> None:
    day = date(2026, 5, 20)
    while day <= date(2026, 7, 25):
        one_agency.ok("notify", "flush", "--as-of", day.isoformat())
        day += timedelta(days=1)
    assert review_reminders(one_agency) == [
        (30, "2026-06-01"), (7, "2026-06-24"), (1, "2026-06-30"), (-7, "2026-07-08")
    ]  # fmt: skip
    about_review = [m for m in smtp.to("ada@oak.example") if "Fidelity review" in body(m)]
    assert len(about_review) == 4


def test_after_missed_weeks_only_the_latest_passed_offset_is_sent(one_agency: Cli, smtp: SmtpSink) -> None:
    for day in ("2026-05-20", "2026-06-28", "2026-06-29", "2026-07-20"):
        one_agency.ok("notify", "flush", "--as-of", day)
    # 28 June: the 30- and 7-day notices are stale, only the 7-day one goes; 20 July: the overdue notice only.
    assert review_reminders(one_agency) == [(7, "2026-06-28"), (-7, "2026-07-20")]


def test_delivery_in_pages_of_two_people_sends_everyone_one_digest(bare_cli: Cli, smtp: SmtpSink) -> None:
    bare_cli.ok("demo", "--as-of", TODAY)
    app = build(load_settings(bare_cli.url))
    day, now = date(2026, 12, 1), datetime(2026, 12, 1, 12, tzinfo=UTC)
    try:
        plan = plan_sweep(app.uow(), app.roadmap, app.cadence, app.reminder_rules, as_of=day, max_batches=1)
        queued = advance_batch(app.uow(), app.roadmap, app.cadence, app.reminder_rules, plan.batches[0], as_of=day,
                               now=now, peers=plan.peers).reminders_queued  # fmt: skip
        sent, retried, failed = deliver(app.uow(), app.roadmap, AppriseSender(smtp.url), app.settings.retry,
                                        as_of=day, now=now, page=2)  # fmt: skip
    finally:
        app.close()
    assert queued > 0 and (sent, retried, failed) == (queued, 0, 0)
    pending = bare_cli.ok("outbox", "list", "--status", "pending", "--json").json()
    assert pending == []
    # One digest per person who was owed something, whichever page they fell in.
    people = {
        e["recipient"] for e in bare_cli.ok("outbox", "list", "--json").json() if e["sent_at"].startswith("2026-12-01")
    }
    assert len(smtp.received) == len(people) > 2


def test_a_template_that_fails_on_one_persons_digest_holds_back_only_theirs(
    state: Cli, smtp: SmtpSink, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The sample digests (recipient "Maria Lopez") render, so the folder is accepted; Ruth's own digest does not.
    (tmp_path / "reminder.txt.j2").write_text(
        '{% if digest.recipient == "Ruth Okafor" %}{{ 1 // 0 }}{% endif %}Hello {{ digest.recipient }}\n'
    )
    monkeypatch.setenv("IPS_ROADMAP_TEMPLATES_DIR", str(tmp_path))
    monkeypatch.setenv("IPS_ROADMAP_RETRY__MAX_ATTEMPTS", "2")
    first = state.ok("notify", "flush", "--as-of", TODAY, "--json").json()
    assert first["sent"] > 0 and first["retried"] > 0
    assert smtp.to("dev@pinecrest.example") and smtp.to("sam@state.example")
    assert smtp.to("ruth@prairie.example") == []
    held = state.ok("outbox", "list", "--status", "pending", "--json").json()
    assert held and {e["recipient"] for e in held} == {"Ruth Okafor"}
    assert all(e["last_error"].startswith("the reminder could not be written: template reminder.txt.j2:") for e in held)
    # After the last attempt the state lead hears of it, in a digest the template can write.
    state.ok("notify", "flush", "--as-of", "2026-11-24")
    failed = state.ok("outbox", "list", "--status", "failed", "--json").json()
    assert {e["recipient"] for e in failed} == {"Ruth Okafor"}
    state.ok("notify", "flush", "--as-of", "2026-11-25")
    assert any("could not be delivered after 2 attempts" in body(m) for m in smtp.to("sam@state.example"))
