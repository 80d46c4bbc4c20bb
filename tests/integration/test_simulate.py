"""`ips-roadmap simulate`: the demo state played forward day by day, with the daily sweep, month by month."""

from __future__ import annotations

from datetime import date

import pytest

from roadmap.bootstrap import build
from roadmap.services.demo import build_demo
from roadmap.services.demo_year import month_totals, simulate_year
from roadmap.settings import load_settings
from tests.conftest import Cli, snapshot

START = date(2026, 11, 23)


def test_a_simulated_quarter_moves_the_state_forward_through_the_real_rules(database_url: str) -> None:
    app = build(load_settings(database_url))
    try:
        app.database.upgrade()
        build_demo(app.uow(), app.roadmap, app.scale, app.cadence, as_of=START)
        months = simulate_year(app.uow, app.policies, start=START, days=100)
        with app.uow() as uow:
            standings = {a.slug: a for a in uow.agencies.all()}
    finally:
        app.close()
    assert [m.month for m in months] == ["2026-11", "2026-12", "2027-01", "2027-02", "2027-03"]
    totals = month_totals(months)
    assert totals["items_done"] > 20 and totals["stages_completed"] >= 3 and totals["reviews"] >= 1
    assert totals["routines_kept"] > 20 and totals["reminders_sent"] > 0
    # Lakeshore's review fell due in January and was held that day, with the demo's improving score.
    assert months[2].reviews and all(84 <= total <= 125 for m in months for total in m.reviews)
    # Northwoods joined ten days before the start: a hundred days later it is past readiness.
    assert standings["northwoods-counseling-cooperative"].progress("readiness").completed_on is not None


def test_simulate_prints_month_by_month_and_leaves_the_database_alone(bare_cli: Cli) -> None:
    bare_cli.ok("demo", "--as-of", START.isoformat())
    before = snapshot(bare_cli.url)
    result = bare_cli.ok("simulate", "--as-of", START.isoformat(), "--days", "40", "--every", "7", "--json").json()
    assert (result["start"], result["days"], result["every"]) == ("2026-11-23", 40, 7)
    assert [m["month"] for m in result["months"]] == ["2026-11", "2026-12", "2027-01"]
    assert result["totals"]["reminders_sent"] == sum(m["reminders_sent"] for m in result["months"]) > 0
    assert snapshot(bare_cli.url) == before
    table = bare_cli.ok("simulate", "--as-of", START.isoformat(), "--days", "10").out
    assert "A simulated year of the demo state, swept daily" in table and "2026-12" in table


@pytest.mark.parametrize("days", ["0", "2000"])
def test_simulate_refuses_a_length_out_of_range(bare_cli: Cli, days: str) -> None:
    result = bare_cli("simulate", "--days", days)
    assert result.code == 2 and "--days" in result.err
