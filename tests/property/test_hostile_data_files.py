"""The YAML files a state's settings point at (roadmap, routines, visits, fidelity scale, reminder rules).

Whatever a file holds, every command either runs with exactly what the file says or refuses in one line naming
the file. They are read before the database is opened, so these examples run on SQLite only.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from roadmap.data import load_fidelity_scale, load_reminder_rules, load_roadmap, load_routines, load_visit_policy
from roadmap.domain.errors import InvalidInput
from tests.conftest import Cli
from tests.property.support import HOSTILE, assert_refused, guarded

DATA = Path(__file__).parents[2] / "roadmap" / "data"
Where = tuple[str | int, ...]
Verdict = Literal["valid", "invalid", "either"]  # either: refusing is fine; reading it wrong is not


@dataclass(frozen=True)
class DataFile:
    """One setting that points at a YAML file, its packaged original, and how the product reads it."""

    setting: str
    packaged: str
    load: Callable[[Path], BaseModel]


FILES = {
    "roadmap": DataFile("IPS_ROADMAP_ROADMAP_FILE", "roadmap.yaml", load_roadmap),
    # Routines and visits are checked against the roadmap's stages and routines, as the commands load them.
    "routines": DataFile("IPS_ROADMAP_ROUTINES_FILE", "routines.yaml", lambda path: load_roadmap(None, path).routines),
    "visits": DataFile("IPS_ROADMAP_VISITS_FILE", "visits.yaml", lambda path: load_visit_policy(load_routines(), path)),
    "fidelity": DataFile("IPS_ROADMAP_FIDELITY_SCALE_FILE", "fidelity.yaml", load_fidelity_scale),
    "reminder rules": DataFile("IPS_ROADMAP_REMINDER_RULES_FILE", "reminder_rules.yaml", load_reminder_rules),
}
# Wording a state may change freely; any other string is a key, a reference or a code with rules of its own.
WORDING = {"title", "text", "summary", "name", "criterion", "suggested_step", "audience", "tools"}
# Left out of the leaf-by-leaf check: a time 09:00 is read back as 09:00:00, and "version" has a change of its own.
NOT_LEAVES = {"day_starts", "day_ends", "version"}
BOMB = "bomb: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"b{n}: &{chr(98 + n)} [{', '.join([f'*{chr(97 + n)}'] * 9)}]\n" for n in range(6)
)  # 9**7 strings if anything walked it


@cache
def packaged(name: str) -> Any:
    return yaml.safe_load((DATA / name).read_text())


def leaves(tree: Any, path: Where = ()) -> list[tuple[Where, Any]]:
    """Every scalar in a parsed file, with its path of keys and indexes."""
    if isinstance(tree, dict):
        return [leaf for key, value in tree.items() if key not in NOT_LEAVES for leaf in leaves(value, (*path, key))]
    if isinstance(tree, list):
        return [leaf for index, value in enumerate(tree) for leaf in leaves(value, (*path, index))]
    return [(path, tree)]


def mappings(tree: Any, path: Where = ()) -> list[Where]:
    if isinstance(tree, dict):
        return [path, *(inner for key, value in tree.items() for inner in mappings(value, (*path, key)))]
    if isinstance(tree, list):
        return [inner for index, value in enumerate(tree) for inner in mappings(value, (*path, index))]
    return []


def at(tree: Any, path: Where) -> Any:
    for part in path:
        tree = tree[part]
    return tree


def put(tree: Any, path: Where, value: Any) -> None:
    at(tree, path[:-1])[path[-1]] = value


def is_wording(path: Where) -> bool:
    return any(part in WORDING for part in path if isinstance(part, str))


HOSTILE_VALUES: list[object] = [-1, 0, 10**6, 2**31, 2**63, 10**30, 1.5, True, None, "", "seven", [], {}, [[1]],
                                "{{ 7*7 }}", "x" * 400, "line\nbreak", "\x00", "\u202e", -0.0]  # fmt: skip
clean_wording = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ABCDEFGHIJ,.'()-éñ0123456789", min_size=1, max_size=40)


@dataclass(frozen=True)
class Edited:
    """A data file as written: its text (or bytes), which leaf was changed to what, and the verdict expected."""

    kind: str
    data: bytes
    verdict: Verdict
    path: Where | None = None
    value: object = None


@st.composite
def edited_files(draw: st.DrawFn) -> Edited:
    kind = draw(st.sampled_from(sorted(FILES)))
    raw = copy.deepcopy(packaged(FILES[kind].packaged))
    change = draw(st.sampled_from(["wording", "value", "unknown key", "drop key", "version", "deep", "bomb",
                                   "syntax", "encoding", "long number", "bad date", "python tag", "wording"]))  # fmt: skip
    path: Where | None = None
    value: object = None
    verdict: Verdict = "invalid"
    wording = [leaf for leaf, _ in leaves(raw) if is_wording(leaf)]
    if change == "wording" and wording:  # visits and reminder rules have none
        path = draw(st.sampled_from(wording))
        value = draw(clean_wording.filter(lambda text: text.strip() != ""))
        put(raw, path, value)
        verdict = "valid"
    elif change in ("value", "wording"):  # anything anywhere: a wrong type, out of range, text where a key belongs
        path = draw(st.sampled_from([leaf for leaf, _ in leaves(raw)]))
        value = draw(st.sampled_from(HOSTILE_VALUES))
        put(raw, path, value)
        verdict = "either"
    elif change == "unknown key":
        at(raw, draw(st.sampled_from(mappings(raw))))["colour"] = "red"
    elif change == "drop key":  # optional keys may go; required ones may not
        where = draw(st.sampled_from([m for m in mappings(raw) if at(raw, m)]))
        del at(raw, where)[draw(st.sampled_from(sorted(at(raw, where))))]
        verdict = "either"
    elif change == "version":
        raw["version"] = draw(st.sampled_from([2, 0, "1", None]))
    text = yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)
    data = text.encode()
    if change == "deep":  # deeper than PyYAML's recursive composer can go
        data = (text + "deep: " + "[" * 1000 + "]" * 1000 + "\n").encode()
    elif change == "bomb":
        data = (text + BOMB).encode()
    elif change == "syntax":
        data = (text + draw(st.sampled_from(["\n\t- tab: indented\n", "x: [unclosed\n", ": :\n", "- \x07\n"]))).encode()
    elif change == "encoding":
        data = text.replace("e", "é", 1).encode("latin-1", "replace") if draw(st.booleans()) else data + b"\x00"
    elif change == "long number":
        data = (text + "long: " + "9" * 5000 + "\n").encode()
    elif change == "bad date":
        data = (text + "when: 2026-02-30\n").encode()
    elif change == "python tag":
        data = (text + "run: !!python/object/apply:os.system ['id']\n").encode()
    return Edited(kind, data, verdict, path, value)


def same(loaded: Any, written: Any) -> bool:
    """A value as the product read it is the one written (wording without its surrounding blanks)."""
    if isinstance(written, str) and isinstance(loaded, str):
        return loaded == written.strip()
    if isinstance(written, dict) and isinstance(loaded, dict):
        return all(key in loaded and same(loaded[key], value) for key, value in written.items())
    if isinstance(written, list) and isinstance(loaded, list):
        return len(written) == len(loaded) and all(map(same, loaded, written))
    return bool(loaded == written)


@pytest.fixture
def sqlite_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    """The data files are read before any database is opened: one backend is enough."""
    cli = Cli(f"sqlite:///{tmp_path / 'roadmap.db'}", capsys)
    cli.ok("init")
    cli.ok("agency", "add", "Riverbend", "--region", "North", "--timezone", "UTC", "--as-of", "2026-01-01")
    return cli


def test_a_data_file_is_read_exactly_or_refused_in_one_line_naming_it(
    sqlite_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    packaged_stages = sqlite_cli.ok("stages", "--json").json()

    @settings(HOSTILE, max_examples=15)  # one command each, on one backend: cheap
    @given(edited_files())
    @example(
        Edited(
            "reminder rules",
            b"version: 1\ndefault: {before_days: [99999999999999999999], overdue_days: 1,"
            b" escalate_days: 1, recipients: [], escalate_to: []}\n",
            "invalid",
        )
    ).via("a default of 10**20 days")
    @example(Edited("routines", b"[" * 1000 + b"]" * 1000, "invalid")).via("nesting PyYAML cannot compose")
    @example(Edited("visits", b"version: 1\nneeds: []\nholidays: 2026-02-30\n", "invalid")).via("an impossible date")
    @example(Edited("fidelity", b"version: 1\n" + BOMB.encode(), "invalid")).via("a small alias bomb")
    def read(file: Edited) -> None:
        setting = FILES[file.kind]
        path = tmp_path / f"state-{setting.packaged}"
        path.write_bytes(file.data)
        for other in FILES.values():
            monkeypatch.delenv(other.setting, raising=False)
        monkeypatch.setenv(setting.setting, str(path))
        result = guarded(sqlite_cli, "stages", "--json")
        try:
            model = setting.load(path)
        except InvalidInput:
            model = None
        assert (result.code == 0) is (model is not None), "the command and the loader disagree"
        if file.verdict == "valid":
            assert result.code == 0, result.err
        if result.code != 0:
            assert_refused(result, str(path))
            return
        assert model is not None and file.verdict != "invalid", f"accepted {file.data[:200]!r}"
        if file.path is not None:
            assert same(at(model.model_dump(mode="json"), file.path), file.value), (file.path, file.value)
        shown = result.json()
        if file.kind == "roadmap":  # what `stages` prints is the state's file, stage by stage
            stages = model.model_dump(mode="json")["stages"]
            assert shown == [{key: stage[key] for key in printed} for stage, printed in zip(stages, shown, strict=True)]
        else:
            assert shown == packaged_stages

    read()
