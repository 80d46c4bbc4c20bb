"""`ips-roadmap audit`: who changed what, when, and what it was before."""

from __future__ import annotations

from typing import Annotated

import typer

from roadmap.cli.output import print_json, show
from roadmap.cli.state import JsonFlag, cli_state, optional_date
from roadmap.cli.tables import audit_table
from roadmap.services.audit import audit_trail
from roadmap.services.views import audit_view


def audit(
    ctx: typer.Context,
    agency: Annotated[
        str | None, typer.Argument(metavar="[AGENCY]", help="Only this agency's changes (slug).", show_default=False)
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", metavar="DATE", help="Only changes made on or after DATE (UTC day).")
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Every change to agencies, stages, checklists, reviews, scores, action plans, outcomes, contacts and rules."""
    day = optional_date(since, "--since")
    entries = audit_trail(cli_state(ctx).app.uow(), agency, since=day)
    if json:
        print_json([audit_view(entry) for entry in entries])
        return
    show(audit_table(entries, agency))
