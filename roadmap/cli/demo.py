"""`ips-roadmap demo` and `ips-roadmap overview`."""

from __future__ import annotations

import typer

from roadmap.cli.output import print_json, show
from roadmap.cli.state import AsOf, JsonFlag, as_of_date, cli_state
from roadmap.cli.tables import overview_table
from roadmap.domain.completion import Standing
from roadmap.domain.definition import Roadmap
from roadmap.services import agencies
from roadmap.services.demo import build_demo
from roadmap.services.views import overview_view


def demo(ctx: typer.Context, as_of: AsOf = None, json: JsonFlag = False) -> None:
    """Build a realistic demo state (a dozen agencies) in a fresh database and print the overview."""
    state = cli_state(ctx)
    state.app.database.upgrade()
    standings = build_demo(state.app.uow(), state.app.roadmap, as_of=as_of_date(as_of))
    _print_overview(state.app.roadmap, standings, json)
    if not json:
        print(f"Demo state written to {state.app.database.masked_url}. Try: ips-roadmap agency list")


def overview(ctx: typer.Context, as_of: AsOf = None, json: JsonFlag = False) -> None:
    """Every agency against the ten stages."""
    state = cli_state(ctx)
    standings = agencies.list_agencies(state.app.uow(), state.app.roadmap, as_of=as_of_date(as_of))
    _print_overview(state.app.roadmap, standings, json)


def _print_overview(roadmap: Roadmap, standings: list[Standing], json: bool) -> None:
    if json:
        print_json(overview_view(standings))
    else:
        show(overview_table(roadmap, standings))
