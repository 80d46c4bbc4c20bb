"""The sweep, as plain use cases: plan it, advance agencies batch by batch, then deliver (no Prefect here).

Every batch reads its agencies' current state, decides as of the sweep's date, and writes back in one
transaction. Running the same date twice finds nothing new to start and only reminder keys that are already
written, so the second run changes nothing. What a sweep found for each agency is kept (a sweep mark), so the
days after pass by an agency whose records, rules and people are unchanged until the first day it may owe
something new: a national program's day-to-day sweep works out the few agencies that day concerns.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from pathlib import Path

from roadmap.domain.agency import Agency, still_on
from roadmap.domain.audit import Fields, Subject, rules_changes
from roadmap.domain.cadence import CadenceRules
from roadmap.domain.completion import standing
from roadmap.domain.contact import Role
from roadmap.domain.definition import Roadmap
from roadmap.domain.due import DueItem
from roadmap.domain.errors import RuleViolation
from roadmap.domain.fidelity import FidelityScale
from roadmap.domain.outbox import RetryPolicy
from roadmap.domain.reminder_rules import ReminderRules, next_reminder_on
from roadmap.domain.sweep_mark import Sweepable, SweepMark
from roadmap.services.due import basis, keep_worked_out, peers_as_of, prepare_due_list
from roadmap.services.outbox import PageLinks, Sender, deliver, queue_owed
from roadmap.services.ports import UnitOfWork
from roadmap.services.records import Records
from stages.due import due_items
from stages.progression import Change, start_ready_stages
from stages.quiet import changes_after
from stages.stall import PeerDurations, position, verdict

# Batches per sweep whatever the number of agencies: Prefect task runs cost 16-25 ms each plus server-side
# recording, so their number must not grow with the state (a national program has thousands of agencies).
MAX_BATCHES = 8


@dataclass(frozen=True)
class BatchOutcome:
    """What advancing a batch of agencies did (`worked_out`: how many were worked out; the rest were passed by,
    unchanged since a sweep that found them owing nothing new before this day)."""

    agencies: int = 0
    stages_started: int = 0
    stalled: int = 0
    due_items: int = 0
    reminders_queued: int = 0
    worked_out: int = 0

    def __add__(self, other: BatchOutcome) -> BatchOutcome:
        return BatchOutcome(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})


@dataclass(frozen=True)
class SweepPlan:
    """The agencies a sweep works out (joined by its date and not passed by), split into batches; the peers'
    stage medians; and what the agencies passed by count for (their items and stalls, as last worked out)."""

    batches: tuple[tuple[str, ...], ...]
    peers: PeerDurations
    passed: BatchOutcome = BatchOutcome()

    @property
    def agencies(self) -> int:
        """How many agencies the sweep covers."""
        return sum(len(batch) for batch in self.batches) + self.passed.agencies


def plan_sweep(
    uow: UnitOfWork,
    roadmap: Roadmap,
    cadence: CadenceRules,
    rules: ReminderRules,
    *,
    as_of: date,
    max_batches: int = MAX_BATCHES,
    full: bool = False,
) -> SweepPlan:
    """Every agency that had joined by as_of and not left: the ones to work out, in at most `max_batches`
    batches of near-equal size, and the ones to pass by (`full` works every one out).

    An agency is passed by when its records, the rules and its people are as a sweep found them, and as_of is
    before the first day it may owe something new; its kept due entries move on to as_of unchanged.
    """
    with uow:
        people = uow.contacts.who()
        trainers = uow.trainers.contacts_by_agency()
        stamp = sweep_basis(roadmap, cadence, rules, people)
        # An archived agency gets nothing from the day it left: no stages moved, no reminders.
        covered = [
            row for row in uow.sweep_marks.every(stamp, basis(roadmap, cadence))
            if row.joined_on <= as_of and still_on(row.archived_on, as_of)
        ]  # fmt: skip
        reached = reach_by_agency(people, trainers)
        passed = {} if full else _passed(covered, as_of, reached)
        since: dict[date, list[str]] = {}
        for slug, (mark, due_for) in passed.items():
            if due_for is not None and mark.swept_for <= due_for < as_of:
                since.setdefault(due_for, []).append(slug)
        if since:
            uow.due_list.roll_forward(as_of, basis(roadmap, cadence), since)
            uow.commit()
    with uow:
        peers = peers_as_of(uow, roadmap, cadence, as_of=as_of)
    positions = [mark.position_on(as_of) for mark, _ in passed.values()]
    counted = BatchOutcome(
        agencies=len(passed),
        stalled=sum(1 for found in positions if found is not None and verdict(*found, roadmap, peers) is not None),
        due_items=sum(mark.items for mark, _ in passed.values()),
    )
    batches = split([row.slug for row in covered if row.slug not in passed], max_batches)
    return SweepPlan(batches=batches, peers=peers, passed=counted)


def _passed(
    covered: Iterable[Sweepable], as_of: date, reached: Mapping[str, str]
) -> dict[str, tuple[SweepMark, date | None]]:
    """The agencies to pass by on as_of: slug -> (their mark, the day their kept due entries are for)."""
    return {
        row.slug: (row.mark, row.due_for)
        for row in covered
        if row.mark is not None and row.mark.passes(as_of, row.generation, reached.get(row.slug, _NOBODY))
    }


def split(slugs: Sequence[str], parts: int) -> tuple[tuple[str, ...], ...]:
    """Slugs in at most `parts` consecutive batches whose sizes differ by at most one (no empty batch)."""
    count = min(parts, len(slugs))
    size, extra = divmod(len(slugs), count) if count else (0, 0)
    batches, start = [], 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        batches.append(tuple(slugs[start:end]))
        start = end
    return tuple(batches)


def advance_batch(
    uow: UnitOfWork,
    roadmap: Roadmap,
    cadence: CadenceRules,
    rules: ReminderRules,
    slugs: Sequence[str],
    *,
    as_of: date,
    now: datetime,
    peers: PeerDurations,
) -> BatchOutcome:
    """For each agency: start the stages whose conditions hold, flag a stall, compute what is due, queue reminders.

    One transaction for the batch: it lands whole or not at all, and a rerun redoes it without doubling. Each
    agency left unchanged is marked with what was found and the first day it may owe something new.
    """
    with uow:
        held = uow.agencies.many(slugs, for_update=True)  # a command's change meanwhile waits, not lost
        # One archived since the sweep was planned gets nothing: its reminders were withdrawn when it left.
        agencies = [agency for agency in held if agency.on_roadmap(as_of)]
        records = Records.read(uow, slugs, open_on=as_of)
        contacts = uow.contacts.reminded(slugs)
        people = [(contact.agency, contact.id, contact.role) for contact in contacts if contact.id is not None]
        reached = reach_by_agency(people, records.trainers)
        started = stalled = 0
        items: list[DueItem] = []
        unchanged: dict[str, tuple[Agency, list[DueItem]]] = {}
        marks: dict[str, SweepMark] = {}
        generations = uow.sweep_marks.generations(slugs)
        for agency in agencies:
            change = start_ready_stages(Change(agency, ()), as_of)
            if change.events:
                uow.agencies.save(change.agency)
                started += len(change.events)
            agency = change.agency
            measured = standing(agency, roadmap, as_of, items=False)
            found = position(measured)
            if found is not None and verdict(*found, roadmap, peers) is not None:
                stalled += 1
            context = records.context(agency, roadmap, cadence)
            owed = due_items(context, as_of)
            items += owed
            if not change.events:  # one that started a stage changes at commit: the next sweep marks it
                unchanged[agency.slug] = (agency, owed)
                quiet = min(filter(None, (changes_after(context, as_of), next_reminder_on(owed, rules, as_of))))
                marks[agency.slug] = SweepMark(
                    as_of, generations[agency.slug], reached.get(agency.slug, _NOBODY), quiet, len(owed), found
                )
        queued = queue_owed(uow, items, rules, as_of=as_of, now=now, contacts=contacts, agencies=slugs)
        # The day's due list for the pages, from the items just worked out, in this transaction: the agencies are
        # held, so they are as read. One that started a stage changes at commit; the sweep's last step does it.
        keep_worked_out(uow, roadmap, cadence, as_of=as_of, found=unchanged)
        uow.sweep_marks.keep(sweep_basis(roadmap, cadence, rules, people), marks)
        uow.commit()
    return BatchOutcome(
        agencies=len(agencies), stages_started=started, stalled=stalled, due_items=len(items),
        reminders_queued=queued, worked_out=len(agencies),
    )  # fmt: skip


# The reach of an agency nobody of its own can be reminded at (and no trainer assigned).
_NOBODY = "-"


def sweep_basis(
    roadmap: Roadmap, cadence: CadenceRules, rules: ReminderRules, people: Iterable[tuple[str | None, int, Role]]
) -> str:
    """What a sweep's marks are worked out under besides each agency's records and people: the due list's basis,
    the reminder rules and the state team (who is escalated to, and reminded of state-run work)."""
    digest = hashlib.sha256(basis(roadmap, cadence).encode())
    digest.update(rules.model_dump_json().encode())
    digest.update(repr(sorted((contact, role.value) for agency, contact, role in people if agency is None)).encode())
    return digest.hexdigest()[:32]


def reach_by_agency(
    people: Iterable[tuple[str | None, int, Role]], trainers: Mapping[str, tuple[int, ...]]
) -> dict[str, str]:
    """Per agency slug, a fingerprint of who its reminders can reach: its own contacts (id and role) and the
    trainers assigned to it. Agencies with neither are left out (their reach is `_NOBODY`)."""
    own: dict[str, list[tuple[int, str]]] = {}
    for agency, contact, role in people:
        if agency is not None:
            own.setdefault(agency, []).append((contact, role.value))
    reached = {}
    for slug in own.keys() | trainers.keys():
        text = repr((sorted(own.get(slug, ())), trainers.get(slug)))
        reached[slug] = hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
    return reached


def advance_one(
    uow_factory: Callable[[], UnitOfWork],
    roadmap: Roadmap,
    cadence: CadenceRules,
    rules: ReminderRules,
    slug: str,
    *,
    as_of: date,
    now: datetime,
) -> BatchOutcome:
    """One agency, judged for stalls against every agency's medians (an unknown slug is refused)."""
    with uow_factory() as uow:
        agency = uow.agencies.get(slug)
    if not agency.on_roadmap(as_of):
        raise RuleViolation(f"agency {slug!r} left the roadmap on {agency.archived_on}; nothing is run for it")
    with uow_factory() as uow:
        peers = peers_as_of(uow, roadmap, cadence, as_of=as_of)
    return advance_batch(uow_factory(), roadmap, cadence, rules, [slug], as_of=as_of, now=now, peers=peers)


@dataclass(frozen=True)
class Policies:
    """The rules a state's sweep runs with, as the application loaded them."""

    roadmap: Roadmap
    scale: FidelityScale
    cadence: CadenceRules
    reminders: ReminderRules
    retry: RetryPolicy
    templates: Path | None = None
    links: PageLinks | None = None

    def sections(self) -> dict[str, Fields]:
        """The rules as the audit trail keeps them, by section (templates are wording, not rules)."""
        return {
            "roadmap": self.roadmap.model_dump(mode="json", exclude={"routines"}),
            "routines": self.roadmap.routines.model_dump(mode="json"),
            "fidelity scale": self.scale.model_dump(mode="json"),
            "review cadence": self.cadence.model_dump(mode="json"),
            "reminder rules": self.reminders.model_dump(mode="json"),
            "retries": self.retry.model_dump(mode="json"),
        }


def record_rules(uow: UnitOfWork, policies: Policies) -> int:
    """Audit the rules a sweep runs with when they differ from the ones last recorded; returns sections changed.

    Rules live in files the state edits; the sweep is where a change takes effect, so the trail names the run
    that first applied it (who edited the file is not known to us).
    """
    with uow:
        changes = rules_changes(uow.audit.latest(Subject.RULES), policies.sections())
        if changes:
            uow.audit.record(changes)
            uow.commit()
    return len(changes)


@dataclass(frozen=True)
class SweepOutcome:
    """A whole sweep: the batches' counts and the delivery's."""

    batches: BatchOutcome
    sent: int
    retried: int
    failed: int


def sweep_in_process(
    uow_factory: Callable[[], UnitOfWork],
    policies: Policies,
    sender: Sender,
    *,
    as_of: date,
    now: datetime,
    max_batches: int = MAX_BATCHES,
    links_from: date | None = None,
    full: bool = False,
) -> SweepOutcome:
    """The daily sweep's steps, in the order the flow runs them, in this process (notify flush, the demo, tests).

    In one process batches only bound the size of a transaction; a small state can take one. `full` works every
    agency out, passing none by.
    """
    roadmap, cadence, rules = policies.roadmap, policies.cadence, policies.reminders
    record_rules(uow_factory(), policies)
    plan = plan_sweep(uow_factory(), roadmap, cadence, rules, as_of=as_of, max_batches=max_batches, full=full)
    outcome = plan.passed
    for batch in plan.batches:
        outcome += advance_batch(uow_factory(), roadmap, cadence, rules, batch, as_of=as_of, now=now, peers=plan.peers)
    sent, retried, failed = deliver(
        uow_factory(), roadmap, sender, policies.retry,
        as_of=as_of, now=now, templates=policies.templates, links=policies.links, links_from=links_from,
        lines=policies.reminders.digest_lines,
    )  # fmt: skip
    prepare_due_list(uow_factory(), roadmap, cadence, as_of=as_of)  # the day's due list, for the pages
    return SweepOutcome(batches=outcome, sent=sent, retried=retried, failed=failed)
