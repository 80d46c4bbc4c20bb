"""The roadmap data file: its shape, and refusal of broken state-supplied files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from roadmap.data import load_roadmap
from roadmap.domain.definition import STAGE_KEYS, StageKind
from roadmap.domain.errors import InvalidInput

PACKAGED = Path(__file__).parents[2] / "roadmap" / "data" / "roadmap.yaml"


def test_the_packaged_roadmap_has_the_ten_public_stages_in_order() -> None:
    roadmap = load_roadmap()
    assert tuple(stage.key for stage in roadmap.stages) == STAGE_KEYS
    assert [stage.kind for stage in roadmap.stages] == [StageKind.GATE] * 7 + [StageKind.ONGOING] * 3


def test_every_stage_has_an_audience_checklist_and_tools_with_unique_item_keys() -> None:
    roadmap = load_roadmap()
    keys = [item.key for stage in roadmap.stages for item in stage.checklist]
    assert len(keys) == len(set(keys))
    for stage in roadmap.stages:
        assert stage.audience and stage.tools and len(stage.checklist) >= 3, stage.key


def test_readiness_carries_the_twelve_leader_questions() -> None:
    questions = load_roadmap().stage("readiness").leader_questions
    assert [q.number for q in questions] == list(range(1, 13))


def _broken(tmp_path: Path, mutate) -> Path:  # type: ignore[no-untyped-def]
    raw = yaml.safe_load(PACKAGED.read_text())
    mutate(raw)
    path = tmp_path / "roadmap.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda raw: raw["stages"].reverse(), "stages must be exactly readiness"),
        (lambda raw: raw["stages"][1]["checklist"].append(raw["stages"][1]["checklist"][0]), "repeated"),
        (
            lambda raw: raw["stages"][0]["checklist"][0].update(key="team.misplaced"),
            "must start with 'readiness.'",
        ),
        (lambda raw: raw["stages"][0]["leader_questions"].pop(), "numbered 1..12"),
        (lambda raw: raw["stages"][8].update(kind="gate"), "must be of kind 'ongoing'"),
        (lambda raw: raw["stages"][2].pop("tools"), "stages.2.tools"),
        (lambda raw: raw["stages"][0].pop("norm_days"), "gate stages need norm_days"),
        (lambda raw: raw["stages"][7].update(norm_days=30), "ongoing stages have none"),
    ],
)
def test_a_broken_roadmap_file_is_refused_with_the_reason(tmp_path: Path, mutate, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput, match=message):
        load_roadmap(_broken(tmp_path, mutate))


def test_an_unreadable_roadmap_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "roadmap.yaml"
    path.write_text("stages: [unclosed")
    with pytest.raises(InvalidInput, match="cannot read roadmap file"):
        load_roadmap(path)
