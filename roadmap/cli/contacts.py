"""`ips-roadmap contact ...`: the people reminders go to."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from roadmap.cli.output import print_json, show
from roadmap.cli.state import JsonFlag, cli_state
from roadmap.cli.tables import contacts_table
from roadmap.services import contacts
from roadmap.services.views import contact_view

ROLE_HELP = (
    "Agency: director, mh-leader, vr-leader, ips-supervisor, employment-specialist, other. "
    "State: state-lead, trainer, reviewer."
)
app = typer.Typer(help="Agency and state contacts who receive reminders.", no_args_is_help=True)


@app.command("add")
def add(
    ctx: typer.Context,
    role: Annotated[str, typer.Option("--role", help=ROLE_HELP)],
    name: Annotated[str, typer.Option("--name", help="The person's name.")],
    agency: Annotated[
        str | None, typer.Argument(metavar="[AGENCY]", help="The agency's slug; omit for a state contact.")
    ] = None,
    email: Annotated[str | None, typer.Option("--email", metavar="ADDR", help="Email address.")] = None,
    notify: Annotated[
        list[str] | None, typer.Option("--notify", metavar="APPRISE_URL", help="Another channel (repeatable).")
    ] = None,
    timezone: Annotated[
        str | None, typer.Option("--timezone", metavar="IANA_TZ", help="Default: the agency's timezone.")
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Add a person who receives reminders (channel secrets are never printed back)."""
    card = contacts.add_contact(
        cli_state(ctx).app.uow(), agency=agency, role=role, name=name, email=email, notify=notify or [],
        timezone=timezone,
    )  # fmt: skip
    if json:
        print_json(contact_view(card))
    else:
        where = card.contact.agency or "the state team"
        print(f"Contact {card.contact.id} added: {card.contact.name} ({card.contact.role.value}, {where})")


@app.command("list")
def list_(
    ctx: typer.Context,
    agency: Annotated[str | None, typer.Argument(metavar="[AGENCY]", help="Only this agency's contacts.")] = None,
    json: JsonFlag = False,
) -> None:
    """State contacts and every agency's, or one agency's."""
    cards = contacts.list_contacts(cli_state(ctx).app.uow(), agency)
    if json:
        print_json([contact_view(card) for card in cards])
    else:
        show(contacts_table(cards))


@app.command("edit")
def edit(
    ctx: typer.Context,
    contact: Annotated[int, typer.Argument(metavar="CONTACT_ID", min=1, max=2**31 - 1, help="See `contact list`.")],
    role: Annotated[str | None, typer.Option("--role", help=ROLE_HELP)] = None,
    name: Annotated[str | None, typer.Option("--name", help="The person's name.")] = None,
    email: Annotated[str | None, typer.Option("--email", metavar="ADDR", help="Email address.")] = None,
    notify: Annotated[
        list[str] | None,
        typer.Option("--notify", metavar="APPRISE_URL", help="Replaces every other channel (repeatable)."),
    ] = None,
    timezone: Annotated[str | None, typer.Option("--timezone", metavar="IANA_TZ", help="Their own timezone.")] = None,
    json: JsonFlag = False,
) -> None:
    """Correct a contact's name, role, address, channels or timezone (audited; secrets never printed back)."""
    card = contacts.edit_contact(
        cli_state(ctx).app.uow(), contact, role=role, name=name, email=email, notify=notify, timezone=timezone,
        at=datetime.now(UTC),
    )  # fmt: skip
    if json:
        print_json(contact_view(card))
    else:
        print(f"Contact {contact} changed: {card.contact.name} ({card.contact.role.value}, "
              f"{card.contact.agency or 'the state team'})")  # fmt: skip


@app.command("remove")
def remove(
    ctx: typer.Context,
    contact: Annotated[int, typer.Argument(metavar="CONTACT_ID", min=1, max=2**31 - 1, help="See `contact list`.")],
) -> None:
    """Remove a contact."""
    card = contacts.remove_contact(cli_state(ctx).app.uow(), contact)
    print(f"Contact {contact} removed: {card.contact.name}")
