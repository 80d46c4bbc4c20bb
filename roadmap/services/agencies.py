"""Agency use cases: add, launch, mark checklist items, complete stages, list and show."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from roadmap.domain import corrections
from roadmap.domain.agency import Agency, still_on
from roadmap.domain.cadence import CadenceRules, next_review_due
from roadmap.domain.completion import Standing, standing
from roadmap.domain.definition import Roadmap
from roadmap.domain.errors import Forbidden, RuleViolation
from roadmap.domain.names import slugify
from roadmap.domain.permission import Ability, Kind
from roadmap.domain.review import check_review_before_tracking
from roadmap.domain.visit import VisitStatus
from roadmap.services.access import require, visible
from roadmap.services.due import peers_as_of, placed_as_of
from roadmap.services.ports import UnitOfWork
from stages import progression
from stages.progression import Change
from stages.stall import PeerDurations, Stall, peer_durations, verdict
from stages.status import stall_in


def add_agency(
    uow: UnitOfWork,
    roadmap: Roadmap,
    *,
    name: str,
    region: str,
    timezone: str,
    as_of: date,
    joined_on: date | None = None,
    launched_on: date | None = None,
    slug: str | None = None,
    stage: str | None = None,
    stage_since: date | None = None,
    last_review: tuple[date, int] | None = None,
) -> Change:
    """Enrol a new agency; readiness is active from its joining date (default: as_of). One already on its way
    (a stage reached, a launch date, its last fidelity review) is onboarded: tracked from as_of."""
    change = progression.enrol(
        slug=slug or slugify(name),
        name=name,
        region=region,
        timezone=timezone,
        joined_on=joined_on,
        launched_on=launched_on,
        roadmap=roadmap,
        as_of=as_of,
        stage=roadmap.find_stage(stage).key if stage else None,
        stage_since=stage_since,
    )
    if last_review is not None:
        check_review_before_tracking(change.agency, last_review[0], as_of=as_of)
    with uow:
        require(uow, Ability.RUN_STATE)
        existing = uow.agencies.name_of(change.agency.slug)
        if existing is not None:
            raise RuleViolation(
                f"an agency with slug {change.agency.slug!r} already exists ({existing}); choose another with --slug"
            )
        uow.agencies.add(change.agency)
        if last_review is not None:
            uow.reviews.add_total(change.agency.slug, *last_review)
        uow.commit()
    return change


def launch_agency(uow: UnitOfWork, roadmap: Roadmap, slug: str, *, on: date, as_of: date) -> Change:
    """Record the day the agency began IPS services."""
    return _change(uow, slug, lambda agency: progression.launch(agency, roadmap, on=on, as_of=as_of))


def mark_item_done(uow: UnitOfWork, roadmap: Roadmap, slug: str, item_key: str, *, on: date, as_of: date) -> Change:
    """Tick a checklist item (completing the stage when it was the last one open)."""

    def decide(agency: Agency) -> Change:
        if uow.who.kind is Kind.LINK:
            # An agency ticks the items of its stages under way; a passed gate is the state's to reopen.
            progress = agency.progress(roadmap.stage_of_item(item_key).key)
            if progress is None or progress.completed_on is not None:
                raise Forbidden("an agency's link ticks the checklist items of its stages under way only")
        return progression.mark_done(agency, roadmap, item_key, on=on, as_of=as_of)

    return _change(uow, slug, decide, Ability.TICK_CHECKLIST)


def complete_stage(
    uow: UnitOfWork,
    roadmap: Roadmap,
    slug: str,
    stage_key: str,
    *,
    on: date,
    as_of: date,
    force: bool = False,
    note: str | None = None,
) -> Change:
    """Complete the active gate stage, forced with a note when items are open."""
    return _change(
        uow,
        slug,
        lambda agency: progression.complete_stage(
            agency, roadmap, stage_key, on=on, as_of=as_of, force=force, note=note
        ),
    )


@dataclass(frozen=True)
class AgencySummary:
    """An agency's standing on the stages, its fidelity history and its next review."""

    standing: Standing
    fidelity: list[tuple[date, int]]
    next_review_due: date | None
    stall: Stall | None = None


def summarise(
    agency: Agency,
    roadmap: Roadmap,
    rules: CadenceRules,
    fidelity: list[tuple[date, int]],
    as_of: date,
    peers: PeerDurations | None = None,
) -> AgencySummary:
    """Measure an agency as of a date, given its (visit date, total) history; later reviews do not count yet."""
    return _summary(standing(agency, roadmap, as_of), roadmap, rules, fidelity, peers)


def _summary(
    measured: Standing,
    roadmap: Roadmap,
    rules: CadenceRules,
    fidelity: list[tuple[date, int]],
    peers: PeerDurations | None,
) -> AgencySummary:
    reviewed = sorted(review for review in fidelity if review[0] <= measured.as_of)
    return AgencySummary(
        standing=measured,
        fidelity=reviewed,
        next_review_due=next_review_due(measured.launched_on, reviewed, rules, measured.agency.tracked_from),
        stall=stall_in(measured, roadmap, peers or PeerDurations({}, {})),
    )


def show_agency(uow: UnitOfWork, roadmap: Roadmap, rules: CadenceRules, slug: str, *, as_of: date) -> AgencySummary:
    """One agency: its stages, fidelity history, next review, and whether it is stalled against its peers."""
    with uow:
        require(uow, Ability.READ_AGENCY, slug)
        agency = uow.agencies.get(slug)
        # Every review's date and total, those known only by their total (before tracking) included.
        fidelity = uow.reviews.history([slug]).get(slug, [])
        # The other agencies only lend their stage durations (for the medians): kept with the day's due list.
        peers = peers_as_of(uow, roadmap, rules, as_of=as_of)
    return summarise(agency, roadmap, rules, fidelity, as_of, peers)


def list_agencies(
    uow: UnitOfWork,
    roadmap: Roadmap,
    rules: CadenceRules,
    *,
    as_of: date,
    items: bool = True,
    offset: int = 0,
    limit: int | None = None,
    archived: bool = False,
) -> list[AgencySummary]:
    """Every agency on the roadmap by name (or `limit` of them from `offset`), or with `archived` the ones that
    have left it; `items=False` leaves out the checklists.

    Stalls compare each agency with all the others, so every agency is measured; only the ones returned are
    measured with their checklists.
    """
    if limit is not None:
        return _page(uow, roadmap, rules, as_of=as_of, items=items, offset=offset, limit=limit, archived=archived)
    with uow:
        shown = visible(uow)
        agencies = uow.agencies.all()
        history = uow.reviews.history()
    whole = items and offset == 0 and limit is None
    standings = [standing(agency, roadmap, as_of, items=whole) for agency in agencies]
    peers = peer_durations(standings)
    # Stalls are measured against every agency (medians are aggregates); only the visible ones are listed.
    standings = [
        s for s in standings if s.agency.on_roadmap(as_of) is not archived and (shown is None or s.agency.slug in shown)
    ]
    standings.sort(key=lambda measured: measured.agency.name.lower())
    chosen = standings[offset : None if limit is None else offset + limit]
    if items and not whole:
        chosen = [standing(measured.agency, roadmap, as_of) for measured in chosen]
    return [_summary(s, roadmap, rules, history.get(s.agency.slug, []), peers) for s in chosen]


def _page(
    uow: UnitOfWork,
    roadmap: Roadmap,
    rules: CadenceRules,
    *,
    as_of: date,
    items: bool,
    offset: int,
    limit: int,
    archived: bool,
) -> list[AgencySummary]:
    """`limit` agencies from `offset`, in the same order as the whole list, reading only those in full: the order
    comes from every agency's name, the stall medians from the rows kept with the day's due list."""
    with uow:
        shown = visible(uow)
        roster = uow.agencies.roster()  # by slug, as the whole list reads them before sorting by name
        listed = [
            slug
            for slug, _, archived_on in sorted(roster, key=lambda row: row[1].lower())
            if still_on(archived_on, as_of) is not archived and (shown is None or slug in shown)
        ][offset : offset + limit]
        peers = peers_as_of(uow, roadmap, rules, as_of=as_of)
        return _summaries(uow, roadmap, rules, listed, as_of=as_of, items=items, peers=peers)


@dataclass(frozen=True)
class Matrix:
    """A page of every agency against the stages (optionally one region's), with the whole state's counts."""

    summaries: list[AgencySummary]
    total: int  # agencies on the roadmap (that the one asking may see)
    launched: int
    stalled: int
    regions: list[str]
    number: int  # this page, of `pages`
    pages: int


def matrix(
    uow: UnitOfWork,
    roadmap: Roadmap,
    rules: CadenceRules,
    *,
    as_of: date,
    rows: int,
    number: int = 1,
    region: str | None = None,
) -> Matrix:
    """Page `number` (kept within the pages there are) of `rows` agencies by name, of one region or all, and the
    counts of the whole list. Only the page is measured in full; the counts come from one narrow read of every
    agency and the positions kept with the day's due list, so ten thousand agencies cost a page of them."""
    with uow:
        shown = visible(uow)
        peers, placed = placed_as_of(uow, roadmap, rules, as_of=as_of)
        every = [
            row
            for row in sorted(placed, key=lambda row: row.name.lower())
            if row.on_roadmap(as_of) and (shown is None or row.slug in shown)
        ]
        chosen = [row.slug for row in every if region is None or row.region == region]
        pages = max(1, -(-len(chosen) // rows))
        number = min(max(1, number), pages)
        page = chosen[(number - 1) * rows : number * rows]
        summaries = _summaries(uow, roadmap, rules, page, as_of=as_of, items=False, peers=peers)
    return Matrix(
        summaries=summaries,
        total=len(every),
        launched=sum(1 for row in every if row.launched_by(as_of)),
        stalled=sum(1 for row in every if row.stage is not None and verdict(row.stage, row.days or 0, roadmap, peers)),
        regions=sorted({row.region for row in every}),
        number=number,
        pages=pages,
    )


def _summaries(
    uow: UnitOfWork,
    roadmap: Roadmap,
    rules: CadenceRules,
    slugs: list[str],
    *,
    as_of: date,
    items: bool,
    peers: PeerDurations,
) -> list[AgencySummary]:
    """These agencies measured in full, in this order (in an open unit of work)."""
    if not slugs:
        return []
    by_slug = {agency.slug: agency for agency in uow.agencies.many(slugs)}
    history = uow.reviews.history(slugs)
    return [
        _summary(standing(by_slug[slug], roadmap, as_of, items=items), roadmap, rules, history.get(slug, []), peers)
        for slug in slugs
        if slug in by_slug  # one removed since the roster was read
    ]


def count_agencies(uow: UnitOfWork, *, as_of: date) -> int:
    """How many agencies are on the roadmap on a day (what `list_agencies` lists, for paging)."""
    with uow:
        shown = visible(uow)
        return len([slug for slug in uow.agencies.on_roadmap(as_of) if shown is None or slug in shown])


def _change(
    uow: UnitOfWork, slug: str, decide: Callable[[Agency], Change], ability: Ability = Ability.CHANGE_AGENCY
) -> Change:
    """Check who asks, load one agency, let the core decide, save the result — all in one transaction."""
    with uow:
        require(uow, ability, slug)
        change = decide(uow.agencies.get(slug, for_update=True))
        uow.agencies.save(change.agency)
        uow.commit()
    return change


def edit_agency(
    uow: UnitOfWork, slug: str, *, name: str | None = None, region: str | None = None, timezone: str | None = None
) -> Agency:
    """Correct an agency's name, region or timezone (audited; the slug stays)."""
    with uow:
        require(uow, Ability.CHANGE_AGENCY, slug)
        edited = corrections.edit(uow.agencies.get(slug, for_update=True), name=name, region=region, timezone=timezone)
        uow.agencies.save(edited)
        uow.commit()
    return edited


def archive_agency(uow: UnitOfWork, slug: str, *, on: date, reason: str, as_of: date) -> tuple[Agency, int, int]:
    """Take an agency off the roadmap: no reminders or visits from `on`; returns it, how many unsent reminders
    about it were stopped and how many booked visits were cancelled. Its history, reports and trail stay."""
    with uow:
        require(uow, Ability.CHANGE_AGENCY, slug)
        archived = corrections.archive(uow.agencies.get(slug, for_update=True), on=on, reason=reason, as_of=as_of)
        uow.agencies.save(archived)
        stopped = uow.outbox.withdraw(slug, f"not sent: the agency left the roadmap on {on}")
        # Booked visits from that day free their trainers' days (the calendars update on the next export).
        booked = [v for v in uow.visits.listed(status=VisitStatus.PLANNED, agencies=[slug]) if v.on >= on]
        for visit in booked:
            uow.visits.save(visit.model_copy(update={"status": VisitStatus.CANCELLED, "sequence": visit.sequence + 1}))
        uow.commit()
    return archived, stopped, len(booked)


def remove_agency(uow: UnitOfWork, slug: str) -> Agency:
    """Delete an agency added by mistake (a bad import), only while nothing has been recorded for it."""
    with uow:
        require(uow, Ability.RUN_STATE)
        agency = uow.agencies.get(slug, for_update=True)
        recorded = uow.agencies.recorded(slug)
        if recorded:
            what = ", ".join(f"{count} {kind}" for kind, count in recorded.items())
            raise RuleViolation(
                f"agency {slug!r} has records ({what}); to take it off the roadmap and keep its history use "
                f"`ips-roadmap agency archive {slug} --on DATE --reason TEXT`"
            )
        uow.agencies.remove(slug)
        uow.commit()
    return agency
