"""`ips-roadmap outcomes ...`: each agency's quarterly counts of clients served and working."""

from __future__ import annotations

import math
from typing import Annotated

import typer
from rich.table import Table

from roadmap.cli.agency import AgencySlug, OnlyAgency
from roadmap.cli.output import export, print_json, show
from roadmap.cli.state import AsOf, CsvFile, JsonFlag, QuarterOption, XlsxFile, cli_state, export_targets, option_date
from roadmap.domain.errors import InvalidInput
from roadmap.services import outcomes
from roadmap.services.views import outcome_view

app = typer.Typer(help="Quarterly outcomes: clients served and working, against the benchmarks.", no_args_is_help=True)


@app.command("record")
def record(
    ctx: typer.Context,
    agency: AgencySlug,
    served: Annotated[int, typer.Option("--served", metavar="N", help="Clients served in the quarter.")],
    working: Annotated[int, typer.Option("--working", metavar="N", help="Of them, working in competitive jobs.")],
    quarter: QuarterOption = None,
    job_starts: Annotated[int | None, typer.Option("--job-starts", metavar="N", help="New jobs started.")] = None,
    in_school: Annotated[int | None, typer.Option("--in-school", metavar="N", help="Clients in education.")] = None,
    working_90_days: Annotated[
        int | None, typer.Option("--working-90-days", metavar="N", help="Of those working, in a job 90+ days.")
    ] = None,
    jobs_ended_before_90_days: Annotated[
        int | None, typer.Option("--jobs-ended-before-90-days", metavar="N", help="Jobs that ended within 90 days.")
    ] = None,
    avg_hours: Annotated[
        float | None, typer.Option("--avg-hours", metavar="HOURS", help="Average weekly hours of those working.")
    ] = None,
    on: Annotated[
        str | None, typer.Option("--on", metavar="DATE", help="When the report came in (default: today).")
    ] = None,
    as_of: AsOf = None,
    json: JsonFlag = False,
) -> None:
    """Record an agency's counts for a quarter (only numbers: no client is ever named); it is the quarter's report."""
    if avg_hours is not None and not math.isfinite(avg_hours):  # not "should be less than or equal to 80"
        raise InvalidInput(f"--avg-hours {avg_hours} is not a number of hours from 0 to 80")
    app, today = cli_state(ctx).app, cli_state(ctx).today(as_of)
    counts = outcomes.Counts(
        served, working, job_starts, in_school, working_90_days, jobs_ended_before_90_days, avg_hours
    )
    recorded = outcomes.record_outcomes(
        app.uow(), app.roadmap, app.cadence, agency, counts,
        quarter=quarter, on=option_date(on, "--on") if on else today, as_of=today,
    )  # fmt: skip
    view = outcome_view(recorded.outcome, app.settings.benchmarks)
    if json:
        print_json(view | {"report_recorded": recorded.report_recorded})
        return
    rate = (
        "no one served" if view["employment_rate"] is None else f"{view['employment_rate']}% working ({view['band']})"
    )
    print(f"{agency} {view['quarter']}: {served} served, {working} working — {rate}.")
    if recorded.report_recorded:
        print(f"Counted as the {view['quarter']} outcome report.")


@app.command("list")
def list_(
    ctx: typer.Context,
    agency: OnlyAgency = None,
    json: JsonFlag = False,
    csv: CsvFile = None,
    xlsx: XlsxFile = None,
) -> None:
    """Every reported quarter with its employment rate and band (31% minimal, 41% average, 50% excellent)."""
    targets = export_targets(csv, xlsx)
    app = cli_state(ctx).app
    views = [outcome_view(each, app.settings.benchmarks) for each in outcomes.list_outcomes(app.uow(), agency)]
    export(targets, views)
    if json:
        print_json(views)
        return
    table = Table(title=f"{len(views)} quarters reported", title_justify="left")
    for column in ("Agency", "Quarter", "Served", "Working", "Rate", "Band", "Job starts", "90+ days"):
        table.add_column(column, justify="left" if column in ("Agency", "Quarter", "Band") else "right")
    for view in views:
        rate = "—" if view["employment_rate"] is None else f"{view['employment_rate']}%"
        table.add_row(
            view["agency"], view["quarter"], str(view["served"]), str(view["working"]), rate, view["band"] or "—",
            "" if view["job_starts"] is None else str(view["job_starts"]),
            "" if view["working_90_days"] is None else str(view["working_90_days"]),
        )  # fmt: skip
    show(table)
