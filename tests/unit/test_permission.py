"""Who may do what: the permission table, decided from the principal, the ability and the agency touched."""

from __future__ import annotations

import pytest

from roadmap.domain.audit import Actor
from roadmap.domain.permission import (
    LINK_ABILITIES,
    Ability,
    AgencyScope,
    allows,
    flow,
    link_holder,
    may_read_trainer,
    operator,
    signed_in,
)
from roadmap.domain.user import User, UserRole

NORTH = AgencyScope(slug="cedar", region="North", trainers=frozenset({"Tia Moss"}))
SOUTH = AgencyScope(slug="delta", region="South", trainers=frozenset({"Ray Ortiz"}))


def user(role: UserRole, **extra: object) -> User:
    return User(email=f"{role.value}@state.example", name=role.value.title(), role=role, **extra)  # type: ignore[arg-type]


ADMIN = signed_in(user(UserRole.ADMIN), via="web")
NORTH_COORDINATOR = signed_in(user(UserRole.COORDINATOR, regions=("North",)), via="web")
TRAINER = signed_in(user(UserRole.TRAINER, trainer="Tia Moss"), via="web")
REVIEWER = signed_in(user(UserRole.TRAINER, trainer="Tia Moss"), via="web", reviewer=True)
VIEWER = signed_in(user(UserRole.VIEWER), via="web")
CEDAR_LINK = link_holder("cedar", "Dana Cho", LINK_ABILITIES)
READ_ONLY_LINK = link_holder("cedar", "Dana Cho", ())


@pytest.mark.parametrize("who", [operator(Actor(name="root", via="cli")), flow(), ADMIN])
def test_the_cli_the_sweep_and_an_admin_may_do_everything_everywhere(who: object) -> None:
    assert all(allows(who, ability, scope) for ability in Ability for scope in (NORTH, SOUTH, None))  # type: ignore[arg-type]


def test_a_coordinator_reads_the_whole_state_and_changes_only_their_regions() -> None:
    assert allows(NORTH_COORDINATOR, Ability.READ_STATE)
    assert allows(NORTH_COORDINATOR, Ability.READ_AGENCY, SOUTH)
    for ability in (Ability.TICK_CHECKLIST, Ability.RECORD_REVIEW, Ability.RECORD_OUTCOMES, Ability.CHANGE_AGENCY):
        assert allows(NORTH_COORDINATOR, ability, NORTH)
        assert not allows(NORTH_COORDINATOR, ability, SOUTH)
    assert not allows(NORTH_COORDINATOR, Ability.RUN_STATE)


def test_a_trainer_works_on_their_assigned_agencies_and_records_reviews_only_as_a_reviewer() -> None:
    assert allows(TRAINER, Ability.READ_AGENCY, NORTH) and not allows(TRAINER, Ability.READ_AGENCY, SOUTH)
    assert allows(TRAINER, Ability.TICK_CHECKLIST, NORTH) and allows(TRAINER, Ability.RECORD_VISIT, NORTH)
    assert not allows(TRAINER, Ability.TICK_CHECKLIST, SOUTH)
    assert not allows(TRAINER, Ability.RECORD_REVIEW, NORTH)
    assert allows(REVIEWER, Ability.RECORD_REVIEW, NORTH) and not allows(REVIEWER, Ability.RECORD_REVIEW, SOUTH)
    assert not allows(TRAINER, Ability.RECORD_OUTCOMES, NORTH)
    assert may_read_trainer(TRAINER, "tia moss") and not may_read_trainer(TRAINER, "Ray Ortiz")


def test_a_viewer_reads_everything_and_changes_nothing() -> None:
    assert allows(VIEWER, Ability.READ_STATE) and allows(VIEWER, Ability.READ_AGENCY, SOUTH)
    assert may_read_trainer(VIEWER, "Ray Ortiz")
    writes = [a for a in Ability if a not in (Ability.READ_STATE, Ability.READ_AGENCY, Ability.READ_TRAINER)]
    assert not any(allows(VIEWER, ability, scope) for ability in writes for scope in (NORTH, SOUTH, None))


def test_an_agency_link_does_its_own_agency_part_and_nothing_else() -> None:
    assert allows(CEDAR_LINK, Ability.READ_AGENCY, NORTH) and not allows(CEDAR_LINK, Ability.READ_AGENCY, SOUTH)
    for ability in LINK_ABILITIES:
        assert allows(CEDAR_LINK, ability, NORTH) and not allows(CEDAR_LINK, ability, SOUTH)
    for ability in (Ability.RECORD_REVIEW, Ability.RECORD_VISIT, Ability.CHANGE_AGENCY, Ability.READ_STATE):
        assert not allows(CEDAR_LINK, ability, NORTH)
    assert not may_read_trainer(CEDAR_LINK, "Tia Moss")
    # The state may keep links to looking: then only reading is left.
    assert allows(READ_ONLY_LINK, Ability.READ_AGENCY, NORTH)
    assert not any(allows(READ_ONLY_LINK, ability, NORTH) for ability in LINK_ABILITIES)


def test_the_audit_trail_names_each_kind_of_principal() -> None:
    assert (ADMIN.actor.name, ADMIN.actor.via) == ("admin@state.example", "web")
    assert (CEDAR_LINK.actor.name, CEDAR_LINK.actor.via) == ("contact Dana Cho", "link")
    assert (flow().actor.name, flow().actor.via) == ("flow", "flow")


def test_a_user_record_refuses_a_role_without_what_it_needs() -> None:
    with pytest.raises(ValueError, match="coordinator needs at least one --region"):
        User(email="c@s.example", name="C", role=UserRole.COORDINATOR)
    with pytest.raises(ValueError, match="needs --trainer"):
        User(email="t@s.example", name="T", role=UserRole.TRAINER)
    with pytest.raises(ValueError, match="is not an email address"):
        User(email="not-an-address", name="N", role=UserRole.VIEWER)
    assert User(email="Lee.Lead@State.Example", name="Lee", role=UserRole.ADMIN).email == "lee.lead@state.example"
