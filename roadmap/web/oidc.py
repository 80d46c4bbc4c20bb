"""Single sign-on with the state's identity provider (Entra ID, Okta, Login.gov...) by OpenID Connect.

The authorization-code flow with PKCE through Authlib; the ID token checked with joserfc against the provider's
published keys (issuer, audience, nonce, expiry). The address it names must belong to an active user: the
provider proves who someone is, the state's user list says whether they may come in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import warnings
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from roadmap.render.web import render_notice
from roadmap.services.users import sign_in_user
from roadmap.settings import WebSettings
from roadmap.web.context import Web
from roadmap.web.identity import LOG
from roadmap.web.signin import origin_of, safe_next

# The round trip to the provider: what it must bring back travels in a signed cookie for ten minutes.
FLOW_COOKIE = "ips_roadmap_oidc"
FLOW_SECONDS = 600
CALLBACK = "/sign-in/oidc/callback"


class SignOnFailed(Exception):
    """The provider's answer cannot be trusted or names nobody: one line for the page, details for the log."""


@dataclass
class Provider:
    """The state's identity provider, as its discovery document describes it (read once, on first use)."""

    issuer: str
    client_id: str
    client_secret: str
    _metadata: dict[str, Any] = field(default_factory=dict)
    _keys: KeySet | None = None

    def metadata(self) -> dict[str, Any]:
        if not self._metadata:
            url = self.issuer.rstrip("/") + "/.well-known/openid-configuration"
            self._metadata = _get_json(url)
            if self._metadata.get("issuer") != self.issuer.rstrip("/") and self._metadata.get("issuer") != self.issuer:
                raise SignOnFailed("the provider's discovery document names another issuer")
        return self._metadata

    def keys(self, *, refresh: bool = False) -> KeySet:
        if self._keys is None or refresh:
            self._keys = KeySet.import_key_set(_get_json(self.metadata()["jwks_uri"]))  # type: ignore[arg-type]
        return self._keys

    def client(self, redirect_uri: str) -> Any:
        """Authlib's OAuth 2 client (imported only when single sign-on is used: it warns, on import, that it would
        rather have the `httpx2` package, which changes nothing here)."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            from authlib.integrations.httpx_client import OAuth2Client

        return OAuth2Client(
            client_id=self.client_id, client_secret=self.client_secret, scope="openid email profile",
            redirect_uri=redirect_uri, code_challenge_method="S256", timeout=10,
        )  # fmt: skip

    def email_in(self, id_token: str, nonce: str) -> str:
        """The verified address an ID token names, once its signature, issuer, audience, nonce and expiry hold."""
        try:
            try:
                token = jwt.decode(id_token, self.keys())
            except JoseError:
                token = jwt.decode(id_token, self.keys(refresh=True))  # the provider may have rotated its keys
            registry = jwt.JWTClaimsRegistry(
                leeway=60,
                iss={"essential": True, "value": self.metadata()["issuer"]},
                aud={"essential": True, "value": self.client_id},
                nonce={"essential": True, "value": nonce},
                exp={"essential": True},
            )
            registry.validate(token.claims)
        except (JoseError, ValueError) as error:
            raise SignOnFailed(f"the ID token does not hold: {type(error).__name__}") from None
        email = token.claims.get("email")
        # The address must be vouched for: `email_verified` (the standard claim), or Entra ID's `xms_edov` (the
        # address's domain is the tenant's own). An unverified one could be anybody's: users can set it themselves.
        verified = token.claims.get("email_verified") is True or token.claims.get("xms_edov") is True
        if not isinstance(email, str) or not verified:
            raise SignOnFailed("the provider gave no verified email address")
        return email


def add_oidc_routes(api: FastAPI, web: Web, settings: WebSettings) -> None:
    """GET /sign-in/oidc (off to the provider) and its callback."""
    secret = settings.oidc_client_secret.get_secret_value() if settings.oidc_client_secret else ""
    provider = Provider(settings.oidc_issuer or "", settings.oidc_client_id or "", secret)

    def sign(payload: dict[str, str | int]) -> str:
        body = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()
        mac = hmac.new(web.gate.key().encode(), f"oidc|{body}".encode(), hashlib.sha256).hexdigest()
        return f"{body}.{mac}"

    def unsign(value: str) -> dict[str, Any] | None:
        body, _, mac = value.rpartition(".")
        expected = hmac.new(web.gate.key().encode(), f"oidc|{body}".encode(), hashlib.sha256).hexdigest()
        if not body or not hmac.compare_digest(mac.encode("utf-8", "replace"), expected.encode()):
            return None
        try:
            payload: dict[str, Any] = json.loads(base64.urlsafe_b64decode(body))
        except ValueError:
            return None
        return payload if isinstance(payload, dict) and payload.get("until", 0) >= time.time() else None

    @api.get("/sign-in/oidc", include_in_schema=False)
    def start(request: Request, next: str = "/") -> Response:
        if not settings.oidc:
            return refused(request, "Single sign-on is not set up here: sign in with an emailed link.")
        redirect_uri = origin_of(request, web) + CALLBACK
        state, nonce, verifier = secrets.token_urlsafe(24), secrets.token_urlsafe(24), secrets.token_urlsafe(48)
        try:
            url, _ = provider.client(redirect_uri).create_authorization_url(
                provider.metadata()["authorization_endpoint"], state=state, code_verifier=verifier, nonce=nonce
            )
        except (SignOnFailed, httpx.HTTPError, KeyError, ValueError) as error:
            LOG.warning("single sign-on is unavailable: %s", error)
            return refused(request, "Single sign-on is unavailable just now: sign in with an emailed link instead.")
        response = RedirectResponse(url, status_code=303)
        flow: dict[str, str | int] = {"state": state, "nonce": nonce, "verifier": verifier, "next": safe_next(next),
                "until": int(time.time()) + FLOW_SECONDS}  # fmt: skip
        # Lax: the provider's redirect back is a top-level navigation from its site, which must carry it.
        response.set_cookie(FLOW_COOKIE, sign(flow), max_age=FLOW_SECONDS, httponly=True, samesite="lax",
                            secure=web.gate.https, path=CALLBACK)  # fmt: skip
        return response

    @api.get(CALLBACK, include_in_schema=False)
    def callback(request: Request, code: str = "", state: str = "", error: str = "") -> Response:
        if not settings.oidc:
            return refused(request, "Single sign-on is not set up here: sign in with an emailed link.")
        flow = unsign(request.cookies.get(FLOW_COOKIE, ""))
        expected = str(flow.get("state", "")) if flow is not None else ""
        if flow is None or not expected or not hmac.compare_digest(state.encode("utf-8", "replace"), expected.encode()):
            return refused(request, "This sign-in took too long or did not start here: try again.")
        if error or not code:
            LOG.warning("single sign-on refused by the provider: %s", error[:80])
            return refused(request, "Your organisation's sign-in did not let you through.")
        redirect_uri = origin_of(request, web) + CALLBACK
        try:
            client = provider.client(redirect_uri)
            token = client.fetch_token(provider.metadata()["token_endpoint"], code=code,
                                       code_verifier=flow["verifier"], state=state)  # fmt: skip
            email = provider.email_in(str(token.get("id_token", "")), str(flow["nonce"]))
        except (SignOnFailed, httpx.HTTPError, KeyError, ValueError) as failure:
            LOG.warning("single sign-on failed: %s", failure)
            return refused(request, "Your organisation's sign-in could not be checked: try again.")
        done = sign_in_user(web.application.uow(), email, now=web.gate.now(), rules=web.gate.rules)
        if done is None:
            LOG.warning("single sign-on for an address that is not an active user")
            return refused(request, f"{email} is not on this state's team here: ask your state's admin to add you.")
        response = RedirectResponse(str(flow.get("next", "/")), status_code=303)
        response.set_cookie(
            web.gate.session_cookie, done[1], httponly=True, samesite="lax", secure=web.gate.https,
            max_age=int(web.gate.rules.absolute.total_seconds()),
        )  # fmt: skip
        response.delete_cookie(FLOW_COOKIE, path=CALLBACK)
        return response

    def refused(request: Request, text: str) -> Response:
        page = render_notice(web.chrome(request), title="Not signed in", text=text, as_of=web.today(), sign_in=True)
        return HTMLResponse(page, status_code=403)


def _get_json(url: str) -> dict[str, Any]:
    answer = httpx.get(url, timeout=10, follow_redirects=False)
    answer.raise_for_status()
    document = answer.json()
    if not isinstance(document, dict):
        raise SignOnFailed(f"{quote(url, safe=':/')} did not answer with a JSON object")
    return document
