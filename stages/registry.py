"""Every stage's logic, keyed by the public stage key, in roadmap order: one module per stage."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from roadmap.domain.definition import STAGE_KEYS
from stages import (
    commitment,
    consensus,
    consultation,
    improvement_team,
    monitoring,
    readiness,
    structure,
    supervisor_expertise,
    team,
    training,
)
from stages.logic import StageLogic

_MODULES = (
    readiness,
    commitment,
    consensus,
    team,
    structure,
    improvement_team,
    training,
    monitoring,
    consultation,
    supervisor_expertise,
)


def _build() -> Mapping[str, StageLogic]:
    registry: dict[str, StageLogic] = {module.STAGE.key: module.STAGE for module in _MODULES}
    # The roadmap file fixes the order; a module missing or out of place would silently skip a stage.
    if tuple(registry) != STAGE_KEYS:
        raise RuntimeError(f"stage modules {tuple(registry)} do not match the stage keys {STAGE_KEYS}")
    return MappingProxyType(registry)


REGISTRY: Mapping[str, StageLogic] = _build()


def logic_for(stage_key: str) -> StageLogic:
    """The logic of one stage (the key must be one of STAGE_KEYS)."""
    return REGISTRY[stage_key]
