"""`ips-roadmap user ...`: the people who sign in to the web app, their roles and personal tokens."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import quote

import typer
from rich.table import Table

from roadmap.cli.output import print_json, show
from roadmap.cli.state import JsonFlag, cli_state
from roadmap.domain.user import TokenKind
from roadmap.services import users
from roadmap.services.views import token_view, user_view

app = typer.Typer(help="People who sign in to the web app: roles, regions, personal tokens.", no_args_is_help=True)

Email = Annotated[str, typer.Argument(metavar="EMAIL", help="The address they sign in with.")]


@app.command("add")
def add(
    ctx: typer.Context,
    email: Email,
    name: Annotated[str, typer.Option("--name", metavar="TEXT", help="Their name, as pages show it.")],
    role: Annotated[str, typer.Option("--role", metavar="ROLE", help="admin, coordinator, trainer or viewer.")],
    region: Annotated[
        list[str] | None, typer.Option("--region", metavar="REGION", help="A coordinator's region (repeat).")
    ] = None,
    trainer: Annotated[
        str | None, typer.Option("--trainer", metavar="NAME", help="A trainer user's record (`trainer list`).")
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Let a person sign in with a role: they get their sign-in link by email from the sign-in page."""
    state = cli_state(ctx)
    added = users.add_user(state.app.uow(), email, name=name, role=role, regions=region or (), trainer=trainer)
    if json:
        print_json(user_view(added))
        return
    where = f" for {', '.join(added.regions)}" if added.regions else f" ({added.trainer})" if added.trainer else ""
    print(f"{added.name} <{added.email}> may sign in as {added.role.value}{where}: "
          f"{state.app.settings.web.address}/sign-in")  # fmt: skip


@app.command("list")
def list_(ctx: typer.Context, json: JsonFlag = False) -> None:
    """Every user: address, name, role, regions, trainer record, active, last seen."""
    listed = users.list_users(cli_state(ctx).app.uow())
    if json:
        print_json([user_view(user) for user in listed])
        return
    table = Table(title=f"{len(listed)} users", title_justify="left")
    for column in ("Email", "Name", "Role", "Regions / trainer", "Active", "Last seen"):
        table.add_column(column)
    for user in listed:
        seen = user.last_seen.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if user.last_seen else ""
        scope = ", ".join(user.regions) or user.trainer or ""
        table.add_row(user.email, user.name, user.role.value, scope, "yes" if user.active else "no", seen)
    show(table)


@app.command("disable")
def disable(ctx: typer.Context, email: Email) -> None:
    """Stop a user signing in; their sessions and tokens end at once, the changes they made keep their name."""
    disabled = users.disable_user(cli_state(ctx).app.uow(), email, at=datetime.now(UTC))
    print(f"{disabled.email} can no longer sign in; their sessions and tokens have ended.")


@app.command("link")
def link(ctx: typer.Context, email: Email, json: JsonFlag = False) -> None:
    """A one-time sign-in link for a user, printed here (it works once, for 15 minutes): for the first admin, or
    before the state's mail server is set up. Others ask for theirs on the sign-in page."""
    state = cli_state(ctx)
    user, secret = users.issue_sign_in(state.app.uow(), email, now=datetime.now(UTC))
    url = f"{state.app.settings.web.address}/sign-in/{secret}"
    if json:
        print_json({"email": user.email, "url": url, "minutes": users.SIGN_IN_MINUTES})
        return
    print(url)
    print(f"Open it in a browser within {users.SIGN_IN_MINUTES} minutes to sign in as {user.name} ({user.role.value}); "
          "it works once.")  # fmt: skip


@app.command("token")
def token(
    ctx: typer.Context,
    email: Annotated[str | None, typer.Argument(metavar="EMAIL", help="Whose token to make.")] = None,
    days: Annotated[int, typer.Option("--days", metavar="N", help="How long it works (1-366 days).")] = 90,
    calendar: Annotated[
        bool, typer.Option("--calendar", help="A trainer's calendar-feed token instead of an API token.")
    ] = False,
    revoke: Annotated[
        int | None, typer.Option("--revoke", metavar="ID", min=1, max=2**31 - 1, help="Stop this token at once.")
    ] = None,
    json: JsonFlag = False,
) -> None:
    """A personal token for scripts (`Authorization: Bearer TOKEN`) or a calendar feed: shown once, kept as a hash."""
    state = cli_state(ctx)
    now = datetime.now(UTC)
    if revoke is not None:
        revoked = users.revoke_token(state.app.uow(), revoke, at=now)
        if json:
            print_json(token_view(revoked))
            return
        print(f"Token {revoked.id} of {revoked.user} revoked.")
        return
    if email is None:
        raise typer.BadParameter("give the user's EMAIL (or --revoke ID)")
    kind = TokenKind.CALENDAR if calendar else TokenKind.API
    made = users.create_token(state.app.uow(), email, days=days, now=now, kind=kind)
    address = state.app.settings.web.address
    feed = f"/trainers/{quote(made.user.trainer or '')}/calendar.ics?token={made.secret}"
    url = f"{address}{feed}" if calendar else None
    if json:
        print_json(token_view(made.token) | {"token": made.secret, "url": url})
        return
    print(url or made.secret)
    what = "calendar feed (subscribe to it once)" if calendar else "token (send it as `Authorization: Bearer TOKEN`)"
    print(f"Token {made.token.id}: {made.token.user}'s {what}, until {made.token.expires_at.date()}. "
          f"It is shown only now; `ips-roadmap user token --revoke {made.token.id}` stops it.")  # fmt: skip


@app.command("tokens")
def tokens(
    ctx: typer.Context,
    email: Annotated[str | None, typer.Argument(metavar="EMAIL", help="One user's tokens only.")] = None,
    json: JsonFlag = False,
) -> None:
    """Personal tokens: whose, what for, until when, revoked (never the token itself)."""
    listed = users.list_tokens(cli_state(ctx).app.uow(), email)
    if json:
        print_json([token_view(each) for each in listed])
        return
    table = Table(title=f"{len(listed)} tokens", title_justify="left")
    for column in ("ID", "User", "Kind", "Made", "Expires", "Revoked", "Last used"):
        table.add_column(column)
    for each in listed:
        used = each.last_used_at.date().isoformat() if each.last_used_at else ""
        table.add_row(
            str(each.id), each.user, each.kind.value, each.created_at.date().isoformat(),
            each.expires_at.date().isoformat(), "yes" if each.revoked_at else "", used,
        )  # fmt: skip
    show(table)
