"""Visit planning use cases: plan the coming weeks, list, record done (it counts toward its cadence), cancel."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from uuid import uuid4

from roadmap.domain.cadence import CadenceRules
from roadmap.domain.definition import Roadmap
from roadmap.domain.errors import Forbidden, InvalidInput, NotFound, RuleViolation
from roadmap.domain.permission import Ability, refusal
from roadmap.domain.planner import Plan, PlanRequest, Stream, Unmet, plan_visits
from roadmap.domain.routine import Occurrence
from roadmap.domain.trainer import Trainer
from roadmap.domain.visit import FIDELITY_REVIEW, STATEWIDE, Visit, VisitPolicy, VisitStatus, purpose_title
from roadmap.services.access import require, require_trainer, require_visit
from roadmap.services.due import basis
from roadmap.services.ports import UnitOfWork
from roadmap.services.records import Records
from stages.routines import running_since
from stages.visits import visit_streams

MAX_WEEKS = 52
# How far back a done visit may still stand for its occurrence while its record is awaited (review scores).
DONE_LOOKBACK_DAYS = 120
# Names each database's calendar events apart, so two states' exports never share an event UID.
INSTANCE_KEY = "instance_id"


@dataclass(frozen=True)
class VisitRules:
    """What planning follows: the roadmap (its routines), the review cadence and the state's visits file."""

    roadmap: Roadmap
    cadence: CadenceRules
    policy: VisitPolicy


@dataclass(frozen=True)
class PlanResult:
    """A saved plan: visits booked now, those booked before in the same weeks, what could not be fitted."""

    start: date
    end: date
    booked: list[Visit]
    kept: list[Visit]
    unmet: list[Unmet]
    trip_days: int
    # The same needs, one visit per trip day: what grouping by region saves.
    naive_trip_days: int
    naive_unmet: int

    @property
    def visits(self) -> list[Visit]:
        """Every visit in the plan's weeks, soonest first."""
        return sorted((*self.kept, *self.booked), key=lambda v: (v.on, v.slot, v.trainers, v.id or 0))


@dataclass(frozen=True)
class VisitDone:
    """A visit recorded as done, and the routine occurrences it counted as (by agency)."""

    visit: Visit
    counted_for: list[str]
    note: str | None
    # The agency's name, as people read it (None for a statewide visit).
    agency_name: str | None = None


@dataclass(frozen=True)
class PlanningState:
    """What the planner and the forecast start from, read in one transaction."""

    streams: list[Stream]
    trainers: list[Trainer]
    booked: list[Visit]
    names: dict[str, str]
    timezones: dict[str, str]


def workday_rule(policy: VisitPolicy) -> Callable[[date], bool]:
    """Weekdays that are not public holidays of the visits file's country (and subdivision)."""
    return _workdays(policy.holidays)


@cache
def _workdays(code: str) -> Callable[[date], bool]:
    import holidays  # here: only visit planning needs the holiday tables, which take a while to load

    country, _, subdivision = code.partition("-")
    try:
        public = holidays.country_holidays(country, subdiv=subdivision or None)
    except NotImplementedError:
        raise InvalidInput(
            f"visits file: holidays {code!r} is not a country (and subdivision) code such as US-NH"
        ) from None

    def is_workday(day: date) -> bool:
        return day.weekday() < 5 and day not in public

    return is_workday


def read_planning_state(
    uow: UnitOfWork,
    rules: VisitRules,
    start: date,
    end: date | None = None,
    *,
    instance: bool = False,
    agencies: Collection[str] | None = None,
) -> tuple[PlanningState, str | None]:
    """Streams of every agency (or of these) as of `start`, the trainers, and the visits booked around [start, end].

    Booked visits reach back to the Monday of the first week and on to the Sunday of the last (they take
    trainers' days in those weeks), and back a few months for done visits awaiting their record (a review visit
    until its scores are entered). With `instance`, also this database's calendar id (the caller commits).
    """
    among: list[str] | None = None  # every agency
    if agencies is not None:
        # These agencies, and for each statewide need the agency its first occurrence comes from: the one whose
        # entries in the day's kept due list hold the earliest (and every agency whose entries are stale).
        among = sorted(set(agencies) | _statewide_sources(uow, rules, start))
        if len(among) >= uow.agencies.count():  # nothing kept for the day: every agency is read anyway
            among = None
    read = uow.agencies.all() if among is None else uow.agencies.many(among)
    everyone = [agency for agency in read if agency.on_roadmap(start)]  # no visits once it left
    records = Records.read(uow, among, planning=True)
    contexts = [records.context(agency, rules.roadmap, rules.cadence) for agency in everyone]
    booked: list[Visit] = []
    if end is not None:
        last = end + timedelta(days=6 - end.weekday())
        booked = uow.visits.listed(start=start - timedelta(days=start.weekday()), end=last, status=VisitStatus.PLANNED)
        booked += uow.visits.listed(start=start - timedelta(days=DONE_LOOKBACK_DAYS), end=last, status=VisitStatus.DONE)
    state = PlanningState(
        streams=visit_streams(contexts, rules.policy, start, agencies),
        # Who may take each need, among the agencies read: a trainer page shares out only its own agencies' needs.
        trainers=uow.trainers.all(among),
        booked=booked,
        names={agency.slug: agency.name for agency in everyone},
        timezones={agency.slug: agency.timezone for agency in everyone},
    )
    return state, (calendar_id(uow) if instance else None)


def _statewide_sources(uow: UnitOfWork, rules: VisitRules, start: date) -> set[str]:
    """The agencies a statewide need's first occurrence may come from, without reading every agency: per
    statewide purpose the agency holding its earliest kept occurrence, and the agencies whose kept entries are
    not current for the day (worked out live). Statewide visits are booked for no agency, so no booking hides
    an agency's occurrence of a statewide need from its kept entries."""
    wide = {need.purpose for need in rules.policy.needs if need.scope == STATEWIDE}
    if not wide:
        return set()
    stamp = basis(rules.roadmap, rules.cadence)
    _, stale = uow.due_list.stale(start, stamp)
    return {slug for slug, _ in stale} | set(uow.due_list.earliest(start, stamp, wide).values())


def calendar_id(uow: UnitOfWork) -> str:
    """This database's calendar id, created on first use (inside a transaction the caller commits)."""
    found = uow.meta.get(INSTANCE_KEY)
    if found is None:
        found = new_calendar_id(uow)
    return found


def new_calendar_id(uow: UnitOfWork) -> str:
    """Start a new calendar id: visit ids may start again (a rebuilt demo), so event UIDs must not repeat."""
    fresh = uuid4().hex[:16]
    uow.meta.put(INSTANCE_KEY, fresh)
    return fresh


def plan(
    uow: UnitOfWork,
    rules: VisitRules,
    *,
    start: date,
    weeks: int,
    as_of: date,
    trainer: str | None = None,
) -> PlanResult:
    """Plan `weeks` weeks from `start` and save the new visits; earlier bookings in those weeks are kept."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise InvalidInput(f"--weeks must be between 1 and {MAX_WEEKS}, got {weeks}")
    if start < as_of:
        raise InvalidInput(f"--from {start} is in the past (today is {as_of}); plan from today or later")
    with uow:
        uow.trainers.hold()  # a second plan meanwhile waits, then plans around what this one booked
        request, state = _request(uow, rules, start, weeks, trainer, as_of=as_of, instance=True)
        if not state.trainers:
            raise RuleViolation("no trainers yet: add one with `ips-roadmap trainer add NAME --region R --capacity D`")
        if trainer is not None:
            uow.trainers.get(trainer)  # an unknown name is refused, with a suggestion
        planned = plan_visits(request)
        naive = plan_visits(request, grouping=False)
        booked = uow.visits.add_all(planned.visits)
        uow.commit()
    kept = [
        visit
        for visit in state.booked
        if visit.status is VisitStatus.PLANNED
        and request.start <= visit.on <= request.end
        and (trainer is None or trainer in visit.trainers)
    ]
    return PlanResult(
        start=request.start,
        end=request.end,
        booked=booked,
        kept=kept,
        unmet=planned.unmet,
        trip_days=planned.trip_days(kept),
        naive_trip_days=naive.trip_days(kept),
        naive_unmet=len(naive.unmet),
    )


def preview(uow: UnitOfWork, rules: VisitRules, *, start: date, weeks: int) -> tuple[Plan, Plan]:
    """The plan and the naive plan for these weeks, saving nothing (for measuring): (grouped, naive)."""
    with uow:
        request, _ = _request(uow, rules, start, weeks, None, as_of=start)
    return plan_visits(request), plan_visits(request, grouping=False)


def _request(
    uow: UnitOfWork,
    rules: VisitRules,
    start: date,
    weeks: int,
    trainer: str | None,
    *,
    as_of: date,
    instance: bool = False,
) -> tuple[PlanRequest, PlanningState]:
    end = start + timedelta(days=weeks * 7 - 1)
    state, _ = read_planning_state(uow, rules, start, end, instance=instance)
    request = PlanRequest(
        streams=state.streams,
        trainers=state.trainers,
        start=start,
        end=end,
        is_workday=workday_rule(rules.policy),
        existing=state.booked,
        max_visits_per_day=rules.policy.max_visits_per_day,
        only=trainer,
        earliest=as_of + timedelta(days=rules.policy.min_notice_days),
    )
    return request, state


def list_visits(
    uow: UnitOfWork,
    *,
    start: date | None = None,
    end: date | None = None,
    trainer: str | None = None,
    agency: str | None = None,
    status: VisitStatus | None = None,
) -> list[Visit]:
    """Booked visits, soonest first, filtered by period, trainer, agency and status."""
    with uow:
        if trainer is not None:
            uow.trainers.get(trainer)
        if agency is not None:
            uow.agencies.get(agency)
        return uow.visits.listed(
            start=start, end=end, status=status, agencies=[agency] if agency else None, trainer=trainer
        )


def mark_done(uow: UnitOfWork, rules: VisitRules, visit_id: int, *, on: date, as_of: date) -> VisitDone:
    """Record a visit done on a day; it counts as its routine's occurrence (every agency's, for a statewide one)."""
    with uow:
        visit = _planned(uow, visit_id, "record it as done", check=lambda v: require_visit(uow, v.agency, v.trainers))
        if on > as_of:
            raise InvalidInput(f"--on {on} is in the future (today is {as_of}); record it once it has happened")
        counted: list[str] = []
        note = None
        if visit.purpose == FIDELITY_REVIEW:
            note = f"record the scores with `ips-roadmap review record {visit.agency} --date {on} --scores FILE`"
        else:
            routine = rules.roadmap.routines.get(visit.purpose)
            slugs = [visit.agency] if visit.agency else None
            agencies = uow.agencies.many(slugs) if slugs else uow.agencies.all()
            records = Records.read(uow, slugs)
            for agency in agencies:
                context = records.context(agency, rules.roadmap, rules.cadence)
                seen = context.done.get(routine.key, [])
                if running_since(context, routine, on) is None or Occurrence(on) in seen:
                    continue
                uow.routines.add(agency.slug, routine.key, Occurrence(on))
                counted.append(agency.slug)
            if visit.agency and not counted:
                note = f"{routine.key!r} was not running for {visit.agency} on {on}, or was already recorded that day"
        done = visit.model_copy(update={"status": VisitStatus.DONE, "done_on": on, "sequence": visit.sequence + 1})
        uow.visits.save(done)
        name = uow.agencies.name_of(visit.agency) if visit.agency else None
        uow.commit()
    return VisitDone(done, counted, note, name)


def cancel(uow: UnitOfWork, visit_id: int) -> Visit:
    """Cancel a planned visit; its need is planned again by the next `visits plan`."""
    with uow:
        visit = _planned(uow, visit_id, "cancel it", check=lambda _: require(uow, Ability.RUN_STATE))
        cancelled = visit.model_copy(update={"status": VisitStatus.CANCELLED, "sequence": visit.sequence + 1})
        uow.visits.save(cancelled)
        uow.commit()
    return cancelled


def move(uow: UnitOfWork, rules: VisitRules, visit_id: int, *, to: date, as_of: date) -> Visit:
    """Move a planned visit to another working day, if everyone on it is free then (the calendar updates)."""
    if to < as_of:
        raise InvalidInput(f"--to {to} has passed (today is {as_of}); a visit moves to today or later")
    is_workday = workday_rule(rules.policy)
    with uow:
        uow.trainers.hold()  # like `visits plan`: nobody books these trainers while the move is decided
        visit = _planned(uow, visit_id, "move it", check=lambda _: require(uow, Ability.RUN_STATE))
        moved = visit.model_copy(update={"on": to, "sequence": visit.sequence + 1})
        closed = [day for day in moved.dates if not is_workday(day)]
        if closed:
            raise RuleViolation(f"{closed[0]:%A %-d %B %Y} is not a working day (weekend or public holiday)")
        for other in uow.visits.listed(status=VisitStatus.PLANNED):
            shared = set(other.trainers) & set(moved.trainers)
            if (
                other.id != visit.id
                and shared
                and set(other.dates) & set(moved.dates)
                and (other.whole_days or moved.whole_days or other.slot == moved.slot)
            ):
                raise RuleViolation(
                    f"{', '.join(sorted(shared))} already go on visit {other.id} ({other.where}, {other.on}) then; "
                    "move or cancel that one first"
                )
        uow.visits.save(moved)
        uow.commit()
    return moved


def _planned(uow: UnitOfWork, visit_id: int, action: str, *, check: Callable[[Visit], None]) -> Visit:
    """A visit still planned; `check` (who may do this) comes before anything about it is told."""
    try:
        visit = uow.visits.get(visit_id)
    except NotFound:
        if not uow.who.sees_every_agency:
            raise Forbidden(refusal(Ability.RECORD_VISIT)) from None  # whether it exists is not theirs to learn
        raise
    check(visit)
    if visit.status is VisitStatus.DONE:
        raise RuleViolation(f"visit {visit_id} was already recorded as done on {visit.done_on}; cannot {action}")
    if visit.status is VisitStatus.CANCELLED:
        raise RuleViolation(f"visit {visit_id} was cancelled; cannot {action}")
    return visit


@dataclass(frozen=True)
class CalendarSource:
    """What a calendar export shows: the visits and how to name and place them."""

    title: str
    visits: list[Visit]
    calendar_id: str
    names: dict[str, str]
    timezones: dict[str, str]
    titles: dict[str, str]


def calendar_source(
    uow: UnitOfWork,
    rules: VisitRules,
    *,
    trainer: str | None = None,
    agency: str | None = None,
    visits: list[Visit] | None = None,
) -> CalendarSource:
    """Every visit (cancelled ones too, so calendar programs drop them) of a trainer, an agency, or everyone.

    `visits` exports exactly those instead (a plan just made).
    """
    with uow:
        if trainer is not None:
            require_trainer(uow, trainer)
            uow.trainers.get(trainer)
        if agency is not None:
            require(uow, Ability.READ_AGENCY, agency)
            uow.agencies.get(agency)
        if trainer is None and agency is None:
            require(uow, Ability.READ_STATE)
            if not uow.who.sees_every_agency:
                raise Forbidden(refusal(Ability.READ_STATE))
        if visits is None:
            visits = uow.visits.listed(agencies=[agency] if agency else None, trainer=trainer)
        agencies = uow.agencies.all()
        calendar = calendar_id(uow)
        uow.commit()
    names = {each.slug: each.name for each in agencies}
    title = f"IPS visits — {trainer}" if trainer else f"IPS visits — {names[agency]}" if agency else "IPS visits"
    timezones = {each.slug: each.timezone for each in agencies}
    return CalendarSource(title, visits, calendar, names, timezones, visit_titles(rules.roadmap))


def visit_titles(roadmap: Roadmap) -> dict[str, str]:
    """What each visit purpose is called: its routine's title, or the fidelity review."""
    purposes = [FIDELITY_REVIEW, *(routine.key for routine in roadmap.routines.routines)]
    return {purpose: purpose_title(roadmap.routines, purpose) for purpose in purposes}
