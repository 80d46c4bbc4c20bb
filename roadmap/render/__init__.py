"""The one jinja2 environment: reports now, messages and pages later. Autoescaped, strict about undefined names."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from roadmap.render.charts import fidelity_chart
from roadmap.services.fidelity_report import FidelityReport


def environment() -> Environment:
    """A new environment over the packaged templates (built per call: no module-level state)."""
    env = Environment(
        loader=PackageLoader("roadmap.render", "templates"),
        autoescape=select_autoescape(["html", "html.j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["signed"] = lambda value: "" if value is None else f"{value:+d}"
    return env


def render_fidelity_report(report: FidelityReport) -> str:
    """The fidelity report as one self-contained HTML page (no external CSS, fonts or scripts)."""
    template = environment().get_template("fidelity_report.html.j2")
    return template.render(report=report, chart=fidelity_chart([(day, total) for day, total, _ in report.history]))
