"""The flows: one agency's progression, and the daily sweep over every agency followed by delivery.

Each flow run reads the database, decides as of its date and writes back; nothing waits inside Prefect. The
sweep makes a fixed number of task runs whatever the number of agencies: a plan, at most MAX_BATCHES batches,
and the delivery (Prefect task runs cost tens of milliseconds each, so one per agency would not scale).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from flows.runtime import application
from notifications.delivery import AppriseSender
from roadmap.services.due import prepare_due_list
from roadmap.services.outbox import deliver
from roadmap.services.sweep import BatchOutcome, SweepPlan, advance_batch, advance_one, plan_sweep, record_rules
from stages.stall import PeerDurations


# Tasks are cheap to redo (each batch is one transaction, reminders are keyed), so a transient database error
# is retried; results are never cached across runs: every run must see the current state.
@task(name="plan-sweep", cache_policy=NO_CACHE, persist_result=False, retries=2, retry_delay_seconds=10)
def plan_task(as_of: date) -> SweepPlan:
    """Which agencies to work out, in which batches; the peers' median stage durations; what those passed by count."""
    with application() as app:
        record_rules(app.uow(), app.policies)
        return plan_sweep(app.uow(), app.roadmap, app.cadence, app.reminder_rules, as_of=as_of)


@task(name="advance-agencies", cache_policy=NO_CACHE, persist_result=False, retries=2, retry_delay_seconds=10)
def advance_task(slugs: tuple[str, ...], as_of: date, now: datetime, peers: PeerDurations) -> BatchOutcome:
    """Start ready stages, flag stalls, compute due items and queue reminders for a batch of agencies."""
    with application() as app:
        return advance_batch(
            app.uow(), app.roadmap, app.cadence, app.reminder_rules, slugs, as_of=as_of, now=now, peers=peers
        )


@task(name="deliver-reminders", cache_policy=NO_CACHE, persist_result=False)
def deliver_task(as_of: date, now: datetime) -> tuple[int, int, int]:
    """Send what the outbox holds ready: (sent, retried, failed)."""
    with application() as app:
        sender = AppriseSender(app.settings.mail_url)
        policies = app.policies
        # Messages go out now, whatever day the run is for: links last from today at the earliest.
        links_from = max(as_of, app.settings.schedule.run_for(None, datetime.now(UTC))[0])
        return deliver(app.uow(), app.roadmap, sender, policies.retry, as_of=as_of, now=now,
                       templates=policies.templates, links=policies.links, links_from=links_from,
                       lines=policies.reminders.digest_lines)  # fmt: skip


@flow(name="daily-sweep", log_prints=False)
def daily_sweep(as_of: date | None = None) -> dict[str, Any]:
    """Every agency on the roadmap, in batches, then delivery of pending reminders (as_of: default today)."""
    with application() as app:
        day, now = app.settings.schedule.run_for(as_of, datetime.now(UTC))
    plan = plan_task(day)
    outcome = plan.passed
    for batch in plan.batches:
        outcome += advance_task(batch, day, now, plan.peers)
    sent, _retried, failed = deliver_task(day, now)
    with application() as app:  # the day's due list, worked out once here rather than by the first page view
        prepare_due_list(app.uow(), app.roadmap, app.cadence, as_of=day)
    summary = {
        "as_of": day.isoformat(),
        **asdict(outcome),
        "reminders_sent": sent,
        "reminders_failed": failed,
        "flow_run_id": str(flow_run.get_id()),
    }
    get_run_logger().info("sweep %s: %s", day, summary)
    return summary


@flow(name="agency-progression", log_prints=False)
def agency_progression(agency: str, as_of: date | None = None) -> dict[str, Any]:
    """One agency: start ready stages, flag a stall, compute what is due and queue its reminders.

    Reminders are handed to the outbox; the next sweep or `notify flush` delivers them.
    """
    with application() as app:
        day, now = app.settings.schedule.run_for(as_of, datetime.now(UTC))
        outcome = advance_one(app.uow, app.roadmap, app.cadence, app.reminder_rules, agency, as_of=day, now=now)
    return {"agency": agency, "as_of": day.isoformat(), **asdict(outcome), "flow_run_id": str(flow_run.get_id())}
