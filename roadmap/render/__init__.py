"""The one jinja2 environment: reports now, messages and pages later. Autoescaped, strict about undefined names."""

from __future__ import annotations

from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined, select_autoescape

from notifications.messages import Digest, Message
from roadmap.render.charts import fidelity_chart
from roadmap.services.fidelity_report import FidelityReport


def environment(overrides: Path | None = None) -> Environment:
    """A new environment over the packaged templates; a state's folder of same-named templates comes first."""
    packaged = PackageLoader("roadmap.render", "templates")
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(overrides), packaged]) if overrides else packaged,
        autoescape=select_autoescape(["html", "html.j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["signed"] = lambda value: "" if value is None else f"{value:+d}"
    return env


def render_reminder(digest: Digest, overrides: Path | None = None) -> Message:
    """One person's reminder digest as subject, plain text and HTML (HTML autoescaped, text not)."""
    env = environment(overrides)
    subject = env.get_template("reminder_subject.txt.j2").render(digest=digest)
    return Message(
        subject=" ".join(subject.split()),
        text=env.get_template("reminder.txt.j2").render(digest=digest),
        html=env.get_template("reminder.html.j2").render(digest=digest),
    )


def render_fidelity_report(report: FidelityReport) -> str:
    """The fidelity report as one self-contained HTML page (no external CSS, fonts or scripts)."""
    template = environment().get_template("fidelity_report.html.j2")
    return template.render(report=report, chart=fidelity_chart([(day, total) for day, total, _ in report.history]))
