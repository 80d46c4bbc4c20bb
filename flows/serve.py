"""The schedules (daily sweep, quarterly summary): served here (`ips-roadmap serve`) or deployed to a work pool.

Both need a real Prefect server: the local temporary one that ad-hoc runs use does not run Prefect's scheduler.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from prefect import Flow, serve
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron, Schedule

from flows.quarterly import quarterly_summary
from flows.sweep import daily_sweep
from roadmap.domain.schedule import SweepSchedule

DAILY = "daily-sweep"
QUARTERLY = "quarterly-summary"
# Where the flows' source lives for a worker: the installed package's root (the folder holding flows/).
SOURCE = Path(__file__).resolve().parent.parent


def daily(schedule: SweepSchedule) -> Schedule:
    """The daily sweep at the state's local time.

    Cron with an IANA timezone keeps the local time across daylight-saving changes (an interval would drift).
    """
    return Cron(schedule.daily_cron(), timezone=schedule.timezone)


def quarterly(schedule: SweepSchedule) -> Schedule:
    """The quarterly summary on 1 February, May, August and November, at the daily sweep's local time."""
    return Cron(schedule.quarterly_cron(), timezone=schedule.timezone)


def serve_schedules(schedule: SweepSchedule) -> None:
    """Serve the daily sweep and the quarterly summary until interrupted, one run of each at a time."""
    # Prefect's methods are typed as sync-or-async; called from sync code they return the value.
    deployments = [
        cast(RunnerDeployment, daily_sweep.to_deployment(name=DAILY, schedule=daily(schedule), concurrency_limit=1)),
        cast(
            RunnerDeployment,
            quarterly_summary.to_deployment(name=QUARTERLY, schedule=quarterly(schedule), concurrency_limit=1),
        ),
    ]
    # Leave the schedules active when this process stops: a restart must not find them paused.
    serve(*deployments, pause_on_shutdown=False, print_starting_message=False)


def deploy_to_pool(schedule: SweepSchedule, pool: str) -> dict[str, str]:
    """Register the daily sweep and the quarterly summary on a work pool, for `prefect worker start --pool POOL`.

    Returns each deployment's name and id.
    """
    ids = {}
    for flow_, entrypoint, name, when in (
        (daily_sweep, "flows/sweep.py:daily_sweep", DAILY, daily(schedule)),
        (quarterly_summary, "flows/quarterly.py:quarterly_summary", QUARTERLY, quarterly(schedule)),
    ):
        source = cast(Flow[..., Any], flow_.from_source(source=str(SOURCE), entrypoint=entrypoint))
        deployment_id = source.deploy(
            name=name, work_pool_name=pool, schedule=when, concurrency_limit=1, print_next_steps=False
        )
        ids[f"{name}/{name}"] = str(deployment_id)
    return ids
