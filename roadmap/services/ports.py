"""What the use cases need from storage; roadmap.store implements it, unit tests may fake it."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date, datetime
from types import TracebackType
from typing import Any, Protocol, Self

from roadmap.domain.access_link import AccessLink
from roadmap.domain.action_plan import ActionItem
from roadmap.domain.agency import Agency, Launched, Placed
from roadmap.domain.audit import AuditChange, AuditEntry, Fields, Subject
from roadmap.domain.contact import Contact, Role
from roadmap.domain.due import DueSlice, Worked
from roadmap.domain.outbox import Attempted, Claim, OutboxEntry
from roadmap.domain.outcome import QuarterOutcome
from roadmap.domain.permission import AgencyScope, Principal
from roadmap.domain.review import Review
from roadmap.domain.routine import Occurrence
from roadmap.domain.sweep_mark import Sweepable, SweepMark
from roadmap.domain.trainer import Trainer, TrainerLine
from roadmap.domain.user import User, UserToken
from roadmap.domain.visit import Visit, VisitStatus


class AgencyRepository(Protocol):
    """Agencies by slug."""

    def get(self, slug: str, *, for_update: bool = False) -> Agency:
        """The agency, or NotFound; `for_update` holds it against other writers until this transaction ends."""
        ...

    def all(self) -> list[Agency]:
        """Every agency, ordered by slug."""
        ...

    def many(self, slugs: Collection[str], *, for_update: bool = False) -> list[Agency]:
        """The agencies with these slugs (unknown ones are left out), ordered by slug; `for_update` as for get."""
        ...

    def launches(self, as_of: date) -> list[Launched]:
        """Every launched agency, by slug, with its latest review held by as_of."""
        ...

    def timezones(self) -> dict[str, str]:
        """Every agency's timezone, by slug."""
        ...

    def names(self, slugs: Collection[str] | None = None) -> dict[str, str]:
        """Every agency's name (or these agencies'), by slug."""
        ...

    def on_roadmap(self, as_of: date) -> list[str]:
        """Slugs of the agencies that had joined by as_of and not left, in order."""
        ...

    def roster(self) -> list[tuple[str, str, date | None]]:
        """Every agency's (slug, name, archived on), by slug — one narrow query."""
        ...

    def count(self) -> int:
        """How many agencies there are."""
        ...

    def slugs(self) -> set[str]:
        """Every slug in use."""
        ...

    def name_of(self, slug: str) -> str | None:
        """The name of the agency with this slug, or None when the slug is free."""
        ...

    def add(self, agency: Agency) -> None:
        """Store a new agency (its slug must be free)."""
        ...

    def add_many(self, agencies: Sequence[Agency]) -> None:
        """Store new agencies at once (their slugs must be free)."""
        ...

    def save(self, agency: Agency) -> None:
        """Store the new state of an agency (NotFound if it no longer exists)."""
        ...

    def delete_all(self) -> int:
        """Remove every agency; returns how many there were."""
        ...

    def recorded(self, slug: str) -> dict[str, int]:
        """How many of each kind of record the agency has (checklist, reviews, routines...), empty kinds left out."""
        ...

    def remove(self, slug: str) -> None:
        """Delete the agency with its contacts, links and unsent reminders."""
        ...


class ReviewRepository(Protocol):
    """Fidelity reviews by agency."""

    def for_agency(self, slug: str) -> list[Review]:
        """The agency's reviews, oldest first."""
        ...

    def add(self, review: Review) -> None:
        """Store a new review with its scores."""
        ...

    def add_total(self, slug: str, visited_on: date, total: int) -> None:
        """Store a review held before tracking began, known by its date and total only."""
        ...

    def history(self, slugs: Collection[str] | None = None) -> dict[str, list[tuple[date, int]]]:
        """(visit date, total) of every review (of the given agencies only, if given), by agency slug."""
        ...

    def correct(self, review: Review, item: int, score: int, reason: str) -> Review:
        """Change one item's score of a stored review; the audit trail keeps the old score and the reason."""
        ...


class AuditTrail(Protocol):
    """Every change to agency-level facts, with when, who and before/after (repositories write it)."""

    def record(self, changes: Iterable[AuditChange | None]) -> None:
        """Keep these changes, stamped with this unit of work's author and time."""
        ...

    def listed(self, agency: str | None = None, *, since: date | None = None) -> list[AuditEntry]:
        """Entries oldest first (one agency's, from a UTC day on, when given)."""
        ...

    def last(self, agency: str, subject: Subject, key: str) -> AuditEntry | None:
        """The newest entry of one agency's subject and key, or None."""
        ...

    def latest(self, subject: Subject) -> dict[str, Fields]:
        """The last recorded value of each key of a subject."""
        ...


class ActionRepository(Protocol):
    """Action-plan items by agency."""

    def for_agency(self, slug: str) -> list[ActionItem]:
        """The agency's action items, by review date then item number."""
        ...

    def by_agency(
        self, slugs: Collection[str] | None = None, *, open_on: date | None = None
    ) -> dict[str, list[ActionItem]]:
        """Every action item (of the given agencies only, if given), by agency slug."""
        ...

    def get(self, slug: str, action_id: int) -> ActionItem:
        """One action item, or NotFound."""
        ...

    def add_all(self, actions: list[ActionItem]) -> list[ActionItem]:
        """Store new items; returns them with their ids."""
        ...

    def save(self, action: ActionItem) -> None:
        """Store the new state of an item loaded in this unit of work."""
        ...


class ContactRepository(Protocol):
    """People who receive reminders."""

    def listed(self, agency: str | None = None) -> list[Contact]:
        """State contacts first, then each agency's, by role and name (only one agency's when given)."""
        ...

    def roles(self) -> list[tuple[str | None, Role]]:
        """Every contact's (agency slug, or None for the state team; role)."""
        ...

    def who(self) -> list[tuple[str | None, int, Role]]:
        """Every contact's (agency slug, or None for the state team; id; role): whom reminders can reach."""
        ...

    def reminded(self, agencies: Collection[str]) -> list[Contact]:
        """Who can be reminded about these agencies' items: their own contacts and the state team."""
        ...

    def add(self, contact: Contact) -> Contact:
        """Store a new contact; returns it with its id."""
        ...

    def replace(self, contact: Contact) -> Contact:
        """Store a contact's new name, role, address, channels or timezone (same id and agency)."""
        ...

    def remove(self, contact_id: int) -> Contact:
        """Delete a contact, or NotFound; returns what was removed."""
        ...

    def delete_all(self) -> None:
        """Remove every contact (and their outbox entries)."""
        ...


class Outbox(Protocol):
    """Reminders written before they are sent."""

    def keys(self, agencies: Collection[str] | None = None) -> set[str]:
        """Every key written (for the given agencies only, if given)."""
        ...

    def add_all(self, entries: list[OutboxEntry]) -> int:
        """Queue new entries, skipping any whose key another run queued first; returns how many were added."""
        ...

    def get(self, entry_id: int) -> OutboxEntry:
        """One entry, or NotFound."""
        ...

    def waiting(self, now: datetime) -> tuple[list[int], int]:
        """Contacts with pending entries whose time has come, ascending, and the highest such entry id."""
        ...

    def claim(self, now: datetime, contact: int, up_to: int, whole: int = 0) -> Claim:
        """One person's pending entries whose next attempt has come (ids up to `up_to`), oldest first, as light
        rows, and in full too when there are at most `whole`; they are this transaction's until it ends: a
        delivery running beside it does not get them (it skips them on PostgreSQL; on SQLite it waits for the
        database until this one commits)."""
        ...

    def entries(self, ids: Sequence[int]) -> list[OutboxEntry]:
        """These entries in full, in the order given."""
        ...

    def record(self, outcomes: Sequence[Attempted]) -> None:
        """Store entries' new delivery state: attempts' outcomes, or a retry asked for (one statement per kind)."""
        ...

    def listed(self, agency: str | None = None, status: str | None = None) -> list[OutboxEntry]:
        """Entries, oldest first, optionally of one agency or status."""
        ...

    def withdraw(self, agency: str, reason: str) -> int:
        """Stop every unsent reminder about an agency (marked failed with the reason); returns how many."""
        ...


class RoutineLog(Protocol):
    """When each agency's routines were done."""

    def add(self, agency: str, routine: str, occurrence: Occurrence) -> None:
        """Record one occurrence (the same agency, routine, day and period twice is refused by the database)."""
        ...

    def done(self, slugs: Collection[str] | None = None) -> dict[str, dict[str, list[Occurrence]]]:
        """Agency slug -> routine key -> occurrences, oldest first."""
        ...


class TrainerRepository(Protocol):
    """State trainers and the agencies assigned to them."""

    def all(self, agencies: Collection[str] | None = None) -> list[Trainer]:
        """Every trainer with their agencies (only those among `agencies`, if given), by name."""
        ...

    def roll(self) -> list[TrainerLine]:
        """Every trainer by name with how many agencies they are assigned."""
        ...

    def hold(self) -> None:
        """Hold every trainer against another planner until this transaction ends."""
        ...

    def get(self, name: str) -> Trainer:
        """One trainer, or NotFound."""
        ...

    def add(self, trainer: Trainer) -> None:
        """Store a new trainer."""
        ...

    def assign(self, name: str, agency: str) -> bool:
        """Assign an agency to a trainer; False when it already was."""
        ...

    def contacts_by_agency(self, slugs: Collection[str] | None = None) -> dict[str, tuple[int, ...]]:
        """Agency slug -> contact ids of its assigned trainers who can be reached (every agency with a trainer)."""
        ...

    def delete_all(self) -> None:
        """Remove every trainer."""
        ...

    def unassign(self, name: str, agency: str) -> bool:
        """Take an agency from a trainer; False when it was not theirs."""
        ...

    def remove(self, name: str) -> Trainer:
        """Delete a trainer (with their assignments); returns them as they were."""
        ...


class VisitRepository(Protocol):
    """Booked site visits."""

    def add_all(self, visits: list[Visit]) -> list[Visit]:
        """Store new visits; returns them with their ids."""
        ...

    def listed(
        self,
        *,
        start: date | None = None,
        end: date | None = None,
        status: VisitStatus | None = None,
        agencies: Collection[str] | None = None,
        trainer: str | None = None,
    ) -> list[Visit]:
        """Visits with a day in [start, end], soonest first, optionally filtered."""
        ...

    def get(self, visit_id: int) -> Visit:
        """One visit, or NotFound."""
        ...

    def save(self, visit: Visit) -> None:
        """Store a visit's new status."""
        ...

    def delete_all(self) -> None:
        """Remove every visit."""
        ...


class OutcomeRepository(Protocol):
    """Quarterly outcome counts."""

    def add(self, outcome: QuarterOutcome) -> None:
        """Store one quarter's counts."""
        ...

    def listed(self, agency: str | None = None) -> list[QuarterOutcome]:
        """Every agency's (or one agency's) quarters, by agency then quarter."""
        ...


class AccessLinkRepository(Protocol):
    """Personal links to one agency's pages."""

    def add(self, link: AccessLink) -> AccessLink:
        """Store a new link; returns it with its id."""
        ...

    def get(self, link_id: int) -> AccessLink | None:
        """The link with this id, or None."""
        ...

    def of_contacts(self, contact_ids: Collection[int], on: date) -> list[AccessLink]:
        """The links these contacts' reminders carried that still open on this day, newest first."""
        ...

    def listed(self, agency: str | None = None) -> list[AccessLink]:
        """Every link (of one agency, if given), oldest first."""
        ...

    def revoke(self, link_id: int, at: datetime) -> AccessLink:
        """Revoke a link (NotFound for an unknown id); revoking twice keeps the first time."""
        ...


class UserRepository(Protocol):
    """People who sign in, their secrets (digests only), and what a permission decision reads of an agency."""

    def add(self, user: User) -> User:
        """Store a new user (RuleViolation when the address is taken); returns it with its id."""
        ...

    def get(self, email: str) -> User:
        """The user with this address, or NotFound."""
        ...

    def find(self, email: str) -> User | None:
        """The user with this address, or None."""
        ...

    def by_id(self, user_id: int) -> User | None:
        """The user with this id, or None."""
        ...

    def listed(self) -> list[User]:
        """Every user, by email."""
        ...

    def count_admins(self) -> int:
        """How many active admins there are."""
        ...

    def disable(self, email: str, at: datetime) -> User:
        """Mark a user inactive and revoke every secret they hold."""
        ...

    def seen(self, user_id: int, at: datetime) -> None:
        """Note when the user last did something."""
        ...

    def add_secret(
        self,
        user_id: int,
        kind: str,
        digest: str,
        *,
        created_at: datetime,
        expires_at: datetime,
        idle_until: datetime | None = None,
        label: str = "",
    ) -> int:
        """Keep the digest of a new secret; returns its id."""
        ...

    def spend_sign_in(self, digest: str, at: datetime) -> User | None:
        """The active user of an unspent, unexpired sign-in link, spending it; else None."""
        ...

    def holder(self, digest: str, kind: str, at: datetime) -> tuple[int, User, datetime | None] | None:
        """(secret id, user, when it was last used) of a live secret of this kind, or None."""
        ...

    def keep_alive(self, secret_id: int, at: datetime, idle_until: datetime | None) -> None:
        """Note a secret's use; move a session's idle expiry on (None: a token, which has none)."""
        ...

    def revoke_secret(self, secret_id: int, at: datetime) -> None:
        """End a secret now."""
        ...

    def tokens(self, email: str | None = None) -> list[UserToken]:
        """Personal tokens (of one user), oldest first."""
        ...

    def revoke_token(self, token_id: int, at: datetime) -> UserToken:
        """Revoke a personal token (NotFound for an unknown id)."""
        ...

    def scope(self, slug: str) -> AgencyScope:
        """What a permission decision needs of an agency (NotFound for an unknown slug)."""
        ...

    def assigned_to(self, trainer: str) -> set[str]:
        """Slugs of the agencies assigned to a trainer."""
        ...

    def is_reviewer(self, trainer: str) -> bool:
        """The trainer record is a reviewer's."""
        ...


class StateBackup(Protocol):
    """Every table of the state as one JSON-ready document, and back."""

    def dump(self) -> dict[str, Any]:
        """The whole state, read in this transaction."""
        ...

    def restore(self, document: object) -> dict[str, int]:
        """Write a dumped state into this empty database (InvalidInput naming the first problem); rows per table."""
        ...


class DueList(Protocol):
    """What is due across the state, kept as derived rows worked out again whenever they are stale."""

    def stale(
        self, as_of: date, basis: str, agencies: Collection[str] | None = None
    ) -> tuple[str, list[tuple[str, int]]]:
        """(the basis to stamp, [(slug, generation)]) of the agencies (of these, if given) whose entries were not
        worked out for this day, these rules and the agency as it now stands; read before the records they are
        worked out from."""
        ...

    def replace(self, as_of: date, stamp: str, found: Mapping[str, Worked]) -> int:
        """Write these agencies' items and stage durations (by slug, with the generation they were worked out
        at), skipping any changed since; how many were written."""
        ...

    def roll_forward(self, as_of: date, basis: str, since: Mapping[date, Collection[str]]) -> int:
        """Move the kept rows of these agencies (by the day they are for) on to as_of, a day the sweep found them
        unchanged, where they are still current; how many moved."""
        ...

    def earliest(self, as_of: date, basis: str, purposes: Collection[str]) -> dict[str, str]:
        """Per visit purpose, the agency whose current kept entries hold its earliest occurrence."""
        ...

    def durations(self, as_of: date, basis: str) -> tuple[dict[str, list[int]], list[str]]:
        """Stage -> the days each agency with current rows took over it, and the slugs of those whose rows are
        stale (for this day, rules or generation), read together."""
        ...

    def placed(self, as_of: date, basis: str) -> list[Placed]:
        """Every agency's listing, by slug, with its position where its rows are current (`kept`)."""
        ...

    def listed(
        self, *, as_of: date, until: date, agencies: Collection[str] | None = None, offset: int = 0, limit: int = 200
    ) -> DueSlice:
        """A page of what falls due by `until` (of these agencies), overdue first, with the whole list's counts."""
        ...


class SweepMarks(Protocol):
    """What the last sweep to work each agency out found, kept so the days after can pass it by."""

    def every(self, basis: str, due_basis: str) -> list[Sweepable]:
        """Every agency, by slug, with its mark if written under these rules, and its kept due list's day."""
        ...

    def generations(self, slugs: Collection[str]) -> dict[str, int]:
        """The agencies' generations in this transaction, by slug."""
        ...

    def keep(self, basis: str, marks: Mapping[str, SweepMark]) -> int:
        """Write these agencies' marks (by slug) in place of what they had; how many were written."""
        ...


class MetaStore(Protocol):
    """Small facts about the database itself."""

    def get(self, key: str) -> str | None:
        """The value, or None."""
        ...

    def put(self, key: str, value: str) -> None:
        """Set a value."""
        ...


class UnitOfWork(Protocol):
    """One transaction: commit() makes it stick; leaving without commit rolls everything back."""

    @property
    def who(self) -> Principal:
        """Whoever this transaction acts for: what they may do is checked, their name is audited."""
        ...

    @property
    def users(self) -> UserRepository:
        """People who sign in, in this transaction."""
        ...

    @property
    def agencies(self) -> AgencyRepository:
        """The agencies in this transaction."""
        ...

    @property
    def reviews(self) -> ReviewRepository:
        """The fidelity reviews in this transaction."""
        ...

    @property
    def actions(self) -> ActionRepository:
        """The action-plan items in this transaction."""
        ...

    @property
    def contacts(self) -> ContactRepository:
        """The contacts in this transaction."""
        ...

    @property
    def outbox(self) -> Outbox:
        """The reminder outbox in this transaction."""
        ...

    @property
    def routines(self) -> RoutineLog:
        """When routines were done, in this transaction."""
        ...

    @property
    def trainers(self) -> TrainerRepository:
        """Trainers in this transaction."""
        ...

    @property
    def visits(self) -> VisitRepository:
        """Booked visits in this transaction."""
        ...

    @property
    def outcomes(self) -> OutcomeRepository:
        """Quarterly outcomes in this transaction."""
        ...

    @property
    def links(self) -> AccessLinkRepository:
        """Agency links in this transaction."""
        ...

    @property
    def due_list(self) -> DueList:
        """The derived due entries, in this transaction."""
        ...

    @property
    def sweep_marks(self) -> SweepMarks:
        """What the last sweeps found for each agency, in this transaction."""
        ...

    @property
    def meta(self) -> MetaStore:
        """Facts about the database in this transaction."""
        ...

    @property
    def audit(self) -> AuditTrail:
        """The audit trail, written beside each change in this transaction."""
        ...

    @property
    def backup(self) -> StateBackup:
        """The whole state as one document, in this transaction."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None: ...

    def commit(self) -> None:
        """Make the transaction's changes permanent."""
        ...
