"""Signing in and out: a one-time link sent by email (the default), or the state's single sign-on (see oidc.py).

The sign-in page answers the same whether or not an address is known, so it tells nobody who is on the team.
A link opens a page with one button: mail scanners that open every link cannot spend it.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import BackgroundTasks, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from notifications.messages import Message
from roadmap.domain.contact import Contact, Role
from roadmap.domain.permission import Kind
from roadmap.render.web import Chrome, render_notice, render_sign_in, render_sign_in_confirm, render_sign_in_mail
from roadmap.services.users import SIGN_IN_MINUTES, finish_sign_in, request_sign_in, sign_out
from roadmap.web.context import Posted, Web
from roadmap.web.identity import FORM_COOKIE, LINK_COOKIE, LOG, new_form_cookie


def add_sign_in_routes(api: FastAPI, web: Web) -> None:
    """GET/POST /sign-in, GET/POST /sign-in/{secret}, POST /sign-out."""
    settings = web.application.settings.web

    @api.get("/sign-in", response_class=HTMLResponse, include_in_schema=False)
    def sign_in_page(request: Request, next: str = "/") -> Response:
        who = web.visitor(request).who
        if who is not None and who.kind is Kind.USER:
            return RedirectResponse(safe_next(next), status_code=303)
        return anonymous_page(request, lambda chrome: render_sign_in(
            chrome, next_path=safe_next(next), oidc=settings.oidc, as_of=web.today(),
        ))  # fmt: skip

    @api.post("/sign-in", response_class=HTMLResponse, include_in_schema=False)
    def ask_for_link(request: Request, background: BackgroundTasks, body: bytes = Posted) -> Response:
        """The mail goes after the answer, so how long the answer takes says nothing of whether the address is
        known (the route runs in a worker thread: nothing here holds up other requests)."""
        form = web.form(request, body)
        email = form.get("email", "")[:254]
        next_path = safe_next(form.get("next", "/"))
        client = request.client.host if request.client else "unknown"
        address = email.strip().lower()
        # The client first, and a refusal stops there: a flood of made-up addresses from one client is not
        # remembered address by address; one client cannot use up another's chances for the same address.
        wait = (
            web.client_throttle.wait(client)
            or web.throttle.wait(f"{client}|{address}")
            or web.address_throttle.wait(address)
        )
        if wait:
            LOG.warning("sign-in requests refused for a while: too many for one address or from %s", client)
            page = render_sign_in(
                web.chrome(request), next_path=next_path, oidc=settings.oidc, email=email, as_of=web.today(),
                message=f"Too many sign-in requests: try again in {-(-wait // 60)} minutes.",
            )  # fmt: skip
            return HTMLResponse(page, status_code=429, headers={"Retry-After": str(wait)})
        asked = request_sign_in(web.application.uow(), email, now=web.gate.now())
        if asked is not None:
            user, secret = asked
            url = f"{origin_of(request, web)}/sign-in/{secret}"
            if next_path != "/":
                url += f"?next={next_path}"
            message = render_sign_in_mail(name=user.name, email=user.email, url=url, minutes=SIGN_IN_MINUTES)
            contact = Contact(role=Role.STATE_LEAD, name=user.name, email=user.email)
            background.add_task(mail_link, contact, message)
        page = render_sign_in(
            web.chrome(request), next_path=next_path, oidc=settings.oidc, email=email, sent=True,
            minutes=SIGN_IN_MINUTES, as_of=web.today(),
        )  # fmt: skip
        return HTMLResponse(page)

    def mail_link(contact: Contact, message: Message) -> None:
        failed = web.mail.send(contact, message)
        if failed:
            LOG.warning("a sign-in link could not be emailed: %s", failed)

    @api.get("/sign-in/{secret}", response_class=HTMLResponse, include_in_schema=False)
    def confirm_page(secret: str, request: Request, next: str = "/") -> Response:
        return anonymous_page(request, lambda chrome: render_sign_in_confirm(
            chrome, secret=secret, next_path=safe_next(next), as_of=web.today(),
        ))  # fmt: skip

    @api.post("/sign-in/{secret}", include_in_schema=False)
    def finish(secret: str, request: Request, body: bytes = Posted) -> Response:
        form = web.form(request, body)
        done = finish_sign_in(web.application.uow(), secret, now=web.gate.now(), rules=web.gate.rules)
        if done is None:
            text = "This sign-in link has expired or was already used: ask for a new one."
            page = render_notice(
                web.chrome(request), title="Link not valid", text=text, as_of=web.today(), sign_in=True
            )
            return HTMLResponse(page, status_code=403)
        _, session = done
        response = RedirectResponse(safe_next(form.get("next", "/")), status_code=303)
        # A new session secret at every sign-in: one planted in the browser beforehand is worth nothing.
        response.set_cookie(
            web.gate.session_cookie, session, httponly=True, samesite="lax", secure=web.gate.https,
            max_age=int(web.gate.rules.absolute.total_seconds()),
        )  # fmt: skip
        return response

    @api.post("/sign-out", include_in_schema=False)
    def leave(request: Request, body: bytes = Posted) -> Response:
        web.form(request, body)
        session = request.cookies.get(web.gate.session_cookie)
        if session:
            sign_out(web.application.uow(), session, now=web.gate.now())
        response = RedirectResponse("/sign-in", status_code=303)
        for name in (web.gate.session_cookie, LINK_COOKIE):
            response.delete_cookie(name, secure=web.gate.https, httponly=True)
        return response

    def anonymous_page(request: Request, render: Callable[[Chrome], str]) -> Response:
        """A page with a form for someone who may not be signed in: their forms are tied to a random cookie."""
        fresh = None
        if not request.cookies.get(FORM_COOKIE) and web.visitor(request).credential is None:
            fresh = new_form_cookie()
        response = HTMLResponse(render(web.chrome(request, form_cookie=fresh)))
        if fresh:
            response.set_cookie(FORM_COOKIE, fresh, httponly=True, samesite="strict", secure=web.gate.https)
        return response


def safe_next(path: str) -> str:
    """Where to go after signing in: a path of this app only (never another site)."""
    if not path.startswith("/") or path.startswith("//") or "\\" in path or any(ord(c) < 32 for c in path):
        return "/"
    return path[:500]


def origin_of(request: Request, web: Web) -> str:
    """This app's address as people reach it: the configured base URL, else the (allow-listed) host asked for."""
    base = web.application.settings.web.base_url
    if base:
        return base.rstrip("/")
    return f"{request.url.scheme}://{request.headers['host']}"
