"""`ips-roadmap notify ...` and `ips-roadmap outbox ...`: reminders to agency leaders and the state team."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from notifications.delivery import AppriseSender, send_with_transcript
from notifications.messages import Message
from roadmap.cli.output import print_json, show, warn_nobody_to_remind
from roadmap.cli.state import AsOf, JsonFlag, as_of_or_none, cli_state
from roadmap.cli.tables import outbox_table, reminders_table
from roadmap.domain.errors import NotFound, RuleViolation
from roadmap.services.contacts import agencies_nobody_reminds, list_contacts
from roadmap.services.outbox import retry_now
from roadmap.services.reminders import preview_reminders
from roadmap.services.sweep import sweep_in_process
from roadmap.services.views import outbox_view, reminder_view

app = typer.Typer(help="Reminders to agency leaders and the state team.", no_args_is_help=True)
outbox_app = typer.Typer(help="Reminders written before sending, and their delivery state.", no_args_is_help=True)


@app.command("preview")
def preview(ctx: typer.Context, as_of: AsOf = None, json: JsonFlag = False) -> None:
    """The reminder each contact is owed today per due item (nothing is sent)."""
    app_, today = cli_state(ctx).app, cli_state(ctx).today(as_of)
    owed = preview_reminders(app_.uow(), app_.roadmap, app_.cadence, app_.reminder_rules, as_of=today)
    if json:
        print_json([reminder_view(reminder, today) for reminder in owed])
    else:
        show(reminders_table(owed, today))
        warn_nobody_to_remind(agencies_nobody_reminds(app_.uow(), as_of=today))


@app.command("flush")
def flush(ctx: typer.Context, as_of: AsOf = None, json: JsonFlag = False) -> None:
    """Queue every reminder owed today in the outbox, then send what is ready: one digest per person.

    It takes the daily sweep's steps in this process, without Prefect: an agency's reminders are owed the same
    way whichever runs.
    """
    app_ = cli_state(ctx).app
    schedule = app_.settings.schedule
    today, now = schedule.run_for(as_of_or_none(as_of), datetime.now(UTC))
    sender = AppriseSender(app_.settings.mail_url)
    # Messages go out now, whatever day the run is for: links last from today at the earliest.
    links_from = max(today, schedule.run_for(None, datetime.now(UTC))[0])
    result = sweep_in_process(app_.uow, app_.policies, sender, as_of=today, now=now, links_from=links_from)
    document = {"as_of": today.isoformat(), "queued": result.batches.reminders_queued, "sent": result.sent,
                "retried": result.retried, "failed": result.failed}  # fmt: skip
    if json:
        print_json(document)
    else:
        queued = f"{document['queued']} reminder{'' if document['queued'] == 1 else 's'} queued"
        print(f"{today}: {queued}; {result.sent} sent, {result.retried} to retry, "
              f"{result.failed} failed for good")  # fmt: skip


@app.command("test")
def test(
    ctx: typer.Context,
    contact: Annotated[int, typer.Argument(metavar="CONTACT_ID", min=1, max=2**31 - 1, help="See `contact list`.")],
) -> None:
    """Send one test message to a contact, on every channel they have."""
    app_ = cli_state(ctx).app
    found = [card.contact for card in list_contacts(app_.uow()) if card.contact.id == contact]
    if not found:
        raise NotFound(f"no contact {contact}; `ips-roadmap contact list` shows them")
    message = Message(
        subject="IPS roadmap: test message",
        text=f"Hello {found[0].name}, this is a test of your IPS roadmap reminders.",
        html=f"<p>Hello {found[0].name}, this is a test of your IPS roadmap reminders.</p>",
    )
    error, heard = send_with_transcript(AppriseSender(app_.settings.mail_url), found[0], message)
    # What the servers answered, so a state can tell a wrong password from a full mailbox or a greylist.
    for line in heard:
        print(f"  server: {line}")
    if error:
        raise RuleViolation(f"the test message to contact {contact} was not delivered: {error}")
    print(f"Test message sent to {found[0].name}.")


@outbox_app.command("list")
def outbox_list(
    ctx: typer.Context,
    agency: Annotated[str | None, typer.Argument(metavar="[AGENCY]", help="Only this agency's reminders.")] = None,
    status: Annotated[str | None, typer.Option("--status", help="pending, sent or failed.")] = None,
    json: JsonFlag = False,
) -> None:
    """Every reminder written to the outbox, with its delivery state."""
    app_ = cli_state(ctx).app
    if status is not None and status not in ("pending", "sent", "failed"):
        raise RuleViolation(f"--status must be pending, sent or failed, not {status!r}")
    with app_.uow() as uow:
        entries = uow.outbox.listed(agency, status)
        names = {c.id: c.name for c in uow.contacts.listed()}
    if json:
        print_json([outbox_view(entry, names.get(entry.contact_id, "?")) for entry in entries])
    else:
        show(outbox_table(entries, names))


@outbox_app.command("retry")
def outbox_retry(
    ctx: typer.Context,
    entry: Annotated[int, typer.Argument(metavar="ID", min=1, max=2**31 - 1, help="See `outbox list`.")],
) -> None:
    """Send this reminder at the next `notify flush`, ignoring its backoff (also revives a failed one)."""
    app_ = cli_state(ctx).app
    retried = retry_now(app_.uow(), entry)
    print(f"Outbox entry {retried.id} will be sent at the next `ips-roadmap notify flush`.")
