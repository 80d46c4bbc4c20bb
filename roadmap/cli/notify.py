"""`ips-roadmap notify preview`: who would be reminded of what, as of a date."""

from __future__ import annotations

import typer

from roadmap.cli.output import print_json, show
from roadmap.cli.state import AsOf, JsonFlag, as_of_date, cli_state
from roadmap.cli.tables import reminders_table
from roadmap.services.reminders import preview_reminders
from roadmap.services.views import reminder_view

app = typer.Typer(help="Reminders to agency leaders and the state team.", no_args_is_help=True)


@app.command("preview")
def preview(ctx: typer.Context, as_of: AsOf = None, json: JsonFlag = False) -> None:
    """The reminder each contact is owed today per due item (nothing is sent)."""
    app_, today = cli_state(ctx).app, as_of_date(as_of)
    owed = preview_reminders(app_.uow(), app_.roadmap, app_.cadence, app_.reminder_rules, as_of=today)
    if json:
        print_json([reminder_view(reminder, today) for reminder in owed])
    else:
        show(reminders_table(owed, today))
