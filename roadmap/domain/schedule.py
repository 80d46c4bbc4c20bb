"""When the daily sweep runs: a local time in the state's timezone, kept clear of daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from datetime import time as clock
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, field_validator

from roadmap.domain.agency import known_timezone


class SweepSchedule(BaseModel):
    """The daily sweep's local time and the state's IANA timezone."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    time: clock = clock(6, 0)
    timezone: str = "America/Chicago"

    @field_validator("time")
    @classmethod
    def _clear_of_dst(cls, value: clock) -> clock:
        # Clocks jump between 01:00 and 03:00 local: a run there fires twice, early, or not at all on those days.
        if clock(1, 0) <= value < clock(3, 0):
            raise ValueError("pick a time outside 01:00-03:00, when daylight-saving changes move the clock")
        if value.second or value.microsecond:
            raise ValueError("give hours and minutes only, e.g. 06:30")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        return known_timezone(value)

    def daily_cron(self) -> str:
        """Every day at the local time."""
        return f"{self.time.minute} {self.time.hour} * * *"

    def quarterly_cron(self) -> str:
        """The first day of the second month of each quarter, at the daily time (kept clear of DST like it).

        A month after a quarter ends, its outcome reports (due 30 days after it by default) are in or late.
        """
        return f"{self.time.minute} {self.time.hour} 1 2,5,8,11 *"

    def run_for(self, as_of: date | None, now: datetime) -> tuple[date, datetime]:
        """The date a run is for and the instant it records.

        Without a date: today in the state's timezone, and now. With one (a simulated run): that date, and noon
        UTC of it, so that running the same date twice records the same instants.
        """
        if as_of is None:
            return now.astimezone(ZoneInfo(self.timezone)).date(), now
        return as_of, datetime.combine(as_of, clock(12), UTC)
