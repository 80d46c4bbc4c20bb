"""`ips-roadmap due`: everything overdue or due soon, across the state or for one agency."""

from __future__ import annotations

from tests.conftest import Cli

TODAY = "2026-11-23"


def test_due_lists_overdue_reviews_steps_and_checklist_items_soonest_first(bare_cli: Cli) -> None:
    bare_cli.ok("demo", "--as-of", TODAY)
    items = bare_cli.ok("due", "--as-of", TODAY, "--json").json()
    assert [i["due_on"] for i in items] == sorted(i["due_on"] for i in items)
    assert {"agency", "kind", "subject", "title", "stage", "due_on", "days_until", "overdue"} == items[0].keys()
    review = next(
        i for i in items if i["kind"] == "fidelity-review" and i["agency"] == "prairie-hills-counseling-center"
    )
    assert (review["due_on"], review["days_until"], review["overdue"]) == ("2026-11-07", -16, True)
    assert {i["kind"] for i in items} == {"fidelity-review", "action-plan", "checklist-item", "meeting", "visit"}
    # The demo's routines lapsed at one agency: its trainer visits are overdue, everyone else's are not.
    assert {i["agency"] for i in items if i["kind"] == "visit" and i["overdue"]} == {"cedar-valley-recovery-services"}
    assert all(i["days_until"] <= 30 for i in items)


def test_the_window_and_agency_filters(bare_cli: Cli) -> None:
    bare_cli.ok("demo", "--as-of", TODAY)
    wide = bare_cli.ok("due", "--as-of", TODAY, "--within", "200", "--json").json()
    narrow = bare_cli.ok("due", "--as-of", TODAY, "--within", "0", "--json").json()
    assert len(wide) > len(narrow) and all(i["days_until"] <= 0 for i in narrow)
    assert any(i["agency"] == "riverbend-community-mental-health" and i["kind"] == "fidelity-review" for i in wide)
    one = bare_cli.ok("due", "--as-of", TODAY, "--agency", "pinecrest-behavioral-health", "--json").json()
    assert {i["agency"] for i in one} == {"pinecrest-behavioral-health"}
    assert {i["kind"] for i in one} == {"checklist-item"}


def test_a_done_item_leaves_the_list(bare_cli: Cli) -> None:
    bare_cli.ok("demo", "--as-of", TODAY)
    before = bare_cli.ok("due", "--as-of", TODAY, "--agency", "pinecrest-behavioral-health", "--json").json()
    bare_cli.ok(
        "checklist", "done", "pinecrest-behavioral-health", before[0]["subject"], "--on", TODAY, "--as-of", TODAY
    )
    after = bare_cli.ok("due", "--as-of", TODAY, "--agency", "pinecrest-behavioral-health", "--json").json()
    assert [i["subject"] for i in after] == [i["subject"] for i in before[1:]]


def test_a_bad_window_is_refused(cli: Cli) -> None:
    result = cli("due", "--within", "-3")
    assert result.code == 2
    assert "--within must be between 0 and 3650 days" in result.err
