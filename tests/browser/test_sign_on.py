"""Single sign-on in a real browser against a real OpenID Connect provider on loopback (oidc-provider on Node).

The provider signs its test accounts in without a login form (the account named by `default_login`), so the
browser walks the whole code flow: the app, the provider's authorization and interaction endpoints, the app's
callback, which exchanges the code at the provider's token endpoint and checks the ID token against its keys.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from pydantic import SecretStr

from notifications.smtp_sink import free_port
from roadmap.cli.app import main
from roadmap.settings import Settings, WebSettings
from tests.oidc.server import OidcProvider
from tests.web import Server

ACCOUNTS = [
    {"sub": "u-lead", "email": "lee.lead@state.example", "name": "Lee Lead"},
    {"sub": "u-stranger", "email": "someone@elsewhere.example", "name": "Some One"},
    # The provider does not vouch for this address (anyone could have typed it into their profile).
    {"sub": "u-unverified", "email": "lee.lead@state.example", "name": "Lee Lookalike", "email_verified": False},
]


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'state.db'}"
    assert main(["--database-url", url, "demo", "--as-of", "2026-11-23", "--json"]) == 0
    assert main(["--database-url", url, "user", "add", "Lee.Lead@state.example", "--name", "Lee Lead",
                 "--role", "coordinator", "--region", "North"]) == 0  # fmt: skip
    return url


@pytest.fixture
def signed_on(database: str) -> Iterator[tuple[Server, OidcProvider]]:
    """The app with single sign-on against a provider whose next sign-in is Lee Lead's."""
    yield from serve(database, default_login="lee.lead@state.example")


def serve(database: str, *, default_login: str) -> Iterator[tuple[Server, OidcProvider]]:
    port = free_port()
    callback = f"http://127.0.0.1:{port}/sign-in/oidc/callback"
    with OidcProvider(accounts=ACCOUNTS, client_id="ips-roadmap", client_secret="client-s3cret",  # type: ignore[arg-type]
                      redirect_uris=[callback], default_login=default_login, pkce_required=True) as provider:  # fmt: skip
        web = WebSettings(oidc_issuer=provider.issuer, oidc_client_id="ips-roadmap",
                          oidc_client_secret=SecretStr("client-s3cret"))  # fmt: skip
        with Server(Settings(database_url=SecretStr(database), web=web), port=port) as server:
            yield server, provider


def test_a_coordinator_signs_in_with_the_states_single_sign_on(
    signed_on: tuple[Server, OidcProvider], browser: Browser, database: str
) -> None:
    server, provider = signed_on
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.base + "/due")
    assert page.url == server.base + "/sign-in?next=/due"
    page.click("#oidc")
    page.wait_for_url(server.base + "/due", timeout=15_000)
    assert "Lee Lead (coordinator)" in page.locator("#viewer").inner_text(), provider.stderr_text()
    # Signed in as the coordinator of the North: she reads the whole state, changes only the North's agencies.
    assert page.request.get(f"{server.base}/agencies/two-rivers-human-services").status == 200
    context.close()
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["--database-url", database, "user", "list", "--json"]) == 0
    lee = next(user for user in json.loads(out.getvalue()) if user["email"] == "lee.lead@state.example")
    assert lee["last_seen"] is not None


def test_an_address_the_provider_vouches_for_but_the_state_has_not_added_is_refused(
    database: str, browser: Browser
) -> None:
    for server, _ in serve(database, default_login="someone@elsewhere.example"):
        context = browser.new_context()
        page = context.new_page()
        page.goto(server.base + "/sign-in")
        page.click("#oidc")
        page.locator("#notice").wait_for(timeout=15_000)  # after the round trip through the provider
        assert "someone@elsewhere.example is not on this state's team here" in page.content()
        assert page.request.get(server.base + "/", max_redirects=0).status == 303  # still signed out
        context.close()


def test_an_address_the_provider_does_not_vouch_for_signs_nobody_in(database: str, browser: Browser) -> None:
    for server, _ in serve(database, default_login="u-unverified"):
        context = browser.new_context()
        page = context.new_page()
        page.goto(server.base + "/sign-in")
        page.click("#oidc")
        page.locator("#notice").wait_for(timeout=15_000)
        assert "could not be checked" in page.content()
        assert page.request.get(server.base + "/", max_redirects=0).status == 303
        context.close()


def test_a_callback_that_did_not_start_here_signs_nobody_in(
    signed_on: tuple[Server, OidcProvider], browser: Browser
) -> None:
    server, _ = signed_on
    context = browser.new_context()
    page = context.new_page()
    # A code and state from somewhere else (a login CSRF): no flow cookie of ours, so nothing is exchanged.
    page.goto(server.base + "/sign-in/oidc/callback?code=stolen&state=forged")
    assert "did not start here" in page.content()
    assert page.request.get(server.base + "/", max_redirects=0).status == 303
    context.close()
