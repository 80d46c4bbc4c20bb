"""When an agency is stalled: longer in its active gate than the stage's norm, or than most agencies took."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from statistics import median

from roadmap.domain.completion import StageStatus, Standing
from roadmap.domain.definition import Roadmap

# A median of fewer finished agencies says more about those agencies than about the stage.
MIN_PEERS = 3


@dataclass(frozen=True)
class PeerDurations:
    """Per gate stage, the median days taken by agencies that completed it, and how many did."""

    medians: dict[str, float]
    counts: dict[str, int]


@dataclass(frozen=True)
class Stall:
    """An agency longer in its active gate than expected, and why."""

    stage: str
    days: int
    reasons: tuple[str, ...]


def peer_durations(standings: Iterable[Standing]) -> PeerDurations:
    """Median duration of each gate stage over the agencies that completed it (forced ones included)."""
    taken: dict[str, list[int]] = {}
    for standing in standings:
        for key, days in stage_days(standing).items():
            taken.setdefault(key, []).append(days)
    return medians(taken)


def stage_days(standing: Standing) -> dict[str, int]:
    """The days one agency took over each stage it completed, where they count towards the medians."""
    return {
        stage.key: stage.duration_days
        for stage in standing.stages
        if stage.status is StageStatus.COMPLETED and stage.duration_days is not None
    }


def medians(taken: dict[str, list[int]]) -> PeerDurations:
    """The median and count of each stage's durations (stage -> days, one per agency that completed it)."""
    return PeerDurations(
        medians={key: float(median(days)) for key, days in taken.items()},
        counts={key: len(days) for key, days in taken.items()},
    )


def position(standing: Standing) -> tuple[str, int] | None:
    """The agency's active gate and the days it has spent there as stalls count them, or None when no gate is
    active (all seven done, or none started by then)."""
    key = standing.current_stage
    if key is None:
        return None
    stage = standing.stage(key)
    days = stage.duration_days or 0
    tracked = standing.agency.tracked_from
    if tracked is not None and stage.started_on is not None and stage.started_on < tracked <= standing.as_of:
        # Entered before the state began tracking the agency: the time before then is not a stall.
        days = (standing.as_of - tracked).days
    return key, days


def stall(standing: Standing, roadmap: Roadmap, peers: PeerDurations) -> Stall | None:
    """The stall of the agency's active gate, or None when it is within the norm and the peers' median."""
    found = position(standing)
    return verdict(*found, roadmap, peers) if found is not None else None


def verdict(key: str, days: int, roadmap: Roadmap, peers: PeerDurations) -> Stall | None:
    """Whether `days` in gate `key` is a stall: longer than the stage's norm, or than the median of enough peers.
    Kept apart from the standing so a list of every agency can judge from each one's kept position."""
    reasons = []
    norm = roadmap.stage(key).norm_days
    if norm is not None and days > norm:
        reasons.append(f"longer than the {norm}-day norm")
    count = peers.counts.get(key, 0)
    if count >= MIN_PEERS and days > peers.medians[key]:
        reasons.append(f"longer than the {peers.medians[key]:g}-day median of {count} agencies that completed it")
    return Stall(stage=key, days=days, reasons=tuple(reasons)) if reasons else None
