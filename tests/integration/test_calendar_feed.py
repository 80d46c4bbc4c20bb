"""A trainer's visits as a calendar feed their calendar program subscribes to once: the token in the URL is theirs
alone and revocable; a visit moved or cancelled shows up changed on the next poll, under the same UID."""

from __future__ import annotations

from icalendar import Calendar

from tests.conftest import Cli
from tests.web import client_for, web_app

TODAY = "2026-11-23"


def events(body: bytes) -> dict[str, tuple[str, str]]:
    """Each event's UID with its start and status, as a calendar program reads them."""
    return {
        str(event["UID"]): (event.decoded("DTSTART").isoformat(), str(event.get("STATUS", "CONFIRMED")))
        for event in Calendar.from_ical(body).walk("VEVENT")
    }


def test_a_trainers_feed_follows_their_visits_and_opens_nothing_else(cli: Cli) -> None:
    cli.ok("demo", "--as-of", TODAY)
    cli.ok("visits", "plan", "--weeks", "4", "--as-of", TODAY)
    cli.ok("user", "add", "tia@state.example", "--name", "Tia Moss", "--role", "trainer", "--trainer", "tia moss")
    made = cli.ok("user", "token", "tia@state.example", "--calendar", "--days", "366", "--json").json()
    assert made["kind"] == "calendar"
    path = made["url"].split("8000", 1)[1]
    assert path.startswith("/trainers/Tia%20Moss/calendar.ics?token=")
    with web_app(cli.url) as (application, base):
        feed = client_for(application, base)  # a calendar program: no cookies, no sign-in, just the URL
        first = feed.get(path)
        assert first.status_code == 200 and first.headers["content-type"].startswith("text/calendar")
        before = events(first.content)
        assert before and all(status == "CONFIRMED" for _, status in before.values())
        # Her token opens her calendar only, and no page.
        other = path.replace("Tia%20Moss", "Omar%20Haddad")
        assert feed.get(other).status_code == 403
        token = path.split("token=", 1)[1]
        assert feed.get("/", headers={"Authorization": f"Bearer {token}"}).status_code == 401
        # The state cancels one of her visits: the next poll shows it cancelled, under the same UID.
        booked = [v for v in cli.ok("visits", "list", "--trainer", "Tia Moss", "--json").json()
                  if v["status"] == "planned"]  # fmt: skip
        cli.ok("visits", "cancel", str(booked[0]["id"]))
        after = events(feed.get(path).content)
        assert set(after) == set(before)
        assert sorted(status for _, status in after.values()).count("CANCELLED") >= 1
        # Revoked: the feed stops at once.
        cli.ok("user", "token", "--revoke", str(made["id"]))
        assert feed.get(path).status_code == 403
