"""Contacts: who reminders go to. Channel secrets are stored for delivery but never shown."""

from __future__ import annotations

from tests.conftest import Cli, snapshot

SECRET_URLS = [
    "slack://TokenAsecret/TokenBsecret/TokenCsecret/#ips",
    "mailtos://alerts:P4ssw0rdSecret@smtp.example.org",
    "json://localhost:8080/hook?token=TokenSecret99",
]


def add_agency(cli: Cli) -> str:
    cli.ok("agency", "add", "Riverbend", "--region", "North", "--timezone", "America/Chicago")
    return "riverbend"


def test_agency_contacts_inherit_the_agency_timezone_and_state_contacts_stand_alone(cli: Cli) -> None:
    slug = add_agency(cli)
    director = cli.ok("contact", "add", slug, "--role", "director", "--name", "Maria Lopez",
                      "--email", "maria@riverbend.example", "--json").json()  # fmt: skip
    lead = cli.ok("contact", "add", "--role", "state-lead", "--name", "Sam Reed", "--email", "sam@state.example",
                  "--timezone", "America/New_York", "--json").json()  # fmt: skip
    assert (director["agency"], director["timezone"], director["role"]) == (slug, "America/Chicago", "director")
    assert (lead["agency"], lead["timezone"]) == (None, "America/New_York")
    listed = cli.ok("contact", "list", "--json").json()
    assert [c["name"] for c in listed] == ["Sam Reed", "Maria Lopez"]  # state team first
    assert [c["name"] for c in cli.ok("contact", "list", slug, "--json").json()] == ["Maria Lopez"]
    cli.ok("contact", "remove", str(director["id"]))
    assert [c["name"] for c in cli.ok("contact", "list", "--json").json()] == ["Sam Reed"]


def test_channel_secrets_never_appear_in_any_output(cli: Cli) -> None:
    slug = add_agency(cli)
    outputs = []
    added = cli.ok("contact", "add", slug, "--role", "ips-supervisor", "--name", "Lee Park",
                   *[arg for url in SECRET_URLS for arg in ("--notify", url)], "--json")  # fmt: skip
    outputs += [added.out, added.err]
    for args in (("contact", "list"), ("contact", "list", "--json"), ("contact", "list", slug, "--json")):
        result = cli.ok(*args)
        outputs += [result.out, result.err]
    refused = cli("contact", "add", slug, "--role", "director", "--name", "X", "--notify", "zzz://u:LeakMe@host/x")
    outputs += [refused.out, refused.err]
    everything = "\n".join(outputs)
    for secret in ("TokenAsecret", "TokenBsecret", "P4ssw0rdSecret", "TokenSecret99", "LeakMe"):
        assert secret not in everything
    shown = added.json()["notify"]
    assert len(shown) == 3 and shown[1].startswith("mailtos://alerts:****@smtp.example.org")


def test_bad_contacts_are_refused_and_nothing_is_stored(cli: Cli) -> None:
    slug = add_agency(cli)
    before = snapshot(cli.url)
    cases = [
        ((slug, "--role", "trainer", "--name", "X", "--email", "x@y.org"), "is a state role"),
        (("--role", "director", "--name", "X", "--email", "x@y.org"), "belongs to an agency"),
        ((slug, "--role", "boss", "--name", "X", "--email", "x@y.org"), "role"),
        ((slug, "--role", "director", "--name", "X"), "needs an email address"),
        ((slug, "--role", "director", "--name", "X", "--email", "not-an-address"), "is not an email address"),
        ((slug, "--role", "director", "--name", "X", "--email", "x@y.org", "--timezone", "Mars/Base"), "IANA"),
        (("nowhere", "--role", "director", "--name", "X", "--email", "x@y.org"), "unknown agency 'nowhere'"),
    ]
    for args, message in cases:
        result = cli("contact", "add", *args)
        assert result.code == 2, args
        assert message in result.err and result.err.count("\n") == 1, (args, result.err)
    missing = cli("contact", "remove", "999")
    assert (missing.code, "no contact 999" in missing.err) == (2, True)
    assert snapshot(cli.url) == before


WEBHOOKS = {
    "slack://": "https://hooks.slack.com/services/T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ",
    "discord://": "https://discord.com/api/webhooks/4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js",
    "workflow://": "https://prod-12.westus.logic.azure.com:443/workflows/abc123def456/triggers/manual/paths/invoke"
    "?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=AbCdEfSecret123",
}


def test_webhook_urls_as_slack_discord_and_teams_give_them_are_accepted_and_shown_masked(cli: Cli) -> None:
    for scheme, url in WEBHOOKS.items():
        added = cli.ok("contact", "add", "--role", "trainer", "--name", f"Via {scheme}", "--notify", url)
        assert "added" in added.out
    listed = cli.ok("contact", "list", "--json").json()
    shown = [channel for contact in listed for channel in contact["notify"]]
    assert sorted(channel.split("://")[0] + "://" for channel in shown) == sorted(WEBHOOKS)
    printed = cli.ok("contact", "list").out + str(listed)
    assert "TIiajkdnlazkcOXrIdevi7FQ" not in printed and "AbCdEfSecret123" not in printed
    assert "JHMHI8qBe7bk2ZwO5U711o3dV_js" not in printed
