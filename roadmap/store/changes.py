"""Which agencies a transaction changed, so that their derived due lists are worked out again (see due_list.py).

Every write reaches the database either as a flush of ORM rows or as a statement through the session; both are
watched here, so a repository cannot forget to say what it changed. A row that names its agency marks that
agency; a change no agency can be told from (a trainer renamed, a restore) marks every agency. Tables nothing
due is worked out from (the audit trail, the outbox, people and their secrets) mark nothing.
"""

from __future__ import annotations

from itertools import chain

from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from roadmap.store.locks import hold
from roadmap.store.tables import (
    CHANGES_NOTHING_DUE,
    DERIVED_TABLES,
    AccessLinkRow,
    AgencyRow,
    AuditRow,
    ContactRow,
    MetaRow,
    OutboxRow,
    OutcomeRow,
    ScoreRow,
    TrainerAgencyRow,
    TrainerRow,
    UserRow,
    UserSecretRow,
    VisitRow,
    VisitTrainerRow,
)

# Facts about the database that due items are worked out from (services/records.py reads this one).
_DUE_META_KEYS = frozenset({"routines_tracked_from"})
# Written by the app but never read by stage logic: who is reminded is worked out when reminders are queued.
_UNRELATED = DERIVED_TABLES | {
    row.__tablename__
    for row in (
        AuditRow,
        UserRow,
        UserSecretRow,
        OutboxRow,
        AccessLinkRow,
        ContactRow,
        TrainerAgencyRow,
        ScoreRow,
        OutcomeRow,
        MetaRow,
    )
}


class ChangedAgencies:
    """Collects, for one session, the agencies its writes touched; `settle()` bumps their generations."""

    def __init__(self, session: Session) -> None:
        self._agencies: set[int] = set()
        self._visits: set[int] = set()
        self._everything = False
        event.listen(session, "after_flush", self._flushed)
        event.listen(session, "do_orm_execute", self._executed)

    def _flushed(self, session: Session, _: UOWTransaction) -> None:
        for row in chain(session.deleted, session.dirty):
            self._note(row)
        for row in session.new:
            if not isinstance(row, TrainerRow):  # a new trainer is on no visit yet
                self._note(row)

    def _note(self, row: object) -> None:
        if isinstance(row, MetaRow) and row.key in _DUE_META_KEYS:
            self._everything = True
            return
        if getattr(row, "__tablename__", "") in _UNRELATED:
            return
        if isinstance(row, AgencyRow):
            self._agencies.add(row.id)
        elif isinstance(row, VisitTrainerRow):
            self._visits.add(row.visit_id)  # a visit's title names who goes on it
        elif hasattr(row, "agency_id"):
            # The agency it belonged to before this change as well (a row moved from one agency to another).
            before = inspect(row, raiseerr=True).attrs.agency_id.history.deleted or ()
            self._agencies.update(each for each in (row.agency_id, *before) if isinstance(each, int))
        else:
            self._everything = True  # a trainer renamed or removed: the visits they are on are retitled

    def _executed(self, state: ORMExecuteState) -> None:
        writes = state.is_insert or state.is_update or state.is_delete
        if not writes or state.execution_options.get(CHANGES_NOTHING_DUE):
            return
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) not in _UNRELATED:
            self._everything = True  # a bulk statement: which agencies it reached is not known here

    def settle(self, session: Session) -> None:
        """Before commit: flush, then bump the generation of every agency changed (or of all of them at once)."""
        session.flush()
        if self._visits:
            ids = select(VisitRow.agency_id).where(VisitRow.id.in_(self._visits), VisitRow.agency_id.is_not(None))
            self._agencies.update(agency for agency in session.scalars(ids) if agency is not None)
        if self._everything or self._agencies:
            # In slug order, as every writer holds agencies, so two bumping writers wait rather than deadlock.
            chosen = [] if self._everything else [AgencyRow.id.in_(self._agencies)]
            hold(session, AgencyRow.slug, *chosen, key_share=True)
            bump = update(AgencyRow).where(*chosen).values(generation=AgencyRow.generation + 1)
            session.execute(bump.execution_options(synchronize_session=False, **{CHANGES_NOTHING_DUE: True}))
        self._agencies, self._visits, self._everything = set(), set(), False
