"""The sweep and one agency's progression as Prefect flow runs, driven from the command line."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path
from uuid import UUID

import pytest

from notifications.smtp_sink import SmtpSink
from tests.conftest import Cli
from tests.integration.demo_state import demo_without_contacts, more_agencies

pytestmark = pytest.mark.usefixtures("prefect_api")

TODAY = "2026-11-23"
KEYS = {"as_of", "agencies", "worked_out", "stages_started", "stalled", "due_items", "reminders_queued", "reminders_sent",
        "reminders_failed", "flow_run_id"}  # fmt: skip


@pytest.fixture
def demo(bare_cli: Cli, smtp: SmtpSink, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """The demo state, its reminders going to a real SMTP server: a director per launched agency, a state lead."""
    monkeypatch.setenv("IPS_ROADMAP_MAIL_URL", smtp.url)
    demo_without_contacts(bare_cli, TODAY)
    for agency in ("prairie-hills-counseling-center", "lakeshore-behavioral-health", "pinecrest-behavioral-health"):
        bare_cli.ok("contact", "add", agency, "--role", "director", "--name", f"Director {agency[:5]}",
                    "--email", f"director@{agency[:5]}.example")  # fmt: skip
    bare_cli.ok("contact", "add", "--role", "state-lead", "--name", "Sam Reed", "--email", "sam@state.example")
    return bare_cli


def flow_run(run_id: str) -> tuple[str, int]:
    """The run's final state and how many task runs it made, as Prefect recorded them."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        run = client.read_flow_run(UUID(run_id))
        assert run.state is not None
        # Task runs are recorded from events, a moment after the flow returns.
        count, deadline = -1, time.monotonic() + 20
        while time.monotonic() < deadline:
            runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[UUID(run_id)])))
            if len(runs) == count:
                break
            count = len(runs)
            time.sleep(0.5)
        return run.state.type.value, count


def state_of(cli: Cli) -> tuple[object, object]:
    return cli.ok("agency", "list", "--as-of", TODAY, "--json").json(), cli.ok("outbox", "list", "--json").json()


def test_a_sweep_is_one_flow_run_with_a_bounded_number_of_task_runs(demo: Cli, tmp_path: Path) -> None:
    small = demo.ok("sweep", "--as-of", TODAY, "--json").json()
    assert set(small) == KEYS and small["as_of"] == TODAY and small["agencies"] == small["worked_out"] == 12
    assert small["stalled"] == 2 and small["due_items"] > 0
    state, small_tasks = flow_run(small["flow_run_id"])
    assert state == "COMPLETED"
    more_agencies(demo, tmp_path, 40, as_of=TODAY)
    large = demo.ok("sweep", "--as-of", TODAY, "--json").json()
    assert large["agencies"] == 52 and large["due_items"] > small["due_items"]
    assert large["worked_out"] == 40  # the first twelve, swept already that day and unchanged, are passed by
    # A plan, at most eight batches, a delivery: 52 agencies make no more task runs than 12.
    assert flow_run(large["flow_run_id"]) == ("COMPLETED", small_tasks) and small_tasks <= 10


def test_the_same_date_twice_changes_nothing_the_second_time(demo: Cli) -> None:
    first = demo.ok("sweep", "--as-of", "2026-12-01", "--json").json()
    assert first["reminders_queued"] > 0 and first["reminders_sent"] == first["reminders_queued"]
    before = state_of(demo)
    again = demo.ok("sweep", "--as-of", "2026-12-01", "--json").json()
    assert (again["stages_started"], again["reminders_queued"], again["reminders_sent"]) == (0, 0, 0)
    # Every agency is passed by, counted from what the first run kept.
    assert (again["worked_out"], again["due_items"], again["stalled"]) == (0, first["due_items"], first["stalled"])
    assert state_of(demo) == before


def test_advance_runs_one_agency_and_refuses_an_unknown_one(demo: Cli) -> None:
    result = demo.ok("advance", "prairie-hills-counseling-center", "--as-of", "2026-12-01", "--json").json()
    assert result["agency"] == "prairie-hills-counseling-center" and result["agencies"] == 1
    assert result["reminders_queued"] > 0 and flow_run(result["flow_run_id"])[0] == "COMPLETED"
    queued = {e["agency"] for e in demo.ok("outbox", "list", "--status", "pending", "--json").json()}
    assert queued == {"prairie-hills-counseling-center"}  # handed to the outbox; delivery is the sweep's
    refused = demo("advance", "no-such-agency")
    assert refused.code == 2 and refused.err.count("\n") == 1 and "unknown agency 'no-such-agency'" in refused.err


def test_the_quarterly_summary_flow_writes_the_last_quarter_as_html_and_json(demo: Cli, tmp_path: Path) -> None:
    from flows.quarterly import quarterly_summary
    from flows.runtime import lend
    from roadmap.bootstrap import build
    from roadmap.settings import load_settings

    app = build(load_settings(demo.url))
    try:
        with lend(app):
            summary = quarterly_summary(as_of=date(2026, 11, 23))
    finally:
        app.close()
    assert summary["quarter"] == "2026Q3" and flow_run(summary["flow_run_id"])[0] == "COMPLETED"
    page, document = Path(summary["html"]), Path(summary["json"])
    assert page.name == "quarter-2026Q3.html" and page.parent == tmp_path / ".ips-roadmap" / "reports"
    written = json.loads(document.read_text())
    assert written == demo.ok("report", "quarter", "--quarter", "2026Q3", "--as-of", TODAY, "--json").json()
    # Three launched agencies, and Two Rivers, tracked from 24 September: the quarter it was imported in is owed.
    assert written["totals"]["outcome_reports_owed"] == 4 and "Quarterly roadmap summary, 2026Q3" in page.read_text()
