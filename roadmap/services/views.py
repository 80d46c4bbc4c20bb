"""Plain JSON-ready views of the core's values: what `--json` prints (and, later, what /api serves)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from roadmap.domain.access_link import AccessLink
from roadmap.domain.action_plan import ActionItem
from roadmap.domain.audit import AuditEntry
from roadmap.domain.completion import StageStanding
from roadmap.domain.definition import Roadmap, StageDefinition
from roadmap.domain.due import DueItem
from roadmap.domain.events import Event
from roadmap.domain.fidelity import band_for
from roadmap.domain.outbox import OutboxEntry
from roadmap.domain.outcome import EmploymentBenchmarks, QuarterOutcome
from roadmap.domain.planner import Unmet
from roadmap.domain.reminder_rules import Reminder
from roadmap.domain.routine import Occurrence, Routine
from roadmap.domain.trainer import Trainer
from roadmap.domain.user import User, UserToken
from roadmap.domain.visit import Visit
from roadmap.domain.workload import Forecast
from roadmap.services.agencies import AgencySummary
from roadmap.services.contacts import ContactCard
from roadmap.services.quarter import QuarterSummary
from roadmap.services.reviews import DueReview, ReviewEntry
from roadmap.services.routines import RoutineDone
from roadmap.services.visits import PlanResult


def stage_definition_view(stage: StageDefinition) -> dict[str, Any]:
    """One roadmap stage as `ips-roadmap stages --json` prints it."""
    view: dict[str, Any] = {
        "key": stage.key,
        "title": stage.title,
        "label": stage.label,
        "kind": stage.kind.value,
        "summary": stage.summary,
        "audience": list(stage.audience),
        "checklist": [{"key": item.key, "text": item.text} for item in stage.checklist],
        "tools": list(stage.tools),
    }
    if stage.leader_questions:
        view["leader_questions"] = [{"number": q.number, "text": q.text} for q in stage.leader_questions]
    return view


def roadmap_view(roadmap: Roadmap) -> list[dict[str, Any]]:
    """The whole roadmap, stage by stage."""
    return [stage_definition_view(stage) for stage in roadmap.stages]


def stage_standing_view(stage: StageStanding) -> dict[str, Any]:
    """One stage of one agency."""
    return {
        "key": stage.key,
        "status": stage.status.value,
        "started_on": _iso(stage.started_on),
        "completed_on": _iso(stage.completed_on),
        "duration_days": stage.duration_days,
        "checklist_done": stage.checklist_done,
        "checklist_total": stage.checklist_total,
        "forced": stage.forced,
        "note": stage.note,
        "before_tracking": stage.before_tracking,
        "checklist": [{"key": item.key, "done_on": _iso(item.done_on)} for item in stage.checklist],
    }


def agency_view(summary: AgencySummary) -> dict[str, Any]:
    """One agency as `agency show --json` prints it."""
    standing = summary.standing
    agency = standing.agency
    return {
        "slug": agency.slug,
        "name": agency.name,
        "region": agency.region,
        "timezone": agency.timezone,
        "joined_on": agency.joined_on.isoformat(),
        "tracked_from": _iso(agency.tracked_from),
        "archived_on": _iso(agency.archived_on),
        "archive_reason": agency.archive_reason,
        "launched_on": _iso(standing.launched_on),
        "as_of": standing.as_of.isoformat(),
        "current_stage": standing.current_stage,
        "furthest_stage": standing.furthest_stage,
        "gates_completed": standing.gates_completed,
        "stages": [stage_standing_view(stage) for stage in standing.stages],
        "next_review_due": _iso(summary.next_review_due),
        "stalled": _stall_view(summary),
        "fidelity": [
            {"date": visited_on.isoformat(), "total": total, "band": band_for(total).value}
            for visited_on, total in summary.fidelity
        ],
    }


def overview_view(summaries: list[AgencySummary]) -> list[dict[str, Any]]:
    """Every agency against the ten stages, as `overview --json` prints it."""
    return [
        {
            "slug": s.agency.slug,
            "name": s.agency.name,
            "region": s.agency.region,
            "current_stage": s.current_stage,
            "days_in_stage": s.stage(s.current_stage).duration_days if s.current_stage else None,
            "launched_on": _iso(s.launched_on),
            "stages": {stage.key: stage.status.value for stage in s.stages},
            "next_review_due": _iso(summary.next_review_due),
            "stalled": _stall_view(summary),
        }
        for summary in summaries
        for s in (summary.standing,)
    ]


def event_view(event: Event) -> dict[str, Any]:
    """One event, with its kind."""
    return event.model_dump(mode="json", exclude_none=True)


def _stall_view(summary: AgencySummary) -> dict[str, Any] | None:
    stall = summary.stall
    return None if stall is None else {"stage": stall.stage, "days": stall.days, "reasons": list(stall.reasons)}


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def review_entry_view(entry: ReviewEntry) -> dict[str, Any]:
    """One review in `review list --json`."""
    review = entry.review
    return {
        "date": review.visited_on.isoformat(),
        "total": review.total,
        "band": review.band.value,
        "good_fidelity": review.good_fidelity,
        "reviewers": list(review.reviewers),
        "items": {str(number): score for number, score in review.scores.items()},
        "changes": None if entry.changes is None else {str(n): change for n, change in entry.changes.items()},
    }


def due_view(due: DueReview) -> dict[str, Any]:
    """One line of `review due --json`."""
    return {
        "agency": due.agency,
        "name": due.name,
        "last_review": _iso(due.last_review),
        "last_total": due.last_total,
        "next_review_due": due.next_review_due.isoformat(),
        "days_until": due.days_until,
        "overdue": due.overdue,
    }


def action_view(action: ActionItem) -> dict[str, Any]:
    """One step of `actions list --json`."""
    return {
        "id": action.id,
        "agency": action.agency,
        "review_date": action.review_date.isoformat(),
        "item": action.item,
        "score": action.score,
        "criterion": action.criterion,
        "step": action.step,
        "owner": action.owner,
        "due_on": action.due_on.isoformat(),
        "status": action.status.value,
        "done_on": _iso(action.done_on),
        "done_note": action.done_note,
    }


def due_item_view(item: DueItem, as_of: date) -> dict[str, Any]:
    """One line of `due --json`."""
    days = item.days_until(as_of)
    return {
        "agency": item.agency,
        "kind": item.kind.value,
        "subject": item.subject,
        "title": item.title,
        "stage": item.stage,
        "due_on": item.due_on.isoformat(),
        "days_until": days,
        "overdue": days < 0,
    }


def contact_view(card: ContactCard) -> dict[str, Any]:
    """One contact as `contact list --json` prints it: channels masked."""
    contact = card.contact
    return {
        "id": contact.id,
        "agency": contact.agency,
        "role": contact.role.value,
        "name": contact.name,
        "email": contact.email,
        "timezone": card.timezone,
        "notify": list(card.channels),
    }


def reminder_view(reminder: Reminder, as_of: date) -> dict[str, Any]:
    """One line of `notify preview --json`."""
    return {
        "key": reminder.key,
        "agency": reminder.item.agency,
        "kind": reminder.item.kind.value,
        "subject": reminder.item.subject,
        "title": reminder.item.title,
        "due_on": reminder.item.due_on.isoformat(),
        "recipient": reminder.recipient.name,
        "role": reminder.recipient.role.value,
        "offset_days": reminder.offset_days,
        "when": reminder.item.distance(as_of),
        "escalation": reminder.escalation,
    }


def outbox_view(entry: OutboxEntry, recipient: str) -> dict[str, Any]:
    """One line of `outbox list --json`."""
    return {
        "id": entry.id,
        "kind": entry.item.kind.value,
        "agency": entry.item.agency,
        "recipient": recipient,
        "subject": entry.item.subject,
        "due_on": entry.item.due_on.isoformat(),
        "offset_days": entry.offset_days,
        "status": entry.status.value,
        "attempts": entry.attempts,
        "last_error": entry.last_error,
        "sent_at": utc_instant(entry.sent_at) if entry.sent_at else None,
    }


def routine_view(routine: Routine) -> dict[str, Any]:
    """One line of `routine list --json`."""
    return {
        "key": routine.key,
        "kind": routine.kind.value,
        "title": routine.title,
        "stage": routine.stage,
        "starts_with": routine.start_stage,
        "ends_with": routine.ends_with,
        "cadence": routine.cadence,
        "every_days": routine.every_days,
        "every_months": routine.every_months,
        "every_months_at_good_fidelity": routine.every_months_at_good_fidelity,
        "quarterly_due_days": routine.quarterly_due_days,
    }


def occurrence_view(agency: str, routine: str, occurrence: Occurrence) -> dict[str, Any]:
    """One line of `routine history --json`."""
    return {"agency": agency, "routine": routine, "done_on": occurrence.on.isoformat(), "period": occurrence.period}


def routine_done_view(done: RoutineDone, as_of: date) -> dict[str, Any]:
    """What `routine done --json` prints: the occurrence recorded and the next one owed."""
    return occurrence_view(done.agency, done.routine.key, Occurrence(done.done_on, done.period)) | {
        "next_due": due_item_view(done.next_due, as_of) if done.next_due else None
    }


def quarter_view(summary: QuarterSummary) -> dict[str, Any]:
    """What `report quarter --json` prints."""
    return {
        "quarter": summary.quarter,
        "start": summary.start.isoformat(),
        "end": summary.end.isoformat(),
        "as_of": summary.as_of.isoformat(),
        "totals": summary.totals(),
        "agencies": [
            {
                "agency": row.agency,
                "region": row.region,
                "stage_at_end": row.stage_at_end,
                "stages_completed": list(row.stages_completed),
                "reviews": [{"date": day.isoformat(), "total": total} for day, total in row.reviews],
                "routines_kept": row.routines_kept,
                "served": row.served,
                "working": row.working,
                "employment_rate": row.rate,
                "outcome_report": {
                    "status": row.outcome_status,
                    "due_on": _iso(row.outcome_due),
                    "received_on": _iso(row.outcome_received),
                },
            }
            for row in summary.agencies
        ],
    }


def trainer_view(trainer: Trainer) -> dict[str, Any]:
    """A trainer for scripts (no channel secrets: trainers hold an email address at most)."""
    return {
        "name": trainer.name,
        "region": trainer.region,
        "capacity_days_per_week": trainer.capacity,
        "reviewer": trainer.reviewer,
        "email": trainer.email,
        "agencies": list(trainer.agencies),
    }


def visit_view(visit: Visit) -> dict[str, Any]:
    """A booked visit: `trainer` leads, `trainers` lists everyone on it; `agency` is null for a statewide one."""
    return {
        "id": visit.id,
        "trainer": visit.trainers[0],
        "trainers": list(visit.trainers),
        "agency": visit.agency,
        "region": visit.region,
        "date": visit.on.isoformat(),
        "days": visit.days,
        "slot": visit.slot,
        "purpose": visit.purpose,
        "due_on": visit.due_on.isoformat(),
        "status": visit.status.value,
        "done_on": _iso(visit.done_on),
    }


def unmet_view(unmet: Unmet) -> dict[str, Any]:
    """A need the plan could not fit, and why."""
    return {
        "agency": unmet.agency,
        "purpose": unmet.purpose,
        "due_on": unmet.due_on.isoformat(),
        "reason": unmet.reason,
    }


def plan_view(result: PlanResult) -> dict[str, Any]:
    """A saved plan: every visit in its weeks (new and kept), the unmet needs, and the trip days it takes."""
    new = {visit.id for visit in result.booked}
    return {
        "from": result.start.isoformat(),
        "to": result.end.isoformat(),
        "visits": [{**visit_view(visit), "new": visit.id in new} for visit in result.visits],
        "unmet": [unmet_view(unmet) for unmet in result.unmet],
        "trip_days": result.trip_days,
        "naive_trip_days": result.naive_trip_days,
        "naive_unmet": result.naive_unmet,
    }


def forecast_view(forecast: Forecast) -> dict[str, Any]:
    """Visit days needed and available per trainer per month, and the first month someone is over capacity."""
    over = forecast.first_over()
    return {
        "months": forecast.months,
        "trainers": [
            {
                "trainer": name,
                "months": [
                    {"month": load.month, "needed_days": load.needed, "capacity_days": load.capacity} for load in loads
                ],
            }
            for name, loads in forecast.rows.items()
        ],
        "first_over_capacity": {"month": over[0], "trainer": over[1]} if over else None,
        "unassigned_days": forecast.unassigned_days(),
    }


def outcome_view(outcome: QuarterOutcome, benchmarks: EmploymentBenchmarks) -> dict[str, Any]:
    """One agency's quarter: the counts, the employment rate (percent) and its band against the benchmarks."""
    rate = outcome.rate
    return {
        "agency": outcome.agency,
        "quarter": outcome.quarter,
        "served": outcome.served,
        "working": outcome.working,
        "employment_rate": rate,
        "band": benchmarks.band(rate).value if rate is not None else None,
        "job_starts": outcome.job_starts,
        "in_school": outcome.in_school,
        "working_90_days": outcome.working_90_days,
        "jobs_ended_before_90_days": outcome.jobs_ended_before_90_days,
        "avg_hours": outcome.avg_hours,
        "reported_on": outcome.reported_on.isoformat(),
    }


def access_link_view(link: AccessLink) -> dict[str, Any]:
    """A link as `link list --json` prints it: never the link itself."""
    return {
        "id": link.id,
        "agency": link.agency,
        "label": link.label,
        "expires_on": link.expires_on.isoformat(),
        "revoked": link.revoked_at is not None,
        "contact_id": link.contact_id,
    }


def utc_instant(instant: datetime) -> str:
    """An instant in ISO form with its UTC offset, whichever backend stored it (SQLite gives them back naive)."""
    return (instant if instant.tzinfo else instant.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


def audit_view(entry: AuditEntry) -> dict[str, Any]:
    """One change as `audit --json` prints it: the whole before and after, the instant in UTC."""
    return {
        "id": entry.id,
        "at": utc_instant(entry.at),
        "actor": entry.actor,
        "via": entry.via,
        "agency": entry.agency,
        "subject": entry.subject.value,
        "key": entry.key,
        "action": entry.action.value,
        "before": entry.before,
        "after": entry.after,
        "reason": entry.reason,
    }


def user_view(user: User) -> dict[str, Any]:
    """A user as `user list --json` prints it."""
    return {
        "email": user.email,
        "name": user.name,
        "role": user.role.value,
        "regions": list(user.regions),
        "trainer": user.trainer,
        "active": user.active,
        "last_seen": utc_instant(user.last_seen) if user.last_seen else None,
    }


def token_view(token: UserToken) -> dict[str, Any]:
    """A personal token as `user tokens --json` prints it: never the token itself."""
    return {
        "id": token.id,
        "user": token.user,
        "kind": token.kind.value,
        "created_at": utc_instant(token.created_at),
        "expires_at": utc_instant(token.expires_at),
        "revoked": token.revoked_at is not None,
        "last_used_at": utc_instant(token.last_used_at) if token.last_used_at else None,
    }
