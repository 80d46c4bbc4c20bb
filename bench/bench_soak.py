"""A soak: years of daily sweeps over N agencies, mailing through a server that refuses a fifth of the messages.

The agencies do their work day by day (a checklist item every two weeks, launching once structured, every
review, routine and action step kept on its due date; one agency in eight three weeks late), then the real
sweep runs for that date: it queues what the rules owe in the outbox and delivers over SMTP, with apprise, to
a mail server on loopback in another process that answers a seeded random 20% of messages with a transient
451. Only the outbox's retries can get those through. After the last day, deliveries alone run on until
nothing is pending.

Counted from both ends: due = outbox entries queued; sent = entries whose reminder line reached its recipient
in a message the server accepted; duplicates = lines accepted more than once; lost = entries never accepted
(those the retry policy gave up on are shown too). Exits 1 unless duplicates and lost are both 0.
Compared with a bare minimum: each day's sweep reading the rows it reads, the queued rows inserted in one
executemany, and each message attempt as one plain smtplib connection to a server that accepts everything.
Run: `.venv/bin/python bench/bench_soak.py` (--agencies 50 --years 1 to try it; --postgres URL to use PostgreSQL).

apprise builds a certificate-checking TLS context for every email, even over plain SMTP, and loading the
system's CA bundle into it costs about 20 ms a message here (OpenSSL 3): over three years of 1,000 agencies that
is hours spent on certificates no message uses, since this server speaks plain SMTP on loopback. So the run
points OpenSSL at an empty bundle (SSL_CERT_FILE) unless --system-ca is given; everything else is the real path.
"""

from __future__ import annotations

import argparse
import asyncio
import email
import json
import multiprocessing
import os
import random
import re
import resource
import smtplib
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from email.message import Message as MailMessage
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiosmtpd.controller import Controller
from bench_agencies import ZONES, fresh_database, insert_bare_reminders
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from sqlalchemy import create_engine, func, select

from notifications.delivery import AppriseSender
from notifications.messages import KIND_NAMES, Message
from notifications.smtp_sink import free_port
from roadmap.bootstrap import Application, build
from roadmap.domain.completion import standing
from roadmap.domain.contact import Contact, Role
from roadmap.domain.due import DueItem, DueKind
from roadmap.domain.routine import ROUTINE_KINDS
from roadmap.domain.trainer import Trainer
from roadmap.services.agencies import launch_agency, mark_item_done
from roadmap.services.demo import DEMO_REVIEWERS, DemoAgency, demo_scores, kept_routines, play_agency
from roadmap.services.due import state_due
from roadmap.services.outbox import deliver
from roadmap.services.records import Records
from roadmap.services.reviews import close_action, record_review
from roadmap.services.routines import record_done
from roadmap.services.sweep import sweep_in_process
from roadmap.settings import Settings
from roadmap.store.tables import (
    ActionRow,
    AgencyRow,
    ChecklistMarkRow,
    ContactRow,
    OutboxRow,
    ReviewRow,
    RoutineDoneRow,
    StageRow,
    TrainerAgencyRow,
)

START = date(2026, 11, 23)
REGIONS = 20
SEATS = 2  # trainers per region, each assigned every agency of it
TICK_DAYS = 14
LATE_DAYS = 21  # a late agency keeps what falls due three weeks after (escalated to the state lead at 14)
LISTED = 10_000  # reminders listed in one message: all of them, for the count
TAIL_DAYS = 30  # at most this many delivery-only days after the last sweep, for retries to run out
SMTP_SAMPLE = 2000  # bare SMTP sends timed, then scaled to the number of attempts


# The mail server, in its own process: its bookkeeping stays out of the sweep's memory and CPU.

Signature = tuple[str, ...]
ESCALATED = " (escalated to the state team)"
FIRST_LINE = re.compile(
    r"^- (?P<kind>.+?) for (?P<agency>[^:]+?)(?P<escalated>" + re.escape(ESCALATED) + ")?: (?P<title>.*)$"
)
# The mail's text part is apprise's rendering of the HTML: "Due Wednesday 20 January 2027 — due in 30 days" (a
# note on the reader's own time may follow the date).
SEPARATOR = " — "
DUE_LINE = re.compile(r"^Due (?P<date>\S+ \d{1,2} \S+ \d{4})\b.*" + SEPARATOR + r"(?:due .+|.+ overdue)$")


SENT_ON = re.compile(r"Sent by ips-roadmap on (?P<day>\d{4}-\d{2}-\d{2})\.")


def reminder_lines(message: MailMessage) -> Iterator[Signature | None]:
    """(kind, agency name, escalated, title, due date, the reader's day it was sent) of each reminder in a
    message; None for one unreadable. The day tells apart one item's reminders at different offsets."""
    part = next((p for p in message.walk() if p.get_content_type() == "text/plain"), None)
    payload = part.get_payload(decode=True) if part is not None else None
    lines = [" ".join(line.split()) for line in payload.decode().splitlines()] if isinstance(payload, bytes) else []
    sent = next((found["day"] for line in lines if (found := SENT_ON.search(line))), "")
    for index, line in enumerate(lines):
        if not line.startswith("- "):
            continue
        first = FIRST_LINE.match(line)
        due = DUE_LINE.match(lines[index + 1]) if index + 1 < len(lines) else None
        if first is None or due is None:
            yield None
            continue
        escalated = "escalated" if first["escalated"] else ""
        yield first["kind"], first["agency"], escalated, first["title"], due["date"], sent


@dataclass
class Refusing:
    """An SMTP handler that refuses a seeded random share of messages (451, try later) and counts the rest."""

    fail_rate: float
    seed: int
    counting: bool = True
    accepted: Counter[Signature] = field(default_factory=Counter)
    messages: int = 0
    refused: int = 0
    unreadable: int = 0

    def __post_init__(self) -> None:
        self.random = random.Random(self.seed)

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        if not self.counting:
            return "250 OK"
        if self.random.random() < self.fail_rate:
            self.refused += 1
            return "451 4.3.0 Mailbox busy, try again later"
        self.messages += 1
        message = email.message_from_bytes(envelope.content)
        for recipient in envelope.rcpt_tos:
            for line in reminder_lines(message):
                if line is None:
                    self.unreadable += 1
                else:
                    self.accepted[(recipient.lower(), *line)] += 1
        return "250 OK"


def serve_mail(port: int, fail_rate: float, seed: int, counting: bool, pipe: Connection) -> None:
    """Run the server until told to stop, then send back what it accepted."""
    asyncio.set_event_loop(asyncio.new_event_loop())
    handler = Refusing(fail_rate, seed, counting)
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    pipe.send("ready")
    pipe.recv()
    controller.stop()
    pipe.send({"accepted": handler.accepted, "messages": handler.messages, "refused": handler.refused,
               "unreadable": handler.unreadable})  # fmt: skip


class MailServer:
    """`with MailServer(...) as server:` a refusing SMTP server in a child process; `server.report` once stopped."""

    def __init__(self, fail_rate: float, seed: int, *, counting: bool = True) -> None:
        self.port = free_port()
        self.report: dict[str, Any] = {}
        self._pipe, child = multiprocessing.Pipe()
        arguments = (self.port, fail_rate, seed, counting, child)
        self._process = multiprocessing.get_context("spawn").Process(target=serve_mail, args=arguments, daemon=True)

    @property
    def url(self) -> str:
        """An apprise mailto:// URL for it: plain SMTP on loopback, no login."""
        return f"mailto://127.0.0.1:{self.port}?from=ips-roadmap@soak.example.org&mode=insecure"

    def __enter__(self) -> MailServer:
        self._process.start()
        if not self._pipe.poll(60) or self._pipe.recv() != "ready":
            raise RuntimeError("the soak's mail server did not start")
        return self

    def __exit__(self, *_: object) -> None:
        self._pipe.send("stop")
        self.report = self._pipe.recv()
        self._process.join(10)


@dataclass
class TimedSender:
    """The real sender, timed and counted (message attempts, refusals, seconds spent sending)."""

    inner: AppriseSender
    attempts: int = 0
    refused: int = 0
    seconds: float = 0.0

    def send(self, contact: Contact, message: Message) -> str | None:
        start = time.perf_counter()
        error = self.inner.send(contact, message)
        self.seconds += time.perf_counter() - start
        self.attempts += 1
        self.refused += error is not None
        return error


# The state, and what its agencies do each day.


def slug_of(number: int) -> str:
    return f"agency-{number:05d}"


def region_of(number: int) -> int:
    # Ten agencies in a row share a region, so even a quick run's few regions hold every step of the roadmap.
    return number // 10 % REGIONS


def spec_of(number: int) -> DemoAgency:
    """Agencies spread over the roadmap, from just joined to launched a year and a half ago."""
    name, region, zone = f"Agency {number:05d}", f"Region {region_of(number):02d}", ZONES[region_of(number) % 4]
    step = number % 10
    if step < 7:  # gates 0..6 done, joined long enough ago for each
        return DemoAgency(name, region, zone, 20 + 90 * step, step)
    return DemoAgency(name, region, zone, 900, 7, launched_days_ago=60 + number % 480)


def build_state(app: Application, count: int) -> None:
    """N agencies through the real progression rules with routines kept so far; their people; the state team."""
    with app.uow() as uow:
        for number in range(count):
            uow.agencies.add(play_agency(spec_of(number), app.roadmap, START))
        records = Records.read(uow)
        for agency in uow.agencies.all():
            for routine, occurrence in kept_routines(records.context(agency, app.roadmap, app.cadence), START):
                uow.routines.add(agency.slug, routine, occurrence)
        for number in range(count):
            for role, title in ((Role.DIRECTOR, "director"), (Role.IPS_SUPERVISOR, "ips")):
                uow.contacts.add(Contact(agency=slug_of(number), role=role, name=f"{title} {number}",
                                         email=f"{title}@{slug_of(number)}.example.org"))  # fmt: skip
        uow.contacts.add(Contact(role=Role.STATE_LEAD, name="State Lead", email="lead@state.example.org"))
        for region in range(REGIONS):
            for seat in range(SEATS):
                name = f"Trainer {region:02d}-{seat}"
                address = f"trainer{region}-{seat}@state.example.org"
                contact = uow.contacts.add(Contact(role=Role.TRAINER, name=name, email=address))
                uow.trainers.add(Trainer(name=name, region=f"Region {region:02d}", capacity=4, contact_id=contact.id))
        for number in range(count):
            for seat in range(SEATS):
                uow.trainers.assign(f"Trainer {region_of(number):02d}-{seat}", slug_of(number))
        uow.commit()


@dataclass
class Agencies:
    """How the agencies behave: when each last ticked an item, who still has items to tick, who is late."""

    late: frozenset[str]
    ticked: dict[str, date]
    ticking: set[str]
    reviews: Counter[str] = field(default_factory=Counter)
    kept: int = 0

    @classmethod
    def of(cls, count: int) -> Agencies:
        slugs = [slug_of(number) for number in range(count)]
        return cls(frozenset(slugs[5::8]), dict.fromkeys(slugs, START), set(slugs))

    def work(self, app: Application, day: date) -> None:
        """One day of the agencies' own work, through the use cases their people would run, before the sweep."""
        roadmap = app.roadmap
        pace = {slug: TICK_DAYS * 3 // 2 if slug in self.late else TICK_DAYS for slug in self.ticking}
        due = [slug for slug in self.ticking if (day - self.ticked[slug]).days >= pace[slug]]
        with app.uow() as uow:
            agencies = uow.agencies.many(due) if due else []
        for agency in agencies:
            active = standing(agency, roadmap, day).current_stage
            open_items = (
                [i.key for i in roadmap.stage(active).checklist if i.key not in agency.checklist] if active else []
            )
            if not open_items:
                self.ticking.discard(agency.slug)  # nothing left to tick, now or later
                continue
            agency = mark_item_done(app.uow(), roadmap, agency.slug, open_items[0], on=day, as_of=day).agency
            self.ticked[agency.slug] = day
            structured = agency.progress("structure")
            if agency.launched_on is None and structured is not None and structured.completed_on is not None:
                launch_agency(app.uow(), roadmap, agency.slug, on=day, as_of=day)
        for item in state_due(app.uow(), roadmap, app.cadence, as_of=day, within_days=0):
            lag = LATE_DAYS if item.agency in self.late else 0
            if item.due_on <= day - timedelta(days=lag):
                self.keep(app, item, day)

    def keep(self, app: Application, item: DueItem, day: date) -> None:
        """Do one thing that has fallen due; checklist items are ticked at the agency's own pace instead."""
        if item.kind in ROUTINE_KINDS:
            routine, period = item.subject.split(":", 1)
            quarter = period if item.kind is DueKind.OUTCOME_REPORT else None
            record_done(app.uow(), app.roadmap, app.cadence, item.agency, routine, on=day, as_of=day, quarter=quarter)
        elif item.kind is DueKind.FIDELITY_REVIEW:
            held = self.reviews[item.agency]
            scores = demo_scores(min(125, 84 + 7 * held), held)
            record_review(app.uow(), app.scale, app.cadence, item.agency, visited_on=day, scores=scores,
                          reviewers=list(DEMO_REVIEWERS), as_of=day, roadmap=app.roadmap)  # fmt: skip
            self.reviews[item.agency] += 1
        elif item.kind is DueKind.ACTION_PLAN:
            close_action(app.uow(), item.agency, int(item.subject.removeprefix("action:")), on=day, as_of=day)
        else:
            return
        self.kept += 1


# The run.


@dataclass
class Soak:
    """What the run did and how long each part took."""

    days: int = 0
    queued: int = 0
    sent_by_outbox: int = 0
    retried: int = 0
    failed: int = 0
    tail_days: int = 0
    work_seconds: float = 0.0
    sweep_seconds: list[float] = field(default_factory=list)
    tail_seconds: float = 0.0
    wall_seconds: float = 0.0
    cpu_seconds: float = 0.0  # this process only: the mail server's work is in its own
    peak_mb: float = 0.0


def pending(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as connection:
        count = connection.scalar(select(func.count()).where(OutboxRow.status == "pending")) or 0
    engine.dispose()
    return count


def soak(app: Application, url: str, sender: TimedSender, count: int, days: int, console: Console) -> Soak:
    """Every day: the agencies' work, then the sweep for that date; then deliveries until nothing is pending."""
    agencies, result = Agencies.of(count), Soak(days=days)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TimeRemainingColumn())  # fmt: skip
    started, cpu = time.perf_counter(), time.process_time()
    # Every reminder is counted by its line in a message, so each message lists all of them (a state's rules
    # would list the 100 most urgent and count the rest).
    reminders = app.policies.reminders.model_copy(update={"digest_lines": LISTED})
    policies = replace(app.policies, reminders=reminders)
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("soak", total=days)
        for offset in range(1, days + 1):
            day = START + timedelta(days=offset)
            begin = time.perf_counter()
            agencies.work(app, day)
            swept = time.perf_counter()
            today, now = app.settings.schedule.run_for(day, datetime.now(UTC))
            outcome = sweep_in_process(app.uow, policies, sender, as_of=today, now=now)
            result.work_seconds += swept - begin
            result.sweep_seconds.append(time.perf_counter() - swept)
            result.queued += outcome.batches.reminders_queued
            result.sent_by_outbox += outcome.sent
            result.retried += outcome.retried
            result.failed += outcome.failed
            progress.update(
                task, advance=1, description=f"{day} queued {result.queued:,} sent {result.sent_by_outbox:,}"
            )
            if not console.is_terminal and offset % 30 == 0:  # a log file gets a line a month instead of a bar
                console.print(f"{day}: {offset}/{days} days, {time.perf_counter() - started:.0f} s, "
                              f"queued {result.queued:,}, sent {result.sent_by_outbox:,}")  # fmt: skip
    tail = time.perf_counter()
    day = START + timedelta(days=days)
    while pending(url) and result.tail_days < TAIL_DAYS:
        day += timedelta(days=1)
        today, now = app.settings.schedule.run_for(day, datetime.now(UTC))
        sent, retried, failed = deliver(app.uow(), app.roadmap, sender, app.settings.retry, as_of=today, now=now,
                                        lines=LISTED)  # fmt: skip
        result.sent_by_outbox += sent
        result.retried += retried
        result.failed += failed
        result.tail_days += 1
    result.tail_seconds = time.perf_counter() - tail
    result.wall_seconds = time.perf_counter() - started
    result.cpu_seconds = time.process_time() - cpu
    result.peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


@dataclass
class Tally:
    """The outbox compared with what the server accepted."""

    due: int
    sent: int
    duplicates: int
    lost: int
    gave_up: int
    lost_unaccounted: int
    unmatched: int
    ambiguous: int
    failure_notices: int
    outbox: dict[str, int]
    attempts: dict[int, int]  # how many delivered entries took 1, 2, ... attempts


def tally(url: str, accepted: Counter[Signature]) -> Tally:
    """Each outbox entry's reminder line, as the mail words it, against the lines the server accepted."""
    engine = create_engine(url)
    with engine.connect() as connection:
        emails = dict(connection.execute(select(ContactRow.id, ContactRow.email)).tuples().all())
        named = select(AgencyRow.slug, AgencyRow.name, AgencyRow.timezone)
        agencies = {slug: (name, zone) for slug, name, zone in connection.execute(named).tuples()}
        own_zones = dict(connection.execute(select(ContactRow.id, ContactRow.timezone)).tuples().all())
        columns = (OutboxRow.contact_id, OutboxRow.kind, OutboxRow.agency, OutboxRow.escalation, OutboxRow.title,
                   OutboxRow.due_on, OutboxRow.sent_at, OutboxRow.status, OutboxRow.attempts)  # fmt: skip
        rows = connection.execute(select(*columns)).tuples().all()
        belongs = select(ContactRow.id, AgencyRow.slug).join(AgencyRow, AgencyRow.id == ContactRow.agency_id)
        contact_agency = dict(connection.execute(belongs).tuples().all())
    engine.dispose()
    expected: dict[Signature, list[str]] = {}
    for contact_id, kind, agency, escalation, title, due_on, sent_at, status, _ in rows:
        # The day in the reader's timezone (theirs, else their agency's) the message went out, as it says.
        zone = own_zones.get(contact_id) or agencies.get(contact_agency.get(contact_id, ""), ("", None))[1]
        sent_on = ""
        if sent_at is not None:
            instant = sent_at if sent_at.tzinfo else sent_at.replace(tzinfo=UTC)
            sent_on = (instant.astimezone(ZoneInfo(zone)) if zone else instant).date().isoformat()
        signature: Signature = (str(emails.get(contact_id, "")).lower(), KIND_NAMES[DueKind(kind)],
                                agencies.get(agency, (agency, None))[0], "escalated" if escalation else "",
                                " ".join(title.split()), f"{due_on:%A %-d %B %Y}", sent_on)  # fmt: skip
        expected.setdefault(signature, []).append(status)
    sent = duplicates = lost = gave_up = 0
    for signature, statuses in expected.items():
        got = accepted.get(signature, 0)
        sent += min(got, len(statuses))
        duplicates += max(0, got - len(statuses))
        missing = max(0, len(statuses) - got)
        lost += missing
        gave_up += min(missing, statuses.count("failed"))
    return Tally(
        due=len(rows),
        sent=sent,
        duplicates=duplicates,
        lost=lost,
        gave_up=gave_up,
        lost_unaccounted=lost - gave_up,
        unmatched=sum(got for signature, got in accepted.items() if signature not in expected),
        ambiguous=sum(len(statuses) for statuses in expected.values() if len(statuses) > 1),
        failure_notices=sum(1 for row in rows if row[1] == DueKind.DELIVERY_FAILURE.value),
        outbox=dict(Counter(row[-2] for row in rows)),
        attempts=dict(sorted(Counter(row[-1] for row in rows if row[-2] == "sent").items())),
    )


# The bare minimum.


def bare_sweep_reads(url: str) -> float:
    """Seconds to read what a sweep reads, once, on the final state (the largest it was)."""
    engine = create_engine(url)
    start = time.perf_counter()
    with engine.connect() as connection:
        for table in (AgencyRow, StageRow, ChecklistMarkRow, ActionRow, ContactRow, RoutineDoneRow, TrainerAgencyRow):
            connection.execute(select(table.__table__)).all()
        connection.execute(select(ReviewRow.agency_id, ReviewRow.visited_on, ReviewRow.total)).all()
        connection.execute(select(OutboxRow.key)).all()
    seconds = time.perf_counter() - start
    engine.dispose()
    return seconds


def bare_inserts(url: str, queued: int) -> float:
    """Seconds to insert as many outbox rows as the soak queued, one executemany, rolled back."""
    engine = create_engine(url)
    start = time.perf_counter()
    with engine.begin() as connection:
        insert_bare_reminders(connection, queued, START)
        connection.rollback()
    seconds = time.perf_counter() - start
    engine.dispose()
    return seconds


def bare_smtp(sample: int) -> float:
    """Seconds per message: one plain smtplib connection each, to a server that accepts everything."""
    body = (
        "Subject: IPS roadmap: 3 reminders\r\n\r\n" + "- A reminder line of an ordinary length, with its date.\r\n" * 6
    )
    with MailServer(0.0, 0, counting=False) as server:
        start = time.perf_counter()
        for _ in range(sample):
            with smtplib.SMTP("127.0.0.1", server.port) as client:
                client.sendmail("ips-roadmap@soak.example.org", ["someone@agency.example.org"], body)
        seconds = time.perf_counter() - start
    return seconds / sample


def run(
    kind: str,
    postgres: str | None,
    count: int,
    years: int,
    fail_rate: float,
    seed: int,
    days: int | None = None,
    *,
    system_ca: bool = False,
) -> dict[str, Any]:
    console = Console(stderr=True)
    days = days or (START.replace(year=START.year + years) - START).days
    with tempfile.TemporaryDirectory() as folder:
        if not system_ca:  # see the module's docstring: no certificate is checked on this plain-SMTP server
            empty = Path(folder) / "no-certificates.pem"
            empty.touch()
            os.environ["SSL_CERT_FILE"] = str(empty)
        url, drop = fresh_database(kind, postgres, Path(folder))
        try:
            app = build(Settings(database_url=url))
            app.database.upgrade()
            built = time.perf_counter()
            build_state(app, count)
            built = time.perf_counter() - built
            with MailServer(fail_rate, seed) as server:
                sender = TimedSender(AppriseSender(server.url))
                result = soak(app, url, sender, count, days, console)
            app.close()
            figures = tally(url, server.report["accepted"])
            sweeps = len(result.sweep_seconds)
            reads = statistics.median(bare_sweep_reads(url) for _ in range(3))
            inserts = bare_inserts(url, result.queued)
        finally:
            drop()
    per_message = bare_smtp(min(SMTP_SAMPLE, max(sender.attempts, 1)))
    bare = reads * sweeps + inserts + per_message * sender.attempts
    swept = sum(result.sweep_seconds) + result.tail_seconds
    return {
        "backend": "SQLite" if kind == "sqlite" else "PostgreSQL",
        "agencies": count,
        "years": round(days / 365, 2),
        "days": days,
        "fail_rate": fail_rate,
        "seed": seed,
        "due": figures.due,
        "sent": figures.sent,
        "duplicates": figures.duplicates,
        "lost": figures.lost,
        "failed_for_good": figures.gave_up,
        "lost_unaccounted": figures.lost_unaccounted,
        "failure_notices": figures.failure_notices,
        "unmatched_lines": figures.unmatched,
        "ambiguous_entries": figures.ambiguous,
        "unreadable_lines": server.report["unreadable"],
        "outbox_status": figures.outbox,
        "attempts_of_sent": figures.attempts,
        "outbox_counts": {
            "queued": result.queued,
            "sent": result.sent_by_outbox,
            "retried": result.retried,
            "failed": result.failed,
        },
        "messages_accepted": server.report["messages"],
        "messages_refused": server.report["refused"],
        "send_attempts": sender.attempts,
        "tail_days": result.tail_days,
        "peak_mb": round(result.peak_mb),
        "build_seconds": round(built, 1),
        "wall_seconds": round(result.wall_seconds, 1),
        "cpu_seconds": round(result.cpu_seconds, 1),
        "work_seconds": round(result.work_seconds, 1),
        "sweep_seconds": round(swept, 1),
        "smtp_seconds": round(sender.seconds, 1),
        "sweeps_per_second": round(sweeps / sum(result.sweep_seconds), 3),
        "seconds_per_sweep": round(sum(result.sweep_seconds) / sweeps, 3),
        "seconds_per_sweep_by_year": by_year(result.sweep_seconds),
        "bare_seconds": round(bare, 1),
        "bare_read_per_sweep": round(reads, 4),
        "bare_smtp_per_message": round(per_message, 5),
        "ratio": round(swept / bare, 1),
        "ca_bundle": "system" if system_ca else "empty",
    }


def by_year(seconds: list[float]) -> list[float]:
    """The mean sweep of each year; a leap day's extra sweep joins the last year rather than making its own."""
    starts = list(range(0, max(len(seconds) - 365, 0) + 1, 365))
    ends = [*starts[1:], len(seconds)]
    return [round(statistics.mean(seconds[start:end]), 3) for start, end in zip(starts, ends, strict=True)]


def show(figures: dict[str, Any]) -> None:
    f = figures
    print(
        f"soak: {f['backend']}, {f['agencies']:,} agencies, {f['years']} years ({f['days']:,} daily sweeps), "
        f"mail server refusing {f['fail_rate']:.0%} (seed {f['seed']})"
    )
    print(f"  reminders due (queued)     {f['due']:>10,}   of which delivery-failure notices {f['failure_notices']:,}")
    print(f"  sent (accepted by server)  {f['sent']:>10,}")
    print(f"  duplicates                 {f['duplicates']:>10,}")
    print(
        f"  lost (never accepted)      {f['lost']:>10,}   retry policy gave up {f['failed_for_good']:,}, "
        f"unaccounted {f['lost_unaccounted']:,}"
    )
    print(
        f"  messages                   {f['messages_accepted']:>10,}   accepted; {f['messages_refused']:,} refused "
        f"(451) of {f['send_attempts']:,} attempts; {f['tail_days']} delivery-only days after the last sweep"
    )
    tries = ", ".join(f"{n}: {entries:,}" for n, entries in f["attempts_of_sent"].items())
    print(f"  attempts a sent entry took {tries}")
    if f["unmatched_lines"] or f["ambiguous_entries"] or f["unreadable_lines"]:
        print(
            f"  CHECK: {f['unmatched_lines']} accepted lines match no entry, {f['ambiguous_entries']} entries "
            f"share a line, {f['unreadable_lines']} lines unreadable"
        )
    print(f"  peak memory                {f['peak_mb']:>10,} MB")
    print(
        f"  wall time                  {f['wall_seconds']:>10,.1f} s   ({f['cpu_seconds']:,.1f} s CPU in this process; "
        f"the state was built in {f['build_seconds']} s before)"
    )
    print(f"  agencies' own work         {f['work_seconds']:>10,.1f} s")
    print(
        f"  sweeps and deliveries      {f['sweep_seconds']:>10,.1f} s   {f['seconds_per_sweep']:.3f} s a sweep, "
        f"{f['sweeps_per_second']:.2f} sweeps/s; by year {f['seconds_per_sweep_by_year']}; "
        f"{f['smtp_seconds']:,.1f} s in SMTP"
    )
    print(
        f"  bare minimum               {f['bare_seconds']:>10,.1f} s   ratio {f['ratio']:.1f} "
        f"(reads {f['bare_read_per_sweep']:.3f} s a sweep, {f['bare_smtp_per_message'] * 1000:.1f} ms a message)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--agencies", type=int, default=1000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--fail-rate", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--days", type=int, help="simulate this many days instead of whole years (a trial run)")
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL server URL; a scratch database is made on it")
    parser.add_argument("--system-ca", action="store_true", help="load the system CA bundle for every email")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    kind = "postgresql" if args.postgres else "sqlite"
    figures = run(
        kind, args.postgres, args.agencies, args.years, args.fail_rate, args.seed, args.days, system_ca=args.system_ca
    )
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        show(figures)
    return 1 if figures["duplicates"] or figures["lost"] or figures["unmatched_lines"] else 0


if __name__ == "__main__":
    sys.exit(main())
