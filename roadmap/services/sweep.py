"""The sweep, as plain use cases: plan it, advance agencies batch by batch, then deliver (no Prefect here).

Nothing is carried from one sweep to the next: every batch reads the agencies' current state, decides as of
the sweep's date, and writes back in one transaction. Running the same date twice finds nothing new to start
and only reminder keys that are already written, so the second run changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from pathlib import Path

from roadmap.domain.agency import Agency
from roadmap.domain.audit import Fields, Subject, rules_changes
from roadmap.domain.cadence import CadenceRules
from roadmap.domain.completion import standing
from roadmap.domain.definition import Roadmap
from roadmap.domain.due import DueItem
from roadmap.domain.errors import RuleViolation
from roadmap.domain.fidelity import FidelityScale
from roadmap.domain.outbox import RetryPolicy
from roadmap.domain.reminder_rules import ReminderRules
from roadmap.services.due import keep_worked_out, prepare_due_list
from roadmap.services.outbox import PageLinks, Sender, deliver, queue_owed
from roadmap.services.ports import UnitOfWork
from roadmap.services.records import Records
from stages.due import due_items
from stages.progression import Change, start_ready_stages
from stages.stall import PeerDurations, peer_durations
from stages.status import stall_of

# Batches per sweep whatever the number of agencies: Prefect task runs cost 16-25 ms each plus server-side
# recording, so their number must not grow with the state (a national program has thousands of agencies).
MAX_BATCHES = 8


@dataclass(frozen=True)
class SweepPlan:
    """The agencies a sweep covers (joined by its date), split into batches, and the peers' stage medians."""

    batches: tuple[tuple[str, ...], ...]
    peers: PeerDurations

    @property
    def agencies(self) -> int:
        """How many agencies the sweep covers."""
        return sum(len(batch) for batch in self.batches)


@dataclass(frozen=True)
class BatchOutcome:
    """What advancing a batch of agencies did."""

    agencies: int = 0
    stages_started: int = 0
    stalled: int = 0
    due_items: int = 0
    reminders_queued: int = 0

    def __add__(self, other: BatchOutcome) -> BatchOutcome:
        return BatchOutcome(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})


def plan_sweep(uow: UnitOfWork, roadmap: Roadmap, *, as_of: date, max_batches: int = MAX_BATCHES) -> SweepPlan:
    """Every agency that had joined by as_of and not left, in at most `max_batches` batches of near-equal size."""
    with uow:
        # An archived agency gets nothing from the day it left: no stages moved, no reminders.
        agencies = [agency for agency in uow.agencies.all() if agency.joined_on <= as_of and agency.on_roadmap(as_of)]
    peers = peer_durations(standing(agency, roadmap, as_of, items=False) for agency in agencies)
    return SweepPlan(batches=split([agency.slug for agency in agencies], max_batches), peers=peers)


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

    One transaction for the batch: it lands whole or not at all, and a rerun redoes it without doubling.
    """
    with uow:
        held = uow.agencies.many(slugs, for_update=True)  # a command's change meanwhile waits, not lost
        # One archived since the sweep was planned gets nothing: its reminders were withdrawn when it left.
        agencies = [agency for agency in held if agency.on_roadmap(as_of)]
        records = Records.read(uow, slugs, open_on=as_of)
        started = stalled = 0
        items: list[DueItem] = []
        unchanged: dict[str, tuple[Agency, list[DueItem]]] = {}
        for agency in agencies:
            change = start_ready_stages(Change(agency, ()), as_of)
            if change.events:
                uow.agencies.save(change.agency)
                started += len(change.events)
            agency = change.agency
            if stall_of(agency, roadmap, as_of, peers) is not None:
                stalled += 1
            owed = due_items(records.context(agency, roadmap, cadence), as_of)
            items += owed
            if not change.events:
                unchanged[agency.slug] = (agency, owed)
        queued = queue_owed(uow, items, rules, as_of=as_of, now=now, agencies=slugs)
        # The day's due list for the pages, from the items just worked out, in this transaction: the agencies are
        # held, so they are as read. One that started a stage changes at commit; the sweep's last step does it.
        keep_worked_out(uow, roadmap, cadence, as_of=as_of, found=unchanged)
        uow.commit()
    return BatchOutcome(
        agencies=len(agencies), stages_started=started, stalled=stalled, due_items=len(items), reminders_queued=queued
    )


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
    plan = plan_sweep(uow_factory(), roadmap, as_of=as_of)
    return advance_batch(uow_factory(), roadmap, cadence, rules, [slug], as_of=as_of, now=now, peers=plan.peers)


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
) -> SweepOutcome:
    """The daily sweep's steps, in the order the flow runs them, in this process (notify flush, the demo, tests).

    In one process batches only bound the size of a transaction; a small state can take one.
    """
    roadmap, cadence, rules = policies.roadmap, policies.cadence, policies.reminders
    record_rules(uow_factory(), policies)
    plan = plan_sweep(uow_factory(), roadmap, as_of=as_of, max_batches=max_batches)
    outcome = BatchOutcome()
    for batch in plan.batches:
        outcome += advance_batch(uow_factory(), roadmap, cadence, rules, batch, as_of=as_of, now=now, peers=plan.peers)
    sent, retried, failed = deliver(
        uow_factory(), roadmap, sender, policies.retry,
        as_of=as_of, now=now, templates=policies.templates, links=policies.links, links_from=links_from,
        lines=policies.reminders.digest_lines,
    )  # fmt: skip
    prepare_due_list(uow_factory(), roadmap, cadence, as_of=as_of)  # the day's due list, for the pages
    return SweepOutcome(batches=outcome, sent=sent, retried=retried, failed=failed)
