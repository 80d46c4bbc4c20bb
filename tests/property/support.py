"""What every hostile-input property shares: the refusal contract, its examples budget, and hostile values."""

from __future__ import annotations

import re
from datetime import date, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.conftest import Cli, Result, snapshot

# These examples run real commands on a real database (~0.1 s each): few of them, the same ones on every run.
# Each test defines its @given function inside itself, over its fixtures (as tests/integration/test_backup.py
# does): one database per test and backend, shared by its examples, which is why refusals are checked against a
# snapshot taken just before each command.
HOSTILE = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)


def assert_refused(result: Result, *fragments: str) -> None:
    """Exit 2 with exactly one line on stderr, no traceback, nothing on stdout; the line holds each fragment."""
    assert result.code == 2, f"exit {result.code}: {result.err!r}"
    assert result.err.startswith("ips-roadmap: error: ") and result.err.count("\n") == 1, result.err
    assert result.err.endswith("\n") and "Traceback" not in result.err, result.err
    assert result.out == "", result.out
    for fragment in fragments:  # the CLI prints a message with its runs of whitespace made single spaces
        assert " ".join(fragment.split()) in result.err, (fragment, result.err)


def guarded(cli: Cli, *args: str) -> Result:
    """Run one command; when it is refused, it must be refused cleanly and leave every table as it was."""
    before = snapshot(cli.url)
    result = cli(*args)
    if result.code != 0:
        assert_refused(result)
        assert snapshot(cli.url) == before, f"{args} was refused but wrote to the database"
    return result


def expected_date(text: str) -> date | str:
    """What the README promises: YYYY-MM-DD in ASCII digits, a real day, years 1900-2999 (surrounding blanks aside).

    The day meant, or what the refusal must say is wrong with the text.
    """
    value = text.strip()
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return "is not a date in the form YYYY-MM-DD"
    try:
        day = date(int(value[:4]), int(value[5:7]), int(value[8:]))
    except ValueError:
        return "is not a real calendar date"
    return day if EARLIEST <= day <= LATEST else "is outside the supported years 1900-2999"


_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_ARABIC_INDIC = str.maketrans("0123456789", "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669")
# How a real day gets typed: as-is (most often), or made into a near miss of YYYY-MM-DD.
_SPELLINGS = ["{}"] * 8 + ["  {}", "{}\n", "\t{} ", "{}\x00", "{}T00:00", "+{}", "{}Z", "{} 00:00"]
_FAULTS = ["day 31", "day 00", "month 13", "month 00", "year 0000", "year 1899", "year 3000", "february 29",
           "huge year", "no dashes", "slashes", "one-digit month", "fullwidth", "arabic-indic"]  # fmt: skip


def _misspelt(day: date, fault: str) -> str:
    text = day.isoformat()
    year, month, rest = text[:4], text[5:7], text[8:]
    return {
        "day 31": f"{year}-{month}-31" if month in ("02", "04", "06", "09", "11") else f"{year}-{month}-32",
        "day 00": f"{year}-{month}-00",
        "month 13": f"{year}-13-{rest}",
        "month 00": f"{year}-00-{rest}",
        "year 0000": f"0000-{month}-{rest}",
        "year 1899": f"1899-{month}-{rest}",
        "year 3000": f"3000-{month}-{rest}",
        "february 29": f"{year}-02-29",  # a real day in leap years only
        "huge year": f"{year}{'0' * 20}-{month}-{rest}",
        "no dashes": text.replace("-", ""),
        "slashes": text.replace("-", "/"),
        "one-digit month": f"{year}-{int(month)}-{rest}",
        "fullwidth": text.translate(_FULLWIDTH),
        "arabic-indic": text.translate(_ARABIC_INDIC),
    }[fault]


def days() -> st.SearchStrategy[date]:
    """Any supported day, the simplest being one when every agency in these tests has launched."""
    middle = date(2026, 6, 1)
    return st.integers((EARLIEST - middle).days, (LATEST - middle).days).map(lambda n: middle + timedelta(days=n))


def date_texts() -> st.SearchStrategy[str]:
    """Dates as users type them, and near misses: impossible days, other forms, blanks, other digits, any text."""
    spelt = st.builds(str.format, st.sampled_from(_SPELLINGS), days())
    misspelt = st.builds(_misspelt, days(), st.sampled_from(_FAULTS))
    return st.one_of(spelt, misspelt, st.text(max_size=12))


# Text a hostile spreadsheet or file might hold: quotes, separators, control characters, other scripts, markup.
NASTY_CHARACTERS = "\",;'\\\t\r\n\x00\x0b\x1f\x7f\x85\u00e9\u0130\u2028\u2029\u200b\u202e\ufeff\U0001f600<>&{}%#"
nasty_text = st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(NASTY_CHARACTERS), max_size=30)
