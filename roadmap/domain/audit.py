"""The audit trail: who changed which agency-level fact, when, and what it was before and after.

Fidelity scores decide certification and funding, so every change is kept with its author, and a corrected
score keeps its old value and the reason it was changed. Entries are values worked out here from the domain's
objects (before, after); the store writes them in the same transaction as the change they describe, so a change
and its entry land together or not at all.

No secret enters an entry: a contact's channels are kept as their kinds (`tgram`, `mailto`), never their URLs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from roadmap.domain.access_link import AccessLink
from roadmap.domain.action_plan import ActionItem
from roadmap.domain.agency import Agency, StageProgress
from roadmap.domain.contact import Contact
from roadmap.domain.outcome import QuarterOutcome
from roadmap.domain.review import Review
from roadmap.domain.routine import Occurrence
from roadmap.domain.trainer import Trainer
from roadmap.domain.user import User
from roadmap.domain.visit import Visit

# A value as it is kept: plain JSON, the same on every backend and in exports.
Fields = dict[str, Any]
# Fields of an agency kept on its own entry; stages and checklist items get entries of their own.
_AGENCY_FIELDS = (
    "name", "region", "timezone", "joined_on", "launched_on", "tracked_from", "archived_on", "archive_reason"
)  # fmt: skip


class Subject(StrEnum):
    """What kind of fact changed."""

    AGENCY = "agency"
    STAGE = "stage"
    CHECKLIST = "checklist"
    REVIEW = "review"
    SCORE = "score"
    ACTION = "action"
    OUTCOME = "outcome"
    ROUTINE = "routine"
    CONTACT = "contact"
    LINK = "link"
    RULES = "rules"
    TRAINER = "trainer"
    VISIT = "visit"
    USER = "user"


class Action(StrEnum):
    """How it changed."""

    ADDED = "added"
    CHANGED = "changed"
    REMOVED = "removed"
    CORRECTED = "corrected"


class Actor(BaseModel):
    """Who made a change: the OS user (CLI, sweeps, flows) or the signed-in web user, and through what."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=120)
    via: str = Field(min_length=1, max_length=16)

    def __str__(self) -> str:
        return f"{self.name} ({self.via})"


class AuditChange(BaseModel):
    """One change, before it is stamped with its time and author."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    subject: Subject
    agency: str | None
    key: str
    action: Action
    before: Fields | None = None
    after: Fields | None = None
    reason: str | None = None


class AuditEntry(AuditChange):
    """A change as the trail keeps it."""

    id: int
    at: datetime
    actor: str
    via: str


def change(
    subject: Subject,
    agency: str | None,
    key: str,
    before: Fields | None,
    after: Fields | None,
    *,
    reason: str | None = None,
) -> AuditChange | None:
    """The change from one value to another (None when nothing changed); a change keeps only the fields that did."""
    if before == after:
        return None
    if before is None:
        return AuditChange(subject=subject, agency=agency, key=key, action=Action.ADDED, after=after, reason=reason)
    if after is None:
        return AuditChange(subject=subject, agency=agency, key=key, action=Action.REMOVED, before=before, reason=reason)
    names = [name for name in {**before, **after} if before.get(name) != after.get(name)]
    return AuditChange(
        subject=subject,
        agency=agency,
        key=key,
        action=Action.CHANGED,
        before={name: before.get(name) for name in names},
        after={name: after.get(name) for name in names},
        reason=reason,
    )


def agency_changes(before: Agency | None, after: Agency | None) -> list[AuditChange]:
    """What changed on an agency: its own fields, each stage, each checklist item (a new agency is one entry)."""
    if before is None or after is None:
        either = after or before
        whole = either and change(Subject.AGENCY, either.slug, "agency", _agency(before), _agency(after))
        return [whole] if whole else []
    slug = after.slug
    found = [change(Subject.AGENCY, slug, "agency", _fields(before, _AGENCY_FIELDS), _fields(after, _AGENCY_FIELDS))]
    for key in _union(before.stages, after.stages):
        was, now = before.stages.get(key), after.stages.get(key)
        found.append(change(Subject.STAGE, slug, key, _stage(was), _stage(now)))
    for key in _union(before.checklist, after.checklist):
        done_then, done_now = before.checklist.get(key), after.checklist.get(key)
        found.append(change(Subject.CHECKLIST, slug, key, _done(done_then), _done(done_now)))
    return [each for each in found if each is not None]


def review_added(review: Review) -> AuditChange:
    """A review recorded with its 25 scores."""
    return AuditChange(
        subject=Subject.REVIEW,
        agency=review.agency,
        key=review.visited_on.isoformat(),
        action=Action.ADDED,
        after={
            "reviewers": list(review.reviewers),
            "total": review.total,
            "scores": {str(item): score for item, score in sorted(review.scores.items())},
        },
    )


def review_total_added(agency: str, visited_on: date, total: int) -> AuditChange:
    """A review held before tracking began, known by its date and total (given when the agency was onboarded)."""
    return AuditChange(
        subject=Subject.REVIEW,
        agency=agency,
        key=visited_on.isoformat(),
        action=Action.ADDED,
        after={"total": total, "before_tracking": True},
    )


def score_corrected(before: Review, after: Review, item: int, reason: str) -> AuditChange:
    """One item's score of a recorded review changed, with the reason: the old value stays in the trail."""
    return AuditChange(
        subject=Subject.SCORE,
        agency=after.agency,
        key=f"{after.visited_on.isoformat()} item {item}",
        action=Action.CORRECTED,
        before={"score": before.scores[item], "total": before.total},
        after={"score": after.scores[item], "total": after.total},
        reason=reason,
    )


def action_change(before: ActionItem | None, after: ActionItem) -> AuditChange | None:
    """An action-plan step drafted or edited."""
    key = f"{after.review_date.isoformat()} item {after.item}"
    return change(Subject.ACTION, after.agency, key, _action(before), _action(after))


def outcome_added(outcome: QuarterOutcome) -> AuditChange:
    """A quarter's outcome counts recorded."""
    counts = outcome.model_dump(mode="json", exclude={"agency", "quarter"})
    return AuditChange(
        subject=Subject.OUTCOME, agency=outcome.agency, key=outcome.quarter, action=Action.ADDED, after=counts
    )


def routine_done(agency: str, routine: str, occurrence: Occurrence) -> AuditChange:
    """A routine (a steering meeting, an outcome report, a visit) recorded as done."""
    key = f"{routine} {occurrence.period}" if occurrence.period else routine
    return AuditChange(
        subject=Subject.ROUTINE,
        agency=agency,
        key=key,
        action=Action.ADDED,
        after={"done_on": occurrence.on.isoformat()},
    )


def contact_change(before: Contact | None, after: Contact | None) -> AuditChange | None:
    """A contact added or removed; channels kept as their kinds only."""
    shown = after or before
    if shown is None:
        return None
    return change(Subject.CONTACT, shown.agency, f"#{shown.id} {shown.name}", _contact(before), _contact(after))


# The key of the entry an agency's contacts being confirmed as they stand leaves on its trail.
CONTACTS_CONFIRMED = "contacts confirmed"


def contacts_confirmed(agency: str, names: list[str], on: date) -> AuditChange:
    """Someone said the agency's contacts are right as they stand (staff turnover is checked, not assumed)."""
    return AuditChange(
        subject=Subject.CONTACT, agency=agency, key=CONTACTS_CONFIRMED, action=Action.ADDED,
        after={"on": on.isoformat(), "contacts": sorted(names)},
    )  # fmt: skip


def link_change(before: AccessLink | None, after: AccessLink) -> AuditChange | None:
    """An agency link made or revoked (its token is never kept)."""
    return change(Subject.LINK, after.agency, f"#{after.id}", _link(before), _link(after))


def trainer_added(trainer: Trainer) -> AuditChange:
    """A trainer (or reviewer) added to the state's team."""
    kept = trainer.model_dump(mode="json", include={"region", "capacity", "reviewer", "contact_id"})
    return AuditChange(subject=Subject.TRAINER, agency=None, key=trainer.name, action=Action.ADDED, after=kept)


def trainer_assigned(trainer: str, agency: str) -> AuditChange:
    """An agency given to a trainer: kept on the agency's trail, keyed by the trainer."""
    return AuditChange(
        subject=Subject.TRAINER, agency=agency, key=trainer, action=Action.ADDED, after={"assigned": True}
    )


def trainer_unassigned(trainer: str, agency: str) -> AuditChange:
    """An agency taken from a trainer: kept on the agency's trail, keyed by the trainer."""
    return AuditChange(
        subject=Subject.TRAINER, agency=agency, key=trainer, action=Action.REMOVED, before={"assigned": True}
    )


def trainer_removed(trainer: Trainer) -> AuditChange:
    """A trainer (or reviewer) taken off the state's team."""
    kept = trainer.model_dump(mode="json", include={"region", "capacity", "reviewer", "contact_id", "agencies"})
    return AuditChange(subject=Subject.TRAINER, agency=None, key=trainer.name, action=Action.REMOVED, before=kept)


def user_change(before: User | None, after: User) -> AuditChange | None:
    """A person given a sign-in, or disabled (their email is the key; no secret is kept)."""
    return change(Subject.USER, None, after.email, _user(before), _user(after))


def visit_change(before: Visit | None, after: Visit) -> AuditChange | None:
    """A site visit booked, held or cancelled."""
    return change(Subject.VISIT, after.agency, f"#{after.id} {after.purpose}", _visit(before), _visit(after))


def rules_changes(before: Mapping[str, Fields], after: Mapping[str, Fields]) -> list[AuditChange]:
    """Which sections of the state's rules differ from the ones last recorded (a first run records them all).

    Each section is kept whole on both sides, so the last entry of a section is the rules then in force.
    """
    found = []
    for name in _union(before, after):
        was, now = before.get(name), after.get(name)
        if was != now:
            action = Action.ADDED if was is None else Action.REMOVED if now is None else Action.CHANGED
            found.append(
                AuditChange(subject=Subject.RULES, agency=None, key=name, action=action, before=was, after=now)
            )
    return found


def described(entry: AuditChange, width: int = 160) -> str:
    """One line a person reads: the fields added or removed, or each changed setting as `path: old → new`."""
    before, after = _flat(entry.before or {}), _flat(entry.after or {})
    if entry.action is Action.ADDED:
        text = ", ".join(f"{path}={_shown(value)}" for path, value in after.items())
    elif entry.action is Action.REMOVED:
        text = "was " + ", ".join(f"{path}={_shown(value)}" for path, value in before.items())
    else:
        paths = [path for path in _union(before, after) if before.get(path) != after.get(path)]
        text = "; ".join(f"{path}: {_shown(before.get(path))} → {_shown(after.get(path))}" for path in paths)
    return text if len(text) <= width else text[: width - 1] + "…"


def _flat(value: Fields, prefix: str = "") -> dict[str, Any]:
    """Nested objects as dotted paths (lists stay whole), so a change deep in a rules file shows as one path."""
    flat: dict[str, Any] = {}
    for name, each in value.items():
        path = f"{prefix}{name}"
        if isinstance(each, dict) and each:
            flat.update(_flat(each, f"{path}."))
        else:
            flat[path] = each
    return flat


def _shown(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def channel_kinds(urls: Iterable[str]) -> list[str]:
    """The kind of each channel (the URL's scheme): enough to see a change, nothing to reach anyone with."""
    return [url.split("://", 1)[0].strip().lower() or "?" for url in urls]


def _agency(agency: Agency | None) -> Fields | None:
    return None if agency is None else agency.model_dump(mode="json", exclude={"slug"})


def _fields(agency: Agency, names: tuple[str, ...]) -> Fields:
    dumped = agency.model_dump(mode="json", include=set(names))
    return {name: dumped[name] for name in names}


def _stage(progress: StageProgress | None) -> Fields | None:
    if progress is None:
        return None
    return progress.model_dump(mode="json", exclude={"key"})


def _done(on: date | None) -> Fields | None:
    return None if on is None else {"done_on": on.isoformat()}


def _action(action: ActionItem | None) -> Fields | None:
    if action is None:
        return None
    kept = {"score", "criterion", "step", "owner", "due_on", "done_on", "done_note"}
    return action.model_dump(mode="json", include=kept)


def _contact(contact: Contact | None) -> Fields | None:
    if contact is None:
        return None
    kept = contact.model_dump(mode="json", include={"role", "name", "email", "timezone"})
    return {**kept, "channels": channel_kinds(contact.notify)}


def _link(link: AccessLink | None) -> Fields | None:
    if link is None:
        return None
    return link.model_dump(mode="json", include={"label", "expires_on", "revoked_at", "contact_id"})


def _user(user: User | None) -> Fields | None:
    if user is None:
        return None
    return user.model_dump(mode="json", include={"name", "role", "regions", "trainer", "active"})


def _visit(visit: Visit | None) -> Fields | None:
    if visit is None:
        return None
    return visit.model_dump(mode="json", include={"region", "on", "days", "trainers", "due_on", "status", "done_on"})


def _union(first: Iterable[str], second: Iterable[str]) -> list[str]:
    """Keys of both, in order of first appearance."""
    return list(dict.fromkeys([*first, *second]))
