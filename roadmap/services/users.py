"""People who sign in: add, list and disable users; personal tokens; sign-in links, sessions and sign-out.

Every secret is made here, handed back once to be shown or sent, and stored only as its digest. Who a request
is comes back as a Principal, which the use cases then check.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import ValidationError

from roadmap.domain.errors import InvalidInput, NotFound, RuleViolation, first_problem
from roadmap.domain.permission import Ability, Principal, signed_in
from roadmap.domain.user import SESSION, SIGN_IN, TokenKind, User, UserRole, UserToken, digest, new_secret, normal_email
from roadmap.services.access import require
from roadmap.services.ports import UnitOfWork

# A sign-in link works this long, once.
SIGN_IN_MINUTES = 15
# A session's idle expiry moves on at most this often: a page view is a read, not a write, on most requests (a
# write per view would queue behind a sweep's lock on SQLite).
KEEP_ALIVE_EVERY = timedelta(minutes=1)
MAX_TOKEN_DAYS = 366


@dataclass(frozen=True)
class SessionRules:
    """How long a session lasts: `idle` without a request, `absolute` whatever happens."""

    idle: timedelta = timedelta(hours=8)
    absolute: timedelta = timedelta(days=7)


@dataclass(frozen=True)
class NewToken:
    """A personal token just made: the secret is shown now and never again."""

    token: UserToken
    secret: str
    user: User


def add_user(
    uow: UnitOfWork,
    email: str,
    *,
    name: str,
    role: str,
    regions: Sequence[str] = (),
    trainer: str | None = None,
) -> User:
    """A person who may sign in with this role (a trainer user is tied to their trainer record)."""
    with uow:
        require(uow, Ability.RUN_STATE)
        try:
            user = User(email=email, name=name, role=_role(role), regions=tuple(regions), trainer=trainer)
        except ValidationError as error:
            raise InvalidInput(first_problem(error, "user")) from None
        if user.trainer is not None:
            wanted = user.trainer.casefold()
            found = next((t.name for t in uow.trainers.all() if t.name.casefold() == wanted), None)
            if found is None:
                raise NotFound(f"no trainer {user.trainer!r}; `ips-roadmap trainer list` shows them")
            user = user.model_copy(update={"trainer": found})
        stored = uow.users.add(user)
        uow.commit()
    return stored


def list_users(uow: UnitOfWork) -> list[User]:
    """Every user, active or not, by address."""
    with uow:
        require(uow, Ability.RUN_STATE)
        return uow.users.listed()


def disable_user(uow: UnitOfWork, email: str, *, at: datetime) -> User:
    """Stop a user signing in and end their sessions and tokens at once; their history stays theirs."""
    with uow:
        require(uow, Ability.RUN_STATE)
        found = uow.users.get(normal_email(email))
        if found.active and found.role is UserRole.ADMIN and uow.users.count_admins() <= 1:
            raise RuleViolation(f"{found.email} is the last admin: add another admin before disabling them")
        disabled = uow.users.disable(normal_email(email), at)
        uow.commit()
    return disabled


def create_token(uow: UnitOfWork, email: str, *, days: int, now: datetime, kind: TokenKind = TokenKind.API) -> NewToken:
    """A personal token for scripts (`api`) or a calendar program (`calendar`), working `days` days from now."""
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidInput(f"--days must be between 1 and {MAX_TOKEN_DAYS}, got {days}")
    secret = new_secret()
    with uow:
        require(uow, Ability.RUN_STATE)
        user = uow.users.get(normal_email(email))
        if not user.active or user.id is None:
            raise InvalidInput(f"{user.email} is disabled: a disabled user gets no tokens")
        if kind is TokenKind.CALENDAR and user.role is not UserRole.TRAINER:
            raise InvalidInput(f"{user.email} is not a trainer: calendar tokens are for trainers' visit calendars")
        token_id = uow.users.add_secret(
            user.id, kind.value, digest(secret), created_at=now, expires_at=now + timedelta(days=days),
            label=f"{kind.value} token",
        )  # fmt: skip
        made = next(token for token in uow.users.tokens(user.email) if token.id == token_id)
        uow.commit()
    return NewToken(made, secret, user)


def list_tokens(uow: UnitOfWork, email: str | None = None) -> list[UserToken]:
    """Personal tokens (of one user): never the secret, only when made, until when, and whether revoked."""
    with uow:
        require(uow, Ability.RUN_STATE)
        if email is not None:
            uow.users.get(normal_email(email))
        return uow.users.tokens(normal_email(email) if email else None)


def revoke_token(uow: UnitOfWork, token_id: int, *, at: datetime) -> UserToken:
    """Stop a personal token at once."""
    with uow:
        require(uow, Ability.RUN_STATE)
        revoked = uow.users.revoke_token(token_id, at)
        uow.commit()
    return revoked


def issue_sign_in(uow: UnitOfWork, email: str, *, now: datetime) -> tuple[User, str]:
    """A one-time sign-in link's secret made at the server for a named user (their mail may not be set up yet)."""
    with uow:
        require(uow, Ability.RUN_STATE)
        user = uow.users.get(normal_email(email))
        if not user.active:
            raise InvalidInput(f"{user.email} is disabled: add them again with `ips-roadmap user add`")
        secret = _new_sign_in(uow, user, now)
        uow.commit()
    return user, secret


def request_sign_in(uow: UnitOfWork, email: str, *, now: datetime) -> tuple[User, str] | None:
    """A one-time sign-in link's secret for an active user (None for any other address: nothing is told)."""
    with uow:
        user = uow.users.find(normal_email(email))
        if user is None or not user.active:
            return None
        secret = _new_sign_in(uow, user, now)
        uow.commit()
    return user, secret


def sign_in_user(uow: UnitOfWork, email: str, *, now: datetime, rules: SessionRules) -> tuple[User, str] | None:
    """A new session for an active user who proved who they are elsewhere (single sign-on); None if not a user."""
    with uow:
        user = uow.users.find(normal_email(email))
        if user is None or not user.active:
            return None
        session = _new_session(uow, user, now, rules)
        uow.commit()
    return user, session


def finish_sign_in(uow: UnitOfWork, secret: str, *, now: datetime, rules: SessionRules) -> tuple[User, str] | None:
    """Spend a sign-in link and open a new session (a fresh secret every time); None for a spent or dead link."""
    with uow:
        user = uow.users.spend_sign_in(digest(secret), now)
        if user is None:
            return None
        session = _new_session(uow, user, now, rules)
        uow.commit()
    return user, session


def _new_sign_in(uow: UnitOfWork, user: User, now: datetime) -> str:
    assert user.id is not None  # a stored user
    secret = new_secret()
    expires = now + timedelta(minutes=SIGN_IN_MINUTES)
    uow.users.add_secret(user.id, SIGN_IN, digest(secret), created_at=now, expires_at=expires)
    return secret


def _new_session(uow: UnitOfWork, user: User, now: datetime, rules: SessionRules) -> str:
    assert user.id is not None  # a stored user
    secret = new_secret()
    uow.users.add_secret(
        user.id, SESSION, digest(secret), created_at=now, expires_at=now + rules.absolute, idle_until=now + rules.idle
    )
    uow.users.seen(user.id, now)
    return secret


def session_principal(uow: UnitOfWork, secret: str, *, now: datetime, rules: SessionRules) -> Principal | None:
    """Who holds this session, if it is live; a request keeps it alive (idle expiry moves on)."""
    with uow:
        found = uow.users.holder(digest(secret), SESSION, now)
        if found is None:
            return None
        secret_id, user, used = found
        who = _principal(uow, user, via="web")
        if used is None or now - used >= KEEP_ALIVE_EVERY:
            uow.users.keep_alive(secret_id, now, now + rules.idle)
            if user.id is not None:
                uow.users.seen(user.id, now)
            uow.commit()
    return who


def token_principal(uow: UnitOfWork, secret: str, *, now: datetime, kind: TokenKind) -> Principal | None:
    """Who holds this personal token, if it is live."""
    with uow:
        found = uow.users.holder(digest(secret), kind.value, now)
        if found is None:
            return None
        secret_id, user, used = found
        who = _principal(uow, user, via="api")
        if used is None or now - used >= KEEP_ALIVE_EVERY:
            uow.users.keep_alive(secret_id, now, None)  # last used; tokens have no idle expiry
            uow.commit()
    return who


def sign_out(uow: UnitOfWork, secret: str, *, now: datetime) -> None:
    """End this session (nothing happens for one already ended)."""
    with uow:
        found = uow.users.holder(digest(secret), SESSION, now)
        if found is not None:
            uow.users.revoke_secret(found[0], now)
        uow.commit()


def _principal(uow: UnitOfWork, user: User, *, via: str) -> Principal:
    reviewer = user.trainer is not None and uow.users.is_reviewer(user.trainer)
    return signed_in(user, via=via, reviewer=reviewer)


def _role(text: str) -> UserRole:
    try:
        return UserRole(text.strip().lower())
    except ValueError:
        roles = ", ".join(role.value for role in UserRole)
        raise InvalidInput(f"--role {text!r} is not one of {roles}") from None
