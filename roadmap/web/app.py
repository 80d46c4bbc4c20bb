"""The FastAPI app: HTML pages for people, /api/ for scripts, one stylesheet served here (no CDN)."""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated
from urllib.parse import quote, unquote

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.security import HTTPBasic, HTTPBasicCredentials

from roadmap import __version__
from roadmap.bootstrap import Application
from roadmap.domain.audit import Actor
from roadmap.domain.errors import NotFound, RoadmapError
from roadmap.domain.fidelity import validate_scores
from roadmap.domain.permission import Kind, Principal, link_holder
from roadmap.domain.user import UserRole
from roadmap.render import render_fidelity_report
from roadmap.render.web import render_agency, render_due, render_overview, render_trainer, stylesheet
from roadmap.services.agencies import count_agencies, list_agencies, mark_item_done, show_agency
from roadmap.services.fidelity_report import build_report
from roadmap.services.links import open_link
from roadmap.services.outcomes import Counts, record_outcomes
from roadmap.services.pages import agency_page, due_page, overview_page, trainer_page
from roadmap.services.reviews import record_review, review_recorded
from roadmap.services.views import agency_view
from roadmap.web import forms
from roadmap.web.access import credentials_match

_basic = HTTPBasic(auto_error=False)
# The cookie an agency link sets: its token, sent back by the browser, never readable by scripts.
LINK_COOKIE = "ips_roadmap_link"
LINK_COOKIE_SECONDS = 30 * 24 * 3600
# What a form just recorded, shown once on the page it returns to.
SAID_COOKIE = "ips_roadmap_said"
# Agencies per page of /api/agencies: a page is read well within the 200 ms a page may take at 1,000 agencies.
API_PAGE = 100


@dataclass(frozen=True)
class Visitor:
    """Who is asking: the state team (agency None) or the holder of one agency's link; `user` once signed in."""

    agency: str | None
    user: str | None = None

    @property
    def principal(self) -> Principal:
        """Who the use cases check and the audit trail names for a request from the browser."""
        if self.agency is not None:
            return link_holder(self.agency, None, ())
        return Principal(kind=Kind.USER, actor=Actor(name=self.user or "loopback", via="web"), role=UserRole.ADMIN)


def create_app(application: Application, *, as_of: date | None = None) -> FastAPI:
    """The app over one Application; `as_of` fixes the date the pages are for (default: today in the state)."""
    settings = application.settings
    expected = settings.web.credentials()
    https = settings.web.address.startswith("https://")

    def today() -> date:
        return as_of or settings.schedule.run_for(None, datetime.now(UTC))[0]

    def visitor(request: Request, given: Annotated[HTTPBasicCredentials | None, Depends(_basic)]) -> Visitor:
        """The state team (signed in, or anyone on an open loopback app), or an agency's link holder."""
        if expected is not None and given is not None and credentials_match((given.username, given.password), expected):
            return Visitor(agency=None, user=given.username)
        token = request.cookies.get(LINK_COOKIE)
        link = open_link(application.uow(), token, on=today()) if token else None
        if link is not None:
            return Visitor(agency=link.agency)
        if expected is None:
            # Without configured credentials the app only ever listens on loopback (checked before it starts).
            return Visitor(agency=None)
        raise HTTPException(401, "sign in with the state team's credentials", {"WWW-Authenticate": "Basic"})

    # Dependencies take defaults, not local Annotated aliases: annotations here are strings FastAPI resolves in
    # the module, where a name local to this function does not exist.
    def state_team(who: Visitor = Depends(visitor)) -> Visitor:
        if who.agency is not None:
            raise HTTPException(403, "this link opens one agency's pages only")
        return who

    def agency_or_team(slug: str, who: Visitor = Depends(visitor)) -> Visitor:
        if who.agency is not None and who.agency != slug:
            raise HTTPException(403, "this link opens one agency's pages only")
        return who

    Team = Depends(state_team)

    api = FastAPI(
        title="ips-roadmap",
        version=__version__,
        description="Every agency's progress along the IPS implementation roadmap.",
        docs_url=None,
        redoc_url=None,
    )

    @api.get("/a/{token}", include_in_schema=False)
    def follow(token: str) -> Response:
        """An agency's personal link: remembered in a cookie, then that agency's page."""
        link = open_link(application.uow(), token, on=today())
        if link is None:
            return HTMLResponse(
                "<!doctype html><title>Link not valid</title><p>This link has expired or was revoked: ask the state "
                "team for a new one.</p>",
                status_code=403,
            )
        response = RedirectResponse(f"/agencies/{link.agency}", status_code=303)
        # Behind the HTTPS address reminders carry, the browser sends the link's cookie over HTTPS only.
        response.set_cookie(
            LINK_COOKIE, token, httponly=True, samesite="lax", max_age=LINK_COOKIE_SECONDS, secure=https
        )
        return response

    @api.exception_handler(RoadmapError)
    async def refused(request: Request, error: RoadmapError) -> Response:
        status = 404 if isinstance(error, NotFound) else 400
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": str(error)}, status_code=status)
        return HTMLResponse(f"<!doctype html><title>Not available</title><p>{_escape(str(error))}</p>", status)

    @api.get("/", response_class=HTMLResponse, include_in_schema=False, dependencies=[Team])
    def overview(page: int = 1, region: str | None = None) -> str:
        shown = overview_page(application.uow(), application.roadmap, application.cadence, as_of=today())
        return render_overview(shown, application.roadmap, region=region, number=page)

    def agency_html(
        slug: str,
        message: str | None = None,
        *,
        scoped: bool = False,
        form: str | None = None,
        typed: dict[str, str] | None = None,
    ) -> str:
        page = agency_page(application.uow(), application.roadmap, application.cadence, slug, as_of=today())
        return render_agency(
            page, application.roadmap, application.scale, settings.benchmarks,
            scoped=scoped, message=message, form=form, typed=typed,
        )  # fmt: skip

    @api.get("/agencies/{slug}", response_class=HTMLResponse, include_in_schema=False)
    def agency(slug: str, request: Request, who: Visitor = Depends(agency_or_team)) -> Response:
        said = request.cookies.get(SAID_COOKIE)
        page = HTMLResponse(agency_html(slug, unquote(said) if said else None, scoped=who.agency is not None))
        if said:
            page.delete_cookie(SAID_COOKIE, path=f"/agencies/{slug}")  # said once: a reload does not repeat it
        return page

    async def posted(request: Request) -> dict[str, str]:
        if not forms.same_origin(request.headers.get("origin"), request.headers.get("host")):
            raise HTTPException(403, "a form from another site cannot change this state")
        return forms.fields(await request.body())

    def write(slug: str, anchor: str, typed: dict[str, str], work: Callable[[], str]) -> Response:
        """Do a write; on success back to the page (a reload does not post twice), else the page with the refusal."""
        try:
            said = work()
        except RoadmapError as error:
            # Nothing was written: the use case's transaction rolled back.
            # The form comes back as it was filled in, so one wrong field does not cost the other 24 scores.
            page = agency_html(slug, f"Not recorded: {error}", form=anchor, typed=typed)
            return HTMLResponse(page, status_code=400)
        # What was recorded travels in a cookie set by this redirect, never in the URL: a link made elsewhere
        # cannot put words on an agency's page (and what a cookie says is escaped like any text).
        back = RedirectResponse(f"/agencies/{slug}#{anchor}", status_code=303)
        back.set_cookie(
            SAID_COOKIE, quote(said), max_age=60, path=f"/agencies/{slug}", httponly=True, samesite="strict"
        )
        return back

    @api.post("/agencies/{slug}/checklist", include_in_schema=False)
    async def tick(slug: str, request: Request, who: Visitor = Team) -> Response:
        form = await posted(request)

        def work() -> str:
            item, on = form.get("item", ""), forms.day(form, "on", "--on", today())
            mark_item_done(application.uow(who.principal), application.roadmap, slug, item, on=on, as_of=today())
            return f"Checklist item {item} done on {on}."

        return write(slug, "stages", form, work)

    @api.post("/agencies/{slug}/outcomes", include_in_schema=False)
    async def outcomes(slug: str, request: Request, who: Visitor = Team) -> Response:
        form = await posted(request)

        def work() -> str:
            served = forms.whole_number(form, "served", "--served")
            working = forms.whole_number(form, "working", "--working")
            counts = Counts(
                served,
                working,
                job_starts=forms.optional_number(form, "job_starts", "--job-starts"),
                in_school=forms.optional_number(form, "in_school", "--in-school"),
                working_90_days=forms.optional_number(form, "working_90_days", "--working-90-days"),
                jobs_ended_before_90_days=forms.optional_number(
                    form, "jobs_ended_before_90_days", "--jobs-ended-before-90-days"
                ),
                avg_hours=forms.optional_hours(form, "avg_hours", "--avg-hours"),
            )
            recorded = record_outcomes(
                application.uow(who.principal), application.roadmap, application.cadence, slug, counts,
                quarter=form.get("quarter") or None, on=today(), as_of=today(),
            )  # fmt: skip
            return f"Outcomes for {recorded.outcome.quarter} recorded."

        return write(slug, "outcomes", form, work)

    @api.post("/agencies/{slug}/reviews", include_in_schema=False)
    async def review(slug: str, request: Request, who: Visitor = Team) -> Response:
        form = await posted(request)

        def work() -> str:
            visited_on = forms.day(form, "date", "--date")
            recorded = record_review(
                application.uow(who.principal), application.scale, application.cadence, slug,
                visited_on=visited_on, scores=validate_scores(forms.scores(form)), reviewers=forms.reviewers(form),
                as_of=today(), roadmap=application.roadmap,
            )  # fmt: skip
            drafted = f" {len(recorded.actions)} draft action-plan steps." if recorded.actions else ""
            said = review_recorded(recorded)
            return f"{said[0].upper()}{said[1:]}.{drafted}"

        return write(slug, "fidelity", form, work)

    @api.get("/due", response_class=HTMLResponse, include_in_schema=False, dependencies=[Team])
    def due(page: int = 1) -> str:
        shown = due_page(application.uow(), application.roadmap, application.cadence, as_of=today())
        return render_due(shown, number=page)

    @api.get("/trainers/{name}", response_class=HTMLResponse, include_in_schema=False, dependencies=[Team])
    def trainer(name: str) -> str:
        page = trainer_page(application.uow(), application.visit_rules, name, as_of=today())
        return render_trainer(page, application.roadmap)

    @api.get("/agencies/{slug}/report", response_class=HTMLResponse, include_in_schema=False)
    def report(slug: str, who: Visitor = Depends(agency_or_team)) -> str:
        built = build_report(
            application.uow(), application.scale, application.cadence, slug, review_date=None, as_of=today()
        )
        return render_fidelity_report(built)

    @api.get("/static/app.css", include_in_schema=False)
    def css() -> Response:
        return Response(stylesheet(), media_type="text/css")

    @api.get(
        "/api/agencies",
        summary="Agencies as `ips-roadmap agency list --json` prints them, 100 a page (X-Total-Count, Link: next)",
        dependencies=[Team],
    )
    def agencies_api(
        request: Request,
        offset: int = Query(0, ge=0, le=2**31 - 1),
        limit: int = Query(API_PAGE, ge=1, le=10_000),
    ) -> JSONResponse:
        """Agencies by name, `limit` (default 100) from `offset`; X-Total-Count and a Link to the next page."""
        summaries = list_agencies(
            application.uow(), application.roadmap, application.cadence, as_of=today(), offset=offset, limit=limit
        )
        total = count_agencies(application.uow(), as_of=today())
        headers = {"X-Total-Count": str(total)}
        if offset + limit < total:
            following = request.url.include_query_params(offset=offset + limit, limit=limit)
            headers["Link"] = f'<{following.path}?{following.query}>; rel="next"'
        # Plain dicts of str, int and None: returned as they are (FastAPI's generic encoder took most of the time).
        return JSONResponse([agency_view(summary) for summary in summaries], headers=headers)

    @api.get("/api/agencies/{slug}", summary="One agency, as `ips-roadmap agency show --json` prints it")
    def agency_api(slug: str, who: Visitor = Depends(agency_or_team)) -> JSONResponse:
        summary = show_agency(application.uow(), application.roadmap, application.cadence, slug, as_of=today())
        return JSONResponse(agency_view(summary))

    return api


def settle_heap() -> None:
    """Once the app is built: keep the garbage collector from re-scanning what lives as long as the process.

    A page of a large state makes some hundred thousand short-lived objects; each full collection they
    trigger walked every module, template and table loaded at start-up too, which was about a third of the
    overview's time at 1,000 agencies. Objects made later are collected as usual.
    """
    gc.collect()
    gc.freeze()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
