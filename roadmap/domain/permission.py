"""Who may do what: the one table every page, form, API call and command is checked against.

A `Principal` is whoever asks: the person at the server (the CLI, as the OS user), the daily sweep, a signed-in
user with a role, or the holder of one agency's personal link. `allows` decides from the principal, the ability
asked for and the agency it touches (its region and the trainers assigned to it). The use cases ask; the edges
only say who is asking.

| ability            | admin | coordinator      | trainer                       | viewer | agency link          |
|--------------------|-------|------------------|-------------------------------|--------|----------------------|
| read the state     | yes   | yes              | their agencies only           | yes    | no                   |
| read an agency     | yes   | yes              | assigned                      | yes    | its own              |
| tick checklist     | yes   | in their regions | assigned                      | no     | its own (if allowed) |
| record outcomes    | yes   | in their regions | no                            | no     | its own (if allowed) |
| record a review    | yes   | in their regions | assigned, when a reviewer     | no     | no                   |
| record a visit     | yes   | in their regions | assigned                      | no     | no                   |
| action-plan step   | yes   | in their regions | no                            | no     | its own (if allowed) |
| agency contacts    | yes   | in their regions | no                            | no     | its own (if allowed) |
| change an agency   | yes   | in their regions | no                            | no     | no                   |
| read a trainer     | yes   | yes              | their own                     | yes    | no                   |
| run the state      | yes   | no               | no                            | no     | no                   |
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from roadmap.domain.audit import Actor
from roadmap.domain.user import User, UserRole


class Ability(StrEnum):
    """Something a principal may be allowed to do."""

    READ_STATE = "read-state"
    READ_AGENCY = "read-agency"
    TICK_CHECKLIST = "tick-checklist"
    RECORD_OUTCOMES = "record-outcomes"
    RECORD_REVIEW = "record-review"
    RECORD_VISIT = "record-visit"
    MARK_ACTION = "mark-action"
    EDIT_CONTACTS = "edit-contacts"
    CHANGE_AGENCY = "change-agency"
    READ_TRAINER = "read-trainer"
    RUN_STATE = "run-state"


# What an agency's link may be allowed to do (the state chooses among these; all by default).
LINK_ABILITIES = frozenset(
    {Ability.TICK_CHECKLIST, Ability.RECORD_OUTCOMES, Ability.MARK_ACTION, Ability.EDIT_CONTACTS}
)
_COORDINATOR_WRITES = frozenset(
    {
        Ability.TICK_CHECKLIST,
        Ability.RECORD_OUTCOMES,
        Ability.RECORD_REVIEW,
        Ability.RECORD_VISIT,
        Ability.MARK_ACTION,
        Ability.EDIT_CONTACTS,
        Ability.CHANGE_AGENCY,
    }
)
_TRAINER_WRITES = frozenset({Ability.TICK_CHECKLIST, Ability.RECORD_VISIT})
_EVERYONE_READS = frozenset({Ability.READ_STATE, Ability.READ_AGENCY, Ability.READ_TRAINER})


class Kind(StrEnum):
    """The four kinds of principal."""

    OPERATOR = "operator"
    FLOW = "flow"
    USER = "user"
    LINK = "link"


@dataclass(frozen=True)
class AgencyScope:
    """What a decision needs to know of the agency touched: its region and the trainers assigned to it."""

    slug: str
    region: str
    trainers: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Principal:
    """Whoever is asking, with what the decision needs: role, regions, trainer record, link's agency."""

    kind: Kind
    actor: Actor
    role: UserRole | None = None
    regions: frozenset[str] = frozenset()
    trainer: str | None = None
    reviewer: bool = False
    agency: str | None = None
    link_abilities: frozenset[Ability] = field(default_factory=frozenset)
    user_id: int | None = None
    # What pages call them (a user's name; the audit trail keeps `actor.name`).
    name: str | None = None

    @property
    def unlimited(self) -> bool:
        """May do everything, without looking at the agency (the CLI, the sweep, an admin)."""
        return self.kind in (Kind.OPERATOR, Kind.FLOW) or self.role is UserRole.ADMIN

    @property
    def sees_every_agency(self) -> bool:
        """Reads the whole state (everyone but trainers and agency links)."""
        return self.unlimited or self.role in (UserRole.COORDINATOR, UserRole.VIEWER)


def operator(actor: Actor) -> Principal:
    """The person at the server, running commands as their OS user."""
    return Principal(kind=Kind.OPERATOR, actor=actor)


def flow(name: str = "flow") -> Principal:
    """The daily sweep and the other scheduled runs."""
    return Principal(kind=Kind.FLOW, actor=Actor(name=name, via="flow"))


def signed_in(user: User, *, via: str, reviewer: bool = False) -> Principal:
    """A user who signed in (`via` web) or holds a personal token (`via` api)."""
    return Principal(
        kind=Kind.USER,
        actor=Actor(name=user.email, via=via),
        role=user.role,
        regions=frozenset(user.regions),
        trainer=user.trainer,
        reviewer=reviewer,
        user_id=user.id,
        name=user.name,
    )


def link_holder(agency: str, contact: str | None, abilities: Iterable[Ability], *, via: str = "link") -> Principal:
    """The holder of one agency's personal link (a contact's, when the link was sent in their reminders)."""
    name = f"contact {contact}" if contact else f"link to {agency}"
    return Principal(
        kind=Kind.LINK,
        actor=Actor(name=name[:120], via=via),
        agency=agency,
        link_abilities=frozenset(abilities) & LINK_ABILITIES,
    )


def allows(who: Principal, ability: Ability, scope: AgencyScope | None = None) -> bool:
    """Whether `who` may do `ability` (to the agency `scope`, when it touches one)."""
    if who.unlimited:
        return True
    if who.kind is Kind.LINK:
        if scope is None or scope.slug != who.agency:
            return False
        return ability is Ability.READ_AGENCY or ability in who.link_abilities
    if ability is Ability.RUN_STATE:
        return False
    if who.role is UserRole.VIEWER:
        return ability in _EVERYONE_READS
    if who.role is UserRole.COORDINATOR:
        if ability in _EVERYONE_READS:
            return True
        return ability in _COORDINATOR_WRITES and scope is not None and scope.region in who.regions
    if who.role is UserRole.TRAINER:
        return _trainer_allows(who, ability, scope)
    return False


def _trainer_allows(who: Principal, ability: Ability, scope: AgencyScope | None) -> bool:
    if ability is Ability.READ_STATE:
        return True  # their own agencies: the use case narrows what is listed
    if ability is Ability.READ_TRAINER:
        return False  # their own page is checked by name (may_read_trainer)
    assigned = scope is not None and who.trainer is not None and who.trainer in scope.trainers
    if ability is Ability.READ_AGENCY or ability in _TRAINER_WRITES:
        return assigned
    if ability is Ability.RECORD_REVIEW:
        return assigned and who.reviewer
    return False


def may_read_trainer(who: Principal, trainer: str) -> bool:
    """A trainer's plan and calendar: the state team's to read, and the trainer's own."""
    if allows(who, Ability.READ_TRAINER):
        return True
    return who.role is UserRole.TRAINER and who.trainer is not None and who.trainer.casefold() == trainer.casefold()


def refusal(ability: Ability) -> str:
    """The one line a refused principal is told (it names nothing of the agency)."""
    return f"you may not {_WORDS[ability]} here"


_WORDS = {
    Ability.READ_STATE: "see the whole state",
    Ability.READ_AGENCY: "see this agency",
    Ability.TICK_CHECKLIST: "tick this agency's checklist",
    Ability.RECORD_OUTCOMES: "report this agency's outcomes",
    Ability.RECORD_REVIEW: "record this agency's fidelity reviews",
    Ability.RECORD_VISIT: "record this agency's visits",
    Ability.MARK_ACTION: "mark this agency's action-plan steps",
    Ability.EDIT_CONTACTS: "change this agency's contacts",
    Ability.CHANGE_AGENCY: "change this agency",
    Ability.READ_TRAINER: "see this trainer's plan",
    Ability.RUN_STATE: "run the state's settings",
}
