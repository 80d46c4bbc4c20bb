"""Users and their secrets in SQL (only digests of secrets are stored)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from roadmap.domain.audit import user_change
from roadmap.domain.errors import NotFound, RuleViolation
from roadmap.domain.permission import AgencyScope
from roadmap.domain.user import SIGN_IN, TokenKind, User, UserRole, UserToken
from roadmap.store.audit import SqlAuditTrail
from roadmap.store.tables import AgencyRow, TrainerAgencyRow, TrainerRow, UserRow, UserSecretRow


class SqlUserRepository:
    """Users by email and id; their sign-in links, sessions and personal tokens."""

    def __init__(self, session: Session, audit: SqlAuditTrail) -> None:
        self._session = session
        self._audit = audit

    def add(self, user: User) -> User:
        if self._session.scalar(select(UserRow.id).where(UserRow.email == user.email)) is not None:
            raise RuleViolation(f"{user.email} is already a user; `ips-roadmap user list` shows them")
        row = UserRow(
            email=user.email,
            name=user.name,
            role=user.role.value,
            regions=list(user.regions),
            trainer=user.trainer,
            active=user.active,
        )
        self._session.add(row)
        self._session.flush()
        stored = _user(row)
        self._audit.record([user_change(None, stored)])
        return stored

    def get(self, email: str) -> User:
        row = self._session.scalar(select(UserRow).where(UserRow.email == email))
        if row is None:
            raise NotFound(f"no user {email}; `ips-roadmap user list` shows them")
        return _user(row)

    def find(self, email: str) -> User | None:
        row = self._session.scalar(select(UserRow).where(UserRow.email == email))
        return None if row is None else _user(row)

    def by_id(self, user_id: int) -> User | None:
        row = self._session.get(UserRow, user_id)
        return None if row is None else _user(row)

    def listed(self) -> list[User]:
        return [_user(row) for row in self._session.scalars(select(UserRow).order_by(UserRow.email))]

    def count_admins(self) -> int:
        query = select(func.count()).where(UserRow.role == UserRole.ADMIN.value, UserRow.active.is_(True))
        return int(self._session.scalar(query) or 0)

    def disable(self, email: str, at: datetime) -> User:
        """Mark the user inactive and end every secret they hold (sessions, links, tokens)."""
        row = self._session.scalar(select(UserRow).where(UserRow.email == email))
        if row is None:
            raise NotFound(f"no user {email}; `ips-roadmap user list` shows them")
        before = _user(row)
        row.active = False
        self._session.execute(
            update(UserSecretRow)
            .where(UserSecretRow.user_id == row.id, UserSecretRow.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        after = _user(row)
        self._audit.record([user_change(before, after)])
        return after

    def seen(self, user_id: int, at: datetime) -> None:
        self._session.execute(update(UserRow).where(UserRow.id == user_id).values(last_seen_at=at))

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
        row = UserSecretRow(
            user_id=user_id,
            kind=kind,
            digest=digest,
            label=label[:120],
            created_at=created_at,
            expires_at=expires_at,
            idle_until=idle_until,
        )
        self._session.add(row)
        self._session.flush()
        return row.id

    def spend_sign_in(self, digest: str, at: datetime) -> User | None:
        """The active user a sign-in link was for, if it is unspent and unexpired; spent by this call (once only).

        The update is conditional, so two clicks of the same link racing each other sign in once.
        """
        spent = self._session.execute(
            update(UserSecretRow)
            .where(
                UserSecretRow.digest == digest,
                UserSecretRow.kind == SIGN_IN,
                UserSecretRow.used_at.is_(None),
                UserSecretRow.revoked_at.is_(None),
                UserSecretRow.expires_at > at,
            )
            .values(used_at=at)
            .returning(UserSecretRow.user_id)
        ).scalar_one_or_none()
        if spent is None:
            return None
        user = self.by_id(spent)
        return user if user is not None and user.active else None

    def holder(self, digest: str, kind: str, at: datetime) -> tuple[int, User, datetime | None] | None:
        """(secret id, user, last used) for a live secret of this kind: not revoked, expired or idle; user active."""
        found = self._session.execute(
            select(UserSecretRow, UserRow)
            .join(UserRow, UserRow.id == UserSecretRow.user_id)
            .where(UserSecretRow.digest == digest, UserSecretRow.kind == kind)
        ).one_or_none()
        if found is None:
            return None
        secret, user = found
        idle = secret.idle_until is not None and _aware(secret.idle_until) <= at
        if secret.revoked_at is not None or _aware(secret.expires_at) <= at or idle or not user.active:
            return None
        return secret.id, _user(user), None if secret.used_at is None else _aware(secret.used_at)

    def keep_alive(self, secret_id: int, at: datetime, idle_until: datetime | None) -> None:
        """A request with a secret: when it was last used; a session's idle expiry moves on (never its absolute one)."""
        values: dict[str, datetime] = {"used_at": at}
        if idle_until is not None:
            values["idle_until"] = idle_until
        self._session.execute(update(UserSecretRow).where(UserSecretRow.id == secret_id).values(**values))

    def revoke_secret(self, secret_id: int, at: datetime) -> None:
        self._session.execute(
            update(UserSecretRow)
            .where(UserSecretRow.id == secret_id, UserSecretRow.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    def tokens(self, email: str | None = None) -> list[UserToken]:
        query = (
            select(UserSecretRow, UserRow.email)
            .join(UserRow, UserRow.id == UserSecretRow.user_id)
            .where(UserSecretRow.kind.in_([kind.value for kind in TokenKind]))
        )
        if email is not None:
            query = query.where(UserRow.email == email)
        return [_token(row, owner) for row, owner in self._session.execute(query.order_by(UserSecretRow.id))]

    def revoke_token(self, token_id: int, at: datetime) -> UserToken:
        found = self._session.execute(
            select(UserSecretRow, UserRow.email)
            .join(UserRow, UserRow.id == UserSecretRow.user_id)
            .where(UserSecretRow.id == token_id, UserSecretRow.kind.in_([kind.value for kind in TokenKind]))
        ).one_or_none()
        if found is None:
            raise NotFound(f"no token {token_id}; `ips-roadmap user tokens` lists them")
        row, owner = found
        if row.revoked_at is None:
            row.revoked_at = at
        return _token(row, owner)

    def scope(self, slug: str) -> AgencyScope:
        """The agency's region and the names of its trainers (NotFound for an unknown slug)."""
        region = self._session.scalar(select(AgencyRow.region).where(AgencyRow.slug == slug))
        if region is None:
            raise NotFound(f"no agency {slug!r}")
        trainers = self._session.scalars(
            select(TrainerRow.name)
            .join(TrainerAgencyRow, TrainerAgencyRow.trainer_id == TrainerRow.id)
            .join(AgencyRow, AgencyRow.id == TrainerAgencyRow.agency_id)
            .where(AgencyRow.slug == slug)
        )
        return AgencyScope(slug=slug, region=region, trainers=frozenset(trainers))

    def assigned_to(self, trainer: str) -> set[str]:
        """Slugs of the agencies assigned to this trainer (empty for an unknown trainer)."""
        return set(
            self._session.scalars(
                select(AgencyRow.slug)
                .join(TrainerAgencyRow, TrainerAgencyRow.agency_id == AgencyRow.id)
                .join(TrainerRow, TrainerRow.id == TrainerAgencyRow.trainer_id)
                .where(TrainerRow.name == trainer)
            )
        )

    def is_reviewer(self, trainer: str) -> bool:
        return bool(self._session.scalar(select(TrainerRow.reviewer).where(TrainerRow.name == trainer)))


def _aware(moment: datetime) -> datetime:
    # SQLite gives back naive datetimes for timezone-aware columns; they were stored in UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _user(row: UserRow) -> User:
    return User(
        id=row.id,
        email=row.email,
        name=row.name,
        role=UserRole(row.role),
        regions=tuple(row.regions or ()),
        trainer=row.trainer,
        active=row.active,
        last_seen=None if row.last_seen_at is None else _aware(row.last_seen_at),
    )


def _token(row: UserSecretRow, owner: str) -> UserToken:
    return UserToken(
        id=row.id,
        user=owner,
        kind=TokenKind(row.kind),
        label=row.label,
        created_at=_aware(row.created_at),
        expires_at=_aware(row.expires_at),
        revoked_at=None if row.revoked_at is None else _aware(row.revoked_at),
        last_used_at=None if row.used_at is None else _aware(row.used_at),
    )
