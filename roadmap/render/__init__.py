"""The one jinja2 environment: reports now, messages and pages later. Autoescaped, strict about undefined names."""

from __future__ import annotations

import os
import tempfile
from datetime import date
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

from notifications.messages import Digest, DigestLine, Message
from roadmap.domain.errors import InvalidInput
from roadmap.render.charts import fidelity_chart
from roadmap.services.fidelity_report import FidelityReport
from roadmap.services.quarter import QuarterSummary


# One per template folder for the life of the process: compiling a template costs ~8 ms, rendering one a
# fraction of that, and a sweep renders thousands. jinja2 reloads a template file that changes; a state
# template added to the folder while `serve` runs is picked up after a restart.
@cache
def environment(overrides: Path | None = None) -> Environment:
    """The environment over the packaged templates; a state's folder of same-named templates comes first."""
    packaged = PackageLoader("roadmap.render", "templates")
    # Sandboxed when a state's folder is in play: its templates can lay out the data they are given, never reach
    # into Python. The packaged templates alone are this project's code, and the sandbox's check on every
    # attribute cost two thirds of rendering a sweep's digests.
    kind = SandboxedEnvironment if overrides else Environment
    env = kind(
        loader=ChoiceLoader([FileSystemLoader(overrides), packaged]) if overrides else packaged,
        autoescape=select_autoescape(["html", "html.j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # The packaged templates change only with the code: not checking their files on every render.
        auto_reload=overrides is not None,
    )
    env.filters["signed"] = lambda value: "" if value is None else f"{value:+d}"
    return env


SUBJECT, TEXT, HTML = REMINDER_TEMPLATES = ("reminder_subject.txt.j2", "reminder.txt.j2", "reminder.html.j2")


def render_reminder(digest: Digest, overrides: Path | None = None) -> Message:
    """One person's reminder digest as subject, plain text and HTML (HTML autoescaped, text not)."""
    env = environment(overrides)
    subject = _render(env, SUBJECT, digest=digest)
    return Message(
        subject=" ".join(subject.split()),
        text=_render(env, TEXT, digest=digest),
        html=_render(env, HTML, digest=digest),
    )


def _sample_line(kind: str, when: str, *, overdue: bool = False, escalation: bool = False) -> DigestLine:
    return DigestLine(agency="Riverbend Community Mental Health", kind=kind, title="Fidelity review",
                      due_on="Wednesday 20 January 2027", when=when, overdue=overdue, escalation=escalation,
                      prepare=("Fidelity scale",))  # fmt: skip


# What check_templates renders: each value a template is given set and unset, and one and several lines.
_SAMPLE_DIGESTS = (
    Digest(recipient="Maria Lopez", sent_on=date(2026, 12, 21), state_contact="Sam Reed <sam@state.example>",
           page_url="https://roadmap.example/a/token",
           lines=(_sample_line("Meeting", "3 days overdue", overdue=True, escalation=True),
                  _sample_line("Fidelity review", "due in 30 days"))),
    Digest(recipient="Maria Lopez", sent_on=date(2026, 12, 21), state_contact=None,
           lines=(_sample_line("Trainer visit", "due today"),)),
    # A long digest: the reminders it counts without listing them.
    Digest(recipient="Sam Reed", sent_on=date(2026, 12, 21), state_contact=None,
           lines=(_sample_line("Fidelity review", "40 days overdue", overdue=True, escalation=True),),
           more=1250, more_overdue=1200, more_agencies=frozenset({"Cedar Valley Recovery Services", "Lakeshore"})),
)  # fmt: skip


def check_templates(overrides: Path) -> None:
    """Refuse, in one line, a state's template folder that is missing or holds a template that cannot render.

    Each reminder template the folder overrides is rendered for sample digests, so that a mistake is found when
    the settings are read, before a sweep has queued anything, not halfway through its delivery.
    """
    if not overrides.is_dir():
        raise InvalidInput(f"template folder {overrides} is not a folder")
    env = environment(overrides)
    for name in REMINDER_TEMPLATES:
        if (overrides / name).is_file():
            for digest in _SAMPLE_DIGESTS:
                # Mail and chat channels refuse an empty message: every delivery would fail, then be retried.
                if not _render(env, name, digest=digest).strip() and name != SUBJECT:
                    raise InvalidInput(f"template {name} renders no text")


def _render(env: Environment, name: str, **values: object) -> str:
    """Render one template; a broken (state-supplied) template is refused in one line."""
    try:
        return env.get_template(name).render(**values)
    except TemplateSyntaxError as error:
        raise InvalidInput(f"template {name} line {error.lineno}: {error.message}") from None
    except (TemplateError, SecurityError) as error:
        raise InvalidInput(f"template {name}: {' '.join(str(error).split())}") from None
    # A state's template can fail the way any expression can: 1/0, range(10**9) in the sandbox, a filter given
    # the wrong type, a macro that calls itself. Each is the template's mistake, told in one line.
    except Exception as error:  # noqa: BLE001
        detail = " ".join(str(error).split()) or type(error).__name__
        raise InvalidInput(f"template {name}: {detail}") from None


def render_fidelity_report(report: FidelityReport) -> str:
    """The fidelity report as one self-contained HTML page (no external CSS, fonts or scripts)."""
    chart = fidelity_chart([(day, total) for day, total, _ in report.history])
    return _render(environment(), "fidelity_report.html.j2", report=report, chart=chart)


def render_quarter_report(summary: QuarterSummary) -> str:
    """The quarterly roadmap summary as one self-contained HTML page."""
    return _render(environment(), "quarter_report.html.j2", summary=summary)


def check_writable(out: Path) -> Path:
    """The file's real target, if a file can be written there (a one-line refusal otherwise).

    Called before a command changes anything, so a bad --out leaves nothing half done.
    """
    target = out.resolve()  # write through a symlink to the file it names, not over the link
    if target.exists() and not target.is_file():
        raise InvalidInput(f"cannot write {out}: it exists and is not a regular file")
    if not target.parent.is_dir():
        raise InvalidInput(f"cannot write {out}: folder {target.parent} does not exist")
    if not os.access(target.parent, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise InvalidInput(f"cannot write {out}: permission denied")
    return target


def write_atomically(out: Path, text: str) -> None:
    """Write a report (HTML, JSON, iCalendar) so that a failure leaves no partial file behind; errors are one line."""
    target = check_writable(out)
    folder = target.parent
    temporary: str | None = None
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".report-", suffix=out.suffix)
        # Left as mkstemp makes it, owner-only: the owner shares the report; other users of the machine do not read it.
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, target)
        temporary = None
    except OSError as error:
        raise InvalidInput(f"cannot write {out}: {error.strerror}") from None
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
