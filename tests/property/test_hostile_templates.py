"""A state's reminder templates (IPS_ROADMAP_TEMPLATES_DIR): they lay out the data, never run it, never reach Python.

A template that cannot render is refused in one line before anything is queued; data that looks like a template
(a name holding "{{ 7*7 }}") is printed as written.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from email.header import decode_header, make_header
from email.message import Message as MailMessage
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from notifications.smtp_sink import SmtpSink
from roadmap.render import HTML, SUBJECT, TEXT
from tests.conftest import Cli
from tests.property.support import HOSTILE, assert_refused, guarded
from tests.smtp import body, text_part

AS_OF = "2026-06-05"  # Lone Oak launched on 2026-01-01: its director is owed ten reminders, nine overdue
PACKAGED_ROADMAP = Path(__file__).parents[2] / "roadmap" / "data" / "roadmap.yaml"


@dataclass(frozen=True)
class Piece:
    """One fragment of a template: literal text, an expression over the digest, or an attempt to break out."""

    source: str
    kind: str  # "literal", a SAFE key, or "hostile"


@dataclass(frozen=True)
class Facts:
    """What one director's digest holds, as the test set it up."""

    name: str
    lines: int
    overdue: int


# Expressions a state may use, and what each must render to.
SAFE: dict[str, Callable[[Facts], str]] = {
    "{{ digest.recipient }}": lambda facts: facts.name,
    "{{ digest.recipient | upper }}": lambda facts: facts.name.upper(),
    "{{ digest.lines | length }}": lambda facts: str(facts.lines),
    "{{ digest.overdue }}": lambda facts: str(facts.overdue),
    "{% for line in digest.lines %}[{{ line.agency }}]{% endfor %}": lambda facts: "[Lone Oak]" * facts.lines,
}
# Each fails whatever the digest holds: a way out of the sandbox, a name that is not there, a Python error, bad syntax.
HOSTILE_PIECES = [
    "{{ digest.__class__ }}",
    "{{ digest.recipient.__class__.__mro__[1].__subclasses__() }}",
    "{{ ''.__class__.__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ digest.recipient | attr('__class__') }}",
    "{{ '{0.__class__}'.format(digest) }}",
    "{{ self.__init__.__globals__ }}",
    "{{ nothing_here }}",
    "{{ digest.nope }}",
    "{{ 1 / 0 }}",
    "{{ range(10 ** 9) | list }}",
    "{% macro again() %}{{ again() }}{% endmacro %}{{ again() }}",
    "{{ digest.recipient + 1 }}",
    "{{ digest.recipient | truncate(-1) }}",
    "{{ digest.recipient | no_such_filter }}",
    "{% include '/etc/passwd' %}",
    "{% include '../../../../etc/passwd' %}",
    "{{ digest.recipient ",
    "{% if %}",
    "{% for x in %}{% endfor %}",
    "{% endfor %}",
]
# Template delimiters ({{ {% {#) stay out of literal text; everything else, markup included, is fair.
literal = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="{}%#\r") | st.sampled_from("<>&'\"é"),
                  min_size=1, max_size=20).map(lambda text: Piece(text, "literal"))  # fmt: skip
safe = st.sampled_from(sorted(SAFE)).map(lambda source: Piece(source, source))
hostile = st.sampled_from(HOSTILE_PIECES).map(lambda source: Piece(source, "hostile"))


@dataclass(frozen=True)
class Folder:
    """What IPS_ROADMAP_TEMPLATES_DIR points at: a folder with one template, or something that is not one."""

    layout: str  # folder, with-unrelated (a broken file no template uses), missing, file, self-extends, blank
    template: str
    pieces: tuple[Piece, ...]

    @property
    def refused(self) -> bool:
        if self.layout == "blank":  # a subject may be empty; a message with no text cannot be sent
            return self.template != SUBJECT
        return self.layout in ("missing", "file", "self-extends") or any(p.kind == "hostile" for p in self.pieces)

    def write(self, path: Path) -> None:
        if self.layout == "missing":
            return
        if self.layout == "file":
            path.write_text("".join(piece.source for piece in self.pieces))
            return
        path.mkdir()
        source = "".join(piece.source for piece in self.pieces)
        if self.layout == "self-extends":  # a template that extends itself never ends
            source = f"{{% extends '{self.template}' %}}{source}"
        if self.layout == "blank":  # renders nothing but a blank
            source = "{% if false %}x{% endif %} \n"
        (path / self.template).write_text(source)
        if self.layout == "with-unrelated":
            (path / "notes.txt.j2").write_text("{{ unfinished ")

    def expected(self, facts: Facts, html: bool) -> str:
        if self.layout == "blank":
            return ""
        rendered = [
            piece.source if piece.kind == "literal" else SAFE[piece.kind](facts) for piece in self.pieces
        ]  # an expression's value is escaped in HTML; the template's own text is not
        if html:
            rendered = [
                text if piece.kind == "literal" else str(escape(text))
                for piece, text in zip(self.pieces, rendered, strict=True)
            ]
        return squeeze("".join(rendered))


@st.composite
def folders(draw: st.DrawFn) -> Folder:
    pieces = draw(st.lists(literal | safe, min_size=1, max_size=5))
    if draw(st.booleans()):
        pieces.insert(draw(st.integers(0, len(pieces))), draw(hostile))
    layout = draw(st.sampled_from(["folder", "with-unrelated", "missing", "file", "self-extends", "blank", "folder"]))
    return Folder(layout, draw(st.sampled_from([SUBJECT, TEXT, HTML])), tuple(pieces))


def squeeze(text: str) -> str:
    """Whitespace as a mail reader sees it: runs of it are one space (mail folds and re-wraps lines)."""
    return " ".join(text.split())


def subject(message: MailMessage) -> str:
    return squeeze(str(make_header(decode_header(message["Subject"]))))


@pytest.fixture
def lone_oak(cli: Cli, smtp: SmtpSink, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """An agency launched on 2026-01-01 whose directors read mail (HTML) and a plain-text channel."""
    monkeypatch.setenv("IPS_ROADMAP_MAIL_URL", smtp.url)
    cli.ok("agency", "add", "Lone Oak", "--region", "South", "--timezone", "UTC", "--joined", "2026-01-01",
           "--launched", "2026-01-01", "--as-of", "2026-01-01")  # fmt: skip
    return cli


def add_director(cli: Cli, smtp: SmtpSink, number: int) -> str:
    """A director with an HTML mail address and a plain-text channel; their name looks like a template."""
    name = f"Ada {{{{ 7*7 }}}} {{% if true %}}x{{% endif %}} <b>{number}</b> é"
    cli.ok("contact", "add", "lone-oak", "--role", "director", "--name", name, "--email", f"ada{number}@oak.example",
           "--notify", f"{smtp.url}&to=text{number}@oak.example")  # fmt: skip
    return name


def test_a_state_template_renders_the_data_or_is_refused_before_anything_is_queued(
    lone_oak: Cli, smtp: SmtpSink, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    probe = add_director(lone_oak, smtp, 0)
    owed = [r for r in lone_oak.ok("notify", "preview", "--as-of", AS_OF, "--json").json() if r["recipient"] == probe]
    lines, overdue = len(owed), sum(1 for r in owed if r["offset_days"] < 0)
    # A program running since the day it joined: its review, routines and outcome reports, mostly late.
    assert (lines, overdue) == (4, 3)
    numbers = itertools.count(1)

    @settings(HOSTILE, max_examples=4)  # each example adds a person and sends them mail: the slowest here
    @given(folders())
    @example(Folder("folder", SUBJECT, (Piece("{{ digest.__class__.__mro__ }}", "hostile"),))).via("the issue's escape")
    @example(
        Folder("folder", HTML, (Piece("<p>", "literal"), Piece("{{ digest.recipient }}", "{{ digest.recipient }}")))
    )
    @example(Folder("missing", SUBJECT, (Piece("x", "literal"),))).via("a mistyped folder")
    @example(Folder("self-extends", TEXT, (Piece("x", "literal"),))).via("a template that extends itself")
    @example(Folder("blank", HTML, (Piece("x", "literal"),))).via("a mail body with no text")
    def rendered(folder: Folder) -> None:
        monkeypatch.delenv("IPS_ROADMAP_TEMPLATES_DIR", raising=False)
        number = next(numbers)
        facts = Facts(add_director(lone_oak, smtp, number), lines, overdue)
        path = tmp_path / f"templates-{number}"  # a new folder each time: jinja2 caches templates by folder
        folder.write(path)
        monkeypatch.setenv("IPS_ROADMAP_TEMPLATES_DIR", str(path))
        result = guarded(lone_oak, "notify", "flush", "--as-of", AS_OF, "--json")
        mail, text = smtp.to(f"ada{number}@oak.example"), smtp.to(f"text{number}@oak.example")
        if folder.refused:
            assert_refused(result, "setting templates_dir: template")
            assert (mail, text) == ([], []), "a refused template sent mail"
            return
        assert result.code == 0, result.err
        assert (len(mail), len(text)) == (1, 1)
        shown = {SUBJECT: subject(mail[0]), HTML: squeeze(body(mail[0])), TEXT: squeeze(text_part(text[0]))}
        overridden = folder.template if folder.layout in ("folder", "with-unrelated", "blank") else None
        if overridden:
            assert shown[overridden] == folder.expected(facts, html=overridden == HTML)
        if overridden != TEXT:  # the packaged text greets the reader by name: printed, never evaluated
            assert f"Hello {facts.name}," in shown[TEXT]
        if overridden != HTML:
            assert f"Hello {escape(facts.name)}," in shown[HTML]

    rendered()


def test_data_that_looks_like_a_template_is_printed_in_every_packaged_template(
    lone_oak: Cli, smtp: SmtpSink, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Names, a state's roadmap wording and its tools reach the reminders as text, not as template code."""
    roadmap = yaml.safe_load(PACKAGED_ROADMAP.read_text())
    readiness = roadmap["stages"][0]
    readiness["checklist"][0]["text"] = "Ask {{ 7*7 }} leaders {% for x in range(3) %}x{% endfor %}"
    readiness["tools"][0] = "{{ cycler.__init__.__globals__.os.popen('id').read() }}"
    own = tmp_path / "roadmap.yaml"
    own.write_text(yaml.safe_dump(roadmap))
    monkeypatch.setenv("IPS_ROADMAP_ROADMAP_FILE", str(own))
    lone_oak.ok("agency", "add", "Ask {{ 7*7 }} Clinic", "--slug", "clinic", "--region", "S", "--timezone", "UTC",
                "--joined", "2026-04-01", "--as-of", "2026-04-01")  # fmt: skip
    lone_oak.ok("contact", "add", "clinic", "--role", "director", "--name", "{{ digest.__class__ }}",
                "--email", "dir@clinic.example", "--notify", f"{smtp.url}&to=text@clinic.example")  # fmt: skip
    lone_oak.ok("notify", "flush", "--as-of", AS_OF)
    html, text = body(smtp.to("dir@clinic.example")[0]), text_part(smtp.to("text@clinic.example")[0])
    for shown in (html, text):
        assert "Ask {{ 7*7 }} leaders {% for x in range(3) %}x{% endfor %}" in shown.replace("&#39;", "'")
        assert "cycler.__init__.__globals__.os.popen(" in shown.replace("&#39;", "'")
        assert "{{ digest.__class__ }}" in shown
        assert "49" not in shown and "xxx" not in shown and "uid=" not in shown
