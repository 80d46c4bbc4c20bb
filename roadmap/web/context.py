"""What every route shares: the application, the gate that says who is asking, the date pages are shown for,
and the small steps each route takes (who is asking, read a form, answer with a page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import Response

from notifications.delivery import AppriseSender
from roadmap.bootstrap import Application
from roadmap.domain.permission import Kind, Principal
from roadmap.render.web import Chrome
from roadmap.services.ports import UnitOfWork
from roadmap.web import forms
from roadmap.web.identity import FORM_COOKIE, Gate, Unauthenticated, Visitor
from roadmap.web.throttle import Throttle


@dataclass
class Web:
    """One app's shared parts."""

    application: Application
    gate: Gate
    as_of: date | None
    mail: AppriseSender
    # Sign-in emails asked for, per client and address, per client, per address.
    throttle: Throttle
    client_throttle: Throttle
    address_throttle: Throttle

    def today(self) -> date:
        """The date pages are shown for: fixed by `web --as-of`, else today in the state."""
        return self.as_of or self.gate.real_today()

    def visitor(self, request: Request) -> Visitor:
        """Who asks; kept on the request so a route and the error pages ask once."""
        known = getattr(request.state, "visitor", None)
        if isinstance(known, Visitor):
            return known
        found = self.gate.identify(request)
        request.state.visitor = found
        return found

    def someone(self, request: Request) -> Principal:
        """Who asks, or Unauthenticated (pages then offer sign-in, the API answers 401)."""
        who = self.visitor(request).who
        if who is None:
            raise Unauthenticated("sign in first")
        return who

    def uow(self, request: Request) -> UnitOfWork:
        """A unit of work for whoever asks: the use case checks what they may do."""
        return self.application.uow(self.someone(request))

    def chrome(self, request: Request, form_cookie: str | None = None) -> Chrome:
        """The top bar for this visitor: their name, their forms' token (tied to `form_cookie` when one is being
        given to them), and the state's pages if theirs."""
        visitor = self.visitor(request)
        who = visitor.who
        credential = visitor.credential or form_cookie or request.cookies.get(FORM_COOKIE)
        csrf = self.gate.csrf(credential) if credential else ""
        if who is None:
            return Chrome(viewer=None, csrf=csrf, state_pages=False)
        if who.kind is Kind.LINK:
            return Chrome(
                viewer=f"{who.actor.name.removeprefix('contact ')} (agency link)", csrf=csrf, state_pages=False
            )
        role = who.role.value if who.role else who.kind.value
        return Chrome(viewer=f"{who.name or who.actor.name} ({role})", csrf=csrf, state_pages=True, admin=who.unlimited)

    def form(self, request: Request, body: bytes) -> dict[str, str]:
        """A posted form's fields, once its origin and token prove it came from this visitor's page of this app."""
        visitor = self.visitor(request)
        fields = forms.fields(body)
        if not visitor.bearer:
            credential = visitor.credential or request.cookies.get(FORM_COOKIE)
            self.gate.check_form(request, credential, fields.get("csrf"))
        return fields


def said_cookie(response: Response, path: str, said: str) -> None:
    """What a form just recorded, shown once on the page (`path`) it returns to; it travels in a cookie, never in
    the URL, so a link made elsewhere cannot put words on a page."""
    response.set_cookie(SAID_COOKIE, quote(said), max_age=60, path=path, httponly=True, samesite="strict")


SAID_COOKIE = "ips_roadmap_said"


async def raw_body(request: Request) -> bytes:
    """The request's body, read on the event loop, so that the route itself runs off it (in a worker thread): its
    database work and mail never hold up other requests."""
    return await request.body()


Posted = Depends(raw_body)
