"""The HTML pages and their forms. Each route says who is asking and calls a use case, which checks what they
may do; a refusal is a 403 page that shows nothing of the agency."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import quote, unquote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from roadmap.domain.errors import Forbidden, RoadmapError
from roadmap.domain.fidelity import validate_scores
from roadmap.domain.permission import Kind
from roadmap.domain.user import TokenKind
from roadmap.domain.visit import FIDELITY_REVIEW, purpose_title
from roadmap.render import render_fidelity_report
from roadmap.render.calendar import visits_calendar
from roadmap.render.web import (
    render_agency,
    render_due,
    render_notice,
    render_overview,
    render_trainer,
    stylesheet,
)
from roadmap.services.agencies import mark_item_done
from roadmap.services.contacts import add_contact, confirm_contacts, edit_contact, remove_contact
from roadmap.services.fidelity_report import build_report
from roadmap.services.outcomes import Counts, record_outcomes
from roadmap.services.pages import agency_page, due_page, overview_page, trainer_page
from roadmap.services.reviews import close_action, record_review, review_recorded
from roadmap.services.users import token_principal
from roadmap.services.visits import calendar_source, mark_done
from roadmap.web import forms
from roadmap.web.context import SAID_COOKIE, Posted, Web, said_cookie
from roadmap.web.identity import LINK_COOKIE, LINK_COOKIE_SECONDS

# Where a reminder's deep link may lead on its agency's page: the form of the action it asks for.
DEEP_LINKS = {"outcomes": "outcomes-form", "checklist": "checklist-form", "actions": "actions", "contacts": "contacts"}


def add_page_routes(api: FastAPI, web: Web) -> None:
    """The overview, what is due, trainers' pages and calendars, agency pages and their forms, agency links."""
    application = web.application

    @api.get("/", response_class=HTMLResponse, include_in_schema=False)
    def overview(request: Request, page: int = 1, region: str | None = None) -> Response:
        who = web.someone(request)
        if who.kind is Kind.LINK:
            return RedirectResponse(f"/agencies/{who.agency}", status_code=303)
        shown = overview_page(web.uow(request), application.roadmap, application.cadence, as_of=web.today(),
                              number=page, region=region)  # fmt: skip
        return HTMLResponse(render_overview(shown, application.roadmap, web.chrome(request)))

    @api.get("/due", response_class=HTMLResponse, include_in_schema=False)
    def due(request: Request, page: int = 1) -> str:
        shown = due_page(web.uow(request), application.roadmap, application.cadence, as_of=web.today(), number=page)
        return render_due(shown, web.chrome(request))

    @api.get("/trainers/{name}", response_class=HTMLResponse, include_in_schema=False)
    def trainer(name: str, request: Request) -> Response:
        page = trainer_page(web.uow(request), application.visit_rules, name, as_of=web.today())
        said = request.cookies.get(SAID_COOKIE)
        shown = HTMLResponse(render_trainer(page, application.roadmap, web.chrome(request),
                                            message=unquote(said) if said else None))  # fmt: skip
        if said:
            shown.delete_cookie(SAID_COOKIE, path=f"/trainers/{quote(name)}")
        return shown

    @api.post("/visits/{visit_id}/done", include_in_schema=False)
    def visit_done(visit_id: int, request: Request, body: bytes = Posted) -> Response:
        """A booked visit recorded as held (by a trainer on it, or the state team)."""
        form = web.form(request, body)
        back = f"/trainers/{quote(form.get('trainer', ''))}"
        try:
            on = forms.day(form, "on", "--on", web.today())
            done = mark_done(web.uow(request), application.visit_rules, visit_id, on=on, as_of=web.today())
        except Forbidden:
            raise
        except RoadmapError as error:
            said = f"Not recorded: {error}"
        else:
            title = purpose_title(application.roadmap.routines, done.visit.purpose)
            where = f" at {done.agency_name}" if done.agency_name else ""
            said = f"{title}{where} of {done.visit.on} recorded as held on {on}."
            if done.visit.purpose == FIDELITY_REVIEW:
                said += " Record its scores on the agency's page."
        answer = RedirectResponse(f"{back}#visits", status_code=303)
        said_cookie(answer, back, said)
        return answer

    @api.get("/trainers/{name}/calendar.ics", include_in_schema=False)
    def calendar(name: str, token: str = "") -> Response:
        """A trainer's visits as a feed their calendar program polls: the token in the URL is theirs, revocable."""
        who = token_principal(application.uow(), token, now=web.gate.now(), kind=TokenKind.CALENDAR) if token else None
        if who is None:
            return Response("This calendar link does not work: ask the state team for a new one.", 403)
        source = calendar_source(application.uow(who), application.visit_rules, trainer=name)
        body = visits_calendar(
            source.visits, title=source.title, calendar_id=source.calendar_id, policy=application.visit_policy,
            names=source.names, timezones=source.timezones, state_timezone=application.settings.schedule.timezone,
            titles=source.titles, stamp=datetime.now(UTC),
        )  # fmt: skip
        return Response(body, media_type="text/calendar; charset=utf-8")

    def agency_html(
        request: Request, slug: str, message: str | None = None, *, form: str | None = None,
        typed: dict[str, str] | None = None, quarter: str | None = None,
    ) -> str:  # fmt: skip
        page = agency_page(web.uow(request), application.roadmap, application.cadence, slug, as_of=web.today())
        return render_agency(
            page, application.roadmap, application.scale, application.settings.benchmarks, web.chrome(request),
            message=message, form=form, typed=typed, quarter=quarter,
        )  # fmt: skip

    @api.get("/agencies/{slug}", response_class=HTMLResponse, include_in_schema=False)
    def agency(slug: str, request: Request, quarter: str | None = None) -> Response:
        said = request.cookies.get(SAID_COOKIE)
        page = HTMLResponse(agency_html(request, slug, unquote(said) if said else None, quarter=quarter))
        if said:
            page.delete_cookie(SAID_COOKIE, path=f"/agencies/{slug}")  # said once: a reload does not repeat it
        return page

    @api.get("/agencies/{slug}/report", response_class=HTMLResponse, include_in_schema=False)
    def report(slug: str, request: Request) -> str:
        built = build_report(
            web.uow(request), application.scale, application.cadence, slug, review_date=None, as_of=web.today()
        )
        return render_fidelity_report(built)

    def write(request: Request, slug: str, anchor: str, typed: dict[str, str], work: Callable[[], str]) -> Response:
        """Do a write; on success back to the page (a reload does not post twice), else the page with the refusal."""
        try:
            said = work()
        except Forbidden:
            raise
        except RoadmapError as error:
            # Nothing was written: the use case's transaction rolled back. The form comes back as it was filled
            # in, so one wrong field does not cost the other 24 scores.
            page = agency_html(request, slug, f"Not recorded: {error}", form=anchor, typed=typed)
            return HTMLResponse(page, status_code=400)
        back = RedirectResponse(f"/agencies/{slug}#{anchor}", status_code=303)
        said_cookie(back, f"/agencies/{slug}", said)
        return back

    @api.post("/agencies/{slug}/checklist", include_in_schema=False)
    def tick(slug: str, request: Request, body: bytes = Posted) -> Response:
        form = web.form(request, body)

        def work() -> str:
            item, on = form.get("item", ""), forms.day(form, "on", "--on", web.today())
            mark_item_done(web.uow(request), application.roadmap, slug, item, on=on, as_of=web.today())
            return f"Checklist item {item} done on {on}."

        return write(request, slug, "stages", form, work)

    @api.post("/agencies/{slug}/outcomes", include_in_schema=False)
    def outcomes(slug: str, request: Request, body: bytes = Posted) -> Response:
        form = web.form(request, body)

        def work() -> str:
            recorded = record_outcomes(
                web.uow(request), application.roadmap, application.cadence, slug, outcome_counts(form),
                quarter=form.get("quarter") or None, on=web.today(), as_of=web.today(),
            )  # fmt: skip
            return f"Outcomes for {recorded.outcome.quarter} recorded."

        return write(request, slug, "outcomes", form, work)

    @api.post("/agencies/{slug}/reviews", include_in_schema=False)
    def review(slug: str, request: Request, body: bytes = Posted) -> Response:
        form = web.form(request, body)

        def work() -> str:
            recorded = record_review(
                web.uow(request), application.scale, application.cadence, slug,
                visited_on=forms.day(form, "date", "--date"), scores=validate_scores(forms.scores(form)),
                reviewers=forms.reviewers(form), as_of=web.today(), roadmap=application.roadmap,
            )  # fmt: skip
            drafted = f" {len(recorded.actions)} draft action-plan steps." if recorded.actions else ""
            said = review_recorded(recorded)
            return f"{said[0].upper()}{said[1:]}.{drafted}"

        return write(request, slug, "fidelity", form, work)

    @api.post("/agencies/{slug}/actions/{action_id}/done", include_in_schema=False)
    def action_done(slug: str, action_id: int, request: Request, body: bytes = Posted) -> Response:
        form = web.form(request, body)

        def work() -> str:
            on = forms.day(form, "on", "--on", web.today())
            closed = close_action(
                web.uow(request), slug, action_id, on=on, as_of=web.today(), note=form.get("note") or None
            )
            return f"Action-plan step for item {closed.item} done on {on}."

        return write(request, slug, "actions", form, work)

    @api.post("/agencies/{slug}/contacts", include_in_schema=False)
    def contact_add(slug: str, request: Request, body: bytes = Posted) -> Response:
        form = web.form(request, body)

        def work() -> str:
            card = add_contact(
                web.uow(request), agency=slug, role=form.get("role", ""), name=form.get("name", ""),
                email=form.get("email") or None, notify=(), timezone=None,
            )  # fmt: skip
            return f"{card.contact.name} added: reminders about this agency reach them from now on."

        return write(request, slug, "contacts", form, work)

    @api.post("/agencies/{slug}/contacts/confirm", include_in_schema=False)
    def contacts_confirm(slug: str, request: Request, body: bytes = Posted) -> Response:
        form = web.form(request, body)

        def work() -> str:
            on = forms.day(form, "on", "--on", web.today())
            confirmed = confirm_contacts(web.uow(request), slug, on=on, as_of=web.today())
            return f"Thank you: {len(confirmed)} contacts confirmed as they stand."

        return write(request, slug, "contacts", form, work)

    @api.post("/agencies/{slug}/contacts/{contact_id}", include_in_schema=False)
    def contact_change(slug: str, contact_id: int, request: Request, body: bytes = Posted) -> Response:
        form = web.form(request, body)

        def work() -> str:
            # The use case checks the contact's own agency: a link to another agency's contact is refused.
            if form.get("do") == "remove":
                card = remove_contact(web.uow(request), contact_id)
                return f"{card.contact.name} removed: they get no more reminders."
            card = edit_contact(
                web.uow(request), contact_id, name=form.get("name") or None, email=form.get("email") or None,
                at=web.gate.now(),
            )  # fmt: skip
            return f"{card.contact.name}'s details saved."

        return write(request, slug, "contacts", form, work)

    @api.get("/a/{token}", include_in_schema=False)
    def follow(token: str, request: Request, to: str | None = None, quarter: str | None = None) -> Response:
        """An agency's personal link: remembered in a cookie, then that agency's page (at the form a reminder's
        deep link names)."""
        who = web.gate.link(token, via="link")
        if who is None or who.agency is None:
            text = "This link has expired or was revoked: ask the state team for a new one."
            page = render_notice(web.chrome(request), title="Link not valid", text=text, as_of=web.today())
            return HTMLResponse(page, status_code=403)
        target = f"/agencies/{who.agency}"
        if quarter and forms.is_quarter(quarter):
            target += f"?quarter={quarter}"
        if to in DEEP_LINKS:
            target += f"#{DEEP_LINKS[to]}"
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(
            LINK_COOKIE, token, httponly=True, samesite="lax", max_age=LINK_COOKIE_SECONDS, secure=web.gate.https
        )
        return response

    @api.get("/static/app.css", include_in_schema=False)
    def css() -> Response:
        return Response(stylesheet(), media_type="text/css")


def outcome_counts(form: dict[str, str]) -> Counts:
    """A quarter's counts from a form or a JSON body, each named by its CLI option when refused."""
    return Counts(
        forms.whole_number(form, "served", "--served"),
        forms.whole_number(form, "working", "--working"),
        job_starts=forms.optional_number(form, "job_starts", "--job-starts"),
        in_school=forms.optional_number(form, "in_school", "--in-school"),
        working_90_days=forms.optional_number(form, "working_90_days", "--working-90-days"),
        jobs_ended_before_90_days=forms.optional_number(
            form, "jobs_ended_before_90_days", "--jobs-ended-before-90-days"
        ),
        avg_hours=forms.optional_hours(form, "avg_hours", "--avg-hours"),
    )
