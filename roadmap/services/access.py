"""The check every use case makes before it reads or writes: may the unit of work's principal do this here?

Called inside the use case's open unit of work, so pages, forms, the API and the CLI share one rule, and a route
added later cannot forget it. The CLI, the sweep and admins pass without a read.
"""

from __future__ import annotations

from collections.abc import Iterable

from roadmap.domain.errors import Forbidden, NotFound
from roadmap.domain.permission import Ability, Kind, allows, may_read_trainer, refusal
from roadmap.services.ports import UnitOfWork


def require(uow: UnitOfWork, ability: Ability, agency: str | None = None) -> None:
    """Forbidden unless the principal may do `ability` (to `agency`); an agency they may not see stays unnamed."""
    who = uow.who
    if who.unlimited:
        return
    try:
        scope = uow.users.scope(agency) if agency is not None else None
    except NotFound:
        if who.sees_every_agency:
            raise
        # Whether a slug exists is itself something an outsider should not learn.
        raise Forbidden(refusal(ability)) from None
    if not allows(who, ability, scope):
        raise Forbidden(refusal(ability))


# What an agency page may offer to do, form by form.
AGENCY_ABILITIES = (
    Ability.TICK_CHECKLIST,
    Ability.RECORD_OUTCOMES,
    Ability.RECORD_REVIEW,
    Ability.MARK_ACTION,
    Ability.EDIT_CONTACTS,
)


def abilities(uow: UnitOfWork, agency: str) -> frozenset[Ability]:
    """What the principal may do to this agency (its page shows those forms only), READ_STATE when they may
    go back to the state's pages."""
    who = uow.who
    scope = None if who.unlimited else uow.users.scope(agency)
    found = {ability for ability in AGENCY_ABILITIES if allows(who, ability, scope)}
    if who.sees_every_agency or who.trainer is not None:
        found.add(Ability.READ_STATE)
    return frozenset(found)


def require_trainer(uow: UnitOfWork, trainer: str) -> None:
    """Forbidden unless the principal may read this trainer's plan and calendar."""
    if not may_read_trainer(uow.who, trainer):
        raise Forbidden(refusal(Ability.READ_TRAINER))


def require_visit(uow: UnitOfWork, agency: str | None, trainers: Iterable[str]) -> None:
    """Forbidden unless the principal may record this visit: a trainer booked on it, or by the agency's rule
    (a statewide visit, with no agency, is the state's to record)."""
    who = uow.who
    if who.trainer is not None and who.trainer in set(trainers):
        return
    if agency is None:
        require(uow, Ability.RUN_STATE)
    else:
        require(uow, Ability.RECORD_VISIT, agency)


def visible(uow: UnitOfWork) -> set[str] | None:
    """The agencies the principal may list (None: every one); Forbidden for an agency link."""
    who = uow.who
    if who.sees_every_agency:
        return None
    if who.kind is Kind.LINK or who.trainer is None:
        raise Forbidden(refusal(Ability.READ_STATE))
    return uow.users.assigned_to(who.trainer)
