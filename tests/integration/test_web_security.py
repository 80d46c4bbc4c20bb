"""The security probe's findings, each reproduced against the app as it is served: none of them lets anyone in.

Behind a reverse proxy without sign-in, DNS rebinding, the response headers, bodies too large to read, link and
session lifetimes by the real clock, Origin handling, a planted link cookie, the sign-in page's answers.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from notifications.smtp_sink import SmtpSink
from roadmap.settings import LinkAction, WebSettings
from tests.conftest import Cli, snapshot
from tests.smtp import text_part
from tests.web import client_for, csrf_of, follow_link, origin, sign_in, web_app

TODAY = "2026-11-23"
AGENCY = "riverbend-community-mental-health"
PUBLIC = "https://roadmap.state.example"
REVIEW = {"date": "2026-11-20", **{f"item-{n}": "5" for n in range(1, 26)}}


@pytest.fixture
def state(cli: Cli) -> Cli:
    cli.ok("demo", "--as-of", TODAY)
    cli.ok("user", "add", "lead@state.example", "--name", "Lee Lead", "--role", "admin")
    return cli


def reviews(cli: Cli) -> int:
    return len(snapshot(cli.url)["fidelity_reviews"])


def test_behind_a_reverse_proxy_an_anonymous_visitor_reads_nothing_and_writes_nothing(state: Cli) -> None:
    before = reviews(state)
    with web_app(state.url, web=WebSettings(base_url=PUBLIC), base=PUBLIC) as (application, base):
        # The proxy forwards everyone from one address: nothing about where a request comes from lets it in.
        anonymous = client_for(application, base)
        for path in ("/", "/due", f"/agencies/{AGENCY}", "/trainers/Tia%20Moss", "/openapi.json"):
            answer = anonymous.get(path, follow_redirects=False)
            assert answer.status_code == 303 and answer.headers["location"] == f"/sign-in?next={path.split('?')[0]}"
        assert anonymous.get("/api/agencies").status_code == 401
        # The forged review of 125: refused without a form token, and refused with the sign-in page's token.
        page = anonymous.get("/sign-in")
        forged = anonymous.post(f"/agencies/{AGENCY}/reviews", data=REVIEW, headers={"Origin": PUBLIC})
        assert forged.status_code == 403
        forged = anonymous.post(f"/agencies/{AGENCY}/reviews", data={**REVIEW, "csrf": csrf_of(page.text)},
                                headers={"Origin": PUBLIC}, follow_redirects=False)  # fmt: skip
        assert forged.status_code == 401
        api = anonymous.post(f"/api/agencies/{AGENCY}/reviews", json={"date": "2026-11-20", "scores": {}})
        assert api.status_code == 401 and api.headers["WWW-Authenticate"] == "Bearer"
        # The loopback names are not the public address: a proxy that passes them on gets nothing either.
        assert TestClient(anonymous.app, base_url="http://127.0.0.1:9").get("/").status_code == 400
    assert reviews(state) == before


def test_a_rebinding_page_gets_nothing_for_a_host_name_that_is_not_the_apps(state: Cli) -> None:
    before = reviews(state)
    with web_app(state.url) as (application, base):
        client = sign_in(client_for(application, base), state.url, "lead@state.example")
        assert client.get("/").status_code == 200
        # The attacker's name resolving to 127.0.0.1: the browser sends the signed-in cookie and that Host.
        for host in ("attacker.example:8000", "attacker.example", "127.0.0.1:8001", ""):
            answer = client.get("/", headers={"Host": host})
            assert answer.status_code == 400 and "does not answer to that host name" in answer.text, host
            page = client.get(f"/agencies/{AGENCY}")
            posted = client.post(f"/agencies/{AGENCY}/reviews", data={**REVIEW, "csrf": csrf_of(page.text)},
                                 headers={"Host": host, "Origin": f"http://{host}"})  # fmt: skip
            assert posted.status_code == 400
    assert reviews(state) == before


def test_every_answer_carries_the_security_headers_and_nothing_personal_is_cached(state: Cli) -> None:
    token = state.ok("link", "create", AGENCY, "--json").json()["url"].rsplit("/a/", 1)[1]
    with web_app(state.url) as (application, base):
        client = sign_in(client_for(application, base), state.url, "lead@state.example")
        holder = follow_link(client_for(application, base), token)
        for who, path in ((client, "/"), (client, f"/agencies/{AGENCY}"), (client, "/api/agencies"),
                          (holder, f"/agencies/{AGENCY}"), (client_for(application, base), "/sign-in"),
                          (client, "/no-such-page")):  # fmt: skip
            headers = who.get(path).headers
            csp = headers["content-security-policy"]
            assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp and "script-src" not in csp, path
            assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
            assert headers["referrer-policy"] == "same-origin"
            assert headers["cache-control"] == "no-store", path
        assert "no-store" not in client.get("/static/app.css").headers.get("cache-control", "")
        # No page has a script of its own (the CSP would stop one anyway).
        assert "<script" not in client.get(f"/agencies/{AGENCY}").text.lower()


def test_a_body_too_large_is_refused_before_it_is_read(state: Cli) -> None:
    with web_app(state.url) as (application, base):
        client = client_for(application, base)
        page = client.get("/sign-in")
        huge = b"email=" + b"a" * 100_000_000
        declared = client.post("/sign-in", content=b"x", headers={"Content-Length": str(len(huge)),
                               "Content-Type": "application/x-www-form-urlencoded", "Origin": origin(client)})  # fmt: skip
        assert declared.status_code == 413

        def chunks() -> object:
            yield f"csrf={csrf_of(page.text)}&email=".encode()
            for _ in range(100):
                yield b"a" * 10_000

        streamed = client.post("/sign-in", content=chunks(), headers={  # type: ignore[arg-type]
            "Content-Type": "application/x-www-form-urlencoded", "Origin": origin(client)})  # fmt: skip
        assert streamed.status_code == 413


def test_links_and_sessions_live_by_the_real_clock_whatever_date_the_pages_are_shown_for(state: Cli) -> None:
    made = state.ok("link", "create", AGENCY, "--days", "30", "--json").json()
    # Counted from the real today, not from any --as-of (the option is gone from `link create`).
    assert date.fromisoformat(made["expires_on"]) - datetime.now(UTC).date() <= timedelta(days=31)
    assert state("link", "create", AGENCY, "--as-of", "2999-01-01").code == 2
    token = made["url"].rsplit("/a/", 1)[1]
    later = datetime.now(UTC) + timedelta(days=40)
    with web_app(state.url) as (application, base):
        # Pages shown as of a day long past do not revive a link that has expired by the real clock.
        old_pages = client_for(application, base, as_of=date(2026, 1, 1), clock=lambda: later)
        assert old_pages.get(f"/a/{token}", follow_redirects=False).status_code == 403
        assert client_for(application, base).get(f"/a/{token}", follow_redirects=False).status_code == 303
        # A session ends after its idle time, and a sign-in link after 15 minutes, by the same clock.
        now = [datetime.now(UTC)]
        client = client_for(application, base, clock=lambda: now[0])
        sign_in(client, state.url, "lead@state.example")
        assert client.get("/").status_code == 200
        now[0] += timedelta(hours=8, minutes=1)
        assert client.get("/", follow_redirects=False).headers["location"] == "/sign-in?next=/"
        link = client.get("/" + one_time_path(state))
        now[0] += timedelta(minutes=16)
        expired = client.post(link.url.path, data={"csrf": csrf_of(link.text)}, headers={"Origin": origin(client)})
        assert expired.status_code == 403 and "expired or was already used" in expired.text


def one_time_path(cli: Cli) -> str:
    return cli.ok("user", "link", "lead@state.example", "--json").json()["url"].split("8000/", 1)[1]


def test_a_form_must_come_from_the_apps_own_page(state: Cli) -> None:
    with web_app(state.url) as (application, base):
        client = sign_in(client_for(application, base), state.url, "lead@state.example")
        token = csrf_of(client.get(f"/agencies/{AGENCY}").text)
        form = {"quarter": "2026Q3", "served": "9", "working": "1", "csrf": token}
        url = f"/agencies/{AGENCY}/outcomes"
        assert client.post(url, data=form).status_code == 403  # no Origin, no Referer
        assert client.post(url, data=form, headers={"Origin": "null"}).status_code == 403
        assert client.post(url, data=form, headers={"Origin": "http://elsewhere.example"}).status_code == 403
        malformed = client.post(url, data=form, headers={"Origin": "http://["})
        assert malformed.status_code == 400 and "Traceback" not in malformed.text
        assert "the Origin or Referer header is not a URL" in malformed.text
        # The page's token is needed too: a form from the same origin without it (another tab's script) fails.
        assert client.post(url, data={**form, "csrf": "0" * 40}, headers={"Origin": base}).status_code == 403
        answer = client.post(url, data=form, headers={"Referer": f"{base}/agencies/{AGENCY}"}, follow_redirects=False)
        assert answer.status_code == 303
    outcomes = state.ok("outcomes", "list", AGENCY, "--json").json()
    assert [o["quarter"] for o in outcomes].count("2026Q3") == 1


def test_a_link_cookie_planted_by_another_site_does_not_lock_a_team_member_out(state: Cli) -> None:
    token = state.ok("link", "create", "lakeshore-behavioral-health", "--json").json()["url"].rsplit("/a/", 1)[1]
    with web_app(state.url) as (application, base):
        client = sign_in(client_for(application, base), state.url, "lead@state.example")
        client.cookies.set("ips_roadmap_link", token)
        assert client.get("/").status_code == 200  # the session wins over a link's cookie
        assert client.get(f"/agencies/{AGENCY}").status_code == 200
        # A dead link cookie alone sends the browser to sign in (and is cleared), not to a bare 403.
        stranger = client_for(application, base)
        stranger.cookies.set("ips_roadmap_link", "12.not-a-signature")
        answer = stranger.get("/", follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == "/sign-in?next=/"
        assert 'ips_roadmap_link=""' in answer.headers.get("set-cookie", "")


def test_the_sign_in_page_says_the_same_for_any_address_and_mails_a_one_time_link(
    state: Cli, smtp: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IPS_ROADMAP_MAIL_URL", smtp.url)
    state.ok("user", "add", "jose.nunez@state.example", "--name", "José Núñez", "--role", "viewer")
    with web_app(state.url) as (application, base):
        client = client_for(application, base)
        said = {}
        for email in ("LEAD@state.example", "stranger@elsewhere.example", "jose.nunez@state.example"):
            page = client.get("/sign-in")
            answer = client.post("/sign-in", data={"email": email, "csrf": csrf_of(page.text)},
                                 headers={"Origin": origin(client)})  # fmt: skip
            assert answer.status_code == 200
            said[email] = re.sub(r"<strong>[^<]*</strong>", "", answer.text.split('id="sent"')[1].split("</p>")[0])
        assert len(set(said.values())) == 1 and "a sign-in link is on its way" in said["LEAD@state.example"]
        assert smtp.to("stranger@elsewhere.example") == []
        mail = smtp.to("lead@state.example")
        assert len(mail) == 1 and mail[0]["Subject"] == "Your sign-in link to the IPS roadmap"
        body = text_part(mail[0])
        assert "Hello Lee Lead," in body and "it works once, for 15 minutes" in body
        link = re.search(r"http://127\.0\.0\.1:8000(/sign-in/\S+)", body)
        assert link, body
        # Opening the link (a mail scanner does) spends nothing; the button does, once.
        for _ in range(2):
            assert client.get(link.group(1)).status_code == 200
        confirm = client.get(link.group(1))
        first = client.post(link.group(1), data={"csrf": csrf_of(confirm.text)}, headers={"Origin": origin(client)},
                            follow_redirects=False)  # fmt: skip
        assert first.status_code == 303
        session = first.cookies.get("ips_roadmap_session")
        assert session and session not in repr(snapshot(state.url))  # kept as a digest only
        again = client.post(link.group(1), data={"csrf": csrf_of(client.get("/sign-in").text)},
                            headers={"Origin": origin(client)})  # fmt: skip
        assert again.status_code == 403
        # A name in any alphabet is greeted as it is written.
        assert "Hello José Núñez," in text_part(smtp.to("jose.nunez@state.example")[0])
        # Signing out ends the session on the server: the old cookie opens nothing afterwards.
        page = client.get("/")
        assert "Lee Lead (admin)" in page.text
        client.post("/sign-out", data={"csrf": csrf_of(page.text)}, headers={"Origin": origin(client)})
        replay = client_for(application, base)
        replay.cookies.set("ips_roadmap_session", session)
        assert replay.get("/", follow_redirects=False).status_code == 303


def test_sign_in_requests_are_limited_per_address_and_logged(state: Cli, caplog: pytest.LogCaptureFixture) -> None:
    with web_app(state.url) as (application, base):
        client = client_for(application, base)
        codes = []
        for _ in range(7):
            page = client.get("/sign-in")
            answer = client.post("/sign-in", data={"email": "lead@state.example", "csrf": csrf_of(page.text)},
                                 headers={"Origin": origin(client)})  # fmt: skip
            codes.append(answer.status_code)
        assert codes == [200] * 5 + [429, 429]
        assert "Too many sign-in requests: try again in 15 minutes." in answer.text
        assert any("sign-in requests refused" in record.getMessage() for record in caplog.records)


def test_a_disabled_user_is_signed_out_everywhere_at_once(state: Cli) -> None:
    state.ok("user", "add", "ana@state.example", "--name", "Ana Lytic", "--role", "viewer")
    token = state.ok("user", "token", "ana@state.example", "--json").json()["token"]
    with web_app(state.url) as (application, base):
        client = sign_in(client_for(application, base), state.url, "ana@state.example")
        api = client_for(application, base)
        assert client.get("/").status_code == 200
        assert api.get("/api/agencies", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        state.ok("user", "disable", "ana@state.example")
        assert client.get("/", follow_redirects=False).status_code == 303
        assert api.get("/api/agencies", headers={"Authorization": f"Bearer {token}"}).status_code == 401
        odd = api.get("/api/agencies", headers={"Authorization": "Bearer ñandú".encode()})
        assert odd.status_code == 401 and "Traceback" not in odd.text


def test_off_loopback_the_app_needs_its_public_address_and_the_shared_password_is_retired(
    state: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    refused = state("web", "--host", "0.0.0.0")
    assert refused.code == 2 and "set IPS_ROADMAP_WEB__BASE_URL" in refused.err
    monkeypatch.setenv("IPS_ROADMAP_WEB__USERNAME", "state")
    monkeypatch.setenv("IPS_ROADMAP_WEB__PASSWORD", "s3cret")
    retired = state("web")
    assert retired.code == 2 and "`ips-roadmap user add EMAIL --name NAME --role ROLE`" in retired.err
    assert "s3cret" not in retired.err


def test_agency_links_may_be_kept_to_reading_by_the_state(state: Cli) -> None:
    token = state.ok("link", "create", AGENCY, "--json").json()["url"].rsplit("/a/", 1)[1]
    with web_app(state.url, web=WebSettings(link_actions=())) as (application, base):
        holder = follow_link(client_for(application, base), token)
        page = holder.get(f"/agencies/{AGENCY}")
        assert page.status_code == 200 and page.text.count("<form") == 1  # signing out is all it can do
        posted = holder.post(f"/agencies/{AGENCY}/outcomes", data={"served": "9", "working": "1",
                             "quarter": "2026Q3", "csrf": csrf_of(page.text)}, headers={"Origin": origin(holder)})  # fmt: skip
        assert posted.status_code == 403
    with web_app(state.url, web=WebSettings(link_actions=(LinkAction.OUTCOMES,))) as (application, base):
        page = follow_link(client_for(application, base), token).get(f"/agencies/{AGENCY}")
        assert 'id="outcomes-form"' in page.text and 'id="checklist-form"' not in page.text


def test_a_browser_still_sending_the_old_shared_password_reaches_the_sign_in_page(state: Cli) -> None:
    with web_app(state.url) as (application, base):
        browser = client_for(application, base)
        old = {"Authorization": "Basic c3RhdGU6czNjcmV0"}  # what a browser keeps re-sending after HTTP Basic
        answer = browser.get("/", headers=old, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == "/sign-in?next=/"
        assert browser.get("/sign-in", headers=old).status_code == 200
        assert browser.get("/api/agencies", headers=old).status_code == 401  # the API takes bearer tokens only


def test_a_contacts_new_address_ends_the_link_their_old_one_was_sent(state: Cli) -> None:
    with web_app(state.url, web=WebSettings(base_url="http://127.0.0.1:8000")) as (application, base):
        from roadmap.services.links import reminder_tokens

        director = next(c for c in state.ok("contact", "list", AGENCY, "--json").json() if c["role"] == "director")
        with application.uow() as uow:
            contact = next(c for c in uow.contacts.listed(AGENCY) if c.id == director["id"])
            token = reminder_tokens(uow, [contact], on=datetime.now(UTC).date(), days=90)[director["id"]]
            uow.commit()
        assert follow_link(client_for(application, base), token).get(f"/agencies/{AGENCY}").status_code == 200
        # The director left; the state corrects the address to her successor's: the old inbox's link stops.
        state.ok("contact", "edit", str(director["id"]), "--name", "Nia Successor", "--email", "nia@riverbend.example")
        assert client_for(application, base).get(f"/a/{token}", follow_redirects=False).status_code == 403


def test_a_base_url_with_its_default_port_still_lets_people_in(state: Cli) -> None:
    web = WebSettings(base_url="https://roadmap.state.example:443")
    with web_app(state.url, web=web, base="https://roadmap.state.example") as (application, base):
        client = client_for(application, base)
        assert client.get("/sign-in").status_code == 200
        page = client.get("/sign-in")
        answer = client.post("/sign-in", data={"email": "x@state.example", "csrf": csrf_of(page.text)},
                             headers={"Origin": "https://roadmap.state.example"})  # fmt: skip
        assert answer.status_code == 200
