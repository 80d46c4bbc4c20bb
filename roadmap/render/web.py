"""The web pages: page models (roadmap.services.pages) laid out by the jinja2 templates, autoescaped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

from notifications.messages import KIND_NAMES, Message
from roadmap.domain.completion import StageStatus
from roadmap.domain.contact import STATE_ROLES, Role, nobody_to_remind
from roadmap.domain.definition import Roadmap
from roadmap.domain.due import DueItem
from roadmap.domain.fidelity import FidelityScale, band_for
from roadmap.domain.outcome import EmploymentBenchmarks
from roadmap.domain.user import User, UserRole
from roadmap.domain.visit import purpose_title
from roadmap.render import _render, environment
from roadmap.render.charts import fidelity_chart, outcomes_chart
from roadmap.services.pages import DUE_WINDOW_DAYS, AgencyPage, DuePage, OverviewPage, TrainerPage
from roadmap.services.views import agency_view, outcome_view, overview_view


def stylesheet() -> str:
    """The pages' CSS, served by the app itself."""
    return resources.files("roadmap.render").joinpath("static/app.css").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Chrome:
    """What every page's top bar needs: who is signed in, the token their forms carry, and whether the state's
    pages are theirs to go back to (an agency's link opens its own page only)."""

    viewer: str | None = None
    csrf: str = ""
    state_pages: bool = True
    admin: bool = False


# Reviews listed on the overview, soonest due (most overdue) first; the rest are counted, and listed on /due.
REVIEW_ROWS = 50


def render_overview(page: OverviewPage, roadmap: Roadmap, chrome: Chrome) -> str:
    """A page of every agency against the ten stages (optionally one region's), reviews due, failures."""
    shown = page.matrix.summaries
    rows = []
    for row, summary in zip(overview_view(shown), shown, strict=True):
        stall = row["stalled"]
        cells = []
        for stage in summary.standing.stages:
            status = stage.status
            stalled = stall is not None and stall["stage"] == stage.key
            if status is StageStatus.COMPLETED:
                text = "✓·" if stage.before_tracking else "✓!" if stage.forced else "✓"
            elif status is StageStatus.ACTIVE:
                text = f"{stage.duration_days}d" + (" ⚠" if stalled else "")
            else:
                text = "·"
            css = "stalled" if stalled else status.value
            cells.append({"css": css, "text": text, "title": f"{stage.title}: {status.value.replace('-', ' ')}"})
        due = summary.next_review_due
        rows.append(row | {"cells": cells, "review_overdue": due is not None and due < page.as_of})
    reviews = [
        {"agency": d.agency, "name": d.name, "last_review": d.last_review, "last_total": d.last_total,
         "next_review_due": d.next_review_due, "days": (d.next_review_due - page.as_of).days}
        for d in page.reviews[:REVIEW_ROWS]
    ]  # fmt: skip
    unlisted = page.reviews[REVIEW_ROWS:]
    failed = [
        {"agency": e.item.agency, "title": e.item.title, "due_on": e.item.due_on, "attempts": e.attempts,
         "error": e.last_error or ""}
        for e in page.failed
    ]  # fmt: skip
    return _render(
        environment(),
        "web_overview.html.j2",
        as_of=page.as_of,
        chrome=chrome,
        stages=roadmap.stages,
        rows=rows,
        total=page.matrix.total,
        regions=page.matrix.regions,
        region=page.region,
        number=page.matrix.number,
        pages=page.matrix.pages,
        launched=page.matrix.launched,
        stalled=page.matrix.stalled,
        reviews=reviews,
        more_reviews=len(unlisted),
        more_overdue=sum(1 for d in unlisted if d.next_review_due < page.as_of),
        due_window=DUE_WINDOW_DAYS,
        failed=failed,
        trainers=page.trainers,
    )


def render_trainer(page: TrainerPage, roadmap: Roadmap, chrome: Chrome, *, message: str | None = None) -> str:
    """A trainer's visit plan and a year of their workload."""
    visits = [
        {"id": v.id, "date": v.on, "days": v.days, "agency": v.agency, "region": v.region, "due_on": v.due_on,
         "name": page.names.get(v.agency, v.agency) if v.agency else None,
         "title": purpose_title(roadmap.routines, v.purpose), "held": v.on <= page.as_of,
         "others": [name for name in v.trainers if name != page.trainer.name]}
        for v in page.visits
    ]  # fmt: skip
    top = max([1.0, *(max(m.needed, m.capacity) for m in page.workload)])
    workload = [
        {"month": m.month, "needed": m.needed, "capacity": m.capacity, "over": m.needed > m.capacity,
         "width": round(100 * m.needed / top, 1)}
        for m in page.workload
    ]  # fmt: skip
    return _render(
        environment(), "web_trainer.html.j2", as_of=page.as_of, chrome=chrome, trainer=page.trainer, message=message,
        visits=visits, workload=workload,
    )  # fmt: skip


def render_due(page: DuePage, chrome: Chrome) -> str:
    """One page of what is due across the state, overdue first, with the agencies nobody can remind."""
    items = [_due_line(item, page.as_of) | {"name": page.names.get(item.agency, item.agency)} for item in page.items]
    nobody = [{"slug": slug, "name": page.names.get(slug, slug)} for slug in page.nobody]
    return _render(
        environment(), "web_due.html.j2", as_of=page.as_of, chrome=chrome, items=items, nobody=nobody,
        within=page.within_days, total=page.total, overdue=page.overdue, number=page.number, pages=page.pages,
    )  # fmt: skip


def _due_line(item: DueItem, as_of: date) -> dict[str, Any]:
    return {"agency": item.agency, "kind": KIND_NAMES[item.kind], "title": item.title, "due_on": item.due_on,
            "when": item.distance(as_of), "overdue": item.due_on < as_of}  # fmt: skip


def render_agency(
    page: AgencyPage,
    roadmap: Roadmap,
    scale: FidelityScale,
    benchmarks: EmploymentBenchmarks,
    chrome: Chrome,
    *,
    message: str | None = None,
    form: str | None = None,
    typed: dict[str, str] | None = None,
    quarter: str | None = None,
) -> str:
    """One agency's page, with the forms of what the one viewing it may do (`page.can`).

    `form` names the form a refusal in `message` came from (the review form opens again to show it), and
    `typed` holds what was typed into it, shown again; `quarter` fills in the outcomes form (a reminder's link).
    """
    agency = agency_view(page.summary)
    as_of = page.summary.standing.as_of
    reviews = [
        {"date": entry.review.visited_on, "total": entry.review.total, "band": band_for(entry.review.total).value,
         "change": _change(page, index), "moved": _moved(entry.changes)}
        for index, entry in enumerate(page.reviews)
    ]  # fmt: skip
    outcomes = [outcome_view(each, benchmarks) for each in page.outcomes]
    rates = [(row["quarter"], row["employment_rate"]) for row in outcomes if row["employment_rate"] is not None]
    lines = [("minimal", benchmarks.minimal), ("average", benchmarks.average), ("excellent", benchmarks.excellent)]
    actions = [
        {"id": a.id, "item": a.item, "criterion": a.criterion, "score": a.score, "step": a.step, "owner": a.owner,
         "due_on": a.due_on, "status": a.status.value, "overdue": a.done_on is None and a.due_on < as_of}
        for a in page.actions
        if a.done_on is None
    ]  # fmt: skip
    visits = [
        {"date": v.on, "days": v.days, "trainers": v.trainers, "title": purpose_title(roadmap.routines, v.purpose)}
        for v in page.visits
    ]
    context: dict[str, Any] = {
        "as_of": as_of,
        "chrome": chrome,
        "can": {ability.value for ability in page.can},
        "quarter": quarter or "",
        "agency": agency,
        "stage_titles": {stage.key: stage.title for stage in roadmap.stages},
        "item_texts": {item.key: item.text for stage in roadmap.stages for item in stage.checklist},
        "chart": fidelity_chart(page.summary.fidelity),
        "reviews": reviews,
        "actions": actions,
        "actions_done": sum(1 for a in page.actions if a.done_on is not None),
        "outcomes": outcomes,
        "rates": outcomes_chart(rates, lines),
        "visits": visits,
        "due": [_due_line(item, as_of) for item in page.due],
        "contacts": [{"id": c.id, "name": c.name, "role": c.role.value, "email": c.email} for c in page.contacts],
        "agency_roles": [role.value for role in Role if role not in STATE_ROLES],
        "confirmed": page.confirmed,
        # The same rule as the overview's flag: only a director or IPS supervisor is reminded of agency work.
        "nobody_reminded": bool(nobody_to_remind([agency["slug"]], ((c.agency, c.role) for c in page.contacts))),
        "message": message,
        "form": form,
        # Values typed into the refused form (only that form's fields are filled in again).
        "typed": typed or {},
        "scale_items": scale.items,
        # The items the checklist form offers: those still open in the stages under way.
        "open_items": [
            item["key"]
            for stage in agency["stages"]
            if stage["status"] == "active"
            for item in stage["checklist"]
            if item["done_on"] is None
        ],
    }
    return _render(environment(), "web_agency.html.j2", **context)


def _change(page: AgencyPage, index: int) -> int | None:
    if index == 0:
        return None
    return page.reviews[index].review.total - page.reviews[index - 1].review.total


def _moved(changes: dict[int, int] | None) -> str:
    """'item 3 +1, item 7 −2' for the items whose score changed since the review before."""
    if not changes:
        return ""
    return ", ".join(f"item {number} {change:+d}" for number, change in sorted(changes.items()) if change)


def render_sign_in(
    chrome: Chrome, *, next_path: str, oidc: bool, email: str | None = None, sent: bool = False,
    message: str | None = None, minutes: int = 15, as_of: date,
) -> str:  # fmt: skip
    """The sign-in page: an address to email a one-time link to (the same answer whether or not it is known)."""
    return _render(
        environment(), "web_sign_in.html.j2", chrome=chrome, next=next_path, oidc=oidc, email=email, sent=sent,
        message=message, minutes=minutes, as_of=as_of,
    )  # fmt: skip


def render_sign_in_confirm(chrome: Chrome, *, secret: str, next_path: str, as_of: date) -> str:
    """The page a sign-in link opens: one button spends the link."""
    return _render(
        environment(), "web_sign_in_confirm.html.j2", chrome=chrome, secret=secret, next=next_path, as_of=as_of
    )


def render_notice(chrome: Chrome, *, title: str, text: str, as_of: date, sign_in: bool = False) -> str:
    """A page that only says something: a refusal, an expired link."""
    return _render(
        environment(), "web_notice.html.j2", chrome=chrome, title=title, text=text, as_of=as_of, sign_in=sign_in
    )


def render_sign_in_mail(*, name: str, email: str, url: str, minutes: int) -> Message:
    """The email that carries a one-time sign-in link."""
    env = environment()
    values = {"person": name, "email": email, "url": url, "minutes": minutes}
    return Message(
        subject="Your sign-in link to the IPS roadmap",
        text=_render(env, "sign_in_mail.txt.j2", **values),
        html=_render(env, "sign_in_mail.html.j2", **values),
    )


def render_users(
    users: list[User], trainers: list[str], chrome: Chrome, *, as_of: date, address: str,
    message: str | None = None, typed: dict[str, str] | None = None,
) -> str:  # fmt: skip
    """The admin's page of people who sign in, with the form that adds one."""
    shown = [
        {"email": u.email, "name": u.name, "role": u.role.value, "scope": ", ".join(u.regions) or u.trainer or "",
         "active": u.active, "last_seen": u.last_seen.strftime("%Y-%m-%d %H:%M UTC") if u.last_seen else None}
        for u in users
    ]  # fmt: skip
    return _render(
        environment(), "web_users.html.j2", chrome=chrome, as_of=as_of, users=shown, trainers=trainers,
        roles=[role.value for role in UserRole], message=message, typed=typed or {}, address=address,
    )  # fmt: skip
