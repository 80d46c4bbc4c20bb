"""What is due across the state (or for one agency) within a window, derived from current state."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from datetime import date, timedelta

from roadmap import __version__
from roadmap.domain.agency import Agency, Placed
from roadmap.domain.cadence import CadenceRules
from roadmap.domain.completion import standing
from roadmap.domain.definition import Roadmap
from roadmap.domain.due import DueItem, DueSlice, Worked
from roadmap.domain.errors import InvalidInput, StorageError
from roadmap.domain.permission import Ability
from roadmap.services.access import require, visible
from roadmap.services.ports import UnitOfWork
from roadmap.services.records import Records
from stages.due import due_items
from stages.stall import PeerDurations, medians, position, stage_days

MAX_WINDOW_DAYS = 3650
# Stale agencies worked out and not yet written: (the basis to stamp, slug -> what was worked out).
WorkedOut = tuple[str, dict[str, Worked]]
_log = logging.getLogger(__name__)


def state_due(
    uow: UnitOfWork,
    roadmap: Roadmap,
    rules: CadenceRules,
    *,
    as_of: date,
    within_days: int = 30,
    agency: str | None = None,
    people: bool = True,
) -> list[DueItem]:
    """Everything overdue or due within `within_days` of as_of, soonest first; `people=False` for a list that
    shows what is owed and never decides whom to remind (it skips working out the trainers of every item)."""
    if not 0 <= within_days <= MAX_WINDOW_DAYS:
        raise InvalidInput(f"--within must be between 0 and {MAX_WINDOW_DAYS} days, got {within_days}")
    with uow:
        if agency is not None:
            require(uow, Ability.READ_AGENCY, agency)
        shown = visible(uow) if agency is None else None
        agencies = [uow.agencies.get(agency)] if agency else uow.agencies.all()
        if shown is not None:
            agencies = [each for each in agencies if each.slug in shown]
        records = Records.read(uow, [agency] if agency else None, open_on=as_of)
    agencies = [each for each in agencies if each.on_roadmap(as_of)]  # nothing is due from an agency that left
    horizon = as_of + timedelta(days=within_days)
    found = [
        item
        for each in agencies
        for item in due_items(records.context(each, roadmap, rules), as_of, horizon, people=people)
    ]
    return sorted(found, key=lambda item: (item.due_on, item.agency, item.kind.value, item.subject))


def due_slice(
    uow: UnitOfWork,
    roadmap: Roadmap,
    rules: CadenceRules,
    *,
    as_of: date,
    within_days: int,
    offset: int = 0,
    limit: int = 200,
) -> DueSlice:
    """A page of `state_due(..., people=False)` for whoever asks, read from the derived due entries.

    The agencies whose entries are stale (changed since, or worked out for another day or other rules) are
    worked out first and written back, so a list costs a page of rows once the day's entries exist. Should the
    write-back fail (the SQLite database busy past its wait, a deadlock victim), the list is worked out live.
    """
    if not 0 <= within_days <= MAX_WINDOW_DAYS:
        raise InvalidInput(f"--within must be between 0 and {MAX_WINDOW_DAYS} days, got {within_days}")
    try:
        refresh_due_list(uow, roadmap, rules, as_of=as_of)
    except StorageError as error:
        _log.warning("due list worked out live: its entries could not be written back (%s)", error)
        items = state_due(uow, roadmap, rules, as_of=as_of, within_days=within_days, people=False)
        with uow:
            names = uow.agencies.names()
        shown = items[offset : offset + limit]
        overdue = sum(1 for item in items if item.due_on < as_of)
        named = {item.agency: names.get(item.agency, item.agency) for item in shown}  # one may have gone since
        return DueSlice(shown, named, len(items), overdue)
    with uow:
        agencies = visible(uow)
        horizon = as_of + timedelta(days=within_days)
        return uow.due_list.listed(as_of=as_of, until=horizon, agencies=agencies, offset=offset, limit=limit)


def refresh_due_list(uow: UnitOfWork, roadmap: Roadmap, rules: CadenceRules, *, as_of: date) -> int:
    """Work out again, and write back, the due entries of every agency whose entries are stale; how many were
    written (an agency changed while it was worked out is left stale, for the next read)."""
    with uow:
        stamp, found = _worked_out(uow, roadmap, rules, as_of=as_of)
        if not found:
            return 0
        written = uow.due_list.replace(as_of, stamp, found)
        uow.commit()
    return written


def work_out_due_list(uow: UnitOfWork, roadmap: Roadmap, rules: CadenceRules, *, as_of: date) -> WorkedOut:
    """The stale agencies worked out, not written: (the basis to stamp, slug -> (generation, items))."""
    with uow:
        return _worked_out(uow, roadmap, rules, as_of=as_of)


def _worked_out(uow: UnitOfWork, roadmap: Roadmap, rules: CadenceRules, *, as_of: date) -> WorkedOut:
    stamp, stale = uow.due_list.stale(as_of, basis(roadmap, rules))
    if not stale:
        return stamp, {}
    slugs = [slug for slug, _ in stale]
    every = len(stale) == uow.agencies.count()
    agencies = uow.agencies.all() if every else uow.agencies.many(slugs)
    records = Records.read(uow, None if every else slugs, open_on=as_of)
    found = {
        agency.slug: due_items(records.context(agency, roadmap, rules), as_of, people=False)
        for agency in agencies
        if agency.on_roadmap(as_of)  # nothing is due from an agency that left
    }
    # Every agency lends its stage durations to the medians, one that left included (as list_agencies counts).
    by_slug = {agency.slug: agency for agency in agencies}
    return stamp, {
        slug: _worked(generation, by_slug[slug], found.get(slug, []), roadmap, as_of)
        for slug, generation in stale
        if slug in by_slug  # one removed since the stale list was read
    }


def _worked(generation: int, agency: Agency, items: list[DueItem], roadmap: Roadmap, as_of: date) -> Worked:
    """What is kept of one agency with its due items: its stage durations and its position, from one standing."""
    measured = standing(agency, roadmap, as_of, items=False)
    return Worked(generation, items, stage_days(measured), position(measured))


def keep_worked_out(
    uow: UnitOfWork,
    roadmap: Roadmap,
    rules: CadenceRules,
    *,
    as_of: date,
    found: Mapping[str, tuple[Agency, list[DueItem]]],
) -> int:
    """In an open unit of work that holds these agencies and changes none of them: write the due entries just
    worked out for them for as_of (a sweep's batch, which needs them anyway to queue reminders); how many."""
    if not found:
        return 0
    stamp, stale = uow.due_list.stale(as_of, basis(roadmap, rules), agencies=list(found))
    worked: dict[str, Worked] = {}
    for slug, generation in stale:
        agency, items = found[slug]
        worked[slug] = _worked(generation, agency, items, roadmap, as_of)
    return uow.due_list.replace(as_of, stamp, worked)


def peers_as_of(uow: UnitOfWork, roadmap: Roadmap, rules: CadenceRules, *, as_of: date) -> PeerDurations:
    """Every agency's median stage durations, as `peer_durations` over every agency's standing works them out:
    from the rows kept with the day's due list, and live for the agencies whose rows are stale. In an open unit
    of work; nothing is written (a page about one agency reads, and leaves the due list to the pages that list it).
    """
    taken, stale = uow.due_list.durations(as_of, basis(roadmap, rules))
    for agency in uow.agencies.many(stale) if stale else []:
        for stage, days in stage_days(standing(agency, roadmap, as_of, items=False)).items():
            taken.setdefault(stage, []).append(days)
    return medians(taken)


def placed_as_of(
    uow: UnitOfWork, roadmap: Roadmap, rules: CadenceRules, *, as_of: date
) -> tuple[PeerDurations, list[Placed]]:
    """The peers' medians (as `peers_as_of`) and every agency's listing with its position (active gate, days
    towards a stall), by slug: from the rows kept with the day's due list, worked out live for the agencies whose
    rows are stale. In an open unit of work; nothing is written."""
    stamp = basis(roadmap, rules)
    rows = uow.due_list.placed(as_of, stamp)
    taken, stale = uow.due_list.durations(as_of, stamp)
    # An agency that went stale between the two reads has no kept position either: it is worked out live too.
    unkept = {row.slug for row in rows if not row.kept}
    gone = set(stale)
    worked: dict[str, Placed] = {}
    for agency in uow.agencies.many(sorted(unkept | gone)) if unkept or gone else []:
        measured = standing(agency, roadmap, as_of, items=False)
        stage, days = position(measured) or (None, None)
        worked[agency.slug] = Placed(agency.slug, agency.name, agency.region, agency.launched_on,
                                     agency.archived_on, True, stage, days)  # fmt: skip
        if agency.slug in gone:
            for key, taken_days in stage_days(measured).items():
                taken.setdefault(key, []).append(taken_days)
    # One removed between the reads is left out.
    placed = [row if row.kept else worked[row.slug] for row in rows if row.kept or row.slug in worked]
    return medians(taken), placed


def prepare_due_list(uow: UnitOfWork, roadmap: Roadmap, rules: CadenceRules, *, as_of: date) -> int | None:
    """The day's due list worked out ahead of the first page view (the sweep's last step); None when it could
    not be written (the page then works it out): a sweep that has delivered does not fail on it."""
    try:
        return refresh_due_list(uow, roadmap, rules, as_of=as_of)
    except StorageError as error:
        _log.warning("the due list was not worked out ahead: %s", error)
        return None


def basis(roadmap: Roadmap, rules: CadenceRules) -> str:
    """What due entries are worked out from besides the agencies' records: this version's code and the rules."""
    digest = hashlib.sha256(__version__.encode())
    for part in (roadmap.model_dump_json(), rules.model_dump_json()):
        digest.update(part.encode())
    return digest.hexdigest()[:32]
