"""The one jinja2 environment: reports now, messages and pages later. Autoescaped, strict about undefined names."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    TemplateError,
    TemplateSyntaxError,
    select_autoescape,
)
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from notifications.messages import Digest, Message
from roadmap.domain.errors import InvalidInput
from roadmap.render.charts import fidelity_chart
from roadmap.services.fidelity_report import FidelityReport


# One per template folder for the life of the process: compiling a template costs ~8 ms, rendering one a
# fraction of that, and a sweep renders thousands. jinja2 still reloads a state's template file when it changes.
@cache
def environment(overrides: Path | None = None) -> Environment:
    """The environment over the packaged templates; a state's folder of same-named templates comes first."""
    packaged = PackageLoader("roadmap.render", "templates")
    # Sandboxed: a state's own template can lay out the data it is given, never reach into Python.
    env = SandboxedEnvironment(
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
    subject = _render(env, "reminder_subject.txt.j2", digest=digest)
    return Message(
        subject=" ".join(subject.split()),
        text=_render(env, "reminder.txt.j2", digest=digest),
        html=_render(env, "reminder.html.j2", digest=digest),
    )


def _render(env: Environment, name: str, **values: object) -> str:
    """Render one template; a broken (state-supplied) template is refused in one line."""
    try:
        return env.get_template(name).render(**values)
    except TemplateSyntaxError as error:
        raise InvalidInput(f"template {name} line {error.lineno}: {error.message}") from None
    except (TemplateError, SecurityError) as error:
        raise InvalidInput(f"template {name}: {' '.join(str(error).split())}") from None


def render_fidelity_report(report: FidelityReport) -> str:
    """The fidelity report as one self-contained HTML page (no external CSS, fonts or scripts)."""
    chart = fidelity_chart([(day, total) for day, total, _ in report.history])
    return _render(environment(), "fidelity_report.html.j2", report=report, chart=chart)
