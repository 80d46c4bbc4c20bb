"""Stalls: longer in the active gate than its norm, or than the median of agencies that completed it."""

from __future__ import annotations

from datetime import date, timedelta

from roadmap.domain.completion import standing
from stages.stall import PeerDurations, peer_durations, stall
from tests.builders import GATES, ROADMAP, TODAY, finish_items, make_agency

NO_PEERS = PeerDurations({}, {})


def in_readiness_for(days: int) -> object:
    return standing(make_agency(joined_on=TODAY - timedelta(days=days)), ROADMAP, TODAY)


def test_an_agency_within_the_norm_is_not_stalled() -> None:
    assert ROADMAP.stage("readiness").norm_days == 60
    assert stall(in_readiness_for(60), ROADMAP, NO_PEERS) is None  # type: ignore[arg-type]


def test_one_day_past_the_norm_is_stalled_with_the_reason() -> None:
    found = stall(in_readiness_for(61), ROADMAP, NO_PEERS)  # type: ignore[arg-type]
    assert found is not None
    assert (found.stage, found.days, found.reasons) == ("readiness", 61, ("longer than the 60-day norm",))


def peers_taking(*days: int) -> PeerDurations:
    agencies = []
    for taken in days:
        joined = date(2025, 1, 1)
        agencies.append(standing(finish_items(make_agency(joined_on=joined), "readiness", joined + timedelta(days=taken)),
                                 ROADMAP, TODAY))  # fmt: skip
    return peer_durations(agencies)


def test_the_median_of_agencies_that_completed_the_stage_also_flags_a_stall() -> None:
    peers = peers_taking(20, 30, 40)
    assert (peers.medians["readiness"], peers.counts["readiness"]) == (30.0, 3)
    found = stall(in_readiness_for(31), ROADMAP, peers)  # type: ignore[arg-type]
    assert found is not None
    assert found.reasons == ("longer than the 30-day median of 3 agencies that completed it",)
    assert stall(in_readiness_for(30), ROADMAP, peers) is None  # type: ignore[arg-type]


def test_fewer_than_three_peers_give_no_median_verdict() -> None:
    assert stall(in_readiness_for(45), ROADMAP, peers_taking(10, 12)) is None  # type: ignore[arg-type]


def test_an_agency_past_all_gates_is_never_stalled() -> None:
    agency = make_agency(joined_on=date(2020, 1, 1))
    for month, gate in enumerate(GATES, start=1):
        agency = finish_items(agency, gate, date(2020, month, 1))
    assert stall(standing(agency, ROADMAP, TODAY), ROADMAP, NO_PEERS) is None
