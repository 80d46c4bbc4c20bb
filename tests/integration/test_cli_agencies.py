"""The CLI contract for agencies and their progress, on SQLite and PostgreSQL."""

from __future__ import annotations

from tests.conftest import Cli, snapshot

TODAY = "2026-11-23"


def add(cli: Cli, name: str = "Riverbend Community Mental Health", *extra: str) -> str:
    slug = cli.ok(
        "agency",
        "add",
        name,
        "--region",
        "North",
        "--timezone",
        "America/Chicago",
        "--joined",
        "2026-01-05",
        "--as-of",
        TODAY,
        "--json",
        *extra,
    ).json()["slug"]
    assert isinstance(slug, str)
    return slug


def items(cli: Cli, stage: str) -> list[str]:
    return [item["key"] for item in cli.ok("stages", stage, "--json").json()["checklist"]]


def show(cli: Cli, slug: str, as_of: str = TODAY) -> dict:  # type: ignore[type-arg]
    return cli.ok("agency", "show", slug, "--as-of", as_of, "--json").json()  # type: ignore[no-any-return]


def stage_of(agency: dict, key: str) -> dict:  # type: ignore[type-arg]
    return next(stage for stage in agency["stages"] if stage["key"] == key)


def test_stages_lists_the_ten_stages_with_checklists_and_tools(cli: Cli) -> None:
    stages = cli.ok("stages", "--json").json()
    assert [s["key"] for s in stages] == [
        "readiness",
        "commitment",
        "consensus",
        "team",
        "structure",
        "improvement-team",
        "training",
        "monitoring",
        "consultation",
        "supervisor-expertise",
    ]
    for stage in stages:
        assert {"key", "title", "audience", "checklist", "tools"} <= stage.keys()
        assert all({"key", "text"} == item.keys() for item in stage["checklist"])
    assert len(stages[0]["leader_questions"]) == 12


def test_a_new_agency_starts_in_readiness_and_shows_the_public_json_shape(cli: Cli) -> None:
    slug = add(cli)
    assert slug == "riverbend-community-mental-health"
    agency = show(cli, slug)
    assert {"slug", "name", "region", "timezone", "launched_on", "current_stage", "stages"} <= agency.keys()
    assert (agency["name"], agency["region"], agency["timezone"]) == (
        "Riverbend Community Mental Health",
        "North",
        "America/Chicago",
    )
    assert agency["current_stage"] == "readiness"
    assert agency["launched_on"] is None
    readiness = stage_of(agency, "readiness")
    assert {
        k: readiness[k]
        for k in (
            "status",
            "started_on",
            "completed_on",
            "duration_days",
            "checklist_done",
            "checklist_total",
        )
    } == {
        "status": "active",
        "started_on": "2026-01-05",
        "completed_on": None,
        "duration_days": 322,
        "checklist_done": 0,
        "checklist_total": 6,
    }
    assert [s["status"] for s in agency["stages"]][1:] == ["not-started"] * 9


def test_the_human_add_prints_the_slug_first(cli: Cli) -> None:
    result = cli.ok(
        "agency",
        "add",
        "Harbor Point",
        "--region",
        "East",
        "--timezone",
        "America/New_York",
        "--as-of",
        TODAY,
    )
    assert result.out.splitlines()[0] == "harbor-point"
    assert "stage readiness started on 2026-11-23" in result.out


def test_checklist_items_complete_the_stage_and_start_the_next(cli: Cli) -> None:
    slug = add(cli)
    keys = items(cli, "readiness")
    for key in keys[:-1]:
        cli.ok("checklist", "done", slug, key, "--on", "2026-02-01", "--as-of", TODAY)
    assert stage_of(show(cli, slug), "readiness")["checklist_done"] == 5
    last = cli.ok("checklist", "done", slug, keys[-1], "--on", "2026-02-10", "--as-of", TODAY, "--json").json()
    assert last["current_stage"] == "commitment"
    assert [e["kind"] for e in last["events"]] == ["checklist-item-done", "stage-completed", "stage-started"]
    agency = show(cli, slug)
    assert (
        stage_of(agency, "readiness")["completed_on"],
        stage_of(agency, "readiness")["duration_days"],
    ) == ("2026-02-10", 36)
    assert stage_of(agency, "commitment")["started_on"] == "2026-02-10"
    assert agency["current_stage"] == "commitment"


def test_completing_with_open_items_is_refused_then_forced_with_a_note(cli: Cli) -> None:
    slug = add(cli)
    refused = cli("stage", "complete", slug, "readiness", "--on", "2026-03-01", "--as-of", TODAY)
    assert refused.code == 2
    assert "6 of 6 checklist items open" in refused.err
    no_note = cli("stage", "complete", slug, "readiness", "--on", "2026-03-01", "--force", "--as-of", TODAY)
    assert no_note.code == 2
    assert "needs a note" in no_note.err
    cli.ok(
        "stage",
        "complete",
        slug,
        "readiness",
        "--on",
        "2026-03-01",
        "--force",
        "--note",
        "assessed in the 2025 statewide survey",
        "--as-of",
        TODAY,
    )
    readiness = stage_of(show(cli, slug), "readiness")
    assert (readiness["status"], readiness["forced"], readiness["note"]) == (
        "completed",
        True,
        "assessed in the 2025 statewide survey",
    )


def test_out_of_order_and_repeated_completions_are_refused(cli: Cli) -> None:
    slug = add(cli)
    early = cli("stage", "complete", slug, "team", "--on", "2026-03-01", "--force", "--note", "n", "--as-of", TODAY)
    assert early.code == 2
    assert "'team' cannot be completed: it has not started" in early.err
    cli.ok(
        "stage",
        "complete",
        slug,
        "readiness",
        "--on",
        "2026-03-01",
        "--force",
        "--note",
        "n",
        "--as-of",
        TODAY,
    )
    again = cli(
        "stage",
        "complete",
        slug,
        "readiness",
        "--on",
        "2026-03-02",
        "--force",
        "--note",
        "n",
        "--as-of",
        TODAY,
    )
    assert again.code == 2
    assert "already completed on 2026-03-01" in again.err


def test_launch_makes_the_three_ongoing_stages_active(cli: Cli) -> None:
    slug = add(cli)
    cli.ok("agency", "launch", slug, "--on", "2026-06-01", "--as-of", TODAY)
    agency = show(cli, slug)
    assert agency["launched_on"] == "2026-06-01"
    for key in ("monitoring", "consultation", "supervisor-expertise"):
        assert (stage_of(agency, key)["status"], stage_of(agency, key)["started_on"]) == (
            "active",
            "2026-06-01",
        )
    assert agency["current_stage"] == "readiness"
    again = cli("agency", "launch", slug, "--on", "2026-07-01", "--as-of", TODAY)
    assert (again.code, "already launched" in again.err) == (2, True)


def test_an_agency_added_as_launched_joins_on_its_launch_date_with_ongoing_stages_active(cli: Cli) -> None:
    slug = cli.ok(
        "agency", "add", "Lakeshore Behavioral Health", "--region", "North", "--timezone", "America/Chicago",
        "--launched", "2025-09-01", "--as-of", TODAY, "--json",
    ).json()["slug"]  # fmt: skip
    agency = show(cli, slug)
    assert (agency["launched_on"], agency["joined_on"]) == ("2025-09-01", "2025-09-01")
    assert stage_of(agency, "monitoring")["status"] == "active"
    assert stage_of(agency, "readiness")["started_on"] == "2025-09-01"


def test_a_launch_before_the_joining_date_is_refused(cli: Cli) -> None:
    early = cli("agency", "add", "Mesa Verde", "--region", "West", "--timezone", "America/Denver",
                "--joined", "2026-03-01", "--launched", "2026-02-01", "--as-of", TODAY)  # fmt: skip
    assert early.code == 2
    assert "launch date 2026-02-01 is before the agency joined the roadmap on 2026-03-01" in early.err
    slug = add(cli)  # joined 2026-01-05
    late = cli("agency", "launch", slug, "--on", "2026-01-04", "--as-of", TODAY)
    assert late.code == 2
    assert "before the agency joined" in late.err


def test_list_shows_every_agency_in_the_same_shape_as_show(cli: Cli) -> None:
    first, second = add(cli), add(cli, "Bluestem Health Partners")
    listed = cli.ok("agency", "list", "--as-of", TODAY, "--json").json()
    assert [a["slug"] for a in listed] == [second, first]
    assert listed[1] == show(cli, first)
    table = cli.ok("agency", "list", "--as-of", TODAY).out
    assert "bluestem-health-partners" in table and "readiness" in table and "2 agencies" in table


def test_show_as_of_a_later_date_counts_the_days_so_far(cli: Cli) -> None:
    slug = add(cli)
    assert stage_of(show(cli, slug, "2027-01-05"), "readiness")["duration_days"] == 365


def test_a_duplicate_name_is_refused_and_a_chosen_slug_accepted(cli: Cli) -> None:
    add(cli)
    duplicate = cli(
        "agency",
        "add",
        "Riverbend Community Mental Health",
        "--region",
        "South",
        "--timezone",
        "America/Chicago",
    )
    assert duplicate.code == 2
    assert "already exists" in duplicate.err and "--slug" in duplicate.err
    assert add(cli, "Riverbend Community Mental Health", "--slug", "riverbend-south") == "riverbend-south"


def test_refused_commands_write_nothing(cli: Cli) -> None:
    slug = add(cli)
    before = snapshot(cli.url)
    refusals = [
        ("agency", "add", "X", "--region", "N", "--timezone", "Nowhere/Land"),
        ("agency", "add", "X", "--region", "N", "--timezone", "UTC", "--launched", "2026-13-01"),
        ("agency", "show", "riverbend"),
        ("checklist", "done", slug, "readiness.nope", "--on", "2026-02-01"),
        ("checklist", "done", slug, items(cli, "readiness")[0], "--on", "01/02/2026"),
        ("checklist", "done", slug, items(cli, "readiness")[0], "--on", "2099-01-01"),
        ("stage", "complete", slug, "structure", "--on", "2026-02-01"),
        ("stage", "complete", slug, "monitoring", "--on", "2026-02-01"),
        ("agency", "launch", slug, "--on", "yesterday"),
    ]
    for args in refusals:
        result = cli(*args)
        assert result.code == 2, args
        assert result.out == "", args
        assert len(result.err.splitlines()) == 1 and "Traceback" not in result.err, (args, result.err)
    assert snapshot(cli.url) == before


def test_unknown_agency_gets_a_suggestion(cli: Cli) -> None:
    add(cli)
    result = cli("agency", "show", "riverbend-community-mental-healt")
    assert result.code == 2
    assert (
        "unknown agency 'riverbend-community-mental-healt' (did you mean 'riverbend-community-mental-health'?)"
        in result.err
    )
