"""The FastAPI app: HTML pages for people, /api/ for scripts, one stylesheet served here (no CDN).

Every request passes the guard (its Host, its size; the security headers on the way out), then a route says
who is asking (a session, an agency link, a bearer token) and calls a use case that checks what they may do.
Nobody is let in for asking from this machine: the demo signs its admin in with a printed one-time link.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import date, datetime, timedelta

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from notifications.delivery import AppriseSender
from roadmap import __version__
from roadmap.bootstrap import Application
from roadmap.domain.errors import Forbidden, NotFound, RoadmapError, StorageError
from roadmap.render.web import Chrome, render_notice
from roadmap.services.users import SessionRules
from roadmap.web.api import add_api_routes
from roadmap.web.context import Web
from roadmap.web.guard import Guard
from roadmap.web.identity import Gate, Unauthenticated, abilities_of, hosts_and_origins, is_bearer
from roadmap.web.oidc import add_oidc_routes
from roadmap.web.pages import add_page_routes
from roadmap.web.people import add_people_routes
from roadmap.web.signin import add_sign_in_routes
from roadmap.web.throttle import Throttle

# Sign-in emails in any quarter of an hour: five for one address from one client, thirty from a client (an office
# behind one address), twenty for an address from anywhere (so one client cannot lock a person out).
SIGN_IN_LIMIT, CLIENT_LIMIT, ADDRESS_LIMIT = (5, 900.0), (30, 900.0), (20, 900.0)


def create_app(
    application: Application,
    *,
    as_of: date | None = None,
    local_port: int | None = None,
    clock: Callable[[], datetime] | None = None,
) -> FastAPI:
    """The app over one Application. `as_of` fixes the date pages are shown for (never how long links, sessions
    and tokens last: they follow `clock`, the real one by default); it answers to the base URL's host and, given
    `local_port`, to this machine's loopback names on that port."""
    settings = application.settings.web
    hosts, origins = hosts_and_origins(settings.base_url, local_port)
    https = settings.address.startswith("https://")
    rules = SessionRules(
        idle=timedelta(hours=settings.session_idle_hours), absolute=timedelta(days=settings.session_days)
    )
    gate = Gate(application, origins, https, rules, abilities_of(settings.link_actions))
    if clock is not None:
        gate.clock = clock
    mail = AppriseSender(application.settings.mail_url)
    throttles = Throttle(*SIGN_IN_LIMIT), Throttle(*CLIENT_LIMIT), Throttle(*ADDRESS_LIMIT)
    web = Web(application, gate, as_of, mail, *throttles)
    api = FastAPI(
        title="ips-roadmap",
        version=__version__,
        description="Every agency's progress along the IPS implementation roadmap.",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    # Before /sign-in/{secret}, which would otherwise take "oidc" for a sign-in link's secret.
    add_oidc_routes(api, web, settings)
    add_sign_in_routes(api, web)
    add_page_routes(api, web)
    add_api_routes(api, web)
    add_people_routes(api, web)
    add_error_pages(api, web)
    api.add_middleware(Guard, hosts=hosts, https=https)
    return api


def add_error_pages(api: FastAPI, web: Web) -> None:
    """Refusals in one line: JSON for /api/, a page otherwise; never a traceback, never the agency's data."""

    def is_api(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    def chrome(request: Request) -> Chrome:
        try:
            return web.chrome(request)
        except (Unauthenticated, RoadmapError):
            return Chrome(state_pages=False)

    @api.exception_handler(Unauthenticated)
    async def unauthenticated(request: Request, error: Unauthenticated) -> Response:
        response: Response
        if is_api(request) or is_bearer(request.headers.get("authorization", "")):
            response = JSONResponse({"detail": str(error)}, 401, {"WWW-Authenticate": "Bearer"})
        elif request.method == "GET":
            response = RedirectResponse(f"/sign-in?next={request.url.path}", status_code=303)
        else:
            text = "Sign in again: your session has ended."
            response = HTMLResponse(render_notice(chrome(request), title="Signed out", text=text,
                                                  as_of=web.today(), sign_in=True), 401)  # fmt: skip
        stale = getattr(request.state, "visitor", None)
        for name in getattr(stale, "stale", ()):
            response.delete_cookie(name, httponly=True, secure=web.gate.https)
        return response

    @api.exception_handler(RoadmapError)
    async def refused(request: Request, error: RoadmapError) -> Response:
        if isinstance(error, Forbidden):
            status = 403
        elif isinstance(error, NotFound):
            status = 404
        elif isinstance(error, StorageError):
            status = 503
        else:
            status = 422 if is_api(request) else 400
        if is_api(request):
            return JSONResponse({"detail": str(error)}, status_code=status)
        page = render_notice(chrome(request), title="Not available", text=str(error), as_of=web.today())
        return HTMLResponse(page, status)

    @api.exception_handler(RequestValidationError)
    async def malformed(request: Request, error: RequestValidationError) -> Response:
        first = error.errors()[0] if error.errors() else {"loc": (), "msg": "malformed request"}
        where = ".".join(str(part) for part in first.get("loc", ()) if part not in ("query", "path", "body"))
        text = f"{where}: {first.get('msg', 'malformed')}" if where else str(first.get("msg", "malformed request"))
        if is_api(request):
            return JSONResponse({"detail": text}, status_code=422)
        return HTMLResponse(render_notice(chrome(request), title="Not available", text=text, as_of=web.today()), 400)


def settle_heap() -> None:
    """Once the app is built: keep the garbage collector from re-scanning what lives as long as the process.

    A page of a large state makes some hundred thousand short-lived objects; each full collection they
    trigger walked every module, template and table loaded at start-up too, which was about a third of the
    overview's time at 1,000 agencies. Objects made later are collected as usual.
    """
    gc.collect()
    gc.freeze()
