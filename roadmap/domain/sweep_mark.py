"""What a sweep found for one agency, kept so that the days after can pass the agency by while nothing changes.

A day-to-day sweep of a national program would otherwise work out every agency's items again to find that
most owe nothing new. An agency is passed by while its records, the rules and who is reminded are as they were
when it was last worked out, and the day is before the first one on which it may owe something new.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple


class SweepMark(NamedTuple):
    """One agency as a sweep last worked it out (under the rules and schema its store stamp names)."""

    swept_for: date
    generation: int  # the agency's generation then: any change to its records moves it on
    reach: str  # who was reminded of its items: its own contacts and assigned trainers
    quiet_until: date  # the first day it may owe a reminder not owed before, or read differently
    items: int  # its due items then (the same until quiet_until)
    position: tuple[str, int] | None  # its active gate and days towards a stall then

    def passes(self, as_of: date, generation: int, reach: str) -> bool:
        """Nothing new is owed on as_of: the same records and people, within the quiet spell."""
        return self.generation == generation and self.reach == reach and self.swept_for <= as_of < self.quiet_until

    def position_on(self, as_of: date) -> tuple[str, int] | None:
        """The active gate and its days on a day within the quiet spell (a day more each day)."""
        if self.position is None:
            return None
        stage, days = self.position
        return stage, days + (as_of - self.swept_for).days


class Sweepable(NamedTuple):
    """An agency as a sweep's plan reads it: whether the day covers it, and what was kept of it."""

    slug: str
    joined_on: date
    archived_on: date | None
    generation: int
    mark: SweepMark | None  # None when never swept under these rules and schema
    due_for: date | None  # the day its kept due entries are for, when current for its records and rules
