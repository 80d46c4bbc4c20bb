"""`ips-roadmap link ...`: personal links that open one agency's pages in `ips-roadmap web`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.table import Table

from roadmap.cli.agency import AgencySlug, OnlyAgency
from roadmap.cli.output import print_json, show
from roadmap.cli.state import JsonFlag, cli_state
from roadmap.services import links
from roadmap.services.views import access_link_view

app = typer.Typer(help="Personal links to one agency's pages (expiring, revocable).", no_args_is_help=True)


@app.command("create")
def create(
    ctx: typer.Context,
    agency: AgencySlug,
    days: Annotated[int, typer.Option("--days", metavar="N", help="How long the link works (1-366 days).")] = 90,
    label: Annotated[str, typer.Option("--label", metavar="TEXT", help="Whom it is for, e.g. the director.")] = "",
    json: JsonFlag = False,
) -> None:
    """Make a link that opens this agency's pages only (a signed token: `link list` never shows it); its days
    count from today's real date."""
    app = cli_state(ctx).app
    made = links.create_link(app.uow(), agency, days=days, label=label, today=cli_state(ctx).today(None))
    url = f"{app.settings.web.address}/a/{made.token}"
    if json:
        print_json(access_link_view(made.link) | {"url": url})
        return
    print(url)
    print(f"Link {made.link.id} opens {agency}'s pages until {made.link.expires_on}; `ips-roadmap link revoke "
          f"{made.link.id}` stops it.")  # fmt: skip


@app.command("list")
def list_(
    ctx: typer.Context,
    agency: OnlyAgency = None,
    json: JsonFlag = False,
) -> None:
    """Every link: agency, label, until when, revoked (never the link itself)."""
    listed = links.list_links(cli_state(ctx).app.uow(), agency)
    if json:
        print_json([access_link_view(link) for link in listed])
        return
    table = Table(title=f"{len(listed)} links", title_justify="left")
    for column in ("ID", "Agency", "Label", "Expires", "Revoked"):
        table.add_column(column)
    for link in listed:
        revoked = link.revoked_at.date().isoformat() if link.revoked_at else ""
        table.add_row(str(link.id), link.agency, link.label, link.expires_on.isoformat(), revoked)
    show(table)


@app.command("revoke")
def revoke(
    ctx: typer.Context,
    link_id: Annotated[int, typer.Argument(metavar="ID", min=1, max=2**31 - 1, help="See `link list`.")],
) -> None:
    """Stop a link at once."""
    revoked = links.revoke_link(cli_state(ctx).app.uow(), link_id, at=datetime.now(UTC))
    print(f"Link {link_id} to {revoked.agency} revoked.")
    if revoked.contact_id is not None:
        # A reminder link stands for its contact: the next reminder brings them a new one.
        print(f"Their next reminder carries a new link; `ips-roadmap contact remove {revoked.contact_id}` stops them.")
