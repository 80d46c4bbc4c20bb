"""`outcomes record`: counts stored exactly as typed, or refused in one line with nothing stored."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from hypothesis import example, given, settings
from hypothesis import strategies as st

from roadmap.domain.outcome import MAX_COUNT
from tests.conftest import Cli
from tests.property.support import HOSTILE, assert_refused, guarded

TODAY = "2026-11-23"
OPTIONAL = ("--job-starts", "--in-school", "--working-90-days", "--jobs-ended-before-90-days")
# Quarters that ended after the launch (2020-01-15) and before TODAY: each may be recorded once.
OPEN_QUARTERS = [f"{year}Q{quarter}" for year in range(2020, 2027) for quarter in range(1, 5)][:27]


@dataclass(frozen=True)
class Typed:
    """A value as typed, and what it means: a number, None when it must be refused, or a lenient reading."""

    text: str
    meaning: float | None
    lenient: bool = False


def read_number(text: str) -> Typed:
    """Plain digits mean their number; what Python's float() reads otherwise may be read (the same way) or refused."""
    if re.fullmatch(r"[0-9]+(\.[0-9]+)?", text):
        return Typed(text, float(text))
    try:
        number = float(text)  # " 5", "+5", "1_0", "٥", "5.0", "1e3", "nan"
    except ValueError:
        return Typed(text, None)
    return Typed(text, number, lenient=True) if math.isfinite(number) else Typed(text, None)


HOSTILE_COUNTS = [
    "-1",
    "-0",
    "100001",
    str(2**31),
    str(2**63),
    "1" + "0" * 30,
    "-" + str(2**31),
    "",
    "ten",
    "NaN",
    "--json",
    "½",
    "7,000",
    " 7",
    "7 ",
    "+7",
    "1_0",
    "07",
    "7.0",
    "7.5",
    "1e3",
    "0x10",
    "٥",
    "５",
    "7\x00",
]
HOSTILE_HOURS = ["80.01", "-1", "-0.0", "nan", "inf", "-inf", "1e308", "1e-400", "", "ten", "22,5", " 22.5"]
HOSTILE_QUARTERS = ["2026Q4", "2027Q1", "2019Q4", "2026Q5", "2026Q0", "1899Q4", "99999Q1", "Q3", "2026Q3\x00", "2026-Q3",
                    "2026q2", " 2026Q1", "２０２５Q4", "٢٠٢٥Q3"]  # fmt: skip


@st.composite
def outcome_reports(draw: st.DrawFn) -> tuple[int | str, dict[str, str]]:
    """A quarter and counts that agree with each other, often with one of them made hostile or contradictory.

    The quarter is a number when it is one still open (the test picks which: they are used up as they are recorded),
    or the text typed; "repeat" asks for one already recorded.
    """
    served = draw(st.integers(0, 60))
    working = draw(st.integers(0, served))
    typed = {"--served": served, "--working": working}
    for option in draw(st.lists(st.sampled_from(OPTIONAL), unique=True, max_size=4)):
        typed[option] = draw(st.integers(0, served if option == "--in-school" else working))
    texts = {option: str(value) for option, value in typed.items()}
    if working and draw(st.booleans()):
        texts["--avg-hours"] = f"{draw(st.floats(0, 80)):.2f}"
    quarter: int | str = draw(st.integers(0, len(OPEN_QUARTERS) - 1))
    # sampled_from favours its first and last elements: both are "no fault", so that most reports are recorded.
    fault = draw(st.sampled_from(["none", "count", "contradiction", "none", "quarter", "hours", "repeat", "none"]))
    if fault == "count":
        texts[draw(st.sampled_from(sorted(texts)))] = draw(st.sampled_from(HOSTILE_COUNTS))
    elif fault == "contradiction":  # more working than served, more in school, nobody working for some hours...
        texts[draw(st.sampled_from(["--working", "--in-school", "--working-90-days"]))] = str(served + working + 1)
        if draw(st.booleans()):
            texts |= {"--working": "0", "--avg-hours": "10"}
    elif fault == "quarter":
        quarter = draw(st.sampled_from(HOSTILE_QUARTERS))
    elif fault == "hours":
        texts["--avg-hours"] = draw(st.sampled_from(HOSTILE_HOURS))
    elif fault == "repeat":
        quarter = "repeat"
    return quarter, texts


def quarter_label(text: str) -> tuple[str | None, bool]:
    """The quarter meant, and whether the spelling is the documented one (2026Q4)."""
    if text in OPEN_QUARTERS:
        return text, False
    folded = text.strip().upper()
    if re.fullmatch(r"\d{4}Q[1-4]", folded):
        label = f"{int(folded[:4])}Q{folded[5]}"
        return (label if label in OPEN_QUARTERS else None), True
    return None, False


def consistent(values: dict[str, float | None]) -> bool:
    """What the README allows: whole counts 0..MAX_COUNT that do not contradict each other, 0-80 hours a week."""
    if any(value is None for value in values.values()):
        return False
    number = {option: value for option, value in values.items() if value is not None}
    hours = number.pop("--avg-hours", None)
    if any(not (0 <= value <= MAX_COUNT and value == int(value)) for value in number.values()):
        return False
    if hours is not None and not (0 <= hours <= 80 and (hours == 0 or number["--working"] > 0)):
        return False  # also NaN, which no comparison holds for
    return (
        number["--working"] <= number["--served"]
        and number.get("--in-school", 0) <= number["--served"]
        and number.get("--working-90-days", 0) <= number["--working"]
    )


def test_outcome_counts_are_stored_exactly_or_refused_in_one_line(cli: Cli) -> None:
    cli.ok("agency", "add", "River", "--region", "North", "--timezone", "UTC", "--launched", "2020-01-15",
           "--as-of", "2020-01-15")  # fmt: skip
    recorded: dict[str, dict[str, object]] = {}

    @settings(HOSTILE, max_examples=6)  # and the twelve explicit examples below
    @given(outcome_reports())
    # Each way the README says a report is refused, and the odd spellings, whatever the generated ones favour.
    @example((0, {"--served": "10", "--working": "-1"})).via("a negative count")
    @example((0, {"--served": str(2**31), "--working": "1"})).via("above a 32-bit column")
    @example((0, {"--served": "1" + "0" * 30, "--working": "1"})).via("a 31-digit count")
    @example((0, {"--served": "ten", "--working": "1"})).via("not a number")
    @example((0, {"--served": "10", "--working": "٥"})).via("Arabic-Indic digits")
    @example((0, {"--served": " 10", "--working": "+5", "--job-starts": "1_0"})).via("odd but readable numbers")
    @example((0, {"--served": "10", "--working": "11"})).via("more working than served")
    @example((0, {"--served": "10", "--working": "0", "--avg-hours": "10"})).via("hours when nobody works")
    @example((0, {"--served": "10", "--working": "5", "--avg-hours": "nan"})).via("hours that are not a number")
    @example(("2026Q4", {"--served": "10", "--working": "5"})).via("a quarter not yet ended")
    @example(("２０２５Q4", {"--served": "10", "--working": "5"})).via("a quarter in fullwidth digits")
    @example(("repeat", {"--served": "10", "--working": "5"})).via("a quarter already recorded")
    def typed(report: tuple[int | str, dict[str, str]]) -> None:
        choice, texts = report
        still_open = [label for label in OPEN_QUARTERS if label not in recorded] or OPEN_QUARTERS
        if isinstance(choice, int):
            quarter = still_open[choice % len(still_open)]
        else:
            quarter = min(recorded, default=OPEN_QUARTERS[0]) if choice == "repeat" else choice
        given_values = {option: read_number(text) for option, text in texts.items()}
        args = [arg for option_text in texts.items() for arg in option_text]
        result = guarded(cli, "outcomes", "record", "river", "--quarter", quarter, *args, "--as-of", TODAY, "--json")
        label, lenient_quarter = quarter_label(quarter)
        values = {option: value.meaning for option, value in given_values.items()}
        lenient = lenient_quarter or any(value.lenient for value in given_values.values())
        refused = label is None or label in recorded or not consistent(values)
        if refused and not lenient:
            return assert_refused(result)
        if not refused and not lenient:
            assert result.code == 0, (quarter, args, result.err)
        if result.code != 0:
            return None
        row = result.json()
        assert label is not None and label not in recorded and row["quarter"] == label
        for option, meaning in values.items():
            assert row[option.removeprefix("--").replace("-", "_")] == meaning, (option, row)
        rate = round(100 * row["working"] / row["served"], 1) if row["served"] else None
        assert row["employment_rate"] == rate
        recorded[label] = {key: value for key, value in row.items() if key != "report_recorded"}
        return None

    typed()
    # What was stored, read back once (a command costs ~0.1 s): exactly the reports accepted, as printed.
    assert {each["quarter"]: each for each in cli.ok("outcomes", "list", "river", "--json").json()} == recorded
