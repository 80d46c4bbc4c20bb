"""Database rows. Only agency-level facts: no table has room for client names or identifiers."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Stable constraint names so migrations can alter them on every backend.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class AgencyRow(Base):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(120))
    timezone: Mapped[str] = mapped_column(String(64))
    joined_on: Mapped[date] = mapped_column(Date)
    launched_on: Mapped[date | None] = mapped_column(Date)
    tracked_from: Mapped[date | None] = mapped_column(Date)
    archived_on: Mapped[date | None] = mapped_column(Date)
    archive_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Counts the transactions that changed anything the agency's due items are worked out from (due_list.py):
    # a due list worked out before the latest change is recomputed, even one written after it.
    generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0", info={"derived": True})

    stages: Mapped[list[StageRow]] = relationship(
        back_populates="agency", cascade="all, delete-orphan", lazy="selectin", passive_deletes=True
    )
    marks: Mapped[list[ChecklistMarkRow]] = relationship(
        back_populates="agency", cascade="all, delete-orphan", lazy="selectin", passive_deletes=True
    )


class StageRow(Base):
    """A stage that has started for an agency; no row means not started."""

    __tablename__ = "agency_stages"

    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True)
    stage_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    started_on: Mapped[date] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    forced: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)
    before_tracking: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    agency: Mapped[AgencyRow] = relationship(back_populates="stages")


class ChecklistMarkRow(Base):
    """A checklist item an agency has done, and when."""

    __tablename__ = "checklist_marks"

    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True)
    item_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    done_on: Mapped[date] = mapped_column(Date)

    agency: Mapped[AgencyRow] = relationship(back_populates="marks")


class MetaRow(Base):
    """Facts about the database itself (e.g. that it holds the demo state)."""

    __tablename__ = "roadmap_meta"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class ReviewRow(Base):
    """A fidelity review visit. `total` repeats the sum of its scores so due dates need no score rows."""

    __tablename__ = "fidelity_reviews"
    __table_args__ = (UniqueConstraint("agency_id", "visited_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), index=True)
    visited_on: Mapped[date] = mapped_column(Date)
    total: Mapped[int] = mapped_column(Integer)
    reviewers: Mapped[list[str]] = mapped_column(JSON)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    agency: Mapped[AgencyRow] = relationship()
    scores: Mapped[list[ScoreRow]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", passive_deletes=True, order_by="ScoreRow.item"
    )


class ScoreRow(Base):
    """One item's consensus score in a review."""

    __tablename__ = "fidelity_scores"
    __table_args__ = (
        CheckConstraint("item BETWEEN 1 AND 25", name="item_number"),
        CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
    )

    review_id: Mapped[int] = mapped_column(ForeignKey("fidelity_reviews.id", ondelete="CASCADE"), primary_key=True)
    item: Mapped[int] = mapped_column(Integer, primary_key=True)
    score: Mapped[int] = mapped_column(Integer)


class ActionRow(Base):
    """A step of an agency's fidelity action plan."""

    __tablename__ = "action_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), index=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("fidelity_reviews.id", ondelete="CASCADE"))
    item: Mapped[int] = mapped_column(Integer)
    score: Mapped[int] = mapped_column(Integer)
    criterion: Mapped[str] = mapped_column(Text)
    step: Mapped[str] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    done_note: Mapped[str | None] = mapped_column(Text)

    agency: Mapped[AgencyRow] = relationship()
    review: Mapped[ReviewRow] = relationship()


class ContactRow(Base):
    """A person who receives reminders. `notify` holds apprise URLs, which may carry tokens: never print them."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    notify: Mapped[list[str]] = mapped_column(JSON)
    timezone: Mapped[str | None] = mapped_column(String(64))

    agency: Mapped[AgencyRow | None] = relationship()


class OutboxRow(Base):
    """A reminder written before it is sent; `key` makes queueing it twice impossible."""

    __tablename__ = "outbox"
    # Delivery reads one person's pending entries at a time.
    __table_args__ = (Index("ix_outbox_contact_id_status", "contact_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(400), unique=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"))
    agency: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    stage: Mapped[str] = mapped_column(String(40))
    due_on: Mapped[date] = mapped_column(Date)
    offset_days: Mapped[int] = mapped_column(Integer)
    escalation: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(12), index=True)
    attempts: Mapped[int] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    queued_on: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RoutineDoneRow(Base):
    """One occurrence of a routine (a meeting held, a visit made, a report sent) on a date."""

    __tablename__ = "routine_done"
    __table_args__ = (UniqueConstraint("agency_id", "routine", "done_on", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), index=True)
    routine: Mapped[str] = mapped_column(String(60))
    done_on: Mapped[date] = mapped_column(Date)
    # The quarter a report covers ('2026Q4'); empty for meetings and visits (NULLs would escape the unique key).
    period: Mapped[str] = mapped_column(String(8), default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class TrainerRow(Base):
    """A state trainer or reviewer; reminders reach them through their contact (when they have an address)."""

    __tablename__ = "trainers"
    __table_args__ = (CheckConstraint("capacity BETWEEN 1 AND 5", name="capacity_days"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    region: Mapped[str] = mapped_column(String(120))
    capacity: Mapped[int] = mapped_column(Integer)
    reviewer: Mapped[bool] = mapped_column(Boolean, default=False)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))


class TrainerAgencyRow(Base):
    """An agency assigned to a trainer."""

    __tablename__ = "trainer_agencies"

    trainer_id: Mapped[int] = mapped_column(ForeignKey("trainers.id", ondelete="CASCADE"), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True)


class VisitRow(Base):
    """A booked site visit; no agency for a statewide one."""

    __tablename__ = "visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(60))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), index=True)
    region: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date] = mapped_column(Date, index=True)
    days: Mapped[int] = mapped_column(Integer)
    slot: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), index=True)
    done_on: Mapped[date | None] = mapped_column(Date)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class VisitTrainerRow(Base):
    """Who goes on a visit, in order (the first leads)."""

    __tablename__ = "visit_trainers"

    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), primary_key=True)
    trainer_id: Mapped[int] = mapped_column(ForeignKey("trainers.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)


class OutcomeRow(Base):
    """One agency's quarterly outcome counts: aggregate numbers only, never a person."""

    __tablename__ = "quarterly_outcomes"
    __table_args__ = (
        UniqueConstraint("agency_id", "quarter"),
        CheckConstraint("working <= served", name="working_within_served"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), index=True)
    quarter: Mapped[str] = mapped_column(String(8))
    served: Mapped[int] = mapped_column(Integer)
    working: Mapped[int] = mapped_column(Integer)
    job_starts: Mapped[int | None] = mapped_column(Integer)
    in_school: Mapped[int | None] = mapped_column(Integer)
    working_90_days: Mapped[int | None] = mapped_column(Integer)
    jobs_ended_before_90_days: Mapped[int | None] = mapped_column(Integer)
    avg_hours: Mapped[float | None] = mapped_column(Float)
    reported_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class AccessLinkRow(Base):
    """A personal link to one agency's pages, opened by a token signed with the state's link key."""

    __tablename__ = "access_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(120), default="")
    expires_on: Mapped[date] = mapped_column(Date)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Set for the link a contact's reminders carry; removing the contact removes the link.
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    # Signed with the id: a token of a deleted link cannot open a new link that is given the same id.
    salt: Mapped[str] = mapped_column(String(24), default="")


class AuditRow(Base):
    """One change to an agency-level fact: when, who, what it was before and after (see roadmap.domain.audit).

    The agency is named by its slug, not a foreign key: the trail outlives the rows it describes.
    """

    __tablename__ = "audit_trail"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(120))
    via: Mapped[str] = mapped_column(String(16))
    agency: Mapped[str | None] = mapped_column(String(80), index=True)
    subject: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(16))
    # Documents (any plain JSON object), not lists of strings like the other JSON columns: backups check which.
    before: Mapped[dict[str, object] | None] = mapped_column(JSON, info={"document": True})
    after: Mapped[dict[str, object] | None] = mapped_column(JSON, info={"document": True})
    reason: Mapped[str | None] = mapped_column(Text)


class UserRow(Base):
    """A person of the state team who signs in to the web app (see roadmap.domain.user)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    regions: Mapped[list[str]] = mapped_column(JSON, default=list)
    trainer: Mapped[str | None] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class UserSecretRow(Base):
    """A secret that lets one user in: a one-time sign-in link, a session, or a personal API or calendar token.

    Only the SHA-256 digest of the secret is kept. A sign-in link is spent by setting `used_at`; a session ends
    at `expires_at` (absolute) or after `idle_until` passes without a request; any of them by `revoked_at`.
    """

    __tablename__ = "user_secrets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    idle_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DueEntryRow(Base):
    """One item an agency owes, as last worked out for its standing (derived data: rebuilt, never exported)."""

    __tablename__ = "due_entries"
    # An item once per agency: two readers writing back the same agency at once cannot both land.
    # By subject too: a routine's entries (`routine:period`) across every agency are one range of it.
    __table_args__ = (
        UniqueConstraint("agency_id", "kind", "subject"),
        Index("ix_due_entries_subject_due_on", "subject", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    # Compared by code point (a range of subjects is a prefix only in that order): PostgreSQL's column says so,
    # so that its index serves the comparison; SQLite compares text that way already.
    subject: Mapped[str] = mapped_column(String(200).with_variant(String(200, collation="C"), "postgresql"))
    title: Mapped[str] = mapped_column(Text)
    stage: Mapped[str] = mapped_column(String(80))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    state_run: Mapped[bool] = mapped_column(Boolean)


class DueStandingRow(Base):
    """For which day, rules and agency generation an agency's due entries were worked out (derived data)."""

    __tablename__ = "due_standings"

    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True)
    computed_for: Mapped[date] = mapped_column(Date)
    basis: Mapped[str] = mapped_column(String(64))
    generation: Mapped[int] = mapped_column(Integer)
    # The active gate on that day and the days it counts towards a stall (none once every gate is done).
    current_stage: Mapped[str | None] = mapped_column(String(40))
    stage_days: Mapped[int | None] = mapped_column(Integer)


class StageDurationRow(Base):
    """Days an agency took over each stage it completed (as of its due entries' day), for the peers' medians that
    stalls are judged by: a page about one agency reads these instead of every agency's stages (derived data)."""

    __tablename__ = "stage_durations"

    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True)
    stage: Mapped[str] = mapped_column(String(40), primary_key=True)
    days: Mapped[int] = mapped_column(Integer)


class SweepMarkRow(Base):
    """What the last sweep to work an agency out found, and until when it owes nothing new (derived data): the
    days after pass it by while its records, the rules and its people stay as they were (domain/sweep_mark.py)."""

    __tablename__ = "sweep_marks"

    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), primary_key=True)
    swept_for: Mapped[date] = mapped_column(Date)
    stamp: Mapped[str] = mapped_column(String(80))
    generation: Mapped[int] = mapped_column(Integer)
    reach: Mapped[str] = mapped_column(String(32))
    quiet_until: Mapped[date] = mapped_column(Date)
    items: Mapped[int] = mapped_column(Integer)
    current_stage: Mapped[str | None] = mapped_column(String(40))
    stage_days: Mapped[int | None] = mapped_column(Integer)


# An execution option: this statement writes but changes nothing a due item is worked out from (a row lock, a
# generation bump, the derived rows themselves), so no agency's due list is marked stale by it (changes.py).
CHANGES_NOTHING_DUE = "roadmap_changes_nothing_due"

# Worked out from the other tables and rebuilt whenever they are stale: backups leave them out (and columns
# marked `info={"derived": True}`).
DERIVED_TABLES = frozenset(row.__tablename__ for row in (DueEntryRow, DueStandingRow, StageDurationRow, SweepMarkRow))
