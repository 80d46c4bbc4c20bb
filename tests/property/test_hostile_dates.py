"""Dates typed on the command line (--as-of, --joined, --date, --on): the date meant, or one line and no change."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

from roadmap.services.demo import demo_scores
from tests.conftest import Cli
from tests.property.support import HOSTILE, assert_refused, date_texts, expected_date, guarded

LAUNCHED = date(2026, 1, 15)  # riverbend and lakeside
LONE_OAK_LAUNCHED = date(2026, 1, 1)
FAR_FUTURE = "2999-12-31"  # as --as-of, so that every supported date has happened

typed_dates = date_texts()


def test_a_date_option_takes_exactly_the_date_typed_or_refuses_it_in_one_line(cli: Cli, tmp_path: Path) -> None:
    for name, launched in (("Riverbend", LAUNCHED), ("Lakeside", LAUNCHED), ("Lone Oak", LONE_OAK_LAUNCHED)):
        cli.ok("agency", "add", name, "--region", "North", "--timezone", "UTC", "--joined", launched.isoformat(),
               "--launched", launched.isoformat(), "--as-of", launched.isoformat())  # fmt: skip
    scores = tmp_path / "scores.json"
    scores.write_text(json.dumps({str(item): score for item, score in demo_scores(100).items()}))
    # What the accepted commands stored, read back once all examples have run (a command costs ~0.1 s).
    reviewed: set[date] = set()
    held: set[date] = set()
    joined: dict[str, str] = {}
    added = itertools.count()

    def review_due(text: str, day: date | str) -> None:
        result = guarded(cli, "review", "due", "--as-of", text, "--json")
        if isinstance(day, str):
            return assert_refused(result, f"--as-of {text!r} {day}")
        listed = {entry["agency"]: entry for entry in result.json()}
        if day < LAUNCHED:  # as of a day before the launch, no review is owed yet
            assert "riverbend" not in listed
            return None
        entry = listed["riverbend"]
        assert (entry["next_review_due"], entry["days_until"]) == ("2026-07-15", (date(2026, 7, 15) - day).days)
        assert entry["overdue"] is (day > date(2026, 7, 15))
        return None

    def agency_joined(text: str, day: date | str) -> None:
        name = f"Dated Agency {next(added)}"
        result = guarded(cli, "agency", "add", name, "--region", "North", "--timezone", "UTC", "--joined", text,
                         "--as-of", FAR_FUTURE, "--json")  # fmt: skip
        if isinstance(day, str):
            return assert_refused(result, f"--joined {text!r} {day}")
        printed = result.json()
        assert {"kind": "agency-enrolled", "agency": printed["slug"], "on": day.isoformat()} in printed["events"]
        joined[printed["slug"]] = day.isoformat()
        return None

    def review_dated(text: str, day: date | str) -> None:
        result = guarded(cli, "review", "record", "lakeside", "--date", text, "--scores", str(scores),
                         "--as-of", FAR_FUTURE, "--json")  # fmt: skip
        if isinstance(day, str):
            return assert_refused(result, f"--date {text!r} {day}")
        if day < LAUNCHED:
            return assert_refused(result, "before the agency launched")
        if day in reviewed:
            return assert_refused(result, f"already has a review on {day}")
        assert (result.json()["date"], result.json()["total"]) == (day.isoformat(), 100)
        reviewed.add(day)
        return None

    def routine_on(text: str, day: date | str) -> None:
        result = guarded(cli, "routine", "done", "lone-oak", "leadership-consultation", "--on", text,
                         "--as-of", FAR_FUTURE, "--json")  # fmt: skip
        if isinstance(day, str):
            return assert_refused(result, f"--on {text!r} {day}")
        if day < LONE_OAK_LAUNCHED:  # the consultation stage starts with the launch
            return assert_refused(result, "was not running")
        if day in held:
            return assert_refused(result, "is already recorded")
        assert result.json()["done_on"] == day.isoformat()
        held.add(day)
        return None

    commands = [review_due, agency_joined, review_dated, routine_on]

    @HOSTILE
    @given(st.sampled_from(commands), typed_dates)
    # Each command's ways to accept and to refuse, whatever the generated examples happen to favour.
    @example(review_due, "2026-07-20").via("overdue by five days")
    @example(review_due, "2025-12-31").via("before the launch")
    @example(agency_joined, " 1999-12-31\n").via("blanks around a date")
    @example(agency_joined, "２０２６-01-01").via("fullwidth digits")
    @example(review_due, "").via("an empty --as-of, as a blank script variable gives it")
    @example(agency_joined, "").via("an empty --joined")
    @example(review_dated, "2026-03-01").via("a first review")
    @example(review_dated, "2026-03-01").via("the same day again")
    @example(routine_on, "2026-02-02").via("a consultation held")
    @example(routine_on, "2024-02-29").via("before the stage started")
    def typed(command: Callable[[str, date | str], None], text: str) -> None:
        command(text, expected_date(text))

    typed()
    assert {review["date"] for review in cli.ok("review", "list", "lakeside", "--json").json()} == {
        day.isoformat() for day in reviewed
    }
    history = cli.ok("routine", "history", "lone-oak", "--json").json()
    assert {entry["done_on"] for entry in history} == {day.isoformat() for day in held}
    agencies = {agency["slug"]: agency["joined_on"] for agency in cli.ok("agency", "list", "--json").json()}
    assert {slug: agencies[slug] for slug in joined} == joined
