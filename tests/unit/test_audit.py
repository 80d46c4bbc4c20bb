"""The audit trail's entries, worked out from before and after values."""

from __future__ import annotations

from datetime import date

from roadmap.domain.audit import Action, Subject, agency_changes, change, contact_change, described, rules_changes
from roadmap.domain.contact import Contact, Role
from stages import progression
from tests.builders import ROADMAP, TODAY, make_agency


def test_a_new_agency_is_one_entry_holding_all_it_is() -> None:
    agency = make_agency()
    [added] = agency_changes(None, agency)
    assert (added.subject, added.action, added.agency, added.before) == (
        Subject.AGENCY,
        Action.ADDED,
        "riverbend",
        None,
    )
    assert added.after is not None and added.after["name"] == agency.name and "readiness" in added.after["stages"]


def test_a_change_names_only_what_changed_stage_by_stage_and_item_by_item() -> None:
    before = make_agency()
    after = progression.launch(before, ROADMAP, on=date(2026, 3, 1), as_of=TODAY).agency
    after = progression.mark_done(after, ROADMAP, "readiness.common-terms", on=date(2026, 3, 2), as_of=TODAY).agency
    found = {(c.subject, c.key): c for c in agency_changes(before, after)}
    assert found[(Subject.AGENCY, "agency")].before == {"launched_on": None}
    assert found[(Subject.AGENCY, "agency")].after == {"launched_on": "2026-03-01"}
    assert found[(Subject.CHECKLIST, "readiness.common-terms")].after == {"done_on": "2026-03-02"}
    assert found[(Subject.STAGE, "monitoring")].action is Action.ADDED
    assert (Subject.STAGE, "readiness") not in found  # unchanged: no entry
    assert agency_changes(after, after) == []


def test_nothing_changed_is_no_entry_and_a_change_keeps_only_the_fields_that_did() -> None:
    assert change(Subject.OUTCOME, "a", "2026Q1", {"x": 1}, {"x": 1}) is None
    changed = change(Subject.OUTCOME, "a", "2026Q1", {"x": 1, "y": 2}, {"x": 1, "y": 3})
    assert changed is not None and (changed.before, changed.after) == ({"y": 2}, {"y": 3})


def test_a_contact_s_channels_are_kept_as_their_kinds_never_their_urls() -> None:
    person = Contact(id=4, agency="a", role=Role.DIRECTOR, name="Ruth", notify=("tgram://bot123:SECRET/999",))
    added = contact_change(None, person)
    assert added is not None and added.after is not None
    assert added.after["channels"] == ["tgram"] and "SECRET" not in added.model_dump_json()


def test_rules_sections_are_kept_whole_and_described_by_the_paths_that_changed() -> None:
    before = {"reminder rules": {"default": {"before_days": [30, 7, 1], "overdue_days": 7}}, "retries": {"max": 5}}
    after = {"reminder rules": {"default": {"before_days": [10], "overdue_days": 7}}, "retries": {"max": 5}}
    [changed] = rules_changes(before, after)
    assert (changed.key, changed.action, changed.before, changed.after) == (
        "reminder rules", Action.CHANGED, before["reminder rules"], after["reminder rules"],
    )  # fmt: skip
    assert described(changed) == "default.before_days: [30, 7, 1] → [10]"
    assert [c.action for c in rules_changes({}, after)] == [Action.ADDED, Action.ADDED]


def test_a_long_description_is_cut_to_the_width_asked() -> None:
    long = change(Subject.ACTION, "a", "k", None, {"step": "x" * 300})
    assert long is not None and len(described(long, width=50)) == 50 and described(long, width=50).endswith("…")
