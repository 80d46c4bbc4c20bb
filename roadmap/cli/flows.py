"""`ips-roadmap advance`, `sweep` and `serve`: the Prefect flows, run from the command line.

Prefect is imported only here, inside the commands, and only after its settings are prepared: importing it
takes seconds, and every other command should stay quick.
"""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer

from roadmap.bootstrap import Application
from roadmap.cli.agency import AgencySlug
from roadmap.cli.output import print_json, show
from roadmap.cli.state import AsOf, JsonFlag, as_of_or_none, cli_state
from roadmap.cli.tables import sweep_table
from roadmap.domain.errors import InvalidInput


def _ready(app_: Application, agency: str | None = None) -> None:
    """Refuse before Prefect starts (a refusal inside a flow run would be logged with a traceback)."""
    from flows.environment import prepare

    with app_.uow() as uow:  # the schema must be current, and a named agency must exist
        if agency is not None:
            uow.agencies.get(agency)
    prepare(app_.settings.data_dir)


def advance(ctx: typer.Context, agency: AgencySlug, as_of: AsOf = None, json: JsonFlag = False) -> None:
    """Run one agency's progression now: start ready stages, flag a stall, queue its reminders."""
    app_ = cli_state(ctx).app
    day = as_of_or_none(as_of)
    _ready(app_, agency)
    from flows.runtime import lend
    from flows.sweep import agency_progression

    with lend(app_):
        summary = agency_progression(agency=agency, as_of=day)
    _report(summary, json)


def sweep(ctx: typer.Context, as_of: AsOf = None, json: JsonFlag = False) -> None:
    """Run the daily sweep now as a Prefect flow run: every agency, then delivery of pending reminders."""
    app_ = cli_state(ctx).app
    day = as_of_or_none(as_of)
    _ready(app_)
    from flows.runtime import lend
    from flows.sweep import daily_sweep

    with lend(app_):
        summary = daily_sweep(as_of=day)
    _report(summary, json)


def _scheduler(app_: Application) -> None:
    if not os.environ.get("PREFECT_API_URL"):
        raise InvalidInput(
            "schedules need a Prefect server (the temporary local one does not run schedules): start one with "
            "`prefect server start` and set PREFECT_API_URL=http://127.0.0.1:4200/api; see the README"
        )
    _ready(app_)


def serve(ctx: typer.Context) -> None:
    """Serve the daily sweep and the quarterly summary on their schedules until interrupted (needs PREFECT_API_URL)."""
    app_ = cli_state(ctx).app
    _scheduler(app_)
    from flows.serve import serve_schedules

    schedule = app_.settings.schedule
    print(f"Serving the daily sweep at {schedule.time:%H:%M} {schedule.timezone} and the quarterly summary on the "
          "first of February, May, August and November; Ctrl-C stops.", flush=True)  # fmt: skip
    serve_schedules(schedule)


def deploy(
    ctx: typer.Context,
    pool: Annotated[str, typer.Option("--pool", metavar="WORK_POOL", help="A Prefect work pool (type process).")],
    json: JsonFlag = False,
) -> None:
    """Register the daily sweep and the quarterly summary on a Prefect work pool (needs PREFECT_API_URL)."""
    app_ = cli_state(ctx).app
    _scheduler(app_)
    from flows.serve import deploy_to_pool

    schedule = app_.settings.schedule
    deployments = deploy_to_pool(schedule, pool)
    document = {"deployments": deployments, "pool": pool,
                "schedule": f"{schedule.time:%H:%M} {schedule.timezone}"}  # fmt: skip
    if json:
        print_json(document)
    else:
        daily, quarterly = deployments
        print(f"Deployed {daily} (daily at {document['schedule']}) and {quarterly} (1 Feb, May, Aug, Nov) "
              f"to work pool {pool!r}. Start a worker: prefect worker start --pool {pool}")  # fmt: skip


def _report(summary: dict[str, Any], json: bool) -> None:
    if json:
        print_json(summary)
    else:
        show(sweep_table(summary))
