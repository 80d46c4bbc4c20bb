"""`notify preview`: who would be reminded of what, from due items, contacts and the rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Cli
from tests.integration.demo_state import demo_without_contacts

TODAY = "2026-11-23"


@pytest.fixture
def demo(bare_cli: Cli) -> Cli:
    demo_without_contacts(bare_cli, TODAY)
    for args in (
        ("prairie-hills-counseling-center", "--role", "director", "--name", "Ruth Okafor", "--email", "ruth@p.example"),
        ("prairie-hills-counseling-center", "--role", "vr-leader", "--name", "Vic Ross", "--email", "vic@p.example"),
        ("--role", "state-lead", "--name", "Sam Reed", "--email", "sam@state.example"),
    ):
        bare_cli.ok("contact", "add", *args)
    return bare_cli


def test_an_overdue_review_reminds_the_director_and_escalates_to_the_state_lead(demo: Cli) -> None:
    owed = demo.ok("notify", "preview", "--as-of", TODAY, "--json").json()
    prairie = {(r["recipient"], r["offset_days"], r["escalation"]) for r in owed
               if r["agency"] == "prairie-hills-counseling-center" and r["kind"] == "fidelity-review"}  # fmt: skip
    assert prairie == {("Ruth Okafor", -7, False), ("Sam Reed", -14, True)}  # the VR leader is not a recipient
    assert {"key", "agency", "kind", "subject", "due_on", "recipient", "role", "offset_days", "escalation"} <= owed[
        0
    ].keys()
    assert len({r["key"] for r in owed}) == len(owed)


def test_before_the_first_offset_nobody_is_reminded_about_the_review(demo: Cli) -> None:
    owed = demo.ok("notify", "preview", "--as-of", "2026-10-01", "--json").json()
    assert not [r for r in owed if r["agency"] == "prairie-hills-counseling-center" and r["kind"] == "fidelity-review"]
    on_day = demo.ok("notify", "preview", "--as-of", "2026-10-08", "--json").json()
    assert {(r["recipient"], r["offset_days"]) for r in on_day if r["kind"] == "fidelity-review"} == {
        ("Ruth Okafor", 30)
    }


def test_a_state_rules_file_changes_who_is_told_and_a_bad_one_is_refused(
    demo: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "version: 1\n"
        "default: {before_days: [10], overdue_days: 3, escalate_days: 30, recipients: [vr-leader], escalate_to: [state-lead]}\n"
    )
    monkeypatch.setenv("IPS_ROADMAP_REMINDER_RULES_FILE", str(rules))
    owed = demo.ok("notify", "preview", "--as-of", TODAY, "--json").json()
    prairie = {
        (r["recipient"], r["offset_days"])
        for r in owed
        if r["agency"] == "prairie-hills-counseling-center" and r["kind"] == "fidelity-review"
    }
    assert prairie == {("Vic Ross", -3)}
    rules.write_text("version: 1\ndefault: {before_days: [-5]}\n")
    refused = demo("notify", "preview")
    assert refused.code == 2 and "reminder rules file" in refused.err and refused.err.count("\n") == 1


@pytest.mark.parametrize(
    ("default", "named"),
    [
        ("overdue_days: -5", "default.overdue_days"),  # the default had no bounds: -5 would remind before the due date
        ("escalate_days: 100000", "default.escalate_days"),
        ("overdue_days: true", "default.overdue_days"),  # read as 1 day
        ("before_days: [7.0]", "default.before_days.0"),  # read as 7
        ("escalate_days: '30'", "default.escalate_days"),
    ],
)
def test_a_default_rule_with_a_day_count_that_is_not_a_whole_day_within_a_year_is_refused(
    demo: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, default: str, named: str
) -> None:
    fields = {"before_days": "[10]", "overdue_days": "3", "escalate_days": "30"}
    key, value = default.split(": ", 1)
    fields[key] = value
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "version: 1\ndefault: {"
        + ", ".join(f"{k}: {v}" for k, v in fields.items())
        + ", recipients: [director], escalate_to: [state-lead]}\n"
    )
    monkeypatch.setenv("IPS_ROADMAP_REMINDER_RULES_FILE", str(rules))
    refused = demo("notify", "preview", "--as-of", TODAY)
    assert refused.code == 2 and refused.err.count("\n") == 1, refused.err
    assert "reminder rules file" in refused.err and named in refused.err
