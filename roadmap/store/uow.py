"""The SQL unit of work and its repositories: one session, one transaction, rollback unless committed."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import UTC, date, datetime
from types import TracebackType
from typing import Any, Self, cast

from sqlalchemy import Table, and_, delete, func, insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from roadmap.domain.agency import Agency, Launched
from roadmap.domain.audit import agency_changes
from roadmap.domain.errors import NotFound
from roadmap.domain.names import did_you_mean
from roadmap.domain.permission import Principal
from roadmap.store import backup
from roadmap.store.access_links import SqlAccessLinkRepository
from roadmap.store.audit import SqlAuditTrail
from roadmap.store.changes import ChangedAgencies
from roadmap.store.contacts import SqlContactRepository
from roadmap.store.database import Database
from roadmap.store.due_list import SqlDueList
from roadmap.store.locks import hold
from roadmap.store.mapping import agency_of, agency_row_id, agency_values, read_agencies, stage_values, write
from roadmap.store.outbox import SqlOutbox
from roadmap.store.outcomes import SqlOutcomeRepository
from roadmap.store.plain import plain
from roadmap.store.reviews import SqlActionRepository, SqlReviewRepository
from roadmap.store.routines import SqlRoutineLog
from roadmap.store.sweep_marks import SqlSweepMarks
from roadmap.store.tables import (
    CHANGES_NOTHING_DUE,
    AgencyRow,
    ChecklistMarkRow,
    MetaRow,
    OutboxRow,
    OutcomeRow,
    ReviewRow,
    RoutineDoneRow,
    StageRow,
    VisitRow,
)
from roadmap.store.users import SqlUserRepository
from roadmap.store.visits import SqlTrainerRepository, SqlVisitRepository

_AGENCIES = cast(Table, AgencyRow.__table__)
_STAGES = cast(Table, StageRow.__table__)
_MARKS = cast(Table, ChecklistMarkRow.__table__)


class SqlAgencyRepository:
    """Agencies stored in SQL, read as plain rows; save() loads and updates the ORM row of the one that changed."""

    def __init__(self, session: Session, audit: SqlAuditTrail) -> None:
        self._session = session
        self._audit = audit

    def get(self, slug: str, *, for_update: bool = False) -> Agency:
        if for_update:
            self._hold([slug])
        found = read_agencies(self._session, [slug])
        if not found:
            raise NotFound(
                f"unknown agency {slug!r}{did_you_mean(slug, self.slugs())}; `ips-roadmap agency list` shows every slug"
            )
        return found[0]

    def all(self) -> list[Agency]:
        return read_agencies(self._session)

    def many(self, slugs: Collection[str], *, for_update: bool = False) -> list[Agency]:
        if for_update:
            self._hold(slugs)
        return read_agencies(self._session, slugs)

    def _hold(self, slugs: Collection[str]) -> None:
        # Read-change-save loses nothing: without it a sweep that read an agency, then saved a stage it started,
        # wrote back the checklist as read, dropping a tick committed in between. In slug order (locks.hold).
        hold(self._session, AgencyRow.slug, AgencyRow.slug.in_(slugs))

    def launches(self, as_of: date) -> list[Launched]:
        """Every launched agency with its latest review held by as_of — one query: the review chosen in SQL (the
        latest by date, the first recorded of a day), not every review read to pick one."""
        ranked = (
            select(
                ReviewRow.agency_id,
                ReviewRow.visited_on,
                ReviewRow.total,
                func.row_number()
                .over(partition_by=ReviewRow.agency_id, order_by=(ReviewRow.visited_on.desc(), ReviewRow.id))
                .label("rank"),
            )
            .where(ReviewRow.visited_on <= as_of)
            .subquery()
        )
        query = (
            select(
                AgencyRow.slug, AgencyRow.name, AgencyRow.launched_on, AgencyRow.tracked_from, AgencyRow.archived_on,
                ranked.c.visited_on, ranked.c.total,
            )
            .outerjoin(ranked, and_(ranked.c.agency_id == AgencyRow.id, ranked.c.rank == 1))
            .where(AgencyRow.launched_on.is_not(None))
            .order_by(AgencyRow.slug)
        )  # fmt: skip
        return [Launched._make(row) for row in plain(self._session, query).tuples()]

    def timezones(self) -> dict[str, str]:
        """Every agency's timezone by slug — one narrow query."""
        return dict(plain(self._session, select(AgencyRow.slug, AgencyRow.timezone)).tuples().all())

    def on_roadmap(self, as_of: date) -> list[str]:
        """Slugs of the agencies that had joined by as_of and not left — one narrow query."""
        query = select(AgencyRow.slug).where(
            AgencyRow.joined_on <= as_of, (AgencyRow.archived_on.is_(None)) | (AgencyRow.archived_on > as_of)
        )
        return list(self._session.scalars(query.order_by(AgencyRow.slug)))

    def roster(self) -> list[tuple[str, str, date | None]]:
        query = select(AgencyRow.slug, AgencyRow.name, AgencyRow.archived_on).order_by(AgencyRow.slug)
        return list(plain(self._session, query).tuples())

    def names(self, slugs: Collection[str] | None = None) -> dict[str, str]:
        """Every agency's name (or these agencies') by slug — one narrow query."""
        query = select(AgencyRow.slug, AgencyRow.name)
        if slugs is not None:
            query = query.where(AgencyRow.slug.in_(slugs))
        return dict(plain(self._session, query).tuples().all())

    def count(self) -> int:
        return self._session.scalar(select(func.count()).select_from(AgencyRow)) or 0

    def slugs(self) -> set[str]:
        return set(self._session.scalars(select(AgencyRow.slug)))

    def name_of(self, slug: str) -> str | None:
        return self._session.scalars(select(AgencyRow.name).where(AgencyRow.slug == slug)).first()

    def add(self, agency: Agency) -> None:
        self.add_many([agency])

    def add_many(self, agencies: Sequence[Agency]) -> None:
        # No query here: callers check slugs first (in bulk for imports); the unique constraint backs them. One
        # statement per table rather than ORM objects: an import of ten thousand agencies is three executemany.
        # A new agency has no derived rows and is stale by their absence; nothing another agency is worked out
        # from changes, so these writes mark nothing (changes.py).
        if not agencies:
            return
        quiet = {CHANGES_NOTHING_DUE: True}
        added = self._session.execute(
            insert(_AGENCIES).returning(_AGENCIES.c.slug, _AGENCIES.c.id).execution_options(**quiet),
            [agency_values(agency) for agency in agencies],
        )
        ids = dict(added.tuples().all())
        stages = [
            stage_values(ids[agency.slug], progress) for agency in agencies for progress in agency.stages.values()
        ]
        marks = [
            {"agency_id": ids[agency.slug], "item_key": key, "done_on": done_on}
            for agency in agencies
            for key, done_on in agency.checklist.items()
        ]
        for table, rows in ((_STAGES, stages), (_MARKS, marks)):
            if rows:
                self._session.execute(insert(table).execution_options(**quiet), rows)
        self._audit.record(change for agency in agencies for change in agency_changes(None, agency))

    def save(self, agency: Agency) -> None:
        # Agencies are read as plain rows (fast); the ORM row is loaded only for the ones that change.
        row = self._session.scalars(select(AgencyRow).where(AgencyRow.slug == agency.slug)).one_or_none()
        if row is None:
            raise NotFound(f"agency {agency.slug!r} no longer exists")
        self._audit.record(agency_changes(agency_of(row), agency))
        write(row, agency)

    def recorded(self, slug: str) -> dict[str, int]:
        """What has been recorded for an agency since it was added, by kind (only the kinds that have some)."""
        agency_id = agency_row_id(self._session, slug)
        counts = {
            "checklist items done": select(func.count()).select_from(ChecklistMarkRow).where(
                ChecklistMarkRow.agency_id == agency_id
            ),
            "fidelity reviews": select(func.count()).select_from(ReviewRow).where(
                ReviewRow.agency_id == agency_id, ReviewRow.scores.any()
            ),
            "routines done": select(func.count()).select_from(RoutineDoneRow).where(
                RoutineDoneRow.agency_id == agency_id
            ),
            "quarterly outcomes": select(func.count()).select_from(OutcomeRow).where(OutcomeRow.agency_id == agency_id),
            "site visits": select(func.count()).select_from(VisitRow).where(VisitRow.agency_id == agency_id),
            "reminders sent": select(func.count()).select_from(OutboxRow).where(
                OutboxRow.agency == slug, OutboxRow.status == "sent"
            ),
        }  # fmt: skip
        found = {kind: self._session.scalar(query) or 0 for kind, query in counts.items()}
        return {kind: count for kind, count in found.items() if count}

    def remove(self, slug: str) -> None:
        """Delete an agency and everything that hangs off it (its contacts, links, pending reminders)."""
        removed = self.get(slug)
        self._session.execute(delete(OutboxRow).where(OutboxRow.agency == slug, OutboxRow.status != "sent"))
        self._session.execute(delete(AgencyRow).where(AgencyRow.slug == slug))
        self._audit.record(agency_changes(removed, None))

    def delete_all(self) -> int:
        removed = read_agencies(self._session)
        self._session.execute(delete(AgencyRow))
        self._audit.record(change for agency in removed for change in agency_changes(agency, None))
        return len(removed)


class SqlMetaStore:
    """Key/value facts about the database."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, key: str) -> str | None:
        row = self._session.get(MetaRow, key)
        return row.value if row else None

    def put(self, key: str, value: str) -> None:
        self._session.merge(MetaRow(key=key, value=value))


class SqlStateBackup:
    """The whole state as one document (see roadmap.store.backup), in this transaction."""

    def __init__(self, session: Session, database: Database) -> None:
        self._session = session
        self._database = database

    def dump(self) -> dict[str, Any]:
        return backup.dump(self._session, self._database.head_revision())

    def restore(self, document: object) -> dict[str, int]:
        return backup.restore(self._session, document, self._database.head_revision())


class SqlUnitOfWork:
    """`with uow: ...; uow.commit()` — leaving the block without commit rolls back."""

    def __init__(self, database: Database, who: Principal, clock: Callable[[], datetime] | None = None) -> None:
        self._database = database
        self.who = who
        self._actor = who.actor
        self._clock = clock or (lambda: datetime.now(UTC))

    def __enter__(self) -> Self:
        self._database.require_current_schema()
        self._session = self._database.session()
        self._changes = ChangedAgencies(self._session)
        self.audit = SqlAuditTrail(self._session, self._actor, self._clock)
        self.agencies = SqlAgencyRepository(self._session, self.audit)
        self.reviews = SqlReviewRepository(self._session, self.audit)
        self.actions = SqlActionRepository(self._session, self.audit)
        self.contacts = SqlContactRepository(self._session, self.audit)
        self.outbox = SqlOutbox(self._session)
        self.routines = SqlRoutineLog(self._session, self.audit)
        self.trainers = SqlTrainerRepository(self._session, self.audit)
        self.visits = SqlVisitRepository(self._session, self.audit)
        self.outcomes = SqlOutcomeRepository(self._session, self.audit)
        self.links = SqlAccessLinkRepository(self._session, self.audit)
        self.users = SqlUserRepository(self._session, self.audit)
        self.due_list = SqlDueList(self._session)
        self.sweep_marks = SqlSweepMarks(self._session)
        self.meta = SqlMetaStore(self._session)
        self.backup = SqlStateBackup(self._session, self._database)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        try:
            self._session.rollback()
            self._session.close()
        except SQLAlchemyError:
            pass  # the connection is already gone; the original error below says why
        if isinstance(error, SQLAlchemyError):
            with self._database.translated_errors():
                raise error

    def commit(self) -> None:
        with self._database.translated_errors():
            self._changes.settle(self._session)  # the changed agencies' due lists are stale from this commit on
            self._session.commit()
