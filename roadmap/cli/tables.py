"""Rich tables for people: the roadmap, agency lists, one agency, the state overview."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from roadmap.domain.audit import AuditEntry, described
from roadmap.domain.completion import StageStanding, StageStatus
from roadmap.domain.fidelity import band_for

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date

    from notifications.smtp_sink import Received
    from roadmap.domain.action_plan import ActionItem
    from roadmap.domain.definition import Roadmap, StageDefinition
    from roadmap.domain.due import DueItem
    from roadmap.domain.outbox import OutboxEntry
    from roadmap.domain.reminder_rules import Reminder
    from roadmap.domain.routine import Occurrence, Routine
    from roadmap.services.agencies import AgencySummary
    from roadmap.services.contacts import ContactCard
    from roadmap.services.demo_year import Month
    from roadmap.services.quarter import QuarterSummary
    from roadmap.services.reviews import DueReview, ReviewEntry


def roadmap_table(roadmap: Roadmap) -> Table:
    """The ten stages at a glance."""
    table = Table(title=roadmap.title, title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("Stage key")
    table.add_column("Title")
    table.add_column("Kind")
    table.add_column("Items", justify="right")
    for number, stage in enumerate(roadmap.stages, start=1):
        table.add_row(str(number), stage.key, escape(stage.title), stage.kind.value, str(len(stage.checklist)))
    return table


def stage_detail(stage: StageDefinition) -> RenderableType:
    """One stage in full: audience, checklist with keys, tools, and leader questions."""
    checklist = Table(title=f"{stage.title} ({stage.key}, {stage.kind.value})", title_justify="left")
    checklist.add_column("Checklist item key", no_wrap=True)
    checklist.add_column("What to do")
    for item in stage.checklist:
        checklist.add_row(item.key, escape(item.text))
    parts: list[RenderableType] = [
        Text(stage.summary),
        Text("Audience: " + "; ".join(stage.audience)),
        checklist,
        Text("Tools and materials:\n" + "\n".join(f"  - {tool}" for tool in stage.tools)),
    ]
    if stage.leader_questions:
        questions = "\n".join(f"  {q.number:>2}. {q.text}" for q in stage.leader_questions)
        parts.append(Text("Sample questions for agency leaders:\n" + questions))
    return Group(*parts)


def agencies_table(summaries: Sequence[AgencySummary]) -> Table:
    """Every agency: where it is and for how long, and its next fidelity review."""
    table = Table(title=f"{len(summaries)} agencies", title_justify="left")
    for column in ("Slug", "Name", "Region", "Current stage"):
        # Slugs are typed back into commands: never cut short (the other columns wrap instead).
        table.add_column(column, no_wrap=column == "Slug")
    table.add_column("Days in stage", justify="right")
    table.add_column("Stalled")
    table.add_column("Gates done", justify="right")
    table.add_column("Launched")
    table.add_column("Next review")
    for summary in summaries:
        s = summary.standing
        current = s.stage(s.current_stage) if s.current_stage else None
        table.add_row(
            s.agency.slug,
            escape(s.agency.name),
            escape(s.agency.region),
            current.key if current else "all gates done",
            str(current.duration_days) if current else "",
            Text("yes", style="bold red") if summary.stall else "",
            f"{s.gates_completed}/7",
            s.agency.launched_on.isoformat() if s.agency.launched_on else "",
            _due_text(summary.next_review_due, s.as_of),
        )
    return table


def agency_detail(summary: AgencySummary) -> RenderableType:
    """One agency: its stages with SIC measures, the open work of the active gate, its fidelity history."""
    s = summary.standing
    agency = s.agency
    launched = agency.launched_on.isoformat() if agency.launched_on else "not yet"
    tracked = f" · tracked from {agency.tracked_from}" if agency.tracked_from else ""
    heading = Text.assemble(
        (agency.name, "bold"),
        f"  ({agency.slug})\nRegion {agency.region} · {agency.timezone} · joined {agency.joined_on}{tracked}"
        f" · launched {launched} · as of {s.as_of}",
    )
    stages = Table(title_justify="left")
    for column in ("Stage", "Status", "Started", "Completed"):
        stages.add_column(column)
    stages.add_column("Days", justify="right")
    stages.add_column("Checklist", justify="right")
    stages.add_column("Note")
    for stage in s.stages:
        stages.add_row(
            stage.key,
            _status_text(stage),
            stage.started_on.isoformat() if stage.started_on else "",
            stage.completed_on.isoformat() if stage.completed_on else "",
            "" if stage.duration_days is None else str(stage.duration_days),
            f"{stage.checklist_done}/{stage.checklist_total}",
            escape(stage.note or ""),
        )
    parts: list[RenderableType] = [heading, stages]
    if s.current_stage:
        current = s.stage(s.current_stage)
        items = Table(title=f"Checklist of the active stage: {current.title}", title_justify="left")
        items.add_column("Done")
        items.add_column("Item key", no_wrap=True)
        items.add_column("What to do")
        items.add_column("Done on", no_wrap=True)
        for item in current.checklist:
            done_on = item.done_on.isoformat() if item.done_on else ""
            items.add_row("✓" if item.done_on else "·", item.key, escape(item.text), done_on)
        parts.append(items)
    if summary.stall:
        reasons = "; ".join(summary.stall.reasons)
        parts.append(
            Text(f"Stalled in {summary.stall.stage} for {summary.stall.days} days: {reasons}", style="bold red")
        )
    if agency.launched_on:
        history = ", ".join(f"{day} {total} ({band_for(total).value})" for day, total in summary.fidelity)
        parts.append(
            Text(f"Fidelity reviews: {history or 'none yet'}\nNext review due: ")
            + _due_text(summary.next_review_due, s.as_of)
        )
    return Group(*parts)


def overview_table(roadmap: Roadmap, summaries: Sequence[AgencySummary]) -> RenderableType:
    """The state overview: every agency against the ten stages, and its next fidelity review."""
    as_of = summaries[0].standing.as_of.isoformat() if summaries else ""
    table = Table(title=f"State overview as of {as_of}", title_justify="left")
    table.add_column("Agency", ratio=1, min_width=20)
    # Numbered columns keep ten stages readable in a 132-column terminal; the legend names them.
    for number in range(1, len(roadmap.stages) + 1):
        table.add_column(str(number), justify="center", min_width=6, no_wrap=True)
    table.add_column("Review due", no_wrap=True)
    for summary in summaries:
        s = summary.standing
        stalled = summary.stall.stage if summary.stall else None
        cells = (_cell(stage, stalled=stage.key == stalled) for stage in s.stages)
        table.add_row(escape(s.agency.name), *cells, _due_text(summary.next_review_due, s.as_of, True))
    names = "  ".join(f"{number} {stage.label}" for number, stage in enumerate(roadmap.stages, start=1))
    legend = Text(
        f"{names}\n✓ completed   ✓· passed before tracking began   ✓! forced with a note   ▶ 34d active for 34 days"
        "   ▶ 34d⚠ stalled   · not started   ! review overdue"
    )
    legend.stylize("dim")
    return Group(table, legend)


def _due_text(due: date | None, as_of: date, compact: bool = False) -> Text:
    """A due date, red (with the days, unless compact) when overdue, yellow within 30 days."""
    if due is None:
        return Text("")
    days = (due - as_of).days
    if days < 0:
        return Text(f"{due} !" if compact else f"{due} ({-days}d overdue)", style="bold red")
    return Text(f"{due}", style="yellow" if days <= 30 else "")


def _cell(stage: StageStanding, *, stalled: bool = False) -> Text:
    if stage.status is StageStatus.COMPLETED:
        if stage.before_tracking:
            return Text("✓·", style="dim green")
        return Text("✓!" if stage.forced else "✓", style="yellow" if stage.forced else "green")
    if stage.status is StageStatus.ACTIVE:
        if stalled:
            return Text(f"▶ {stage.duration_days}d⚠", style="bold red")
        return Text(f"▶ {stage.duration_days}d", style="bold cyan")
    return Text("·", style="dim")


def _status_text(stage: StageStanding) -> Text:
    styles = {StageStatus.COMPLETED: "green", StageStatus.ACTIVE: "bold cyan", StageStatus.NOT_STARTED: "dim"}
    label = (
        stage.status.value
        + (" (forced)" if stage.forced else "")
        + (" (before tracking)" if stage.before_tracking else "")
    )
    return Text(label, style=styles[stage.status])


def reviews_table(agency: str, entries: Sequence[ReviewEntry]) -> RenderableType:
    """An agency's reviews: totals and bands, then every item's score per review with its change."""
    if not entries:
        return Text(f"{agency} has no fidelity reviews yet.")
    summary = Table(title=f"Fidelity reviews of {agency}", title_justify="left")
    for column in ("Date", "Total", "Band", "Reviewers"):
        summary.add_column(column)
    for entry in entries:
        review = entry.review
        summary.add_row(
            review.visited_on.isoformat(), str(review.total), review.band.value, escape(", ".join(review.reviewers))
        )
    items = Table(title="Item scores (± change)", title_justify="left")
    items.add_column("Item", justify="right")
    for entry in entries:
        items.add_column(entry.review.visited_on.isoformat(), justify="center")
    for number in range(1, 26):
        cells = []
        for entry in entries:
            score = entry.review.scores[number]
            change = entry.changes[number] if entry.changes else 0
            cells.append(f"{score} ({change:+d})" if change else str(score))
        items.add_row(str(number), *cells)
    return Group(summary, items)


def audit_table(entries: Sequence[AuditEntry], agency: str | None) -> RenderableType:
    """Changes oldest first: when (UTC), who, what, and the values before and after."""
    whose = f" of {agency}" if agency else ""
    if not entries:
        return Text(f"No changes recorded{whose} yet.")
    table = Table(title=f"Audit trail{whose}: {len(entries):,} changes, times in UTC", title_justify="left")
    for column in ("When", "Who", "Agency", "What", "Change", "Details", "Reason"):
        table.add_column(column, overflow="fold")
    for entry in entries:
        table.add_row(
            entry.at.strftime("%Y-%m-%d %H:%M:%S"),
            escape(f"{entry.actor} ({entry.via})"),
            entry.agency or "state",
            escape(entry.key if entry.key == entry.subject.value else f"{entry.subject.value} {entry.key}"),
            entry.action.value,
            escape(described(entry, width=100)),
            escape(entry.reason or ""),
        )
    return table


def due_table(listed: Sequence[DueReview]) -> Table:
    """Launched agencies by next review date."""
    table = Table(title=f"Fidelity reviews due ({len(listed)} launched agencies)", title_justify="left")
    for column in ("Agency", "Last review", "Last total", "Next review due", "Days"):
        table.add_column(
            column, justify="right" if column in ("Last total", "Days") else "left", no_wrap=column == "Agency"
        )
    for due in listed:
        table.add_row(
            due.agency,
            due.last_review.isoformat() if due.last_review else "none yet",
            str(due.last_total) if due.last_total is not None else "",
            _due_text(due.next_review_due, due.as_of),
            str(due.days_until),
        )
    return table


def actions_table(agency: str, actions: Sequence[ActionItem]) -> RenderableType:
    """The agency's action plan."""
    if not actions:
        return Text(f"{agency} has no action-plan steps.")
    table = Table(title=f"Fidelity action plan of {agency}", title_justify="left")
    for column in ("Id", "Review", "Item", "Score", "Step", "Owner", "Due", "Status"):
        table.add_column(column, no_wrap=column in ("Review", "Due"))
    for action in actions:
        status = f"done {action.done_on}" if action.done_on else "open"
        table.add_row(
            str(action.id), action.review_date.isoformat(), str(action.item), str(action.score),
            escape(action.step), escape(action.owner or ""), action.due_on.isoformat(), status,
        )  # fmt: skip
    return table


def due_items_table(items: Sequence[DueItem], as_of: date, within: int) -> RenderableType:
    """What is due, soonest first."""
    if not items:
        return Text(f"Nothing overdue or due within {within} days of {as_of}.")
    overdue = sum(1 for item in items if item.due_on < as_of)
    table = Table(
        title=f"Due within {within} days of {as_of}: {len(items)} items, {overdue} overdue", title_justify="left"
    )
    for column in ("Due", "Agency", "Kind", "What"):
        table.add_column(column, no_wrap=column != "What")
    for item in items:
        table.add_row(_due_text(item.due_on, as_of), item.agency, item.kind.value, escape(item.title))
    return table


def contacts_table(cards: Sequence[ContactCard]) -> RenderableType:
    """Contacts, state team first."""
    if not cards:
        return Text("No contacts yet: ips-roadmap contact add [AGENCY] --role ROLE --name NAME --email ADDR")
    table = Table(title=f"{len(cards)} contacts", title_justify="left")
    for column in ("Id", "Agency", "Role", "Name", "Email", "Timezone", "Other channels"):
        table.add_column(column)
    for card in cards:
        contact = card.contact
        table.add_row(
            str(contact.id), contact.agency or "(state)", contact.role.value, escape(contact.name),
            contact.email or "", card.timezone or "", escape("\n".join(card.channels)),
        )  # fmt: skip
    return table


def reminders_table(reminders: Sequence[Reminder], as_of: date) -> RenderableType:
    """Reminders owed, by recipient: each person gets one digest."""
    if not reminders:
        return Text(f"No reminders owed on {as_of}.")
    people = len({r.recipient.id for r in reminders})
    table = Table(title=f"Reminders owed on {as_of}: {len(reminders)} to {people} people", title_justify="left")
    for column in ("To", "Role", "Agency", "About", "Due", "When"):
        table.add_column(column, no_wrap=column in ("Agency", "Due", "When"))
    for reminder in reminders:
        # The real distance on the day, as the message will say it (the rule's offset only decided to send it).
        when = reminder.item.distance(as_of)
        late = reminder.item.due_on < as_of
        table.add_row(
            escape(reminder.recipient.name), reminder.recipient.role.value, reminder.item.agency,
            escape(reminder.item.title), reminder.item.due_on.isoformat(),
            Text(when + (" (escalation)" if reminder.escalation else ""), style="bold red" if late else ""),
        )  # fmt: skip
    return table


def outbox_table(entries: Sequence[OutboxEntry], names: dict[int | None, str]) -> RenderableType:
    """The outbox, oldest first."""
    if not entries:
        return Text("The outbox is empty.")
    table = Table(title=f"{len(entries)} reminders in the outbox", title_justify="left")
    for column in ("Id", "To", "Agency", "Kind", "Due", "Offset", "Status", "Tries", "Last error"):
        table.add_column(column, no_wrap=column == "Agency")
    for entry in entries:
        style = {"sent": "green", "failed": "bold red"}.get(entry.status.value, "yellow")
        table.add_row(
            str(entry.id), escape(names.get(entry.contact_id, "?")), entry.item.agency, entry.item.kind.value,
            entry.item.due_on.isoformat(), str(entry.offset_days), Text(entry.status.value, style=style),
            str(entry.attempts), escape(entry.last_error or ""),
        )  # fmt: skip
    return table


def sent_mail_table(received: Sequence[Received], as_of: date) -> RenderableType:
    """What the demo's local mail server received."""
    table = Table(
        title=f"Reminders sent on {as_of} to the demo's local mail server: {len(received)}", title_justify="left"
    )
    table.add_column("To")
    table.add_column("Subject")
    for mail in received:
        table.add_row(", ".join(mail.recipients), escape(str(mail.message["Subject"])))
    return table


_SWEEP_ROWS = (
    ("agencies", "Agencies covered"),
    ("worked_out", "Worked out (the rest owed nothing new)"),
    ("stages_started", "Stages started"),
    ("stalled", "Agencies stalled"),
    ("due_items", "Items due (open, with a date)"),
    ("reminders_queued", "Reminders queued"),
    ("reminders_sent", "Reminders sent"),
    ("reminders_failed", "Reminders failed for good"),
)


def sweep_table(summary: dict[str, object]) -> Table:
    """What one sweep or progression run did, as counts."""
    title = (
        f"Sweep as of {summary['as_of']}"
        if "agency" not in summary
        else f"{summary['agency']} as of {summary['as_of']}"
    )
    table = Table(title=title, caption=f"Prefect flow run {summary['flow_run_id']}")
    table.add_column("")
    table.add_column("count", justify="right")
    for key, label in _SWEEP_ROWS:
        if key in summary:
            table.add_row(label, str(summary[key]))
    return table


def routines_table(routines: Sequence[Routine]) -> Table:
    """The recurring work of the roadmap: what, when it runs, how often."""
    table = Table(title=f"{len(routines)} routines", title_justify="left")
    for column in ("Key", "Kind", "What", "Runs", "How often"):
        table.add_column(column, no_wrap=column in ("Key", "Kind"))
    for routine in routines:
        runs = f"{routine.start_stage} → " + (f"{routine.ends_with} completed" if routine.ends_with else "ongoing")
        table.add_row(routine.key, routine.kind.value, escape(routine.title), runs, routine.cadence)
    return table


def routine_history_table(rows: Sequence[tuple[str, str, Occurrence]]) -> RenderableType:
    """Recorded occurrences, newest first."""
    if not rows:
        return Text("No routines recorded yet: ips-roadmap routine done AGENCY ROUTINE --on DATE")
    table = Table(title=f"{len(rows)} recorded", title_justify="left")
    for column in ("Date", "Agency", "Routine", "For"):
        table.add_column(column)
    for agency, routine, each in rows:
        table.add_row(each.on.isoformat(), agency, routine, each.period or "")
    return table


def year_table(months: Sequence[Month], every: int) -> Table:
    """The simulated year, month by month."""
    how = "daily" if every == 1 else f"every {every} days"
    table = Table(title=f"A simulated year of the demo state, swept {how}", title_justify="left")
    columns = ("Month", "Items done", "Stages done", "Launched", "Reviews (totals)", "Routines kept",
               "Reminders sent", "Due ≤30d", "Overdue", "Stalled")  # fmt: skip
    for column in columns:
        table.add_column(column, justify="left" if column in ("Month", "Reviews (totals)") else "right")
    for month in months:
        reviews = f"{len(month.reviews)} ({', '.join(map(str, month.reviews))})" if month.reviews else "0"
        table.add_row(
            month.month, str(month.items_done), str(month.stages_completed), str(month.launched), reviews,
            str(month.routines_kept), str(month.reminders_sent), str(month.due_items), str(month.overdue),
            str(month.stalled),
        )  # fmt: skip
    return table


def quarter_table(summary: QuarterSummary) -> Table:
    """The quarterly summary, one agency per row."""
    totals = summary.totals()
    table = Table(
        title=f"Quarter {summary.quarter} ({summary.start} to {summary.end}) as of {summary.as_of}: "
        f"{totals['stages_completed']} stages completed, {totals['reviews']} reviews, outcome reports "
        f"{totals['outcome_reports_received']} of {totals['outcome_reports_owed']}"
        + (
            f"; statewide {totals['working']} of {totals['served']} served working ({totals['employment_rate']}%)"
            if totals["served"]
            else ""
        ),
        title_justify="left",
    )
    for column in ("Agency", "Stage at end", "Completed", "Reviews", "Routines", "Outcome report", "Served",
                   "Working", "Rate"):  # fmt: skip
        table.add_column(
            column, justify="right" if column in ("Routines", "Served", "Working", "Rate") else "left",
            no_wrap=column == "Agency",
        )  # fmt: skip
    styles = {"received": "green", "late": "bold red"}
    for row in summary.agencies:
        reviews = ", ".join(f"{day} ({total})" for day, total in row.reviews)
        when = row.outcome_received or row.outcome_due
        report = Text(row.outcome_status + (f" {when}" if when else ""), style=styles.get(row.outcome_status, ""))
        table.add_row(row.agency, row.stage_at_end or "all gates done", ", ".join(row.stages_completed), reviews,
                      str(row.routines_kept), report, _count(row.served), _count(row.working),
                      "" if row.rate is None else f"{row.rate}%")  # fmt: skip
    return table


def _count(value: int | None) -> str:
    return "" if value is None else f"{value:,}"
