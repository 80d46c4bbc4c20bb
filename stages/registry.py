"""Every stage's logic, keyed by the public stage key, in roadmap order."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from roadmap.domain.definition import GATE_COUNT, STAGE_KEYS
from stages.gate import GateStage
from stages.logic import StageLogic
from stages.monitoring import MonitoringStage
from stages.ongoing import OngoingStage


def _build() -> Mapping[str, StageLogic]:
    gates = STAGE_KEYS[:GATE_COUNT]
    registry: dict[str, StageLogic] = {}
    for index, key in enumerate(gates):
        registry[key] = GateStage(key=key, previous=gates[index - 1] if index else None)
    for key in STAGE_KEYS[GATE_COUNT:]:
        registry[key] = MonitoringStage(key=key) if key == "monitoring" else OngoingStage(key=key)
    return MappingProxyType(registry)


REGISTRY: Mapping[str, StageLogic] = _build()


def logic_for(stage_key: str) -> StageLogic:
    """The logic of one stage (the key must be one of STAGE_KEYS)."""
    return REGISTRY[stage_key]
