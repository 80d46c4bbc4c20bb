"""The roadmap as data: ten stages, their checklists and tools, validated when loaded."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from roadmap.domain.due import DueItem, DueKind
from roadmap.domain.errors import NotFound
from roadmap.domain.names import did_you_mean
from roadmap.domain.routine import Routines

# Public and fixed: scripts, the web app and other states' data files rely on these keys and this order.
STAGE_KEYS: tuple[str, ...] = (
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
)
GATE_COUNT = 7
LEADER_QUESTION_COUNT = 12


class StageKind(StrEnum):
    """Gates are taken in order; ongoing stages start at launch and stay active."""

    GATE = "gate"
    ONGOING = "ongoing"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class ChecklistItem(_Frozen):
    """One strategy of a stage, as something a team can tick off."""

    key: str = Field(pattern=r"^[a-z0-9-]+\.[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)
    text: str = Field(min_length=1, max_length=300)


class LeaderQuestion(_Frozen):
    """A sample question for agency leaders, asked while assessing readiness."""

    number: int = Field(strict=True, ge=1)
    text: str = Field(min_length=1)


class StageDefinition(_Frozen):
    """One roadmap stage: who it is for, what to do, what to bring."""

    key: str
    # Days a gate usually takes; an agency longer in it is flagged as stalled (ongoing stages have none).
    norm_days: int | None = Field(default=None, strict=True, ge=1, le=3650)
    label: str = Field(min_length=1, max_length=12)
    title: str = Field(min_length=1)
    kind: StageKind
    summary: str = Field(min_length=1)
    audience: tuple[str, ...] = Field(min_length=1)
    checklist: tuple[ChecklistItem, ...] = Field(min_length=1)
    tools: tuple[str, ...] = Field(min_length=1)
    leader_questions: tuple[LeaderQuestion, ...] = ()
    # What a reminder's reader gets ready, per kind of due item the stage makes (fidelity reviews, action-plan
    # steps, booked visits); a checklist item's reminder lists the stage's first tools.
    prepare: dict[DueKind, tuple[Annotated[str, Field(min_length=1, max_length=200)], ...]] = Field(
        default_factory=dict
    )

    @model_validator(mode="after")
    def _items_belong_to_stage(self) -> StageDefinition:
        for item in self.checklist:
            if not item.key.startswith(f"{self.key}."):
                raise ValueError(f"checklist item {item.key!r} must start with '{self.key}.'")
        return self


class Roadmap(_Frozen):
    """The whole roadmap; lookups raise NotFound with a suggestion for near misses."""

    version: Literal[1]
    title: str = Field(min_length=1)
    stages: tuple[StageDefinition, ...]
    # The recurring work (meetings, visits, reports); kept in its own file, checked and joined by load_roadmap.
    routines: Routines = Routines(version=1, routines=())

    @model_validator(mode="after")
    def _check_shape(self) -> Roadmap:
        keys = tuple(stage.key for stage in self.stages)
        if keys != STAGE_KEYS:
            raise ValueError(f"stages must be exactly {', '.join(STAGE_KEYS)} in that order, got {', '.join(keys)}")
        for index, stage in enumerate(self.stages):
            expected = StageKind.GATE if index < GATE_COUNT else StageKind.ONGOING
            if stage.kind is not expected:
                raise ValueError(f"stage {stage.key!r} must be of kind {expected.value!r}")
            if (stage.norm_days is None) is (stage.kind is StageKind.GATE):
                raise ValueError(f"stage {stage.key!r}: gate stages need norm_days, ongoing stages have none")
            if stage.leader_questions and stage.key != "readiness":
                raise ValueError(f"leader questions belong to the readiness stage, not {stage.key!r}")
        item_keys = [item.key for stage in self.stages for item in stage.checklist]
        duplicates = sorted({key for key in item_keys if item_keys.count(key) > 1})
        if duplicates:
            raise ValueError(f"checklist keys must be unique; repeated: {', '.join(duplicates)}")
        numbers = [question.number for question in self.stage("readiness").leader_questions]
        if numbers != list(range(1, LEADER_QUESTION_COUNT + 1)):
            raise ValueError(f"readiness needs leader questions numbered 1..{LEADER_QUESTION_COUNT}")
        return self

    def stage(self, key: str) -> StageDefinition:
        """The stage with this key."""
        for stage in self.stages:
            if stage.key == key:
                return stage
        raise NotFound(f"unknown stage {key!r}{did_you_mean(key, STAGE_KEYS)}; stages are: {', '.join(STAGE_KEYS)}")

    def find_stage(self, text: str) -> StageDefinition:
        """A stage as a person names it in a spreadsheet: its key, its label or title, or its number 1-10."""
        wanted = " ".join(text.split()).lower()
        for number, stage in enumerate(self.stages, start=1):
            names = {stage.key, stage.label.lower(), stage.title.lower(), str(number), stage.key.replace("-", " ")}
            if wanted in names:
                return stage
        labels = [stage.label for stage in self.stages]
        raise NotFound(
            f"stage {text!r} is not a roadmap stage{did_you_mean(wanted, list(STAGE_KEYS))}; give a key, a label "
            f"({', '.join(labels)}) or a number 1-10"
        )

    def stage_of_item(self, item_key: str) -> StageDefinition:
        """The stage whose checklist holds this item."""
        for stage in self.stages:
            if any(item.key == item_key for item in stage.checklist):
                return stage
        known = [item.key for stage in self.stages for item in stage.checklist]
        raise NotFound(
            f"unknown checklist item {item_key!r}{did_you_mean(item_key, known)}; "
            "`ips-roadmap stages` lists every item key"
        )

    def preparation(self, item: DueItem) -> tuple[str, ...]:
        """What the reader of a reminder about this item gets ready: its routine's list, its stage's for its kind,
        or, for a checklist item, the stage's first three tools."""
        if item.kind is DueKind.DELIVERY_FAILURE:
            return ()
        routine = next((r for r in self.routines.routines if item.subject.startswith(f"{r.key}:")), None)
        if routine is not None and routine.kind is item.kind and routine.prepare:
            return routine.prepare
        stage = self.stage(item.stage)
        if item.kind in stage.prepare:
            return stage.prepare[item.kind]
        return stage.tools[:3] if item.kind in (DueKind.CHECKLIST_ITEM, DueKind.VISIT, DueKind.SITE_VISIT) else ()

    @property
    def gates(self) -> tuple[StageDefinition, ...]:
        """The seven stages taken in order."""
        return self.stages[:GATE_COUNT]

    @property
    def ongoing(self) -> tuple[StageDefinition, ...]:
        """The stages that start at launch and stay active."""
        return self.stages[GATE_COUNT:]
