"""The due list the web shows is kept as derived rows (a page costs a page of rows, not every agency's rules).

What it says must be what the rules say live, on any day and after every kind of change a state makes, on both
backends; and a change has only the agencies it touched worked out again.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from roadmap.bootstrap import Application, build
from roadmap.domain.completion import standing
from roadmap.domain.due import DueItem
from roadmap.domain.errors import RoadmapError
from roadmap.domain.routine import Occurrence
from roadmap.services.agencies import list_agencies, matrix
from roadmap.services.demo import demo_scores
from roadmap.services.due import due_slice, peers_as_of, refresh_due_list, state_due, work_out_due_list
from roadmap.services.pages import overview_page
from roadmap.services.sweep import BatchOutcome, advance_batch, plan_sweep
from roadmap.services.views import agency_view, overview_view
from roadmap.settings import load_settings
from stages.stall import PeerDurations, peer_durations
from tests.conftest import Cli
from tests.integration.visit_state import realistic_state

TODAY = date(2026, 11, 23)
Row = tuple[str, str, str, str, str, date]


def row(item: DueItem) -> Row:
    return item.agency, item.kind.value, item.subject, item.title, item.stage, item.due_on


def kept(url: str, as_of: date, within: int) -> tuple[list[Row], int, int]:
    """The due list as the web reads it: every item in order, the total and the overdue count."""
    app = build(load_settings(url))
    try:
        found = due_slice(app.uow(), app.roadmap, app.cadence, as_of=as_of, within_days=within, limit=100_000)
        return [row(item) for item in found.items], found.total, found.overdue
    finally:
        app.close()


def live(url: str, as_of: date, within: int) -> tuple[list[Row], int, int]:
    """The due list worked out afresh from every agency's records (what `ips-roadmap due` prints)."""
    app = build(load_settings(url))
    try:
        items = state_due(app.uow(), app.roadmap, app.cadence, as_of=as_of, within_days=within, people=False)
        return [row(item) for item in items], len(items), sum(1 for item in items if item.due_on < as_of)
    finally:
        app.close()


def says_the_truth(cli: Cli, as_of: date) -> list[Row]:
    """The kept list equals the live one for the web's window, none and ten years; returns the ten-year list."""
    for within in (30, 0, 3650):
        assert kept(cli.url, as_of, within) == live(cli.url, as_of, within), (as_of, within)
    return kept(cli.url, as_of, 3650)[0]


def refreshed(url: str, as_of: date) -> int:
    """How many agencies a read of the due list works out again."""
    app = build(load_settings(url))
    try:
        return refresh_due_list(app.uow(), app.roadmap, app.cadence, as_of=as_of)
    finally:
        app.close()


def scores_file(tmp_path: Path, total: int) -> str:
    path = tmp_path / f"scores-{total}.json"
    path.write_text(json.dumps({str(item): score for item, score in demo_scores(total).items()}))
    return str(path)


def test_the_kept_due_list_says_what_the_rules_say_after_every_kind_of_change(cli: Cli, tmp_path: Path) -> None:
    realistic_state(cli, TODAY)
    day = TODAY.isoformat()
    before = says_the_truth(cli, TODAY)
    assert len(before) > 100

    plan = cli.ok("visits", "plan", "--weeks", "4", "--as-of", day, "--json").json()["visits"]
    after_plan = says_the_truth(cli, TODAY)
    assert any(kind == "site-visit" for _, kind, *_ in after_plan) and after_plan != before
    first, second = plan[0], plan[1]
    cli.ok("visits", "done", str(first["id"]), "--on", first["date"], "--as-of", first["date"])
    cli.ok("visits", "cancel", str(second["id"]))
    says_the_truth(cli, TODAY)

    open_item = next(r for r in live(cli.url, TODAY, 3650)[0] if r[1] == "checklist-item")
    cli.ok("checklist", "done", open_item[0], open_item[2], "--on", day, "--as-of", day)
    assert open_item not in says_the_truth(cli, TODAY)

    review = next(r for r in live(cli.url, TODAY, 3650)[0] if r[1] == "fidelity-review")
    cli.ok("review", "record", review[0], "--date", day, "--scores", scores_file(tmp_path, 80),
           "--reviewer", "Ana Ruiz", "--as-of", day)  # fmt: skip
    steps = [r for r in says_the_truth(cli, TODAY) if r[0] == review[0] and r[1] == "action-plan"]
    assert steps, "a review scoring 80 leaves action-plan steps due"
    step_id = steps[0][2].removeprefix("action:")
    cli.ok("actions", "done", review[0], step_id, "--on", day, "--as-of", day)
    assert steps[0] not in says_the_truth(cli, TODAY)

    routine = next(r for r in live(cli.url, TODAY, 3650)[0] if r[1] == "meeting")
    cli.ok("routine", "done", routine[0], routine[2].split(":")[0], "--on", day, "--as-of", day)
    assert routine not in says_the_truth(cli, TODAY)

    cli.ok("outcomes", "record", review[0], "--quarter", "2026Q3", "--served", "40", "--working", "18",
           "--as-of", day)  # fmt: skip
    says_the_truth(cli, TODAY)

    leaving = open_item[0]
    cli.ok("agency", "archive", leaving, "--on", day, "--reason", "merged", "--as-of", day)
    assert all(r[0] != leaving for r in says_the_truth(cli, TODAY))
    cli.ok("agency", "add", "Harbor Lights", "--region", "East", "--timezone", "America/New_York",
           "--joined", "2026-06-01", "--as-of", day)  # fmt: skip
    assert any(r[0] == "harbor-lights" for r in says_the_truth(cli, TODAY))

    # Time alone moves the list: tomorrow, next week, after a quarter ends, and after booked visits have passed.
    for later in (1, 7, 40, 100):
        says_the_truth(cli, TODAY + timedelta(days=later))


def test_the_sweeps_batches_keep_the_days_due_list_as_they_go(cli: Cli) -> None:
    """A sweep works out every agency's items to queue its reminders; each batch writes them as the day's due
    list in its own transaction, so only the agencies the sweep itself changed are left for a later read."""
    realistic_state(cli, TODAY)
    day = TODAY + timedelta(days=1)
    app = build(load_settings(cli.url))
    try:
        plan = plan_sweep(app.uow(), app.roadmap, app.cadence, app.reminder_rules, as_of=day, max_batches=3)
        outcome = BatchOutcome()
        for batch in plan.batches:
            outcome += advance_batch(app.uow(), app.roadmap, app.cadence, app.reminder_rules, batch, as_of=day,
                                     now=datetime(2026, 11, 24, 12, tzinfo=UTC), peers=plan.peers)  # fmt: skip
    finally:
        app.close()
    assert outcome.agencies == 36 and outcome.reminders_queued > 0
    left = refreshed(cli.url, day)
    assert left <= outcome.stages_started < outcome.agencies, (left, outcome)
    says_the_truth(cli, day)


def test_an_agency_archived_after_the_sweep_was_planned_gets_nothing_from_its_batch(cli: Cli) -> None:
    """The flow plans the sweep and runs its batches as separate tasks: an agency can leave in between."""
    realistic_state(cli, TODAY)
    day = TODAY + timedelta(days=1)
    app = build(load_settings(cli.url))
    try:
        plan = plan_sweep(app.uow(), app.roadmap, app.cadence, app.reminder_rules, as_of=day, max_batches=3)
        leaving = live(cli.url, day, 3650)[0][0][0]
        cli.ok("agency", "archive", leaving, "--on", day.isoformat(), "--reason", "merged", "--as-of", day.isoformat())
        for batch in plan.batches:
            advance_batch(app.uow(), app.roadmap, app.cadence, app.reminder_rules, batch, as_of=day,
                          now=datetime(2026, 11, 24, 12, tzinfo=UTC), peers=plan.peers)  # fmt: skip
    finally:
        app.close()
    assert all(r[0] != leaving for r in says_the_truth(cli, day))
    entries = cli.ok("outbox", "list", "--json").json()
    assert not [entry for entry in entries if entry["agency"] == leaving and entry["status"] == "pending"]


def test_a_change_has_only_its_agency_worked_out_again(cli: Cli) -> None:
    regions = realistic_state(cli, TODAY)
    assert refreshed(cli.url, TODAY) == len(regions)  # the first read of a day works out every agency
    assert refreshed(cli.url, TODAY) == 0  # then reads are only reads
    item = next(r for r in live(cli.url, TODAY, 3650)[0] if r[1] == "checklist-item")
    cli.ok("checklist", "done", item[0], item[2], "--on", TODAY.isoformat(), "--as-of", TODAY.isoformat())
    assert refreshed(cli.url, TODAY) == 1
    cli.ok("contact", "add", item[0], "--role", "director", "--name", "Ruth Okafor", "--email", "ruth@agency.example")
    assert refreshed(cli.url, TODAY) == 0  # who is reminded is not part of what is due
    assert refreshed(cli.url, TODAY + timedelta(days=1)) == len(regions)  # a new day: every agency again


def medians(url: str, as_of: date) -> tuple[PeerDurations, PeerDurations]:
    """The stage medians a page about one agency reads (kept rows, stale agencies live), and every agency's
    standing worked out afresh."""
    app = build(load_settings(url))
    try:
        with app.uow() as uow:
            kept = peers_as_of(uow, app.roadmap, app.cadence, as_of=as_of)
            everyone = uow.agencies.all()
        return kept, peer_durations(standing(agency, app.roadmap, as_of, items=False) for agency in everyone)
    finally:
        app.close()


def test_a_page_about_one_agency_judges_its_stall_by_every_agencys_medians(cli: Cli) -> None:
    regions = realistic_state(cli, TODAY)
    kept, live = medians(cli.url, TODAY)
    assert kept == live and live.counts  # nothing kept yet: every agency worked out live
    assert refreshed(cli.url, TODAY) == len(regions)
    kept, live = medians(cli.url, TODAY)
    assert kept == live
    # One agency completes its stage: its kept rows are stale, so its new duration counts at once.
    agency = next(slug for slug in regions if cli.ok("agency", "show", slug, "--json").json()["current_stage"])
    stage = cli.ok("agency", "show", agency, "--json").json()["current_stage"]
    day = TODAY.isoformat()
    cli.ok("stage", "complete", agency, stage, "--on", day, "--force", "--note", "test", "--as-of", day)
    changed, live = medians(cli.url, TODAY)
    assert changed == live and changed.counts[stage] == kept.counts.get(stage, 0) + 1
    assert refreshed(cli.url, TODAY) == 1
    assert medians(cli.url, TODAY)[0] == live
    later = TODAY + timedelta(days=30)  # another day: every agency's rows are stale until worked out again
    assert medians(cli.url, later)[0] == medians(cli.url, later)[1]


def test_a_page_of_agencies_is_the_whole_lists_slice_stalls_and_all(cli: Cli) -> None:
    regions = realistic_state(cli, TODAY)
    day = TODAY.isoformat()
    leaving = sorted(regions)[5]
    cli.ok("agency", "archive", leaving, "--on", day, "--reason", "merged", "--as-of", day)
    cli.ok("agency", "edit", sorted(regions)[-1], "--name", "aardvark Services")  # first by name, last by slug
    later = TODAY + timedelta(days=400)  # agencies still structuring their program are stalled by then
    app = build(load_settings(cli.url))
    try:
        for archived in (False, True):
            whole = [agency_view(s) for s in list_agencies(app.uow(), app.roadmap, app.cadence, as_of=later,
                                                           archived=archived)]  # fmt: skip
            assert whole and any(view["stalled"] for view in whole) != archived
            for offset, limit in ((0, 7), (7, 7), (30, 100), (0, 1000)):
                page = list_agencies(app.uow(), app.roadmap, app.cadence, as_of=later, archived=archived,
                                     offset=offset, limit=limit)  # fmt: skip
                assert [agency_view(s) for s in page] == whole[offset : offset + limit], (archived, offset)
        refresh_due_list(app.uow(), app.roadmap, app.cadence, as_of=later)  # the medians from kept rows now
        whole = [agency_view(s) for s in list_agencies(app.uow(), app.roadmap, app.cadence, as_of=later)]
        page = list_agencies(app.uow(), app.roadmap, app.cadence, as_of=later, offset=3, limit=20)
        assert [agency_view(s) for s in page] == whole[3:23]
    finally:
        app.close()


def test_the_overview_counts_and_pages_every_agency_as_the_whole_list_does(cli: Cli) -> None:
    """The overview reads one page in full and counts the rest from the positions kept with the due list: what
    it says must be what measuring every agency says, whether the positions are kept, stale or partly both."""
    regions = realistic_state(cli, TODAY)
    day = TODAY.isoformat()
    cli.ok("agency", "archive", sorted(regions)[5], "--on", day, "--reason", "merged", "--as-of", day)
    later = TODAY + timedelta(days=400)  # agencies still structuring their program are stalled by then
    app = build(load_settings(cli.url))

    def says_the_truth() -> None:
        whole = list_agencies(app.uow(), app.roadmap, app.cadence, as_of=later)
        for region in (None, *sorted({s.standing.agency.region for s in whole})):
            chosen = [s for s in whole if region is None or s.standing.agency.region == region]
            for number in (1, 2, 99):
                shown = matrix(app.uow(), app.roadmap, app.cadence, as_of=later, rows=4, number=number,
                               region=region)  # fmt: skip
                pages = -(-len(chosen) // 4)
                assert (shown.total, shown.launched, shown.stalled, shown.regions, shown.pages) == (
                    len(whole),
                    sum(1 for s in whole if s.standing.launched_on is not None),
                    sum(1 for s in whole if s.stall is not None),
                    sorted({s.standing.agency.region for s in whole}),
                    pages,
                ), (region, number)
                first = (min(number, pages) - 1) * 4
                expected = [overview_view([s])[0] for s in chosen[first : first + 4]]
                assert overview_view(shown.summaries) == expected, (region, number)

    try:
        says_the_truth()  # nothing kept yet: every position worked out live
        assert any(s.stall for s in list_agencies(app.uow(), app.roadmap, app.cadence, as_of=later))
        refresh_due_list(app.uow(), app.roadmap, app.cadence, as_of=later)
        says_the_truth()  # every position kept
        agency = next(slug for slug in sorted(regions)[6:] if cli.ok("agency", "show", slug, "--json",
                                                                     "--as-of", day).json()["current_stage"])  # fmt: skip
        stage = cli.ok("agency", "show", agency, "--json", "--as-of", day).json()["current_stage"]
        cli.ok("stage", "complete", agency, stage, "--on", day, "--force", "--note", "test", "--as-of", day)
        says_the_truth()  # one agency's position stale, the rest kept
        # The overview measures the stale one live and writes nothing: the due list still has it to work out.
        shown = overview_page(app.uow(), app.roadmap, app.cadence, as_of=later)
        assert shown.matrix.total == len(list_agencies(app.uow(), app.roadmap, app.cadence, as_of=later))
        assert refreshed(cli.url, later) == 1
    finally:
        app.close()


def listed_now(app: Application, as_of: date) -> list[Row]:
    """The kept list as it stands, read without working anything out first."""
    with app.uow() as uow:
        found = uow.due_list.listed(as_of=as_of, until=as_of + timedelta(days=3650), limit=100_000)
    return [row(item) for item in found.items]


def test_a_list_worked_out_before_a_change_committed_is_never_written_over_the_current_one(cli: Cli) -> None:
    """Reader A works the day out, a change commits, reader B works the changed agency out and writes it back;
    then A, slow, writes back what it worked out from before the change: it must not land over B's."""
    realistic_state(cli, TODAY)
    app = build(load_settings(cli.url))
    try:
        slow = work_out_due_list(app.uow(), app.roadmap, app.cadence, as_of=TODAY)
        item = next(r for r in live(cli.url, TODAY, 3650)[0] if r[1] == "checklist-item")
        cli.ok("checklist", "done", item[0], item[2], "--on", TODAY.isoformat(), "--as-of", TODAY.isoformat())
        assert refresh_due_list(app.uow(), app.roadmap, app.cadence, as_of=TODAY) == len(slow[1])
        with app.uow() as uow:
            written = uow.due_list.replace(TODAY, *slow)
            uow.commit()
        assert written == len(slow[1]) - 1  # every agency but the one that changed
        assert item not in listed_now(app, TODAY)
        assert listed_now(app, TODAY) == live(cli.url, TODAY, 3650)[0]
    finally:
        app.close()


def test_two_readers_writing_back_the_same_day_at_once_list_each_item_once(cli: Cli) -> None:
    """The sweep's last step and the day's first page view work out the same day and write it back together:
    the second waits for the first, and the list holds each item once."""
    realistic_state(cli, TODAY)
    app = build(load_settings(cli.url))
    try:
        first = work_out_due_list(app.uow(), app.roadmap, app.cadence, as_of=TODAY)
        second = work_out_due_list(app.uow(), app.roadmap, app.cadence, as_of=TODAY)
        outcome: list[int] = []

        def write_second() -> None:
            with app.uow() as uow:
                outcome.append(uow.due_list.replace(TODAY, *second))
                uow.commit()

        with app.uow() as uow:
            uow.due_list.replace(TODAY, *first)
            waiting = threading.Thread(target=write_second)
            waiting.start()
            waiting.join(timeout=1.0)
            assert waiting.is_alive(), "the second write-back waits for the first"
            uow.commit()
        waiting.join(timeout=30)
        assert outcome == [len(second[1])]
        assert listed_now(app, TODAY) == live(cli.url, TODAY, 3650)[0]
    finally:
        app.close()


def test_two_people_recording_routines_of_one_agency_at_once_both_land(
    postgres_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two requests each add a routine occurrence to one agency, both written before either commits: marking
    the agency's due list stale must not make them wait for each other (PostgreSQL, where writers overlap;
    SQLite has one writer at a time)."""
    cli = Cli(postgres_database, capsys)
    cli.ok("init")
    realistic_state(cli, TODAY)
    app = build(load_settings(cli.url))
    try:
        meetings = [r for r in live(cli.url, TODAY, 3650)[0] if r[1] in ("meeting", "visit")]
        slug = next(s for s in {r[0] for r in meetings} if len({r[2] for r in meetings if r[0] == s}) >= 2)
        keys = sorted({r[2].split(":")[0] for r in meetings if r[0] == slug})[:2]
        first, second = app.uow(), app.uow()
        failures: list[RoadmapError] = []
        with first, second:
            for uow, key in ((first, keys[0]), (second, keys[1])):
                uow.routines.add(slug, key, Occurrence(TODAY, None))
                uow.routines.done([slug])  # read back: the row is written, the agency referenced

            def commit_first() -> None:
                try:
                    first.commit()
                except RoadmapError as error:  # reported below: a deadlock victim, say
                    failures.append(error)

            committing = threading.Thread(target=commit_first)
            committing.start()
            committing.join(timeout=30)
            second.commit()
            committing.join(timeout=30)
        assert failures == []
        history = {each["routine"] for each in cli.ok("routine", "history", slug, "--json").json()}
        assert set(keys) <= history
    finally:
        app.close()
