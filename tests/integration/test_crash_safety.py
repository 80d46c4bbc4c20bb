"""Crash safety: the sweep killed (SIGKILL) at random points as a real child process, then run again.

The sweep is `ips-roadmap notify flush`: the daily sweep's steps (the same batches and delivery as the Prefect
flow, whose temporary server would cost 10-20 s a run) in one process. Kills land between and inside the batches
of agencies (stages started, reminders written), while digests are sent, and in the one window that cannot be
closed: after the mail server accepted a message and before the outbox recorded it.

A second database gets the same state and days and is never killed: the oracle. After each day the killed one
must agree with it (the same stages started, the same outbox, all sent), every reminder line the reference's
server received must have arrived, and a message may have arrived twice only if a kill caught it in flight.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.pool import NullPool

from notifications.smtp_sink import MailKeeper, Received, SmtpSink
from roadmap.bootstrap import build
from roadmap.domain.definition import StageKind
from roadmap.domain.outbox import OutboxStatus
from roadmap.services.sweep import plan_sweep
from roadmap.settings import load_settings
from roadmap.store.tables import AgencyRow, OutboxRow, StageRow
from tests.conftest import Cli, new_postgres_database
from tests.integration.demo_state import more_agencies
from tests.integration.test_concurrent_sweeps import EXECUTABLE, TODAY, crowded_state

DAYS = (TODAY, "2026-11-30")  # the state's first sweep (a backlog of reminders), then a week later
EXTRA_AGENCIES = 150  # launched, without contacts: batches worth killing in, escalations for the state lead
PEOPLE_PER_AGENCY = 6  # each message costs tens of ms, each run its startup: half the two-sweeps crowd: 36 messages on the first day, 22 a week later
# Each day's kills, in order: once its first batch has landed; as the server accepts a message; after a random
# number of messages; after a random delay over the run's measured duration.
AIMS = ("writing", "in flight", "delivering", "timed")
QUIT_DELAY = 0.015  # the server answers QUIT slowly, so a random kill often finds a sent message unrecorded
SEED = 8


@dataclass
class KillingKeeper(MailKeeper):
    """Keeps mail as the demo's sink does; answers QUIT slowly, and can kill the sender at a message's QUIT."""

    kill: tuple[int, int] | None = None  # (pid, once this many messages were received)

    async def handle_QUIT(self, server: object, session: object, envelope: object) -> str:
        if self.kill is not None and len(self.received) >= self.kill[1]:
            # The message is accepted and its sender is waiting to hear so: exactly the window in flight.
            os.kill(self.kill[0], signal.SIGKILL)
            self.kill = None
        await asyncio.sleep(QUIT_DELAY)
        return "221 Bye"


@dataclass(frozen=True)
class Digest:
    """One message as the server received it: to whom, for which day, its reminder lines."""

    to: str
    day: str
    lines: tuple[str, ...]


class KillingSink(SmtpSink):
    """The demo's loopback SMTP server with the handler above."""

    def __init__(self) -> None:
        self.handler = KillingKeeper()
        super().__init__(self.handler)
        self._digests: list[Digest] = []

    def digests(self, start: int = 0) -> list[Digest]:
        """The messages received from the start-th on (each parsed once: every check reads them all)."""
        self._digests += [_digest(mail) for mail in self.received[len(self._digests) :]]
        return self._digests[start:]


def _digest(mail: Received) -> Digest:
    """A line is a reminder's heading with its due date, which tells the offset."""
    part = next(part for part in mail.message.walk() if part.get_content_type() == "text/plain")
    body = part.get_payload(decode=True).decode()  # type: ignore[union-attr]
    rows = [row.strip() for row in body.splitlines()]
    lines = tuple(f"{row} / {rows[n + 1]}" for n, row in enumerate(rows) if re.match(r"-\s+\S", row))
    day = re.search(r"Sent by ips-roadmap on (\d{4}-\d{2}-\d{2})", body)
    assert day is not None, body
    return Digest(mail.recipients[0], day.group(1), lines)


Outbox = dict[str, dict[str, dict[str, Any]]]  # recipient address -> key -> entry


def _sent(keys: dict[str, dict[str, Any]]) -> bool:
    return all(entry["status"] is OutboxStatus.SENT for entry in keys.values())


class Store:
    """One of the two databases: the application on it, and plain SQL for what no command shows."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.app = build(load_settings(url))
        # No pool: nothing of ours stays connected (or holds a SQLite lock) while a sweep runs.
        self.engine: Engine = create_engine(url, poolclass=NullPool)

    def close(self) -> None:
        self.app.close()
        self.engine.dispose()

    def unstart_ongoing_stages(self) -> int:
        """The added agencies' ongoing stages taken away, as a database from before those stages would hold them.

        The sweep starts them again on its day: stage updates that a kill must not lose or double.
        """
        ongoing = {stage.key for stage in self.app.roadmap.stages if stage.kind is StageKind.ONGOING}
        removed = 0
        with self.app.uow() as uow:
            for agency in uow.agencies.all():
                if agency.slug.startswith("extra-agency") and ongoing & set(agency.stages):
                    removed += len(ongoing & set(agency.stages))
                    kept = {key: stage for key, stage in agency.stages.items() if key not in ongoing}
                    uow.agencies.save(agency.model_copy(update={"stages": kept}))
            uow.commit()
        return removed

    def batches(self, day: str) -> tuple[tuple[str, ...], ...]:
        """The agencies of each batch a sweep on the day takes, each batch one transaction."""
        return plan_sweep(
            self.app.uow(), self.app.roadmap, self.app.cadence, self.app.reminder_rules, as_of=date.fromisoformat(day)
        ).batches

    def stages_started(self, day: str) -> int:
        with self.engine.connect() as connection:
            return connection.scalar(select(func.count()).where(StageRow.started_on == date.fromisoformat(day))) or 0

    def landed(self, day: str) -> Counter[str]:
        """Per agency: stages started and reminders queued on the day, as committed."""
        on = date.fromisoformat(day)
        started = select(AgencyRow.slug, func.count()).join(StageRow).where(StageRow.started_on == on)
        queued = select(OutboxRow.agency, func.count()).where(OutboxRow.queued_on == on)
        with self.engine.connect() as connection:
            found: Counter[str] = Counter(dict(connection.execute(started.group_by(AgencyRow.slug)).tuples().all()))
            found.update(dict(connection.execute(queued.group_by(OutboxRow.agency)).tuples().all()))
        return found

    def outbox(self, day: str) -> Outbox:
        """The day's entries by recipient address and key, as recorded (without row ids, which may differ)."""
        with self.app.uow() as uow:
            addresses = {contact.id: contact.email for contact in uow.contacts.listed()}
            entries = [entry for entry in uow.outbox.listed() if entry.queued_on.isoformat() == day]
        found: Outbox = {}
        for entry in entries:
            found.setdefault(str(addresses[entry.contact_id]), {})[entry.key] = entry.model_dump(exclude={"id"})
        return found

    def agencies(self) -> list[dict[str, Any]]:
        with self.app.uow() as uow:
            return [agency.model_dump() for agency in uow.agencies.all()]

    def settle(self) -> None:
        """The file is sound (SQLite), or every session but ours has ended or gone idle (PostgreSQL)."""
        with self.engine.connect() as connection:
            if self.engine.dialect.name == "sqlite":
                assert connection.exec_driver_sql("PRAGMA integrity_check").scalars().all() == ["ok"]
                return
            # PostgreSQL rolls a dead client's transaction back once it notices the closed socket, a moment
            # later; a run started before that would pass the person it had claimed by (SKIP LOCKED).
            deadline = time.monotonic() + 20
            while connection.scalar(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND state <> 'idle'"
            )):  # fmt: skip
                assert time.monotonic() < deadline, "the killed sweep's session is still open"
                time.sleep(0.01)


@pytest.fixture
def reference_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A second new database on the same backend: the one nobody kills."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'reference.db'}"
    else:
        yield from new_postgres_database()


def sweep(url: str, sink: SmtpSink, day: str) -> subprocess.Popen[str]:
    """`ips-roadmap notify flush`: stage updates and reminders batch by batch, then delivery, as a child process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IPS_ROADMAP_")}
    env |= {"IPS_ROADMAP_DATABASE_URL": url, "IPS_ROADMAP_MAIL_URL": sink.url}
    command = [EXECUTABLE, "notify", "flush", "--as-of", day, "--json"]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def ended(run: subprocess.Popen[str]) -> bool:
    """Wait for the run: True if it was killed, False if it finished (anything else fails)."""
    _, err = run.communicate(timeout=180)
    assert run.returncode in (0, -signal.SIGKILL), err
    return run.returncode != 0


def kill_after(run: subprocess.Popen[str], moment: Callable[[], bool], delay: float) -> None:
    """SIGKILL the run `delay` seconds after `moment()` first holds, unless it ends before."""
    deadline = time.monotonic() + 120
    while not moment():
        if run.poll() is not None:
            return
        assert time.monotonic() < deadline, "the sweep never got there"
        time.sleep(0.005)
    time.sleep(delay)
    run.send_signal(signal.SIGKILL)  # nothing if it has ended meanwhile


@dataclass(frozen=True)
class Reference:
    """The unkilled run of a day: what it committed, and seconds from its start to its batches' commits and end."""

    before: Counter[str]
    after: Counter[str]
    first_write: float
    last_write: float
    duration: float
    messages: int

    @property
    def per_message(self) -> float:
        return (self.duration - self.last_write) / max(self.messages, 1)


def reference_run(store: Store, sink: SmtpSink, day: str) -> Reference:
    """Sweep the reference for the day, watching when its batches commit."""
    before, received, start = store.landed(day), len(sink.received), time.monotonic()
    run = sweep(store.url, sink, day)
    marks: list[tuple[float, int]] = []
    while run.poll() is None:
        marks.append((time.monotonic() - start, store.landed(day).total()))
        time.sleep(0.005)
    duration = time.monotonic() - start
    assert not ended(run)
    after = store.landed(day)
    first = next(moment for moment, seen in marks if seen > before.total())
    last = next((moment for moment, seen in marks if seen == after.total()), duration)
    return Reference(before, after, first, last, duration, len(sink.received) - received)


@dataclass
class Kill:
    """One aimed kill, and what it hit."""

    day: str
    aim: str
    phase: str = "finished first"
    in_flight: str | None = None  # the address whose message was accepted but not recorded


@dataclass
class Killed:
    """The database that is killed, and which people's messages its kills have left unrecorded."""

    store: Store
    sink: KillingSink
    kills: list[Kill] = field(default_factory=list)
    unrecorded: set[str] = field(default_factory=set)

    def run(self, day: str, aim: str, reference: Reference, rng: random.Random) -> None:
        """One run of the day, killed as aimed, then what must hold after any kill."""
        before, received = self.store.landed(day).total(), len(self.sink.received)
        to_send = reference.messages - sum(1 for keys in self.store.outbox(day).values() if _sent(keys))
        # This database's own batches: an agency a rerun marked is passed by on a later day, where the twin that
        # started its stages that day works it out again, so the two split the rest differently.
        batches = self.store.batches(day)
        run = sweep(self.store.url, self.sink, day)
        if aim == "writing":
            # The batches take a fraction of a second after a startup of one or more: a delay from the start
            # would seldom land among them, one from the first commit does (a day's first kill has them all).
            delay = rng.uniform(0, (reference.last_write - reference.first_write) / 2)
            kill_after(run, lambda: self.store.landed(day).total() > before, delay)
        elif aim == "in flight":
            # Early in delivery, so that the kills after this one still have messages to land among.
            self.sink.handler.kill = (run.pid, received + rng.randint(1, max(to_send // 3, 1)))
        elif aim == "delivering":
            count = received + rng.randint(1, max(to_send // 2, 1))
            kill_after(run, lambda: len(self.sink.received) >= count, rng.uniform(0, reference.per_message))
        else:
            kill_after(run, lambda: True, rng.uniform(0, reference.last_write + to_send * reference.per_message))
        killed = ended(run)
        self.sink.handler.kill = None
        if not killed:
            self.kills.append(Kill(day, aim))
            return
        self.store.settle()
        time.sleep(0.1)  # a message whose last byte left just before the kill may still be on the server's desk
        self.kills.append(self.check(day, aim, reference, batches, before, received))

    def check(
        self, day: str, aim: str, reference: Reference, batches: tuple[tuple[str, ...], ...], before: int, received: int
    ) -> Kill:
        """Batches and people land whole; recorded means received; of this run's messages only the last is not."""
        landed = self.store.landed(day)
        for batch in batches:  # one transaction each: all its stage updates and reminders, or none
            now, untouched, done = (
                {slug: seen[slug] for slug in batch} for seen in (landed, reference.before, reference.after)
            )
            assert now in (untouched, done), batch
        outbox = self.store.outbox(day)
        for address, keys in outbox.items():
            assert len({entry["status"] for entry in keys.values()}) == 1, address
        recorded = {address for address, keys in outbox.items() if _sent(keys)}
        got = {digest.to for digest in self.sink.digests() if digest.day == day}
        assert recorded <= got, "the outbox records as sent a message the server never received"
        sent_now = [digest.to for digest in self.sink.digests(received)]
        assert set(sent_now[:-1]) <= recorded, "more than one message was sent and not recorded"
        kill = Kill(day, aim, in_flight=sent_now[-1] if sent_now and sent_now[-1] not in recorded else None)
        # Earlier kills' messages in flight stay unrecorded until a run sends them again.
        assert got - recorded <= self.unrecorded | ({kill.in_flight} if kill.in_flight else set())
        self.unrecorded = got - recorded
        if landed.total() < reference.after.total():
            kill.phase = "writing" if landed.total() > before else "before the first batch"
        elif kill.in_flight:
            kill.phase = "in flight"
        else:
            kill.phase = "delivering" if len(recorded) < len(outbox) else "after delivery"
        return kill


def assert_day_agrees(reference: Store, reference_sink: KillingSink, killed: Killed, day: str) -> None:
    """After the day's kills and a run to the end, the killed database is where the reference is."""
    # The same stages started, the same reminders queued and sent, as if nothing had happened.
    assert killed.store.agencies() == reference.agencies()
    expected = reference.outbox(day)
    assert killed.store.outbox(day) == expected and all(_sent(keys) for keys in expected.values())
    # Every line the reference's server got arrived; a message arrived again only after a kill caught it in
    # flight (once per such kill), and whole.
    once = [digest for digest in reference_sink.digests() if digest.day == day]
    lines = Counter((digest.to, line) for digest in once for line in digest.lines)
    assert set(lines.values()) == {1} and len({digest.to for digest in once}) == len(once)
    arrived = [digest for digest in killed.sink.digests() if digest.day == day]
    assert {(d.to, frozenset(d.lines)) for d in arrived} == {(d.to, frozenset(d.lines)) for d in once}
    in_flight = Counter(kill.in_flight for kill in killed.kills if kill.day == day and kill.in_flight)
    copies = Counter(digest.to for digest in arrived)
    assert {to: count - 1 for to, count in copies.items() if count > 1} == dict(in_flight)


def state(cli: Cli, tmp_path: Path) -> None:
    """The two-sweeps test's crowded demo, plus launched agencies without contacts."""
    cli.ok("init")
    crowded_state(cli, people=PEOPLE_PER_AGENCY)
    more_agencies(cli, tmp_path, EXTRA_AGENCIES, as_of=TODAY)


def test_a_sweep_killed_at_random_points_loses_nothing_and_sends_only_the_message_in_flight_twice(
    database_url: str,
    reference_url: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    rng = random.Random(SEED)
    state(Cli(reference_url, capsys), tmp_path)
    state(Cli(database_url, capsys), tmp_path)
    reference, killed = Store(reference_url), Killed(Store(database_url), KillingSink())
    try:
        with KillingSink() as reference_sink, killed.sink:
            for day in DAYS:
                unstarted = reference.unstart_ongoing_stages()
                assert killed.store.unstart_ongoing_stages() == unstarted > 0
                stages = reference.stages_started(day)
                measured = reference_run(reference, reference_sink, day)
                assert reference.stages_started(day) == stages + unstarted  # the sweep started them again
                assert measured.after.total() > measured.before.total() + unstarted  # and queued reminders
                killed.unrecorded = set()
                for aim in AIMS:
                    killed.run(day, aim, measured, rng)
                assert not ended(sweep(killed.store.url, killed.sink, day))
                killed.store.settle()
                assert_day_agrees(reference, reference_sink, killed, day)
    finally:
        reference.close()
        killed.store.close()
    phases = [(kill.day, kill.aim, kill.phase) for kill in killed.kills]
    hit = [phase for _, _, phase in phases]
    # Proof that the kills mattered: between batches, and while sending, once at least in the window.
    assert "writing" in hit and "in flight" in hit and len(hit) - hit.count("finished first") >= 5, phases
