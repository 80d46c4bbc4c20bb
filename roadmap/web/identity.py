"""Who is asking: a signed-in session, an agency's personal link, or a bearer token; and the checks a form post
passes (its origin, and a token only this app's page for this visitor could have put in it).

Nothing here decides what the principal may do: the use cases do. Nothing trusts where a request came from.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from fastapi import Request

from roadmap.bootstrap import Application
from roadmap.domain.access_link import token_id
from roadmap.domain.errors import Forbidden, InvalidInput
from roadmap.domain.permission import Ability, Principal
from roadmap.domain.user import TokenKind
from roadmap.services.links import link_key, link_principal
from roadmap.services.users import SessionRules, session_principal, token_principal
from roadmap.settings import LinkAction

SESSION_COOKIE = "ips_roadmap_session"
LINK_COOKIE = "ips_roadmap_link"
# A random value an anonymous visitor's forms (sign-in) are tied to, so another site cannot post them.
FORM_COOKIE = "ips_roadmap_form"
LINK_COOKIE_SECONDS = 30 * 24 * 3600
# What each of the state's choices for agency links (IPS_ROADMAP_WEB__LINK_ACTIONS) lets them do.
LINK_ACTION_ABILITIES = {
    LinkAction.CHECKLIST: Ability.TICK_CHECKLIST,
    LinkAction.OUTCOMES: Ability.RECORD_OUTCOMES,
    LinkAction.ACTIONS: Ability.MARK_ACTION,
    LinkAction.CONTACTS: Ability.EDIT_CONTACTS,
}
LOG = logging.getLogger("ips_roadmap.web")


class Unauthenticated(Exception):
    """No credential, or one that does not work (pages send the visitor to sign in; the API answers 401)."""


@dataclass(frozen=True)
class Visitor:
    """Who asks (None: nobody signed in), and the secret their forms are tied to."""

    who: Principal | None
    credential: str | None = None
    bearer: bool = False
    # Cookies that held a dead credential: cleared on the way out, so the browser stops sending them.
    stale: tuple[str, ...] = ()


@dataclass
class Gate:
    """Identifies visitors for one app: its database, clock, the hosts and origins it answers to."""

    application: Application
    origins: frozenset[str]
    https: bool
    rules: SessionRules
    link_abilities: frozenset[Ability]
    # The real clock by default; tests pass another to let months pass.
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    _key: str | None = field(default=None, repr=False)

    @property
    def session_cookie(self) -> str:
        """The session cookie's name: behind HTTPS with the __Host- prefix, which browsers bind to this exact host."""
        return f"__Host-{SESSION_COOKIE}" if self.https else SESSION_COOKIE

    def now(self) -> datetime:
        """The real instant (sessions, links and tokens live by it, whatever date the pages are shown for)."""
        return self.clock()

    def real_today(self) -> date:
        """Today in the state: links expire by it."""
        return self.application.settings.schedule.run_for(None, self.now())[0]

    def identify(self, request: Request) -> Visitor:
        """The principal of this request; Unauthenticated for a bearer token that does not work."""
        header = request.headers.get("authorization")
        # A browser may still send the retired shared password (HTTP Basic) by itself: on the pages it is
        # ignored, so the visitor reaches the sign-in page; the API takes bearer tokens only.
        if header is not None and (is_bearer(header) or request.url.path.startswith("/api/")):
            return self._bearer(header)
        stale: list[str] = []
        session = request.cookies.get(self.session_cookie)
        if session:
            who = session_principal(self.application.uow(), session, now=self.now(), rules=self.rules)
            if who is not None:
                return Visitor(who, session)
            # A team member whose session ended signs in again: an agency link's cookie beside it (which another
            # site could have planted by sending them to a link) does not quietly stand in for them.
            return Visitor(None, stale=(self.session_cookie,))
        token = request.cookies.get(LINK_COOKIE)
        if token:
            who = self.link(token, via="link")
            if who is not None:
                return Visitor(who, token, stale=tuple(stale))
            stale.append(LINK_COOKIE)
        return Visitor(None, stale=tuple(stale))

    def link(self, token: str, *, via: str) -> Principal | None:
        """The holder of an agency link's token, if it opens today (the real today)."""
        if token_id(token) is None:
            return None
        return link_principal(
            self.application.uow(), token, on=self.real_today(), abilities=self.link_abilities, via=via
        )

    def _bearer(self, header: str) -> Visitor:
        scheme, _, secret = header.partition(" ")
        secret = secret.strip()
        if scheme.lower() != "bearer" or not secret or not secret.isascii():
            raise Unauthenticated("send `Authorization: Bearer TOKEN` (a user token or an agency link's token)")
        who = token_principal(self.application.uow(), secret, now=self.now(), kind=TokenKind.API)
        if who is None:
            who = self.link(secret, via="api")
        if who is None:
            LOG.warning("refused a bearer token that does not work (unknown, expired or revoked)")
            raise Unauthenticated("the token does not work: it is unknown, expired or revoked")
        return Visitor(who, secret, bearer=True)

    def csrf(self, credential: str) -> str:
        """The token a form of this visitor carries: tied to their session, link or anonymous form cookie."""
        digest = hmac.new(self.key().encode(), f"form|{credential}".encode(), hashlib.sha256).hexdigest()
        return digest[:40]

    def key(self) -> str:
        if self._key is None:
            self._key = link_key(self.application.uow())
        return self._key

    def check_form(self, request: Request, credential: str | None, given: str | None) -> None:
        """A post from this app's own page for this visitor, or Forbidden (nothing is read or written)."""
        self.check_origin(request)
        expected = self.csrf(credential).encode() if credential is not None else b""
        if not expected or not given or not hmac.compare_digest(given.encode("utf-8", "replace"), expected):
            raise Forbidden("this form has expired or came from another page: reload the page and try again")

    def check_origin(self, request: Request) -> None:
        """The Origin (or, without one, the Referer) a browser sends must be this app's own."""
        origin = request.headers.get("origin")
        if origin is None:
            referer = request.headers.get("referer")
            if referer is None:
                raise Forbidden("a form must be sent from this app's own page (the browser sent no Origin)")
            origin = _origin_of(referer)
        elif origin != "null":
            origin = _origin_of(origin)
        if origin not in self.origins:
            raise Forbidden("a form from another site cannot change anything here")


def _origin_of(url: str) -> str:
    try:
        parts = urlsplit(url.strip())
        port = parts.port  # a malformed port raises here
    except ValueError:
        raise InvalidInput("the Origin or Referer header is not a URL") from None
    if not parts.scheme or not parts.hostname:
        raise InvalidInput("the Origin or Referer header is not a URL")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    scheme = parts.scheme.lower()
    # A default port is never sent by browsers, in Host or Origin: https://host:443 is https://host.
    shown = port is not None and (scheme, port) not in (("https", 443), ("http", 80))
    return f"{scheme}://{host.lower()}" + (f":{port}" if shown else "")


def hosts_and_origins(base_url: str | None, local_port: int | None) -> tuple[frozenset[str], frozenset[str]]:
    """The Host names the app answers to and the origins its forms come from: the public base URL's, and this
    machine's loopback names on the port it listens on."""
    hosts: set[str] = set()
    origins: set[str] = set()
    if base_url:
        origin = _origin_of(base_url.rstrip("/"))
        origins.add(origin)
        hosts.add(origin.split("://", 1)[1])
    if local_port is not None:
        for name in ("127.0.0.1", "localhost", "[::1]"):
            hosts.add(f"{name}:{local_port}")
            origins.add(f"http://{name}:{local_port}")
    return frozenset(hosts), frozenset(origins)


def is_bearer(header: str) -> bool:
    """An Authorization header that offers a bearer token (anything else is a browser's old HTTP Basic)."""
    return header[:7].lower() == "bearer "


def new_form_cookie() -> str:
    """A fresh random value for an anonymous visitor's forms."""
    return secrets.token_urlsafe(24)


def abilities_of(actions: Iterable[LinkAction]) -> frozenset[Ability]:
    """What agency links may do, from the state's setting."""
    return frozenset(LINK_ACTION_ABILITIES[action] for action in actions)
