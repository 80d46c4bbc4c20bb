"""The daily sweep's schedule: served from this process (`ips-roadmap serve`) or deployed to a work pool.

Both need a real Prefect server: the local temporary one that ad-hoc runs use does not run Prefect's scheduler.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from prefect import Flow, serve
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron, Schedule

from flows.sweep import daily_sweep
from roadmap.domain.schedule import SweepSchedule

DAILY = "daily-sweep"
# Where the flows' source lives for a worker: the installed package's root (the folder holding flows/).
SOURCE = Path(__file__).resolve().parent.parent


def daily(schedule: SweepSchedule) -> Schedule:
    """The daily sweep at the state's local time.

    Cron with an IANA timezone keeps the local time across daylight-saving changes (an interval would drift).
    """
    return Cron(schedule.daily_cron(), timezone=schedule.timezone)


def serve_schedules(schedule: SweepSchedule) -> None:
    """Serve the daily sweep until interrupted; one run at a time (runs missed while down run when it is back)."""
    # Prefect's methods are typed as sync-or-async; called from sync code they return the value.
    deployment = cast(
        RunnerDeployment, daily_sweep.to_deployment(name=DAILY, schedule=daily(schedule), concurrency_limit=1)
    )
    # Leave the schedule active when this process stops: a restart must not find it paused.
    serve(deployment, pause_on_shutdown=False, print_starting_message=False)


def deploy_to_pool(schedule: SweepSchedule, pool: str) -> str:
    """Register the daily sweep as a deployment on a work pool, for `prefect worker start --pool POOL`."""
    source = cast(Flow[..., Any], daily_sweep.from_source(source=str(SOURCE), entrypoint="flows/sweep.py:daily_sweep"))
    deployment_id = source.deploy(
        name=DAILY, work_pool_name=pool, schedule=daily(schedule), concurrency_limit=1, print_next_steps=False
    )
    return str(deployment_id)
