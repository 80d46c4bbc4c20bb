"""Trainer use cases: add a trainer (and the contact their reminders go to), assign agencies, list them."""

from __future__ import annotations

from pydantic import ValidationError

from roadmap.domain.contact import Contact, Role
from roadmap.domain.errors import InvalidInput, RuleViolation, first_problem
from roadmap.domain.trainer import Trainer
from roadmap.domain.visit import VisitStatus
from roadmap.services.ports import UnitOfWork


def add_trainer(
    uow: UnitOfWork,
    *,
    name: str,
    region: str,
    capacity: int,
    email: str | None = None,
    reviewer: bool = False,
) -> Trainer:
    """Add a trainer; with an address they also become a state contact, so visit reminders reach them."""
    try:
        trainer = Trainer(name=name, region=region, capacity=capacity, reviewer=reviewer, email=email)
        contact = Contact(role=Role.TRAINER, name=trainer.name, email=email) if email else None
    except ValidationError as error:
        raise InvalidInput(first_problem(error, "trainer").replace("capacity:", "--capacity:")) from None
    with uow:
        if any(known.name == trainer.name for known in uow.trainers.all()):
            raise RuleViolation(f"trainer {trainer.name!r} already exists; `ips-roadmap trainer list` shows them")
        if contact is not None:
            trainer = trainer.model_copy(update={"contact_id": uow.contacts.add(contact).id})
        uow.trainers.add(trainer)
        uow.commit()
    return trainer


def assign(uow: UnitOfWork, name: str, agency: str) -> tuple[Trainer, bool]:
    """Assign an agency to a trainer; the flag is False when it already was."""
    with uow:
        added = uow.trainers.assign(name, agency)
        uow.commit()
        return uow.trainers.get(name), added


def list_trainers(uow: UnitOfWork) -> list[Trainer]:
    """Every trainer with their agencies, by name."""
    with uow:
        return uow.trainers.all()


def unassign(uow: UnitOfWork, name: str, agency: str) -> Trainer:
    """Take an agency from a trainer (its visits and meeting reminders go to its other trainers, or to all)."""
    with uow:
        if not uow.trainers.unassign(name, agency):
            raise RuleViolation(f"{agency!r} is not assigned to {name}; `ips-roadmap trainer list` shows who has what")
        uow.commit()
        return uow.trainers.get(name)


def remove_trainer(uow: UnitOfWork, name: str) -> Trainer:
    """Take a trainer off the team; refused while they are on a visit, planned or on record."""
    with uow:
        trainer = uow.trainers.get(name)
        visits = uow.visits.listed(trainer=name)
        planned = [visit for visit in visits if visit.status is VisitStatus.PLANNED]
        if planned:
            raise RuleViolation(
                f"{name} is booked on {len(planned)} planned visits (the first {planned[0].id} on {planned[0].on}); "
                "cancel them (`ips-roadmap visits cancel ID`) and plan again, then remove"
            )
        if any(visit.status is VisitStatus.DONE for visit in visits):
            raise RuleViolation(
                f"{name} has visits on record, which keep who went; take their agencies away with "
                f"`ips-roadmap trainer unassign` instead"
            )
        uow.trainers.remove(name)
        if trainer.contact_id is not None:
            # Their contact goes too: trainers are reminded as contacts, and a removed one must hear nothing.
            uow.contacts.remove(trainer.contact_id)
        uow.commit()
    return trainer
