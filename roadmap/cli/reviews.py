"""`ips-roadmap review ...` and `ips-roadmap actions ...`: fidelity reviews and action plans."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from roadmap.cli.agency import AgencySlug
from roadmap.cli.output import print_json, show
from roadmap.cli.state import AsOf, JsonFlag, OnDate, cli_state, option_date
from roadmap.cli.tables import actions_table, due_table, reviews_table
from roadmap.domain.action_plan import ActionItem
from roadmap.services import reviews
from roadmap.services.scores_file import read_scores_file
from roadmap.services.views import action_view, due_view, review_entry_view

review_app = typer.Typer(help="Record fidelity reviews, list them, see which are due.", no_args_is_help=True)
actions_app = typer.Typer(help="The fidelity action plan: list, assign, edit and close steps.", no_args_is_help=True)

# Ids are 32-bit on PostgreSQL: a larger number cannot name a step, so it is refused before any query.
ActionId = Annotated[
    int, typer.Argument(metavar="ACTION_ID", min=1, max=2**31 - 1, help="The step's id (see `actions list`).")
]


@review_app.command("record")
def record(
    ctx: typer.Context,
    agency: AgencySlug,
    date: Annotated[str, typer.Option("--date", metavar="DATE", help="The day of the review visit.")],
    scores: Annotated[Path, typer.Option("--scores", metavar="FILE", help='JSON {"1": 5, ...} or CSV item,score.')],
    reviewer: Annotated[
        list[str] | None, typer.Option("--reviewer", metavar="NAME", help="A reviewer (repeat for each).")
    ] = None,
    as_of: AsOf = None,
    json: JsonFlag = False,
) -> None:
    """Record a review's 25 scores; low-scoring items (3 or less by default) become draft action-plan steps."""
    app, today = cli_state(ctx).app, cli_state(ctx).today(as_of)
    visited_on = option_date(date, "--date")
    recorded = reviews.record_review(
        app.uow(), app.scale, app.cadence, agency,
        visited_on=visited_on, scores=read_scores_file(scores), reviewers=reviewer or [], as_of=today,
        roadmap=app.roadmap,
    )  # fmt: skip
    review = recorded.review
    document: dict[str, Any] = {
        "agency": agency,
        "date": review.visited_on.isoformat(),
        "total": review.total,
        "band": review.band.value,
        "good_fidelity": review.good_fidelity,
        "next_review_due": recorded.next_review_due.isoformat() if recorded.next_review_due else None,
        "report_due": recorded.report_due.isoformat(),
        "action_plan_due": recorded.action_plan_due.isoformat(),
        "actions_drafted": len(recorded.actions),
    }
    if json:
        print_json(document)
        return
    print(f"{agency}: {reviews.review_recorded(recorded)}")
    print(f"Written report due {document['report_due']}; action plan due {document['action_plan_due']}.")
    if recorded.actions:
        print(f"{len(recorded.actions)} draft action-plan steps: ips-roadmap actions list {agency}")


@review_app.command("correct")
def correct(
    ctx: typer.Context,
    agency: AgencySlug,
    date: Annotated[str, typer.Option("--date", metavar="DATE", help="The day of the review visit.")],
    item: Annotated[int, typer.Option("--item", metavar="N", min=1, max=25, help="The item number (1-25).")],
    score: Annotated[int, typer.Option("--score", metavar="SCORE", min=1, max=5, help="The right score (1-5).")],
    reason: Annotated[str, typer.Option("--reason", metavar="TEXT", help="Why: kept beside the old score.")],
    as_of: AsOf = None,
    json: JsonFlag = False,
) -> None:
    """Correct one score of a recorded review; the audit trail keeps the old score, who changed it and why."""
    app = cli_state(ctx).app
    fixed = reviews.correct_score(
        app.uow(), app.cadence, agency, visited_on=option_date(date, "--date"), item=item, score=score,
        reason=reason, as_of=cli_state(ctx).today(as_of),
    )  # fmt: skip
    if json:
        print_json(
            {
                "agency": agency,
                "date": fixed.after.visited_on.isoformat(),
                "item": item,
                "score_before": fixed.before.scores[item],
                "score": fixed.after.scores[item],
                "total_before": fixed.before.total,
                "total": fixed.after.total,
                "band": fixed.after.band.value,
                "next_review_due": fixed.next_review_due.isoformat() if fixed.next_review_due else None,
                "reason": fixed.reason,
            }
        )
        return
    print(f"{agency}: {fixed.said()}.")
    if fixed.action_steps:
        print(f"The action plan's step for item {item} is unchanged: ips-roadmap actions list {agency}")


@review_app.command("list")
def list_(ctx: typer.Context, agency: AgencySlug, json: JsonFlag = False) -> None:
    """Every review of an agency, oldest first, with the change per item since the previous one."""
    entries = reviews.list_reviews(cli_state(ctx).app.uow(), agency)
    if json:
        print_json([review_entry_view(entry) for entry in entries])
    else:
        show(reviews_table(agency, entries))


@review_app.command("due")
def due(ctx: typer.Context, as_of: AsOf = None, json: JsonFlag = False) -> None:
    """Launched agencies and their next fidelity review, soonest (most overdue) first."""
    app = cli_state(ctx).app
    listed = reviews.reviews_due(app.uow(), app.cadence, as_of=cli_state(ctx).today(as_of))
    if json:
        print_json([due_view(entry) for entry in listed])
    else:
        show(due_table(listed))


@actions_app.command("list")
def actions_list(
    ctx: typer.Context,
    agency: AgencySlug,
    open_only: Annotated[bool, typer.Option("--open", help="Only steps not done yet.")] = False,
    json: JsonFlag = False,
) -> None:
    """The agency's action-plan steps, by review and item."""
    listed = reviews.list_actions(cli_state(ctx).app.uow(), agency)
    if open_only:
        listed = [action for action in listed if action.done_on is None]
    if json:
        print_json([action_view(action) for action in listed])
    else:
        show(actions_table(agency, listed))


@actions_app.command("done")
def actions_done(
    ctx: typer.Context,
    agency: AgencySlug,
    action: ActionId,
    on: OnDate,
    note: Annotated[str | None, typer.Option("--note", metavar="TEXT", help="What was done, in a line.")] = None,
    as_of: AsOf = None,
    json: JsonFlag = False,
) -> None:
    """Close a step of the action plan."""
    closed = reviews.close_action(
        cli_state(ctx).app.uow(), agency, action, on=option_date(on, "--on"), as_of=cli_state(ctx).today(as_of),
        note=note,
    )  # fmt: skip
    _print_action(closed, json, f"action {action} done on {closed.done_on}")


@actions_app.command("assign")
def actions_assign(
    ctx: typer.Context,
    agency: AgencySlug,
    action: ActionId,
    owner: Annotated[str, typer.Option("--to", metavar="NAME", help="Who will do it (a staff name or role).")],
    json: JsonFlag = False,
) -> None:
    """Assign a step to someone."""
    assigned = reviews.revise_action(cli_state(ctx).app.uow(), agency, action, owner=owner)
    _print_action(assigned, json, f"action {action} assigned to {assigned.owner}")


@actions_app.command("edit")
def actions_edit(
    ctx: typer.Context,
    agency: AgencySlug,
    action: ActionId,
    step: Annotated[str, typer.Option("--step", metavar="TEXT", help="The step as the team will carry it out.")],
    json: JsonFlag = False,
) -> None:
    """Reword a step."""
    edited = reviews.revise_action(cli_state(ctx).app.uow(), agency, action, step=step)
    _print_action(edited, json, f"action {action} now reads: {edited.step}")


def _print_action(action: ActionItem, json: bool, line: str) -> None:
    if json:
        print_json(action_view(action))
    else:
        print(f"{action.agency}: {line}")
