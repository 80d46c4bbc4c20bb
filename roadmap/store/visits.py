"""Trainers, their assigned agencies, and booked site visits, in SQL."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from roadmap.domain.audit import trainer_added, trainer_assigned, trainer_removed, trainer_unassigned, visit_change
from roadmap.domain.errors import NotFound
from roadmap.domain.names import did_you_mean
from roadmap.domain.trainer import Trainer, TrainerLine
from roadmap.domain.visit import Visit, VisitStatus
from roadmap.store.audit import SqlAuditTrail
from roadmap.store.locks import hold
from roadmap.store.mapping import agency_row_id
from roadmap.store.plain import plain
from roadmap.store.tables import AgencyRow, ContactRow, TrainerAgencyRow, TrainerRow, VisitRow, VisitTrainerRow


class SqlTrainerRepository:
    """Trainers by name."""

    def __init__(self, session: Session, audit: SqlAuditTrail) -> None:
        self._session = session
        self._audit = audit

    def all(self, agencies: Collection[str] | None = None) -> list[Trainer]:
        """Every trainer with their agencies (only those among `agencies`, if given), by name (two queries)."""
        return self._trainers(agencies=agencies)

    def roll(self) -> list[TrainerLine]:
        """Every trainer by name with how many agencies they are assigned (one narrow query)."""
        assigned = func.count(TrainerAgencyRow.agency_id)
        query = (
            select(TrainerRow.name, TrainerRow.region, TrainerRow.capacity, TrainerRow.reviewer, assigned)
            .outerjoin(TrainerAgencyRow, TrainerAgencyRow.trainer_id == TrainerRow.id)
            .group_by(TrainerRow.id)
            .order_by(TrainerRow.name)
        )
        return [TrainerLine(*row) for row in plain(self._session, query).tuples()]

    def get(self, name: str) -> Trainer:
        """One trainer, or NotFound with a suggestion."""
        found = self._trainers(name)
        if found:
            return found[0]
        names = list(self._session.scalars(select(TrainerRow.name)))
        raise NotFound(f"unknown trainer {name!r}{did_you_mean(name, names)}; `ips-roadmap trainer list` shows them")

    def _trainers(self, name: str | None = None, agencies: Collection[str] | None = None) -> list[Trainer]:
        """Every trainer (or the one of this name) with their agencies (of these, if given), by name."""
        links = select(TrainerAgencyRow.trainer_id, AgencyRow.slug).join(
            AgencyRow, AgencyRow.id == TrainerAgencyRow.agency_id
        )
        if agencies is not None:
            links = links.where(AgencyRow.slug.in_(agencies))
        people = select(
            TrainerRow.id, TrainerRow.name, TrainerRow.region, TrainerRow.capacity, TrainerRow.reviewer,
            TrainerRow.contact_id, ContactRow.email,
        ).outerjoin(ContactRow, ContactRow.id == TrainerRow.contact_id)  # fmt: skip
        if name is not None:
            links = links.join(TrainerRow, TrainerRow.id == TrainerAgencyRow.trainer_id).where(TrainerRow.name == name)
            people = people.where(TrainerRow.name == name)
        assigned: dict[int, list[str]] = {}
        for trainer_id, slug in plain(self._session, links.order_by(AgencyRow.slug)):
            assigned.setdefault(trainer_id, []).append(slug)
        # Built without validating again (as agencies are, mapping.py): each was validated when it was written, and
        # a national program's trainer page reads every reviewer to share out the reviews.
        return [
            Trainer.model_construct(
                name=name, region=region, capacity=capacity, reviewer=reviewer, email=email,
                agencies=tuple(assigned.get(trainer_id, ())), contact_id=contact_id,
            )
            for trainer_id, name, region, capacity, reviewer, contact_id, email in plain(
                self._session, people.order_by(TrainerRow.name)
            ).tuples()
        ]  # fmt: skip

    def hold(self) -> None:
        # Two `visits plan` at once would each book the same needs, since neither sees the other's visits.
        hold(self._session, TrainerRow.name)

    def add(self, trainer: Trainer) -> None:
        """Store a new trainer (the name must be free; the unique key backs the caller's check)."""
        self._session.add(
            TrainerRow(
                name=trainer.name,
                region=trainer.region,
                capacity=trainer.capacity,
                reviewer=trainer.reviewer,
                contact_id=trainer.contact_id,
            )
        )
        self._session.flush()
        self._audit.record([trainer_added(trainer)])

    def assign(self, name: str, agency: str) -> bool:
        """Assign an agency to a trainer; False when it already was."""
        trainer_id = self._id(name)
        agency_id = agency_row_id(self._session, agency)
        if self._session.get(TrainerAgencyRow, (trainer_id, agency_id)) is not None:
            return False
        self._session.add(TrainerAgencyRow(trainer_id=trainer_id, agency_id=agency_id))
        self._audit.record([trainer_assigned(name, agency)])
        return True

    def unassign(self, name: str, agency: str) -> bool:
        """Take an agency from a trainer; False when it was not theirs."""
        row = self._session.get(TrainerAgencyRow, (self._id(name), agency_row_id(self._session, agency)))
        if row is None:
            return False
        self._session.delete(row)
        self._audit.record([trainer_unassigned(name, agency)])
        return True

    def remove(self, name: str) -> Trainer:
        """Delete a trainer and their assignments (their visits are the caller's to check first)."""
        trainer = self.get(name)
        self._session.execute(delete(TrainerRow).where(TrainerRow.name == name))
        self._audit.record([trainer_removed(trainer)])
        return trainer

    def contacts_by_agency(self, slugs: Collection[str] | None = None) -> dict[str, tuple[int, ...]]:
        """Agency slug -> contact ids of its assigned trainers who can be reached (every agency with a trainer)."""
        query = (
            select(AgencyRow.slug, TrainerRow.contact_id)
            .join(TrainerAgencyRow, TrainerAgencyRow.agency_id == AgencyRow.id)
            .join(TrainerRow, TrainerRow.id == TrainerAgencyRow.trainer_id)
        )
        if slugs is not None:
            query = query.where(AgencyRow.slug.in_(slugs))
        found: dict[str, list[int]] = {}
        for slug, contact_id in plain(self._session, query.order_by(TrainerRow.contact_id)):
            ids = found.setdefault(slug, [])
            if contact_id is not None:
                ids.append(contact_id)
        return {slug: tuple(ids) for slug, ids in found.items()}

    def delete_all(self) -> None:
        """Remove every trainer (their visits' bookings and assignments go with them)."""
        self._session.execute(delete(TrainerRow))

    def _id(self, name: str) -> int:
        found = self._session.scalars(select(TrainerRow.id).where(TrainerRow.name == name)).one_or_none()
        if found is None:
            self.get(name)  # raises NotFound with a suggestion
        assert found is not None
        return found


class SqlVisitRepository:
    """Booked visits."""

    def __init__(self, session: Session, audit: SqlAuditTrail) -> None:
        self._session = session
        self._audit = audit

    def add_all(self, visits: list[Visit]) -> list[Visit]:
        """Store new visits; returns them with their ids."""
        if not visits:
            return []
        trainer_ids = dict(self._session.execute(select(TrainerRow.name, TrainerRow.id)).tuples().all())
        agency_ids = dict(self._session.execute(select(AgencyRow.slug, AgencyRow.id)).tuples().all())
        rows = []
        for visit in visits:
            if visit.agency is not None and visit.agency not in agency_ids:
                raise NotFound(f"unknown agency {visit.agency!r}")
            row = VisitRow(
                purpose=visit.purpose,
                agency_id=agency_ids[visit.agency] if visit.agency is not None else None,
                region=visit.region,
                starts_on=visit.on,
                days=visit.days,
                slot=visit.slot,
                due_on=visit.due_on,
                status=visit.status.value,
                done_on=visit.done_on,
                sequence=visit.sequence,
            )
            self._session.add(row)
            rows.append(row)
        self._session.flush()
        for row, visit in zip(rows, visits, strict=True):
            for position, name in enumerate(visit.trainers):
                self._session.add(VisitTrainerRow(visit_id=row.id, trainer_id=trainer_ids[name], position=position))
        self._session.flush()
        booked = [visit.model_copy(update={"id": row.id}) for row, visit in zip(rows, visits, strict=True)]
        self._audit.record(visit_change(None, visit) for visit in booked)
        return booked

    def listed(
        self,
        *,
        start: date | None = None,
        end: date | None = None,
        status: VisitStatus | None = None,
        agencies: Collection[str] | None = None,
        trainer: str | None = None,
    ) -> list[Visit]:
        """Visits overlapping [start, end] (by their first day), soonest first, optionally filtered."""
        query = select(VisitRow, AgencyRow.slug).outerjoin(AgencyRow, AgencyRow.id == VisitRow.agency_id)
        if start is not None:
            # A visit's days run on from its first day; five days is the longest a visit may take.
            query = query.where(VisitRow.starts_on >= date.fromordinal(start.toordinal() - 4))
        if end is not None:
            query = query.where(VisitRow.starts_on <= end)
        if status is not None:
            query = query.where(VisitRow.status == status.value)
        if agencies is not None:
            query = query.where(AgencyRow.slug.in_(agencies))
        found = list(self._session.execute(query.order_by(VisitRow.starts_on, VisitRow.slot, VisitRow.id)))
        people = self._people([row.id for row, _ in found])
        visits = [_visit(row, slug, people.get(row.id, [])) for row, slug in found]
        if start is not None:
            visits = [visit for visit in visits if visit.dates[-1] >= start]
        if trainer is not None:
            visits = [visit for visit in visits if trainer in visit.trainers]
        return visits

    def get(self, visit_id: int) -> Visit:
        """One visit, or NotFound."""
        found = self._session.execute(
            select(VisitRow, AgencyRow.slug)
            .outerjoin(AgencyRow, AgencyRow.id == VisitRow.agency_id)
            .where(VisitRow.id == visit_id)
        ).one_or_none()
        if found is None:
            raise NotFound(f"no visit {visit_id}; `ips-roadmap visits list` shows them")
        return _visit(found[0], found[1], self._people([visit_id]).get(visit_id, []))

    def save(self, visit: Visit) -> None:
        """Store a visit's new status (done or cancelled) or day (moved), raising its sequence."""
        row = self._session.get(VisitRow, visit.id)
        if row is None:
            raise NotFound(f"no visit {visit.id}")
        before = visit.model_copy(update={"status": VisitStatus(row.status), "done_on": row.done_on})
        before = before.model_copy(update={"on": row.starts_on})
        row.status, row.done_on, row.sequence = visit.status.value, visit.done_on, visit.sequence
        row.starts_on = visit.on
        self._audit.record([visit_change(before, visit)])

    def delete_all(self) -> None:
        """Remove every visit."""
        self._session.execute(delete(VisitRow))

    def _people(self, visit_ids: list[int]) -> dict[int, list[tuple[str, int | None]]]:
        found: dict[int, list[tuple[str, int | None]]] = {}
        if not visit_ids:
            return found
        query = (
            select(VisitTrainerRow.visit_id, TrainerRow.name, TrainerRow.contact_id)
            .join(TrainerRow, TrainerRow.id == VisitTrainerRow.trainer_id)
            .order_by(VisitTrainerRow.visit_id, VisitTrainerRow.position)
        )
        # Chunked: a long IN list would pass the database's parameter limit.
        for offset in range(0, len(visit_ids), 500):
            chunk = visit_ids[offset : offset + 500]
            for visit_id, name, contact_id in self._session.execute(query.where(VisitTrainerRow.visit_id.in_(chunk))):
                found.setdefault(visit_id, []).append((name, contact_id))
        return found


def _visit(row: VisitRow, slug: str | None, people: list[tuple[str, int | None]]) -> Visit:
    return Visit(
        id=row.id,
        purpose=row.purpose,
        agency=slug,
        region=row.region,
        on=row.starts_on,
        days=row.days,
        slot=row.slot,
        trainers=tuple(name for name, _ in people),
        due_on=row.due_on,
        status=VisitStatus(row.status),
        done_on=row.done_on,
        sequence=row.sequence,
        contacts=tuple(contact_id for _, contact_id in people if contact_id is not None),
    )
