"""The admin's page of people: adding a person with a role from the browser, disabling one, each change signed."""

from __future__ import annotations

from tests.conftest import Cli
from tests.web import client_for, csrf_of, origin, sign_in, web_app


def test_an_admin_adds_and_disables_people_from_the_browser(cli: Cli) -> None:
    cli.ok("demo", "--as-of", "2026-11-23")
    cli.ok("user", "add", "lead@state.example", "--name", "Lee Lead", "--role", "admin")
    with web_app(cli.url) as (application, base):
        admin = sign_in(client_for(application, base), cli.url, "lead@state.example")
        page = admin.get("/users")
        assert page.status_code == 200 and "lead@state.example" in page.text and 'href="/users">People' in page.text
        assert "They sign in at <strong>http://127.0.0.1:8000/sign-in</strong>" in page.text
        headers = {"Origin": origin(admin)}
        form = {"csrf": csrf_of(page.text), "email": "cora@state.example", "name": "Cora Diaz",
                "role": "coordinator", "regions": "North, East"}  # fmt: skip
        refused = admin.post("/users", data={**form, "regions": ""}, headers=headers)
        assert (
            refused.status_code == 400 and "Not added: user: a coordinator needs at least one --region" in refused.text
        )
        assert 'value="cora@state.example"' in refused.text  # what was typed comes back
        added = admin.post("/users", data=form, headers=headers)
        assert "Cora Diaz may sign in as coordinator with cora@state.example." in added.text
        assert admin.post("/users/disable", data={"csrf": form["csrf"], "email": "cora@state.example"},
                          headers=headers).status_code == 200  # fmt: skip
        # A coordinator, signed in, is not shown the page and cannot post to it.
        cli.ok(
            "user", "add", "north@state.example", "--name", "Nora North", "--role", "coordinator", "--region", "North"
        )
        north = sign_in(client_for(application, base), cli.url, "north@state.example")
        assert north.get("/users").status_code == 403 and 'href="/users"' not in north.get("/").text
    listed = {user["email"]: user for user in cli.ok("user", "list", "--json").json()}
    assert listed["cora@state.example"]["regions"] == ["North", "East"] and not listed["cora@state.example"]["active"]
    trail = [
        (e["key"], e["action"], e["actor"], e["via"])
        for e in cli.ok("audit", "--json").json()
        if e["subject"] == "user"
    ]
    assert ("cora@state.example", "added", "lead@state.example", "web") in trail
    assert ("cora@state.example", "changed", "lead@state.example", "web") in trail
