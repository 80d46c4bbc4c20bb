"""`ips-roadmap web`: the dashboard and agency pages in a browser (127.0.0.1 unless credentials are set)."""

from __future__ import annotations

from typing import Annotated

import typer

from roadmap.cli.state import AsOf, as_of_or_none, cli_state
from roadmap.web.access import check_binding


def web(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option("--host", help="Where to listen; beyond 127.0.0.1 needs IPS_ROADMAP_WEB__USERNAME/PASSWORD.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="The port.")] = 8000,
    as_of: AsOf = None,
) -> None:
    """Serve the state overview, agency pages and the JSON API (/api/agencies; schema at /openapi.json)."""
    app = cli_state(ctx).app
    check_binding(host, app.settings.web.credentials())
    # Imported here: the server and FastAPI load only for this command.
    import uvicorn

    from roadmap.web.app import create_app, settle_heap

    with app.uow():
        pass  # refuses a database without the current schema before the server starts
    served = create_app(app, as_of=as_of_or_none(as_of))
    settle_heap()
    print(f"Serving http://{host}:{port}/ (Ctrl+C stops)")
    uvicorn.run(served, host=host, port=port, log_level="warning")
