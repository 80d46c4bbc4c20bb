"""`ips-roadmap routine ...`: the roadmap's recurring meetings, visits and reports, and recording them done."""

from __future__ import annotations

from typing import Annotated

import typer

from roadmap.cli.agency import AgencySlug, OnlyAgency
from roadmap.cli.output import print_json, show
from roadmap.cli.state import AsOf, JsonFlag, OnDate, QuarterOption, cli_state, option_date
from roadmap.cli.tables import routine_history_table, routines_table
from roadmap.services import routines
from roadmap.services.views import occurrence_view, routine_done_view, routine_view

app = typer.Typer(help="Recurring meetings, trainer visits and quarterly reports.", no_args_is_help=True)


@app.command("list")
def list_(ctx: typer.Context, json: JsonFlag = False) -> None:
    """Every routine, the stages it runs between and how often it falls due."""
    listed = cli_state(ctx).app.roadmap.routines.routines
    if json:
        print_json([routine_view(routine) for routine in listed])
    else:
        show(routines_table(listed))


@app.command("done")
def done(
    ctx: typer.Context,
    agency: AgencySlug,
    routine: Annotated[str, typer.Argument(metavar="ROUTINE", help="A routine key (see `routine list`).")],
    on: OnDate,
    quarter: QuarterOption = None,
    as_of: AsOf = None,
    json: JsonFlag = False,
) -> None:
    """Record that a meeting was held, a visit made or a report sent; the next one is then due from that day."""
    app, today = cli_state(ctx).app, cli_state(ctx).today(as_of)
    recorded = routines.record_done(
        app.uow(), app.roadmap, app.cadence, agency, routine, on=option_date(on, "--on"), as_of=today, quarter=quarter
    )
    if json:
        print_json(routine_done_view(recorded, today))
        return
    covering = f" (for {recorded.period})" if recorded.period else ""
    print(f"{recorded.routine.title}{covering} recorded for {agency} on {recorded.done_on}.")
    if recorded.next_due is not None:
        print(f"Next one due {recorded.next_due.due_on}.")


@app.command("history")
def history(
    ctx: typer.Context,
    agency: OnlyAgency = None,
    json: JsonFlag = False,
) -> None:
    """Recorded occurrences, newest first."""
    rows = routines.routine_history(cli_state(ctx).app.uow(), agency)
    if json:
        print_json([occurrence_view(slug, key, each) for slug, key, each in rows])
    else:
        show(routine_history_table(rows))
