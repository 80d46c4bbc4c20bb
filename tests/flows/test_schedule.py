"""The served daily schedule keeps the state's local time across daylight-saving changes."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from roadmap.domain.errors import InvalidInput
from roadmap.settings import load_settings


def run_times(
    monkeypatch: pytest.MonkeyPatch, local_time: str, zone: str, start: str, days: int, which: str = "daily"
) -> list[datetime]:
    """The next `days` run times that Prefect's scheduler computes for a served schedule, in local time."""
    from prefect.server.schemas.schedules import CronSchedule

    from flows import serve

    monkeypatch.setenv("IPS_ROADMAP_SCHEDULE__TIME", local_time)
    monkeypatch.setenv("IPS_ROADMAP_SCHEDULE__TIMEZONE", zone)
    served = getattr(serve, which)(load_settings().schedule)
    assert served.cron is not None and served.timezone == zone
    # The server-side schedule model is the one Prefect's scheduler service turns into runs.
    schedule = CronSchedule(cron=served.cron, timezone=served.timezone)
    first = datetime.fromisoformat(start).replace(tzinfo=ZoneInfo(zone))
    # In a thread of its own: after Prefect's test server has run, this thread may already hold an event loop.
    with ThreadPoolExecutor(1) as pool:
        dates = pool.submit(asyncio.run, schedule.get_dates(n=days, start=first)).result()
    return [moment.astimezone(ZoneInfo(zone)) for moment in dates]


@pytest.mark.parametrize(
    ("zone", "start", "utc_hours"),
    [
        ("America/Chicago", "2027-03-12", [12, 12, 11, 11]),  # spring forward on Sunday 14 March 2027
        ("America/Chicago", "2027-11-05", [11, 11, 12, 12]),  # fall back on Sunday 7 November 2027
        ("America/Denver", "2027-03-12", [13, 13, 12, 12]),
        ("America/Phoenix", "2027-03-12", [13, 13, 13, 13]),  # no daylight saving at all
    ],
)
def test_the_sweep_runs_at_six_local_time_every_day_across_dst(
    monkeypatch: pytest.MonkeyPatch, zone: str, start: str, utc_hours: list[int]
) -> None:
    times = run_times(monkeypatch, "06:00", zone, start, 4)
    assert [(t.hour, t.minute) for t in times] == [(6, 0)] * 4
    assert [t.day for t in times] == [int(start[-2:]) + n for n in range(4)]  # one run a day, none skipped
    assert [t.astimezone(ZoneInfo("UTC")).hour for t in times] == utc_hours


def test_the_quarterly_summary_runs_a_month_into_each_quarter_at_local_time(monkeypatch: pytest.MonkeyPatch) -> None:
    times = run_times(monkeypatch, "06:30", "America/New_York", "2026-11-23", 5, "quarterly")
    assert [t.date().isoformat() for t in times] == [
        "2027-02-01",
        "2027-05-01",
        "2027-08-01",
        "2027-11-01",
        "2028-02-01",
    ]
    assert {(t.hour, t.minute) for t in times} == {(6, 30)}
    assert [t.astimezone(ZoneInfo("UTC")).hour for t in times] == [11, 10, 10, 10, 11]  # EST in winter, EDT else


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("02:30", "pick a time outside 01:00-03:00"),
        ("01:00", "pick a time outside 01:00-03:00"),
        ("25:00", "schedule.time"),
    ],
)
def test_a_time_the_clock_change_would_skip_or_repeat_is_refused(
    monkeypatch: pytest.MonkeyPatch, value: str, message: str
) -> None:
    monkeypatch.setenv("IPS_ROADMAP_SCHEDULE__TIME", value)
    with pytest.raises(InvalidInput) as refused:
        load_settings()
    assert message in str(refused.value)


def test_an_unknown_timezone_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IPS_ROADMAP_SCHEDULE__TIMEZONE", "Central Time")
    with pytest.raises(InvalidInput, match="is not an IANA timezone"):
        load_settings()
