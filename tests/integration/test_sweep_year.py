"""A simulated year of sweeps over the demo state: daily and weekly sweeping agree on what is due, and both
remind every item before its due date; weekly sweeping sends fewer messages and misses nothing.

The agencies keep their routines during the year (each meeting, visit and report is recorded on its due date),
so new occurrences keep falling due, and one review is held a week early.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from notifications.messages import Message
from roadmap.bootstrap import build
from roadmap.domain.contact import Contact
from roadmap.domain.routine import ROUTINE_KINDS
from roadmap.services.due import state_due
from roadmap.services.routines import record_done
from roadmap.services.sweep import sweep_in_process
from roadmap.settings import load_settings
from tests.conftest import Cli

START = date(2026, 11, 23)
DAYS = 365
REVIEW_DAY = date(2027, 1, 12)  # Lakeshore's next review is due 19 January 2027; it happens a week early
Item = tuple[str, str, str, date]


class Recorder:
    """A sender that accepts every message and remembers who got what (a fake for the delivery port)."""

    def __init__(self) -> None:
        self.messages: list[tuple[int | None, str]] = []

    def send(self, contact: Contact, message: Message) -> str | None:
        self.messages.append((contact.id, message.subject))
        return None


def simulate(url: str, every: int, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> tuple[
    dict[date, set[Item]], list[dict[str, object]], int
]:  # fmt: skip
    """Sweep every `every` days for a year; what was due on each weekly day, the outbox, messages sent."""
    cli = Cli(url, capsys)
    cli.ok("demo", "--as-of", START.isoformat())
    scores = tmp_path / "scores.json"
    scores.write_text(json.dumps({str(n): 3 if n % 5 == 0 else 4 for n in range(1, 26)}))
    app = build(load_settings(url))
    sender, due = Recorder(), {}
    try:
        for offset in range(1, DAYS + 1):
            day = START + timedelta(days=offset)
            if day == REVIEW_DAY:
                cli.ok("review", "record", "lakeshore-behavioral-health", "--date", day.isoformat(),
                       "--scores", str(scores), "--as-of", day.isoformat())  # fmt: skip
            for item in state_due(app.uow(), app.roadmap, app.cadence, as_of=day, within_days=0):
                if item.kind in ROUTINE_KINDS and item.due_on == day:
                    routine, period = item.subject.split(":", 1)
                    quarter = period if item.kind.value == "outcome-report" else None
                    record_done(app.uow(), app.roadmap, app.cadence, item.agency, routine, on=day, as_of=day,
                                quarter=quarter)  # fmt: skip
            if offset % 7 == 0:
                items = state_due(app.uow(), app.roadmap, app.cadence, as_of=day, within_days=3650)
                due[day] = {(i.agency, i.kind.value, i.subject, i.due_on) for i in items}
            if offset % every == 0:
                now = datetime.combine(day, time(12), UTC)
                sweep_in_process(app.uow, app.policies, sender, as_of=day, now=now, max_batches=1)
        outbox = cli.ok("outbox", "list", "--json").json()
    finally:
        app.close()
    return due, outbox, len(sender.messages)


def test_daily_and_weekly_sweeps_agree_and_remind_every_item_before_it_is_due(
    two_databases: tuple[str, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    daily_due, daily_outbox, daily_messages = simulate(two_databases[0], 1, capsys, tmp_path)
    weekly_due, weekly_outbox, weekly_messages = simulate(two_databases[1], 7, capsys, tmp_path)
    assert daily_due == weekly_due
    seen = set().union(*daily_due.values())
    # Items with room for a reminder: due more than a week after the year began, within the year.
    upcoming = {item for item in seen if START + timedelta(days=8) < item[3] <= START + timedelta(days=DAYS)}
    kinds = {item[1] for item in upcoming}
    # The year holds reviews, the new action plan, and every kind of routine, many times over.
    assert {"fidelity-review", "action-plan", "meeting", "visit", "outcome-report"} <= kinds
    assert sum(1 for item in upcoming if item[1] == "visit") > 50
    for outbox in (daily_outbox, weekly_outbox):
        reminded_early = {
            (e["agency"], e["kind"], e["subject"], e["due_on"])
            for e in outbox
            if e["status"] == "sent" and e["offset_days"] > 0 and str(e["sent_at"])[:10] < str(e["due_on"])
        }
        missed = {item for item in upcoming if (*item[:3], item[3].isoformat()) not in reminded_early}
        assert missed == set()
        assert all(e["status"] == "sent" for e in outbox)
    assert 0 < weekly_messages < daily_messages
