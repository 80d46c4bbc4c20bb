"""The JSON API for scripts and integrations: the same use cases as the pages, with a bearer token.

Writes take `Authorization: Bearer TOKEN` (a user's personal token or an agency link's token) and answer 201
with the agency as `agency show --json` prints it; 401 without a working token, 403 out of role or scope,
422 `{"detail": "one line"}` for bad input, and nothing written on any error.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, fields
from datetime import date
from typing import Any, TypeVar, get_type_hints

from fastapi import FastAPI, Query, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from roadmap.domain.errors import InvalidInput, first_problem
from roadmap.domain.fidelity import validate_scores
from roadmap.services.agencies import count_agencies, list_agencies, mark_item_done, show_agency
from roadmap.services.outcomes import Counts, record_outcomes
from roadmap.services.reviews import close_action, record_review
from roadmap.services.views import agency_view
from roadmap.web.context import Posted, Web
from roadmap.web.identity import Unauthenticated

# Agencies per page of /api/agencies: a page is read well within the 200 ms a page may take at 1,000 agencies.
API_PAGE = 100
# The largest page a client may ask for: about 5 MB of JSON. Ten thousand agencies at once were 52 MB built in
# memory by one request; a script that wants them all follows the Link header instead.
API_MOST = 1_000


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Body = TypeVar("Body", bound=_Body)


class ChecklistDone(_Body):
    """A checklist item ticked (on a day; today when left out)."""

    item: str = Field(min_length=1, max_length=200)
    on: date | None = None


def _counted() -> dict[str, Any]:
    """The fields of `Counts` (what `outcomes record` takes), each with its type and default, for a body model."""
    hints = get_type_hints(Counts)
    return {each.name: (hints[each.name], ... if each.default is MISSING else each.default) for each in fields(Counts)}


# A quarter's outcome counts (aggregate numbers only, never a client): the quarter, and Counts' own fields.
OutcomesReport = create_model(
    "OutcomesReport", __base__=_Body, quarter=(str | None, Field(default=None, max_length=10)), **_counted()
)


class ReviewRecord(_Body):
    """A fidelity review: its visit date, the 25 item scores keyed by item number, who reviewed."""

    date: date
    scores: dict[str, int]
    reviewers: list[str] = Field(default_factory=list, max_length=4)


class ActionDone(_Body):
    """An action-plan step done (on a day; today when left out), with what was done."""

    on: date | None = None
    note: str | None = Field(default=None, max_length=500)


def add_api_routes(api: FastAPI, web: Web) -> None:
    """/api/agencies (read), the four writes, and the schema at /openapi.json (signed in, like everything)."""
    application = web.application

    def agency_json(request: Request, slug: str, status: int = 200) -> JSONResponse:
        summary = show_agency(web.uow(request), application.roadmap, application.cadence, slug, as_of=web.today())
        return JSONResponse(agency_view(summary), status_code=status)

    def parsed(request: Request, raw: bytes, model: type[Body]) -> Body:
        # Writes come from scripts with a token: a browser's cookie is not enough (no cross-site writes).
        if not web.visitor(request).bearer:
            raise Unauthenticated("the API's writes take `Authorization: Bearer TOKEN`")
        web.someone(request)
        try:
            document: Any = json.loads(raw or b"null")
        except (ValueError, UnicodeDecodeError):
            raise InvalidInput("the body is not JSON") from None
        try:
            return model.model_validate(document)
        except ValidationError as error:
            raise InvalidInput(first_problem(error, "body")) from None

    @api.get(
        "/api/agencies",
        summary="Agencies as `ips-roadmap agency list --json` prints them, 100 a page (X-Total-Count, Link: next)",
    )
    def agencies_api(
        request: Request,
        offset: int = Query(0, ge=0, le=2**31 - 1),
        limit: int = Query(API_PAGE, ge=1, le=API_MOST),
    ) -> JSONResponse:
        """Agencies by name, `limit` (default 100) from `offset`; X-Total-Count and a Link to the next page."""
        summaries = list_agencies(
            web.uow(request), application.roadmap, application.cadence, as_of=web.today(), offset=offset, limit=limit
        )
        total = count_agencies(web.uow(request), as_of=web.today())
        headers = {"X-Total-Count": str(total)}
        if offset + limit < total:
            following = request.url.include_query_params(offset=offset + limit, limit=limit)
            headers["Link"] = f'<{following.path}?{following.query}>; rel="next"'
        # Plain dicts of str, int and None: returned as they are (FastAPI's generic encoder took most of the time).
        return JSONResponse([agency_view(summary) for summary in summaries], headers=headers)

    @api.get("/api/agencies/{slug}", summary="One agency, as `ips-roadmap agency show --json` prints it")
    def agency_api(slug: str, request: Request) -> JSONResponse:
        return agency_json(request, slug)

    @api.post("/api/agencies/{slug}/checklist", status_code=201, summary="Tick a checklist item")
    def checklist_api(slug: str, request: Request, raw: bytes = Posted) -> JSONResponse:
        given = parsed(request, raw, ChecklistDone)
        on = given.on or web.today()
        mark_item_done(web.uow(request), application.roadmap, slug, given.item, on=on, as_of=web.today())
        return agency_json(request, slug, 201)

    @api.post("/api/agencies/{slug}/outcomes", status_code=201, summary="Report a quarter's outcome counts")
    def outcomes_api(slug: str, request: Request, raw: bytes = Posted) -> JSONResponse:
        given = parsed(request, raw, OutcomesReport).model_dump()
        quarter = given.pop("quarter")
        record_outcomes(
            web.uow(request), application.roadmap, application.cadence, slug, Counts(**given), quarter=quarter,
            on=web.today(), as_of=web.today(),
        )  # fmt: skip
        return agency_json(request, slug, 201)

    @api.post("/api/agencies/{slug}/reviews", status_code=201, summary="Record a fidelity review's 25 scores")
    def reviews_api(slug: str, request: Request, raw: bytes = Posted) -> JSONResponse:
        given = parsed(request, raw, ReviewRecord)
        record_review(
            web.uow(request), application.scale, application.cadence, slug, visited_on=given.date,
            scores=validate_scores(list(given.scores.items())), reviewers=given.reviewers, as_of=web.today(),
            roadmap=application.roadmap,
        )  # fmt: skip
        return agency_json(request, slug, 201)

    @api.post("/api/agencies/{slug}/actions/{action_id}/done", status_code=201, summary="Close an action-plan step")
    def action_api(slug: str, action_id: int, request: Request, raw: bytes = Posted) -> JSONResponse:
        given = parsed(request, raw, ActionDone)
        on = given.on or web.today()
        close_action(web.uow(request), slug, action_id, on=on, as_of=web.today(), note=given.note)
        return agency_json(request, slug, 201)

    @api.get("/openapi.json", include_in_schema=False)
    def schema(request: Request) -> JSONResponse:
        web.someone(request)
        return JSONResponse(get_openapi(title=api.title, version=api.version, routes=api.routes))
