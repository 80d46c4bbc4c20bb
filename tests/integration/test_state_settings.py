"""A state's own settings reach the rules: its review cadence and its own roadmap wording."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from roadmap.services.demo import demo_scores
from tests.conftest import Cli

PACKAGED = Path(__file__).parents[2] / "roadmap" / "data" / "roadmap.yaml"


def test_a_state_cadence_from_the_environment_sets_the_due_dates(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IPS_ROADMAP_CADENCE__FIRST_REVIEW_MONTHS", "3")
    monkeypatch.setenv("IPS_ROADMAP_CADENCE__GOOD_MONTHS", "24")
    monkeypatch.setenv("IPS_ROADMAP_CADENCE__ACTION_PLAN_DUE_DAYS", "28")
    cli.ok("agency", "add", "Riverbend", "--region", "N", "--timezone", "UTC", "--launched", "2026-01-15",
           "--as-of", "2026-01-15")  # fmt: skip
    assert cli.ok("agency", "show", "riverbend", "--json").json()["next_review_due"] == "2026-04-15"
    scores = tmp_path / "s.json"
    scores.write_text(json.dumps({str(k): v for k, v in demo_scores(110).items()}))
    recorded = cli.ok("review", "record", "riverbend", "--date", "2026-04-20", "--scores", str(scores),
                      "--as-of", "2026-11-23", "--json").json()  # fmt: skip
    assert (recorded["next_review_due"], recorded["action_plan_due"]) == ("2028-04-20", "2026-05-18")


def test_a_bad_cadence_setting_is_refused_in_one_line(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IPS_ROADMAP_CADENCE__GOOD_MONTHS", "0")
    result = cli("review", "due")
    assert result.code == 2
    assert result.err.startswith("ips-roadmap: error: setting cadence.good_months") and result.err.count("\n") == 1


def test_a_state_roadmap_file_replaces_the_wording(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = yaml.safe_load(PACKAGED.read_text())
    raw["stages"][0]["title"] = "Readiness conversations with county leaders"
    own = tmp_path / "our-roadmap.yaml"
    own.write_text(yaml.safe_dump(raw))
    monkeypatch.setenv("IPS_ROADMAP_ROADMAP_FILE", str(own))
    assert cli.ok("stages", "--json").json()[0]["title"] == "Readiness conversations with county leaders"
    raw["stages"][0]["key"] = "ready"
    own.write_text(yaml.safe_dump(raw))
    refused = cli("stages")
    assert refused.code == 2
    assert (
        "is invalid at stages.0: checklist item 'readiness.leader-understanding' must start with 'ready.'"
        in refused.err
    )
