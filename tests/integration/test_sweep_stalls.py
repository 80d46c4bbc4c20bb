"""Stalls as the sweep counts them: longer than the stage's norm, or than the median of peers that finished it."""

from __future__ import annotations

from datetime import UTC, date, datetime

from notifications.messages import Message
from roadmap.bootstrap import build
from roadmap.domain.contact import Contact
from roadmap.services.sweep import sweep_in_process
from roadmap.settings import load_settings
from tests.conftest import Cli

TODAY = date(2026, 6, 1)


class NoMail:
    """A sender that accepts everything (the stall count is what this test reads)."""

    def send(self, contact: Contact, message: Message) -> str | None:
        return None


def sweep_stalled(url: str, as_of: date) -> int:
    app = build(load_settings(url))
    try:
        outcome = sweep_in_process(app.uow, app.policies, NoMail(), as_of=as_of,
                                   now=datetime.combine(as_of, datetime.min.time(), UTC))  # fmt: skip
    finally:
        app.close()
    return outcome.batches.stalled


def test_the_sweep_flags_an_agency_slower_than_its_peers_median_before_the_norm_runs_out(cli: Cli) -> None:
    items = [item["key"] for item in cli.ok("stages", "readiness", "--json").json()["checklist"]]
    for name in ("Quick One", "Quick Two", "Quick Three"):
        cli.ok("agency", "add", name, "--region", "North", "--timezone", "America/Chicago", "--joined", "2026-04-01",
               "--as-of", TODAY.isoformat())  # fmt: skip
        for item in items:
            cli.ok("checklist", "done", name.lower().replace(" ", "-"), item, "--on", "2026-04-11",
                   "--as-of", TODAY.isoformat())  # fmt: skip
    cli.ok("agency", "add", "Slow Four", "--region", "North", "--timezone", "America/Chicago", "--joined", "2026-05-10",
           "--as-of", TODAY.isoformat())  # fmt: skip
    # Day 9 of readiness: within the 10-day median of the three that finished.
    assert sweep_stalled(cli.url, date(2026, 5, 19)) == 0
    # Day 22: past the median, well inside the 60-day norm — stalled against its peers.
    assert sweep_stalled(cli.url, TODAY) == 1
    slow = cli.ok("agency", "show", "slow-four", "--as-of", TODAY.isoformat(), "--json").json()
    assert slow["stalled"] == {
        "stage": "readiness",
        "days": 22,
        "reasons": ["longer than the 10-day median of 3 agencies that completed it"],
    }
