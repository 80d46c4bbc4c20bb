"""Files a user hands in: `import agencies FILE.csv` and `review record --scores FILE`. All of it, or one line and none."""

from __future__ import annotations

import csv
import io
import itertools
import json
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import available_timezones

from hypothesis import example, given, settings
from hypothesis import strategies as st

from roadmap.domain.names import slugify
from tests.conftest import Cli
from tests.property.support import HOSTILE, assert_refused, date_texts, guarded, nasty_text

TODAY = date(2026, 11, 23)
Verdict = Literal["valid", "invalid", "either"]  # either: a lenient reading is fine, as long as it reads right

# --- agency CSV files -------------------------------------------------------------------------------------------

ZONES = ["UTC", "America/Chicago", "America/New_York", "Europe/Paris", "Pacific/Honolulu"]
clean_words = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 éñøÅ'&,.\"-", max_size=40
)
clean_dates = st.dates(min_value=date(1990, 1, 1), max_value=TODAY)


@dataclass
class AgencyFile:
    """A CSV as generated: its columns, its rows' cells, how it is written, and whether it is clean by construction."""

    columns: list[str]
    rows: list[dict[str, str]]
    header: list[str]  # the columns as spelled in the file (case varies)
    bom: bool
    newline: str
    clean: bool
    damage: str | None = None  # a file-level fault, applied when the bytes are written
    # Per row: a tag that makes its name (so its slug) unique to this run, shared by a row and its repeat.
    tags: list[int | None] = field(default_factory=list)

    def to_bytes(self, run: str) -> bytes:
        rows = [
            row if tag is None else {**row, "name": f"{row['name']} {run}-{tag}"}
            for row, tag in zip(self.rows, self.tags, strict=True)
        ]
        out = io.StringIO()
        if self.damage == "unquoted":  # cells joined by hand: a comma or quote in a name breaks the row
            out.write(",".join(self.header) + self.newline)
            for row in rows:
                out.write(",".join(row[column] for column in self.columns) + self.newline)
        else:
            writer = csv.writer(out, lineterminator=self.newline)
            writer.writerow(self.header)
            for row in rows:
                writer.writerow([row[column] for column in self.columns])
        text = ("\ufeff" if self.bom else "") + out.getvalue()
        if self.damage == "extra-cell":
            text = text.replace(self.newline, ",surplus" + self.newline, 2)
        if self.damage == "blank-lines":
            text += self.newline * 3
        data = text.encode("latin-1", "replace") if self.damage == "latin-1" else text.encode()
        if self.damage == "nul":
            data = data[: len(data) // 2] + b"\x00" + data[len(data) // 2 :]
        if self.damage == "truncated":
            data = data[: len(data) * 2 // 3]
        return data


@st.composite
def clean_row(draw: st.DrawFn, columns: list[str]) -> dict[str, str]:
    """A row that is right in every way (its name is made unique when written)."""
    joined = draw(clean_dates)
    launched = draw(st.dates(min_value=joined, max_value=TODAY))
    row = {
        "name": draw(clean_words).strip() or "Agency",
        "region": draw(clean_words.filter(lambda text: text.strip() != "")),
        "timezone": draw(st.sampled_from(ZONES)),
        "joined": joined.isoformat() if draw(st.booleans()) else "",
        "launched": launched.isoformat() if draw(st.booleans()) else "",
        "slug": "",
    }
    return {column: row[column] for column in columns}


@st.composite
def hostile_row(draw: st.DrawFn, columns: list[str]) -> dict[str, str]:
    """A row built from anything: control characters, other scripts, near-miss dates and zones, long text."""
    long_text = st.integers(190, 260).map(lambda size: "x" * size)
    cell = {
        "name": draw(nasty_text | long_text | st.sampled_from(["---", "Existing Agency", " ", "A,B"])),
        "region": draw(nasty_text | long_text),
        "timezone": draw(
            st.sampled_from([*ZONES, "utc", "Central Time", "", "../../etc/passwd", "UTC\x00", "Etc/GMT+5"])
        ),
        "joined": draw(date_texts() | st.just("")),
        "launched": draw(date_texts() | st.just("")),
        "slug": draw(st.sampled_from(["", "existing-agency", "UPPER", "a--b", "-a", "ok-slug", "x" * 81]) | nasty_text),
    }
    return {column: cell[column] for column in columns}


@st.composite
def agency_files(draw: st.DrawFn) -> AgencyFile:
    """Mostly clean files (which must be imported) with hostile rows, headers and bytes mixed in."""
    optional = draw(st.lists(st.sampled_from(["launched", "joined", "slug"]), unique=True, max_size=3))
    columns = draw(st.permutations(["name", "region", "timezone", *optional]))
    header = [draw(st.sampled_from([column, column.upper(), column.title()])) for column in columns]
    clean = draw(st.booleans())
    rows: list[dict[str, str]] = []
    tags: list[int | None] = []
    for tag in range(draw(st.integers(1, 4))):
        if clean or draw(st.booleans()):
            rows.append(draw(clean_row(columns)))
            tags.append(tag)
        else:
            rows.append(draw(hostile_row(columns)))
            tags.append(None)
            clean = False
    file = AgencyFile(columns, rows, header, bom=draw(st.booleans()), newline=draw(st.sampled_from(["\n", "\r\n"])),
                      clean=clean, tags=tags)  # fmt: skip
    if not clean:
        if draw(st.booleans()):
            file.damage = draw(
                st.sampled_from(["unquoted", "extra-cell", "blank-lines", "latin-1", "nul", "truncated"])
            )
        header_fault = draw(st.sampled_from([None, "missing", "unknown", "repeated", "padded"]))
        if header_fault == "missing":
            file.header = [h for h in file.header if h.lower() != "region"]
            file.columns = [c for c in file.columns if c != "region"]
        elif header_fault == "unknown":
            file.header[-1] = "phone"
        elif header_fault == "repeated":
            file.header[-1] = file.header[0]
        elif header_fault == "padded":
            file.header = [f"  {h} " for h in file.header]
        if draw(st.booleans()):  # the same agency twice in one file
            file.rows.append(dict(rows[0]))
            file.tags.append(tags[0])
    return file


def spreadsheet_export(
    *, damage: str | None = None, repeat: bool = False, name: str | None = None, header: str | None = None
) -> AgencyFile:
    """Two agencies as a spreadsheet program saves them; clean unless something is asked for."""
    columns = ["timezone", "name", "launched", "region", "joined"]
    rows = [
        {"timezone": "America/Chicago", "name": name or 'Harbor Point, Inc. "HP"', "launched": "2025-03-01",
         "region": "East", "joined": ""},
        {"timezone": "UTC", "name": "Mesa Verde Wellness", "launched": "", "region": "West", "joined": "2024-02-29"},
    ]  # fmt: skip
    tags: list[int | None] = [0, 1]
    if repeat:
        rows, tags = [*rows, rows[0]], [*tags, 0]
    spelt = ["TimeZone", "Name", "LAUNCHED", "Region", header or "joined"]
    clean = damage is None and not repeat and name is None and header is None
    return AgencyFile(columns, rows, spelt, bom=True, newline="\r\n", clean=clean, damage=damage, tags=tags)


def one_line(text: str) -> bool:
    """No control character or line break anywhere: text that prints on one line."""
    return not any(unicodedata.category(character) in {"Cc", "Zl", "Zp"} for character in text)


KNOWN_COLUMNS = ("name", "region", "timezone", "launched", "joined", "slug")


def read_back(data: bytes) -> tuple[list[dict[str, str | None]], list[str]]:
    """The agencies a correctly imported file adds, and the columns it sets aside, read with the csv module alone
    (the README's rules: headers compared without case or surrounding space, other columns ignored)."""
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""), strict=True)
    written = list(reader.fieldnames or [])
    reader.fieldnames = [column.strip().lower() for column in written]
    ignored = [column.strip() for column in written if column.strip().lower() not in KNOWN_COLUMNS]
    expected = []
    for row in reader:
        cells = {key: value.strip() for key, value in row.items() if key in KNOWN_COLUMNS}
        launched = cells.get("launched") or None
        joined = cells.get("joined") or (min(TODAY.isoformat(), launched) if launched else TODAY.isoformat())
        expected.append({
            "slug": cells.get("slug") or slugify(cells["name"]), "name": cells["name"], "region": cells["region"],
            "timezone": cells["timezone"], "joined_on": joined, "launched_on": launched,
        })  # fmt: skip
    return expected, ignored


def listed(cli: Cli) -> dict[str, dict[str, Any]]:
    keys = ("slug", "name", "region", "timezone", "joined_on", "launched_on")
    agencies = cli.ok("agency", "list", "--json", "--as-of", TODAY.isoformat()).json()
    return {agency["slug"]: {key: agency[key] for key in keys} for agency in agencies}


def test_an_agency_csv_is_imported_whole_and_exactly_or_refused_in_one_line(cli: Cli, tmp_path: Path) -> None:
    cli.ok("agency", "add", "Existing Agency", "--region", "North", "--timezone", "UTC", "--as-of", TODAY.isoformat())
    known = listed(cli)
    runs = itertools.count()
    timezones = available_timezones()

    @HOSTILE
    @given(agency_files())
    @example(spreadsheet_export()).via("a spreadsheet export: BOM, CRLF, quoted commas, any column order and case")
    @example(spreadsheet_export(damage="nul")).via("a NUL byte")
    @example(spreadsheet_export(repeat=True)).via("the same agency twice")
    @example(spreadsheet_export(name="Line\u2028Break")).via("a line separator in a name")
    @example(spreadsheet_export(header="Phone")).via("an unknown column")
    def imported(file: AgencyFile) -> None:
        data = file.to_bytes(f"n{next(runs)}")
        path = tmp_path / "agencies.csv"
        path.write_bytes(data)
        result = guarded(cli, "import", "agencies", str(path), "--as-of", TODAY.isoformat(), "--json")
        if file.clean:
            assert result.code == 0, (data, result.err)
        if result.code != 0:
            return
        expected, ignored = read_back(data)
        assert result.json() == {
            "imported": len(expected), "slugs": [row["slug"] for row in expected], "ignored_columns": ignored
        }  # fmt: skip
        for row in expected:
            assert row["slug"] not in known, "an agency was imported over one that exists"
            assert row["name"] and row["region"] and one_line(str(row["name"])) and one_line(str(row["region"]))
            assert len(str(row["name"])) <= 200 and row["timezone"] in timezones
            known[str(row["slug"])] = row

    imported()
    # The agency list, read back once (a command costs ~0.1 s): exactly the rows of the files accepted, as written.
    assert listed(cli) == known


# --- fidelity scores files -------------------------------------------------------------------------------------

LAUNCH = date(2026, 1, 15)


@dataclass
class ScoresFile:
    """A scores file as generated, the 25 scores it means, and whether it must be read, refused, or either."""

    name: str
    data: bytes
    intended: dict[int, int]
    verdict: Verdict


# (value as written, verdict, what it means if read): JSON keeps types, CSV turns every value into text.
BAD_SCORES: list[object] = [
    0,
    6,
    -1,
    2**31,
    10**30,
    3.5,
    True,
    False,
    None,
    "",
    "four",
    "４",
    "٣",
    "3.5",
    [4],
    {"a": 4},
]
LENIENT_SCORES: list[tuple[object, int]] = [(3.0, 3), ("3", 3), (" 4 ", 4), ("05", 5)]
BAD_ITEMS = ["0", "26", "-1", "x", "1.5", "", "²", "１", "1e1"]
LENIENT_ITEMS = [("01", 1), (" 2 ", 2), ("003", 3)]


def json_value(value: object) -> str:
    if isinstance(value, float) and value != value:
        return "NaN"
    return json.dumps(value)


@st.composite
def scores_files(draw: st.DrawFn) -> ScoresFile:
    """All 25 items scored 1-5, then (often) one thing made wrong or odd, written as JSON or CSV."""
    intended = {item: draw(st.integers(1, 5)) for item in range(1, 26)}
    pairs: list[tuple[str, object]] = [(str(item), score) for item, score in intended.items()]
    if draw(st.booleans()):
        pairs = draw(st.permutations(pairs))
    form = draw(st.sampled_from(["json", "csv"]))
    verdict: Verdict = "valid"
    fault = draw(st.sampled_from(["none", "none", "drop", "extra", "repeat", "bad-score", "lenient-score",
                                  "lenient-item", "nan"]))  # fmt: skip
    at = draw(st.integers(0, 24))
    if fault == "drop":
        del pairs[at]
        verdict = "invalid"
    elif fault == "extra":
        pairs.append((draw(st.sampled_from(BAD_ITEMS)), 4))
        verdict = "invalid"
    elif fault == "repeat":
        pairs.append((pairs[at][0], draw(st.integers(1, 5))))
        verdict = "invalid"
    elif fault == "bad-score":
        pairs[at] = (pairs[at][0], draw(st.sampled_from(BAD_SCORES)))
        verdict = "invalid"
    elif fault == "lenient-score":
        value, meaning = draw(st.sampled_from(LENIENT_SCORES))
        pairs[at] = (pairs[at][0], value)
        intended[int(pairs[at][0])] = meaning
        verdict = "either"
    elif fault == "lenient-item":
        key, meaning = draw(st.sampled_from(LENIENT_ITEMS))
        pairs = [(key if k == str(meaning) else k, v) for k, v in pairs]
        verdict = "either"
    elif fault == "nan" and form == "json":
        pairs[at] = (pairs[at][0], float("nan"))
        verdict = "invalid"
    if form == "json":
        text = "{" + ", ".join(f"{json.dumps(k)}: {json_value(v)}" for k, v in pairs) + "}"
        name = draw(st.sampled_from(["scores.json", "SCORES.JSON", "scores", "scores.txt"]))
    else:
        out = io.StringIO()
        newline = draw(st.sampled_from(["\n", "\r\n"]))
        writer = csv.writer(out, lineterminator=newline)
        header = draw(st.sampled_from([["item", "score"], ["Item", "Score"], [" item ", " SCORE "]]))
        writer.writerow(header)
        writer.writerows([k, "" if v is None else v] for k, v in pairs)
        text = out.getvalue() + (newline * 2 if draw(st.booleans()) else "")
        name = draw(st.sampled_from(["scores.csv", "Scores.CSV", "scores", "scores.txt"]))
        if header[0] != header[0].strip():
            verdict = "either" if verdict == "valid" else verdict
    if draw(st.booleans()):
        text = "\ufeff" + text
    data = text.encode()
    damage = draw(st.sampled_from([None, None, None, "latin-1", "nul", "truncated", "yaml"]))
    if damage == "latin-1":
        data = text.replace("1", "é").encode("latin-1", "replace")
    elif damage == "nul":
        data = data[:-3] + b"\x00" + data[-3:]
    elif damage == "truncated":
        data = data[: len(data) // 2]
    elif damage == "yaml":  # the same scores as a YAML mapping: not a format scores files take
        data = "".join(f"{k}: {v}\n" for k, v in intended.items()).encode()
        name = draw(st.sampled_from(["scores.yaml", "scores.yml", "scores"]))
    if damage is not None:
        verdict = "invalid"
    elif verdict == "valid" and not name.lower().endswith((".json", ".csv")):
        verdict = "either"  # read by its content, which the README does not promise
    return ScoresFile(name, data, intended, verdict)


ALL_FOURS = dict.fromkeys(range(1, 26), 4)


def scores_json(changed: dict[str, str]) -> bytes:
    """All fours as a JSON object, with some scores written as the raw JSON given."""
    return ("{" + ", ".join(f'"{n}": {changed.get(str(n), "4")}' for n in range(1, 26)) + "}").encode()


def scores_csv(changed: dict[str, str]) -> bytes:
    """All fours as CSV item,score, with some scores written as the text given."""
    return ("item,score\n" + "".join(f"{n},{changed.get(str(n), '4')}\n" for n in range(1, 26))).encode()


def test_a_scores_file_is_read_exactly_or_refused_in_one_line_and_nothing_is_stored(cli: Cli, tmp_path: Path) -> None:
    cli.ok("agency", "add", "Riverbend", "--region", "North", "--timezone", "UTC", "--launched", LAUNCH.isoformat(),
           "--as-of", LAUNCH.isoformat())  # fmt: skip
    visits = (LAUNCH + timedelta(days=day) for day in itertools.count(1))
    runs = itertools.count()
    reviews: dict[str, dict[str, int]] = {}

    @settings(HOSTILE, max_examples=6)  # and the seven explicit examples below
    @given(scores_files())
    @example(ScoresFile("scores.json", scores_json({}), ALL_FOURS, "valid")).via("all fours")
    @example(ScoresFile("scores.json", scores_json({"5": "true"}), ALL_FOURS, "invalid")).via("true is not 1")
    @example(ScoresFile("scores.json", scores_json({"5": str(2**31)}), ALL_FOURS, "invalid")).via("beyond 32 bits")
    @example(ScoresFile("scores.json", scores_json({"5": "3.0"}), ALL_FOURS | {5: 3}, "either")).via("3.0 for 3")
    @example(ScoresFile("scores.json", scores_json({"5": "NaN"}), ALL_FOURS, "invalid")).via("JSON's NaN")
    @example(ScoresFile("scores.csv", scores_csv({"5": "\u0663"}), ALL_FOURS, "invalid")).via("an Arabic-Indic 3")
    @example(ScoresFile("scores.csv", scores_csv({"5": " 3 "}), ALL_FOURS | {5: 3}, "either")).via("blanks around 3")
    def recorded(file: ScoresFile) -> None:
        folder = tmp_path / f"try-{next(runs)}"
        folder.mkdir()
        path = folder / file.name
        path.write_bytes(file.data)
        day = next(visits).isoformat()
        result = guarded(cli, "review", "record", "riverbend", "--date", day, "--scores", str(path),
                         "--as-of", "2027-12-31", "--json")  # fmt: skip
        if file.verdict == "valid":
            assert result.code == 0, (file, result.err)
        if file.verdict == "invalid":
            assert_refused(result)
        if result.code != 0:
            return
        assert result.json()["total"] == sum(file.intended.values())
        reviews[day] = {str(item): score for item, score in file.intended.items()}

    recorded()
    # Each review's 25 scores, read back once (a command costs ~0.1 s): as the file meant them, total and all.
    stored = cli.ok("review", "list", "riverbend", "--json").json()
    assert {review["date"]: review["items"] for review in stored} == reviews
    assert all(review["total"] == sum(review["items"].values()) for review in stored)
