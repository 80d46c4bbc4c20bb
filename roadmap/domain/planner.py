"""The visit planner: needs in, a plan within every trainer's capacity out (pure; dates and holidays are inputs).

How it plans, and why:
- Occurrences are taken earliest due date first (whole-day visits such as reviews before the rest: they are
  the hardest to fit). Each is booked inside its window: from `window_days` before its due date up to the due
  date (an overdue one: within `window_days` of the plan's start).
- A trainer's day belongs to one region. A visit joins a day the trainer already spends in the agency's region
  when one falls in its window (no new trip); otherwise it opens a new day, as close to the due date as it can
  (booking early would pull every later occurrence earlier and add visits).
- The next occurrence of a routine falls due one interval after the day it was booked, so a plan keeps the
  cadence the sweep will check.
- Weekends and holidays are never booked; no trainer gets more trip days in a week than their capacity, two
  regions on one day, or more visits on a day than `max_visits_per_day`; a whole-day visit shares its days with
  nothing.
- What cannot be fitted is listed with the reason, and the routine goes on from its due date.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from roadmap.domain.cadence import add_months
from roadmap.domain.trainer import Trainer
from roadmap.domain.visit import STATEWIDE, Visit, VisitNeed, VisitStatus


@dataclass(frozen=True)
class Stream:
    """The occurrences of one need at one agency (or statewide): the first due date and the interval after it."""

    need: VisitNeed
    agency: str | None
    region: str
    first_due: date
    every_days: int | None = None
    every_months: int | None = None
    # When the routine is expected to end (its stage's norm): the forecast stops there; the planner books on.
    ends_on: date | None = None

    def next_due(self, done_on: date) -> date:
        """When the next occurrence falls due once this one is done on a day."""
        if self.every_days is not None:
            return done_on + timedelta(days=self.every_days)
        return add_months(done_on, self.every_months or 12)

    @property
    def key(self) -> tuple[str | None, str]:
        """(agency, purpose): what a booked visit is matched against."""
        return self.agency, self.need.purpose


@dataclass(frozen=True)
class Unmet:
    """An occurrence the plan could not fit, and why."""

    agency: str | None
    purpose: str
    due_on: date
    reason: str


@dataclass(frozen=True)
class Plan:
    """New visits (no ids yet) and what could not be fitted."""

    visits: list[Visit]
    unmet: list[Unmet]

    def trip_days(self, existing: Iterable[Visit] = ()) -> int:
        """Days some trainer is on the road (a trainer's day in one region counts once)."""
        return len(
            {(name, day) for visit in (*existing, *self.visits) for name in visit.trainers for day in visit.dates}
        )


@dataclass
class _Day:
    region: str
    slots: set[int] = field(default_factory=set)
    whole: bool = False


@dataclass
class _Calendar:
    """Every trainer's booked days and trip days per ISO week."""

    capacity: dict[str, int]
    per_day: int
    days: dict[tuple[str, date], _Day] = field(default_factory=dict)
    weeks: dict[tuple[str, int, int], int] = field(default_factory=dict)
    trips: dict[str, int] = field(default_factory=dict)

    def load(self, name: str) -> int:
        """Trip days booked so far (the less busy trainer is preferred)."""
        return self.trips.get(name, 0)

    def join_slot(self, name: str, day: date, region: str) -> int | None:
        """The first free slot of a day the trainer already spends in this region, or None."""
        booked = self.days.get((name, day))
        if booked is None or booked.whole or booked.region != region:
            return None
        return min(set(range(self.per_day)) - booked.slots, default=None)

    def can_open(self, names: Iterable[str], days: Sequence[date]) -> bool:
        """Every one of these trainers is free on these days and has trip days left in their weeks."""
        for name in names:
            if any((name, day) in self.days for day in days):
                return False
            weeks: dict[tuple[int, int], int] = {}
            for day in days:
                year, week, _ = day.isocalendar()
                weeks[(year, week)] = weeks.get((year, week), 0) + 1
            if any(
                self.weeks.get((name, *week), 0) + more > self.capacity.get(name, 0) for week, more in weeks.items()
            ):
                return False
        return True

    def book(self, visit: Visit) -> None:
        for name in visit.trainers:
            for day in visit.dates:
                booked = self.days.get((name, day))
                if booked is None:
                    booked = self.days[(name, day)] = _Day(visit.region)
                    year, week, _ = day.isocalendar()
                    self.weeks[(name, year, week)] = self.weeks.get((name, year, week), 0) + 1
                    self.trips[name] = self.trips.get(name, 0) + 1
                booked.slots.add(visit.slot)
                booked.whole = booked.whole or visit.whole_days


@dataclass(frozen=True)
class PlanRequest:
    """What to plan: the needs, who can go, the period, and the calendar rules."""

    streams: Sequence[Stream]
    trainers: Sequence[Trainer]
    start: date
    end: date
    is_workday: Callable[[date], bool]
    # Visits booked before (planned, or done and awaiting their record) in and around the period: they take
    # their trainers' days, and a planned one stands for the occurrence it was booked for.
    existing: Sequence[Visit] = ()
    max_visits_per_day: int = 2
    # Plan one trainer's visits only (their agencies, and reviews they can take part in).
    only: str | None = None
    # No visit is booked before this day (the notice an agency and its trainers get); None: from `start`.
    earliest: date | None = None

    @property
    def opens(self) -> date:
        """The first day a visit may be booked on."""
        return max(self.start, self.earliest) if self.earliest else self.start


def plan_visits(request: PlanRequest, *, grouping: bool = True) -> Plan:
    """Book every occurrence due by `end` (and every overdue one) that fits; list the rest with a reason.

    `grouping=False` gives the naive plan (one visit per trip day) that grouping is measured against.
    """
    per_day = request.max_visits_per_day if grouping else 1
    calendar = _Calendar({t.name: t.capacity for t in request.trainers}, per_day)
    taken: dict[tuple[str | None, str], list[Visit]] = {}
    for visit in sorted(request.existing, key=lambda v: v.on):
        calendar.book(visit)
        taken.setdefault((visit.agency, visit.purpose), []).append(visit)
    visits: list[Visit] = []
    unmet: list[Unmet] = []
    candidates = Candidates(request.trainers)
    # Who may take each stream, worked out once (it is asked for every day of every window).
    streams: list[Stream] = []
    able: list[list[Trainer]] = []
    for stream in request.streams:
        who = candidates(stream)
        if _serves(request, who):
            streams.append(stream)
            able.append(who)
    names = [{trainer.name for trainer in each} for each in able]
    # Each stream's occurrence waiting to be planned; the heap may hold stale entries for pulled ones.
    pending: dict[int, date] = {}
    # The days each stream has a visit on: a need is never booked twice on one day.
    days_of: dict[int, set[date]] = {}
    by_region: dict[str, set[int]] = {}
    queue: list[tuple[int, date, int]] = []

    def advance(index: int, done_on: date) -> None:
        days_of.setdefault(index, set()).add(done_on)
        following = streams[index].next_due(done_on)
        pending[index] = following
        heapq.heappush(queue, (0 if streams[index].need.whole_days else 1, following, index))

    for index, stream in enumerate(streams):
        pending[index] = stream.first_due
        by_region.setdefault(stream.region, set()).add(index)
        heapq.heappush(queue, (0 if stream.need.whole_days else 1, stream.first_due, index))
    while queue:
        _, due, index = heapq.heappop(queue)
        stream = streams[index]
        if pending.get(index) != due:
            continue  # pulled onto an earlier trip already
        if due > request.end:
            del pending[index]
            continue
        earlier = _covering(taken.get(stream.key, []), due, request.start, _window(request, stream, due)[1])
        if earlier is not None:
            advance(index, earlier.on)  # a visit booked by an earlier plan stands for this occurrence
            continue
        booked = _book(request, calendar, stream, able[index], due, grouping, days_of.get(index, set()))
        if isinstance(booked, Unmet):
            unmet.append(booked)
            # Go on as if it were done on the last day it could have been: one unmet row per missed
            # occurrence, not one for every interval since an occurrence fell overdue.
            pending_from = max(due, _window(request, stream, due)[1])
            following = stream.next_due(pending_from)
            pending[index] = following
            heapq.heappush(queue, (0 if stream.need.whole_days else 1, following, index))
            continue
        calendar.book(booked)
        visits.append(booked)
        advance(index, booked.on)
        if grouping and not booked.whole_days:
            # Fill the trip day's other slots with the most urgent needs of that region it can serve early.
            near = by_region[stream.region] - {index}
            fill = _Fill(streams, names, pending, taken, days_of)
            for pulled, pulled_index in _fill(request, calendar, fill, near, booked):
                visits.append(pulled)
                advance(pulled_index, pulled.on)
    visits.sort(key=lambda v: (v.on, v.slot, v.trainers, v.where, v.purpose))
    unmet.sort(key=lambda u: (u.due_on, u.agency or "", u.purpose))
    return Plan(visits, unmet)


@dataclass(frozen=True)
class _Fill:
    """The planner's running state that filling a trip day looks at."""

    streams: Sequence[Stream]
    names: Sequence[set[str]]
    pending: dict[int, date]
    taken: dict[tuple[str | None, str], list[Visit]]
    days_of: dict[int, set[date]]


def _fill(
    request: PlanRequest, calendar: _Calendar, state: _Fill, region: set[int], trip: Visit
) -> Iterator[tuple[Visit, int]]:
    """Visits pulled onto a trainer's trip day: same region, their window open that day, soonest due first.

    Each need at most once a day: a routine's next occurrence is never pulled onto the day of the last.
    """
    name, day = trip.trainers[0], trip.on
    while (slot := calendar.join_slot(name, day, trip.region)) is not None:
        best: tuple[date, int] | None = None
        for index in region:
            stream, due = state.streams[index], state.pending.get(index)
            if due is None or due > request.end or stream.need.whole_days or state.taken.get(stream.key):
                continue
            if name not in state.names[index] or day in state.days_of.get(index, ()):
                continue
            first, last = _window(request, stream, due)
            if not first <= day <= last:
                continue
            if best is None or (due, index) < best:
                best = (due, index)
        if best is None:
            return
        pulled = _visit(state.streams[best[1]], day, best[0], [name], slot)
        calendar.book(pulled)
        yield pulled, best[1]


def _covering(booked: list[Visit], due: date, start: date, last: date) -> Visit | None:
    """The earlier visit that stands for an occurrence (taken out of `booked`), or None.

    A visit still planned within the plan, on or before the occurrence's last possible day; a done one awaiting
    its record (a review visit until its scores are entered) that was booked for this very occurrence. A planned
    visit whose day has gone by without being recorded stands for nothing.
    """
    for visit in booked:
        planned = visit.status is VisitStatus.PLANNED and start <= visit.on <= last
        if planned or (visit.status is VisitStatus.DONE and visit.due_on == due):
            booked.remove(visit)
            return visit
    return None


def _serves(request: PlanRequest, able: list[Trainer]) -> bool:
    return request.only is None or any(trainer.name == request.only for trainer in able)


class Candidates:
    """Who may take a need: reviewers for reviews, any trainer statewide, else the agency's assigned trainers.

    Built once over the trainers: asked for every stream of a large state, scanning each trainer's agencies
    for each stream cost more than the rest of a forecast.
    """

    def __init__(self, trainers: Sequence[Trainer]) -> None:
        assigned: dict[str, list[Trainer]] = {}
        for trainer in trainers:
            for agency in trainer.agencies:
                assigned.setdefault(agency, []).append(trainer)
        # Each group with its names, built once and shared: a forecast asks for every stream of the state.
        self._everyone = _group(trainers)
        self._reviewers = _group([t for t in trainers if t.reviewer])
        self._assigned = {agency: _group(group) for agency, group in assigned.items()}

    def __call__(self, stream: Stream) -> list[Trainer]:
        return list(self._pick(stream)[0])

    def names(self, stream: Stream) -> tuple[str, ...]:
        """The names of those `self(stream)` gives, in the same order."""
        return self._pick(stream)[1]

    def _pick(self, stream: Stream) -> tuple[tuple[Trainer, ...], tuple[str, ...]]:
        if stream.need.role == "reviewer":
            return self._reviewers
        if stream.agency is None:
            return self._everyone
        return self._assigned.get(stream.agency, ((), ()))


def _group(trainers: Sequence[Trainer]) -> tuple[tuple[Trainer, ...], tuple[str, ...]]:
    return tuple(trainers), tuple(t.name for t in trainers)


def _window(request: PlanRequest, stream: Stream, due: date) -> tuple[date, date]:
    opens = request.opens
    if due < opens:
        # Overdue, or due before the notice allows a visit: as soon as the notice allows.
        return opens, min(request.end, opens + timedelta(days=stream.need.window_days))
    return max(opens, due - timedelta(days=stream.need.window_days)), min(due, request.end)


def _book(
    request: PlanRequest,
    calendar: _Calendar,
    stream: Stream,
    able: list[Trainer],
    due: date,
    grouping: bool,
    avoid: set[date],
) -> Visit | Unmet:
    need = stream.need
    able = list(able)
    if request.only is not None:
        # One trainer's plan: they take every visit; a review is theirs with whichever reviewer is free.
        able.sort(key=lambda t: t.name != request.only)
    first, last = _window(request, stream, due)
    overdue = due < request.opens

    def unmet(reason: str) -> Unmet:
        return Unmet(stream.agency, need.purpose, due, reason)

    if not able:
        if need.role == "reviewer":
            return unmet("no reviewers: add one with `ips-roadmap trainer add NAME ... --reviewer`")
        return unmet(f"no trainer is assigned to {stream.agency} (`ips-roadmap trainer assign NAME {stream.agency}`)")
    if len(able) < need.people:
        return unmet(f"needs {need.people} {need.role}s; the state has {len(able)}")
    starts = [
        first + timedelta(days=offset)
        for offset in range((last - first).days - need.days + 2)
        if all(request.is_workday(first + timedelta(days=offset + n)) for n in range(need.days))
    ]
    if not starts:
        return unmet(f"no working day between {first} and {last}")
    starts = [day for day in starts if day not in avoid]
    # Closest to the due date first (for an overdue occurrence: as soon as possible).
    starts.sort(key=lambda day: (day - first).days if overdue else (due - day).days)
    if need.whole_days:
        # Reviewers from the agency's region first, then the least booked (the planned trainer leads a plan of theirs).
        preferred = sorted(
            able, key=lambda t: (t.name != request.only, t.region != stream.region, calendar.load(t.name), t.name)
        )
        for start in starts:
            span = [start + timedelta(days=n) for n in range(need.days)]
            chosen: list[str] = []
            for trainer in preferred:
                if calendar.can_open([trainer.name], span):
                    chosen.append(trainer.name)
                elif trainer.name == request.only:
                    break
                if len(chosen) == need.people:
                    return _visit(stream, start, due, chosen, 0)
    else:
        best: tuple[int, int, int, str, date, int] | None = None
        for rank, start in enumerate(starts):
            # One trainer's plan books that trainer only.
            for trainer in able if request.only is None else able[:1]:
                slot = calendar.join_slot(trainer.name, start, stream.region) if grouping else None
                if slot is not None:
                    option = (0, rank, calendar.load(trainer.name), trainer.name, start, slot)
                elif calendar.can_open([trainer.name], [start]):
                    option = (1, rank, calendar.load(trainer.name), trainer.name, start, 0)
                else:
                    continue
                if best is None or option < best:
                    best = option
        if best is not None:
            return _visit(stream, best[4], due, [best[3]], best[5])
    names = ", ".join(t.name for t in able)
    return unmet(f"{names}: no free day between {first} and {last} within capacity")


def _visit(stream: Stream, start: date, due: date, trainers: list[str], slot: int) -> Visit:
    return Visit(
        purpose=stream.need.purpose,
        agency=stream.agency,
        region=stream.region if stream.agency is not None else STATEWIDE,
        on=start,
        days=stream.need.days,
        slot=slot,
        trainers=tuple(trainers),
        due_on=due,
    )
