"""The admin's page of people who sign in: who they are, their roles, adding one, disabling one."""

from __future__ import annotations

from urllib.parse import unquote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from roadmap.domain.errors import Forbidden, RoadmapError
from roadmap.render.web import render_users
from roadmap.services.trainers import list_trainers
from roadmap.services.users import add_user, disable_user, list_users
from roadmap.web.context import SAID_COOKIE, Posted, Web, said_cookie
from roadmap.web.signin import origin_of


def add_people_routes(api: FastAPI, web: Web) -> None:
    """GET /users, POST /users (add), POST /users/disable."""

    def page(request: Request, message: str | None = None, typed: dict[str, str] | None = None) -> str:
        users = list_users(web.uow(request))
        trainers = [trainer.name for trainer in list_trainers(web.uow(request))]
        return render_users(
            users, trainers, web.chrome(request), as_of=web.today(), address=origin_of(request, web), message=message,
            typed=typed,
        )  # fmt: skip

    @api.get("/users", response_class=HTMLResponse, include_in_schema=False)
    def people(request: Request) -> Response:
        said = request.cookies.get(SAID_COOKIE)
        shown = HTMLResponse(page(request, unquote(said) if said else None))
        if said:
            shown.delete_cookie(SAID_COOKIE, path="/users")
        return shown

    @api.post("/users", include_in_schema=False)
    def add(request: Request, body: bytes = Posted) -> Response:
        form = web.form(request, body)
        regions = [region.strip() for region in form.get("regions", "").split(",") if region.strip()]
        try:
            added = add_user(
                web.uow(request), form.get("email", ""), name=form.get("name", ""), role=form.get("role", ""),
                regions=regions, trainer=form.get("trainer") or None,
            )  # fmt: skip
        except Forbidden:
            raise
        except RoadmapError as error:
            return HTMLResponse(page(request, f"Not added: {error}", form), status_code=400)
        back = RedirectResponse("/users", status_code=303)
        said_cookie(back, "/users", f"{added.name} may sign in as {added.role.value} with {added.email}.")
        return back

    @api.post("/users/disable", include_in_schema=False)
    def disable(request: Request, body: bytes = Posted) -> Response:
        form = web.form(request, body)
        disabled = disable_user(web.uow(request), form.get("email", ""), at=web.gate.now())
        back = RedirectResponse("/users", status_code=303)
        said_cookie(back, "/users", f"{disabled.email} can no longer sign in; their sessions and tokens have ended.")
        return back
