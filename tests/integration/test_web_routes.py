"""Every route of the web app, for every kind of visitor, in and out of their scope: the route table is read from
the app itself, so a route added without a rule here fails this test.

Writes are sent with data the use case refuses for its own reasons once the visitor may ask (an unknown item,
a date in the future): an allowed visitor gets that refusal (400, 404, 422), a visitor out of role or scope a
403 that names nothing of the agency, and nobody anything written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from roadmap.store.tables import DERIVED_TABLES
from tests.conftest import Cli, snapshot
from tests.web import client_for, csrf_of, follow_link, origin, sign_in, web_app

TODAY = "2026-11-23"
IN, OUT = "lakeshore-behavioral-health", "two-rivers-human-services"
NAMES = {IN: "Lakeshore Behavioral Health", OUT: "Two Rivers Human Services"}
USERS = {
    "admin": ("lead@state.example", "admin", ()),
    "coordinator": ("north@state.example", "coordinator", ("--region", "North")),
    "trainer": ("tia@state.example", "trainer", ("--trainer", "Tia Moss")),  # a reviewer; Lakeshore is hers
    "other-trainer": ("grace@state.example", "trainer", ("--trainer", "Grace Lin")),  # neither agency is hers
    "viewer": ("funder@state.example", "viewer", ()),
}
ROLES = ["anonymous", *USERS, "link"]

# What each visitor may do, by the ability a route needs: for the agency in their scope, and the one outside.
ALLOWED_IN = {
    "read-state": {"admin", "coordinator", "trainer", "other-trainer", "viewer"},
    "read-agency": {"admin", "coordinator", "trainer", "viewer", "link"},
    "tick-checklist": {"admin", "coordinator", "trainer", "link"},
    "record-outcomes": {"admin", "coordinator", "link"},
    "record-review": {"admin", "coordinator", "trainer"},
    "mark-action": {"admin", "coordinator", "link"},
    "edit-contacts": {"admin", "coordinator", "link"},
    "read-trainer": {"admin", "coordinator", "trainer", "viewer"},
    "record-visit": {"admin", "coordinator", "trainer"},
    "run-state": {"admin"},
    "public": set(ROLES),
}
ALLOWED_OUT = {
    "read-agency": {"admin", "coordinator", "viewer"},
    "tick-checklist": {"admin"},
    "record-outcomes": {"admin"},
    "record-review": {"admin"},
    "mark-action": {"admin"},
    "edit-contacts": {"admin"},
    "record-visit": {"admin"},
}
SCORES = {str(item): 3 for item in range(1, 26)}
FORM_BODIES: dict[str, dict[str, str]] = {
    "/agencies/{slug}/checklist": {"item": "no-such.item"},
    "/agencies/{slug}/outcomes": {"quarter": "2026Q3", "served": "5", "working": "9"},
    "/agencies/{slug}/reviews": {"date": "2099-01-01", **{f"item-{n}": "3" for n in range(1, 26)}},
    "/agencies/{slug}/actions/{action_id}/done": {"on": "2099-01-01"},
    "/agencies/{slug}/contacts": {"name": "", "role": "director", "email": "x@agency.example"},
    "/agencies/{slug}/contacts/{contact_id}": {"do": "save", "email": "not-an-address"},
    "/agencies/{slug}/contacts/confirm": {"on": "2099-01-01"},
    "/visits/{visit_id}/done": {"on": "2099-01-01", "trainer": "Tia Moss"},
    "/users": {"email": "not-an-address", "name": "", "role": "viewer"},
    "/users/disable": {"email": "nobody@state.example"},
}
API_BODIES: dict[str, object] = {
    "/api/agencies/{slug}/checklist": {"item": "no-such.item"},
    "/api/agencies/{slug}/outcomes": {"quarter": "2026Q3", "served": 5, "working": 9},
    "/api/agencies/{slug}/reviews": {"date": "2099-01-01", "scores": SCORES},
    "/api/agencies/{slug}/actions/{action_id}/done": {"on": "2099-01-01"},
}


@dataclass(frozen=True)
class Rule:
    """What a route needs, and how it treats someone not signed in."""

    ability: str
    agency: bool = False  # the route is about one agency ({slug}): scope decides
    signed_out: str = "sign-in"  # "sign-in" (303 to /sign-in or 401), or "public"


# Every route of the app. A route missing here fails test_every_route_has_a_rule.
RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/sign-in"): Rule("public", signed_out="public"),
    ("POST", "/sign-in"): Rule("public", signed_out="public"),
    ("GET", "/sign-in/{secret}"): Rule("public", signed_out="public"),
    # Single sign-on is not set up in this state: both ends of it say so, to everyone.
    ("GET", "/sign-in/oidc"): Rule("no-such-link", signed_out="public"),
    ("GET", "/sign-in/oidc/callback"): Rule("no-such-link", signed_out="public"),
    ("POST", "/sign-in/{secret}"): Rule("no-such-link", signed_out="public"),
    ("POST", "/sign-out"): Rule("public", signed_out="public"),
    ("GET", "/a/{token}"): Rule("no-such-link", signed_out="public"),
    ("GET", "/static/app.css"): Rule("public", signed_out="public"),
    ("GET", "/trainers/{name}/calendar.ics"): Rule("calendar-token", signed_out="public"),
    ("GET", "/"): Rule("overview"),
    ("GET", "/due"): Rule("read-state"),
    ("GET", "/trainers/{name}"): Rule("read-trainer"),
    ("GET", "/openapi.json"): Rule("read-any"),
    ("GET", "/agencies/{slug}"): Rule("read-agency", agency=True),
    ("GET", "/agencies/{slug}/report"): Rule("read-agency", agency=True),
    ("POST", "/agencies/{slug}/checklist"): Rule("tick-checklist", agency=True),
    ("POST", "/agencies/{slug}/outcomes"): Rule("record-outcomes", agency=True),
    ("POST", "/agencies/{slug}/reviews"): Rule("record-review", agency=True),
    ("POST", "/agencies/{slug}/actions/{action_id}/done"): Rule("mark-action", agency=True),
    ("POST", "/agencies/{slug}/contacts"): Rule("edit-contacts", agency=True),
    ("POST", "/agencies/{slug}/contacts/{contact_id}"): Rule("edit-contacts", agency=True),
    ("POST", "/agencies/{slug}/contacts/confirm"): Rule("edit-contacts", agency=True),
    ("POST", "/visits/{visit_id}/done"): Rule("record-visit", agency=True),
    ("GET", "/users"): Rule("run-state"),
    ("POST", "/users"): Rule("run-state"),
    ("POST", "/users/disable"): Rule("run-state"),
    ("GET", "/api/agencies"): Rule("read-state"),
    ("GET", "/api/agencies/{slug}"): Rule("read-agency", agency=True),
    ("POST", "/api/agencies/{slug}/checklist"): Rule("tick-checklist", agency=True),
    ("POST", "/api/agencies/{slug}/outcomes"): Rule("record-outcomes", agency=True),
    ("POST", "/api/agencies/{slug}/reviews"): Rule("record-review", agency=True),
    ("POST", "/api/agencies/{slug}/actions/{action_id}/done"): Rule("mark-action", agency=True),
}


def routes(client: TestClient) -> list[tuple[str, str]]:
    found = []
    for route in client.app.routes:  # type: ignore[attr-defined]
        if isinstance(route, APIRoute):
            found += [(method, route.path) for method in sorted(route.methods)]
    return found


@pytest.fixture
def state(cli: Cli) -> Cli:
    """The demo state with its visits planned and a person of each role."""
    cli.ok("demo", "--as-of", TODAY)
    cli.ok("visits", "plan", "--weeks", "8", "--as-of", TODAY)
    for email, role, extra in USERS.values():
        cli.ok("user", "add", email, "--name", role.title(), "--role", role, *extra)
    return cli


def test_every_route_has_a_rule(state: Cli) -> None:
    with web_app(state.url) as (application, base):
        client = client_for(application, base)
        assert sorted(routes(client)) == sorted(RULES), "a route without a rule here, or a rule for no route"


def test_every_route_for_every_visitor_in_and_out_of_scope(state: Cli) -> None:
    token = state.ok("link", "create", IN, "--label", "director", "--json").json()["url"].rsplit("/a/", 1)[1]
    bearer = {role: state.ok("user", "token", email, "--json").json()["token"] for role, (email, _, _) in USERS.items()}
    bearer["link"] = token
    ids = {
        slug: {
            "action_id": "999999",
            "contact_id": str(state.ok("contact", "list", slug, "--json").json()[0]["id"]),
            "visit_id": str(next(v["id"] for v in state.ok("visits", "list", "--json").json() if v["agency"] == slug)),
        }
        for slug in (IN, OUT)
    }
    before = snapshot(state.url)
    checked = 0
    with web_app(state.url) as (application, base):
        visitors: dict[str, TestClient] = {}
        for role in ROLES:
            client = client_for(application, base)
            if role in USERS:
                sign_in(client, state.url, USERS[role][0])
            elif role == "link":
                follow_link(client, token)
            visitors[role] = client
        # Signing out comes last: every other route is tried while the visitors are still signed in.
        for (method, path), rule in sorted(RULES.items(), key=lambda each: (each[0][1] == "/sign-out", each[0])):
            for role, client in visitors.items():
                for slug in (IN, OUT) if rule.agency else (IN,):
                    url = path.format(slug=slug, name="Tia Moss", token="1.bogus", secret="bogus", **ids[slug])
                    for answer, expected in attempts(client, method, path, url, role, slug, rule, bearer):
                        checked += 1
                        assert_answer(answer, expected, role, method, url, slug)
    # Nothing any of them sent wrote anything but their sign-ins (sessions, last seen), and the due list's copy
    # (derived rows a page view works out when stale).
    after = snapshot(state.url)
    changed = {table for table in after if after[table] != before.get(table)}
    assert changed <= {"user_secrets", "users", "meta"} | DERIVED_TABLES, changed
    assert checked > 400


def attempts(
    client: TestClient, method: str, path: str, url: str, role: str, slug: str, rule: Rule, bearer: dict[str, str]
) -> list[tuple[object, str]]:
    """The requests to make of one route as one visitor, each with what it should get."""
    expected = expectation(rule, role, slug)
    if method == "GET":
        return [(client.get(url, follow_redirects=False), expected)]
    if path.startswith("/api/"):
        body = API_BODIES[path]
        tries: list[tuple[object, str]] = [
            (client.post(url, json=body, headers={"Origin": origin(client)}), "signed-out")
        ]
        if role in bearer:
            token = {"Authorization": f"Bearer {bearer[role]}"}
            tries.append((client.post(url, json=body, headers=token), expected))
        return tries
    page = client.get("/")  # a page of this app, with the visitor's form token (the sign-in page when signed out)
    fields = dict(FORM_BODIES.get(path, {"email": "nobody@state.example"}))
    with_token = {**fields, "csrf": csrf_of(page.text)} if 'name="csrf"' in page.text else fields
    headers = {"Origin": origin(client)}
    return [
        (client.post(url, data=fields, headers=headers, follow_redirects=False), "forbidden"),
        (client.post(url, data=with_token, headers=headers, follow_redirects=False), expected),
    ]


def expectation(rule: Rule, role: str, slug: str) -> str:
    """ "allowed", "forbidden" or "signed-out" for this visitor, route and agency."""
    if rule.ability in ("calendar-token", "no-such-link"):
        return "forbidden"  # a bogus link or no token in the URL opens nothing, signed in or not
    if rule.signed_out == "public":
        return "allowed"
    if role == "anonymous":
        return "signed-out"
    if rule.ability in ("read-any", "overview"):
        return "allowed"  # the overview sends an agency link to its own page
    allowed = ALLOWED_IN if slug == IN else {**ALLOWED_IN, **ALLOWED_OUT}
    return "allowed" if role in allowed[rule.ability] else "forbidden"


def assert_answer(answer: object, expected: str, role: str, method: str, url: str, slug: str) -> None:
    status = answer.status_code  # type: ignore[attr-defined]
    text = answer.text  # type: ignore[attr-defined]
    where = f"{role} {method} {url}: {status} {text[:200]}"
    location = answer.headers.get("location", "")  # type: ignore[attr-defined]
    if expected == "signed-out":
        assert status == 401 or (status == 303 and location.startswith("/sign-in")), where
    elif expected == "forbidden":
        assert status == 403, where
    else:
        assert status not in (401, 403), where
        assert not location.startswith("/sign-in") or url in ("/sign-out", "/sign-in"), where
    if status == 403 or (role in ("link", "trainer", "other-trainer") and slug == OUT and status != 200):
        # A refusal names nothing of the agency asked about.
        assert NAMES[slug] not in text, where
    if status == 200 and role in ("trainer", "other-trainer", "link") and url in ("/", "/due", "/api/agencies"):
        # Lists are narrowed to the visitor's own agencies: Two Rivers is not Tia's, nor Grace's.
        assert NAMES[OUT] not in text and OUT not in text, where
    if status in (400, 404, 422) and url.startswith("/api/"):
        assert set(json.loads(text)) == {"detail"}, where


def test_a_coordinators_tick_in_their_region_is_signed_with_their_address(state: Cli) -> None:
    """The walk above proves nothing is written; this proves an allowed write lands, signed by its author."""
    with web_app(state.url) as (application, base):
        client = sign_in(client_for(application, base), state.url, "north@state.example")
        page = client.get(f"/agencies/{IN}")
        form = {"item": open_item(page.text), "csrf": csrf_of(page.text)}
        answer = client.post(f"/agencies/{IN}/checklist", data=form, headers={"Origin": origin(client)},
                             follow_redirects=False)  # fmt: skip
        assert answer.status_code == 303
    entry = [e for e in state.ok("audit", IN, "--json").json() if e["subject"] == "checklist"][-1]
    assert (entry["key"], entry["actor"], entry["via"]) == (form["item"], "north@state.example", "web")


def open_item(html: str) -> str:
    import re

    found = re.search(r'<select name="item"><option value="([^"]+)"', html)
    assert found, "no open checklist item offered"
    return found.group(1)
