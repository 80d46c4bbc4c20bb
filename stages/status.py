"""Whether an agency is stalled, asked of the stage it is in."""

from __future__ import annotations

from datetime import date

from roadmap.domain.agency import Agency
from roadmap.domain.completion import Standing, standing
from roadmap.domain.definition import Roadmap
from stages.registry import REGISTRY
from stages.stall import PeerDurations, Stall


def stall_in(measured: Standing, roadmap: Roadmap, peers: PeerDurations) -> Stall | None:
    """The stall the agency's current stage reports, or None (no active gate, or within its norms)."""
    key = measured.current_stage
    return REGISTRY[key].stall(measured, roadmap, peers) if key is not None else None


def stall_of(agency: Agency, roadmap: Roadmap, as_of: date, peers: PeerDurations) -> Stall | None:
    """The agency's stall as of a date."""
    return stall_in(standing(agency, roadmap, as_of), roadmap, peers)
