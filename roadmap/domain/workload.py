"""Workload forecast: visit days each trainer will be needed for, month by month, against their capacity.

Each need's occurrences are projected at their cadence (each done on its due date) until the routine is
expected to end; reviews keep the agency's current cadence. Days go to the agency's assigned trainers (shared
evenly), reviews to all reviewers, statewide visits to all trainers. No grouping is assumed, so the figures are
an upper bound: the planner usually needs fewer trip days for the same visits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from roadmap.domain.cadence import add_months
from roadmap.domain.planner import Candidates, Stream
from roadmap.domain.trainer import Trainer

UNASSIGNED = "(unassigned)"


@dataclass(frozen=True)
class MonthLoad:
    """One trainer's month: visit days needed and days available."""

    month: str  # '2027-01'
    needed: float
    capacity: float

    @property
    def share(self) -> float:
        """Needed / capacity (0 when there is no capacity and nothing needed)."""
        if self.capacity == 0:
            return 0.0 if self.needed == 0 else float("inf")
        return self.needed / self.capacity


@dataclass(frozen=True)
class Forecast:
    """Per trainer (and `(unassigned)` when some agency has no trainer), one MonthLoad per month."""

    months: list[str]
    rows: dict[str, list[MonthLoad]]

    def first_over(self) -> tuple[str, str] | None:
        """(month, trainer) of the first month a trainer is needed beyond capacity, or None."""
        for index, month in enumerate(self.months):
            for name, loads in self.rows.items():
                if name != UNASSIGNED and loads[index].needed > loads[index].capacity:
                    return month, name
        return None

    def unassigned_days(self) -> float:
        """Visit days over the whole forecast that no trainer is assigned to."""
        return sum(load.needed for load in self.rows.get(UNASSIGNED, []))


def forecast(
    streams: Sequence[Stream],
    trainers: Sequence[Trainer],
    *,
    start: date,
    months: int,
    is_workday: Callable[[date], bool],
    only: str | None = None,
) -> Forecast:
    """Visit days needed per trainer per month for `months` months from the month of `start` (or one trainer's)."""
    first = start.replace(day=1)
    labels = [_month(add_months(first, n)) for n in range(months)]
    end = add_months(first, months)
    needed: dict[str, dict[str, float]] = {t.name: dict.fromkeys(labels, 0.0) for t in trainers}
    candidates = Candidates(trainers)
    for stream in streams:
        people = candidates.names(stream) or (UNASSIGNED,)
        days = stream.need.days * stream.need.people / len(people)
        # One trainer's row needs only their share: a statewide need shared by hundreds is added once, not to all.
        counted = people if only is None else (only,) if only in people else ()
        if not counted:
            continue
        targets = [needed.setdefault(name, dict.fromkeys(labels, 0.0)) for name in counted]
        # An overdue occurrence is counted once, as if done on the first day; the next ones follow from there.
        due = max(stream.first_due, start)
        while due < end and (stream.ends_on is None or due <= stream.ends_on):
            month = _month(due)
            for target in targets:
                target[month] += days
            due = stream.next_due(due)
    # The first month counts from `start`: days already gone are no capacity.
    workdays = {label: 0 for label in labels}
    day = start
    while day < end:
        if is_workday(day):
            workdays[_month(day)] += 1
        day += timedelta(days=1)
    capacity = {t.name: t.capacity for t in trainers}
    rows = {
        name: [
            # A trainer with `capacity` days a week has that share of the month's working days.
            MonthLoad(label, round(by_month[label], 1), round(capacity.get(name, 0) * workdays[label] / 5, 1))
            for label in labels
        ]
        for name, by_month in needed.items()
        if only is None or name == only
    }
    return Forecast(labels, rows)


def _month(day: date) -> str:
    """'2027-01': strftime is slow enough to show in a forecast over a thousand agencies."""
    return f"{day.year:04d}-{day.month:02d}"
