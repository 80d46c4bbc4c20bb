"""`ips-roadmap web`: the dashboard and agency pages in a browser; everyone signs in as themselves."""

from __future__ import annotations

import ipaddress
import sys
from typing import Annotated

import typer

from roadmap.cli.state import AsOf, as_of_or_none, cli_state
from roadmap.domain.errors import InvalidInput
from roadmap.settings import WebSettings

LOOPBACK_NAMES = frozenset({"localhost"})


def web(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option("--host", help="Where to listen; beyond 127.0.0.1 needs IPS_ROADMAP_WEB__BASE_URL.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="The port.")] = 8000,
    as_of: AsOf = None,
) -> None:
    """Serve the state overview, agency pages and the JSON API (/api/agencies; schema at /openapi.json)."""
    app = cli_state(ctx).app
    check_serving(host, app.settings.web)
    # Imported here: the server and FastAPI load only for this command.
    import uvicorn

    from roadmap.web.app import create_app, settle_heap

    with app.uow():
        pass  # refuses a database without the current schema before the server starts
    served = create_app(app, as_of=as_of_or_none(as_of), local_port=port)
    settle_heap()
    print(f"Serving http://{host}:{port}/ (Ctrl+C stops); `ips-roadmap user link EMAIL` prints a sign-in link")
    if app.settings.web.base_url:
        print(f"People reach it at {app.settings.web.address}/")
    uvicorn.run(served, host=host, port=port, log_level="warning")


def is_loopback(host: str) -> bool:
    """The address only this machine can reach."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_serving(host: str, settings: WebSettings) -> None:
    """Refuse the retired shared password, and listening off loopback without the address people use."""
    if settings.shared_password_set:
        raise InvalidInput(
            "IPS_ROADMAP_WEB__USERNAME / IPS_ROADMAP_WEB__PASSWORD (one shared password) are no longer used: add "
            "each person with `ips-roadmap user add EMAIL --name NAME --role ROLE`, then unset them"
        )
    if is_loopback(host):
        return
    if not settings.base_url:
        raise InvalidInput(
            f"--host {host} lets other machines in: set IPS_ROADMAP_WEB__BASE_URL to the address people use "
            "(the app answers to that host name only), or keep the default 127.0.0.1"
        )
    if not settings.base_url.startswith("https://"):
        print(
            f"warning: {settings.base_url} is plain HTTP: sign-in links and sessions cross the network readable; "
            "put the app behind a TLS proxy and give its https:// address",
            file=sys.stderr,
        )
