"""`ips-roadmap due`: what every agency owes soon, and what is overdue."""

from __future__ import annotations

from typing import Annotated

import typer

from roadmap.cli.output import export, print_json, show, warn_nobody_to_remind
from roadmap.cli.state import AsOf, CsvFile, JsonFlag, XlsxFile, cli_state, export_targets
from roadmap.cli.tables import due_items_table
from roadmap.services.contacts import agencies_nobody_reminds
from roadmap.services.due import state_due
from roadmap.services.views import due_item_view


def due(
    ctx: typer.Context,
    within: Annotated[int, typer.Option("--within", metavar="DAYS", help="Look this many days ahead.")] = 30,
    agency: Annotated[str | None, typer.Option("--agency", metavar="AGENCY", help="Only this agency.")] = None,
    as_of: AsOf = None,
    json: JsonFlag = False,
    csv: CsvFile = None,
    xlsx: XlsxFile = None,
) -> None:
    """Everything overdue or due within DAYS: reviews, action-plan steps, checklist items past their stage norm."""
    targets = export_targets(csv, xlsx)
    app, today = cli_state(ctx).app, cli_state(ctx).today(as_of)
    items = state_due(app.uow(), app.roadmap, app.cadence, as_of=today, within_days=within, agency=agency, people=False)
    export(targets, [due_item_view(item, today) for item in items])
    if json:
        print_json([due_item_view(item, today) for item in items])
    else:
        show(due_items_table(items, today, within))
        if agency is None:
            warn_nobody_to_remind(agencies_nobody_reminds(app.uow(), as_of=today))
