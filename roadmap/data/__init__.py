"""The product's data files — roadmap, fidelity scale, reminder rules, routines, visits — read and validated on load."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from roadmap.domain.definition import STAGE_KEYS, Roadmap
from roadmap.domain.errors import InvalidInput
from roadmap.domain.fidelity import FidelityScale
from roadmap.domain.reminder_rules import ReminderRule, ReminderRules
from roadmap.domain.routine import Routines
from roadmap.domain.visit import VisitPolicy

Model = TypeVar("Model", bound=BaseModel)
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_roadmap(path: Path | None = None, routines: Path | None = None) -> Roadmap:
    """The packaged roadmap and routines, or a state's own files; a malformed file raises InvalidInput."""
    roadmap = _load(Roadmap, "roadmap", "roadmap.yaml", path)
    recurring = load_routines(routines)
    try:
        recurring.check_stages(STAGE_KEYS)
    except ValueError as error:
        raise InvalidInput(f"routines file {routines or 'routines.yaml'} is invalid: {error}") from None
    return roadmap.model_copy(update={"routines": recurring})


def load_fidelity_scale(path: Path | None = None) -> FidelityScale:
    """The packaged 25-item fidelity scale, or a state's own wording at `path`."""
    return _load(FidelityScale, "fidelity scale", "fidelity.yaml", path)


def load_reminder_rules(path: Path | None = None) -> ReminderRules:
    """The packaged reminder rules, or a state's own file at `path`."""
    rules = _load(ReminderRules, "reminder rules", "reminder_rules.yaml", path)
    # The default must keep the bounds a kind's override has (days 0..365): ResolvedRule itself has none, and a
    # default of 10**20 days would only fail later, as an OverflowError in the first sweep.
    try:
        ReminderRule.model_validate(rules.default.model_dump())
    except ValidationError as error:
        name = _name(path, "reminder_rules.yaml")
        raise InvalidInput(_invalid("reminder rules", name, error, prefix="default.")) from None
    return rules


def load_routines(path: Path | None = None) -> Routines:
    """The packaged routines (meetings, trainer visits, quarterly reports), or a state's own file at `path`."""
    return _load(Routines, "routines", "routines.yaml", path)


def load_visit_policy(routines: Routines, path: Path | None = None) -> VisitPolicy:
    """The packaged visit needs, or a state's own file at `path`; every purpose must be a routine or the review."""
    policy = _load(VisitPolicy, "visits", "visits.yaml", path)
    try:
        policy.check_purposes(tuple(routine.key for routine in routines.routines))
    except ValueError as error:
        raise InvalidInput(f"visits file {path or 'visits.yaml'} is invalid: {error}") from None
    return policy


def _load(model: type[Model], what: str, packaged: str, path: Path | None) -> Model:
    name = _name(path, packaged)
    try:
        if path:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        else:
            # The packaged files are ours and read at every start: libyaml's parser, ten times faster, when the
            # machine has it. A state's own file keeps the pure-Python one, whose nesting limit and messages the
            # refusals above rely on.
            raw = yaml.load(resources.files(__name__).joinpath(packaged).read_text(), Loader=_FAST_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise InvalidInput(f"cannot read {what} file {name}: {str(error).splitlines()[0]}") from None
    except RecursionError:  # PyYAML composes nested [[[...]]] recursively
        raise InvalidInput(f"cannot read {what} file {name}: it is nested too deeply") from None
    except ValueError as error:  # an unquoted 2026-02-30, or an integer of more than 4300 digits
        detail = str(error).split(";")[0]  # not int()'s advice to call sys.set_int_max_str_digits()
        raise InvalidInput(f"cannot read {what} file {name}: a value cannot be read ({detail})") from None
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        raise InvalidInput(_invalid(what, name, error)) from None
    except RecursionError:
        raise InvalidInput(f"{what} file {name} is nested too deeply") from None


def _name(path: Path | None, packaged: str) -> str:
    return str(path) if path else f"the packaged {packaged}"


def _invalid(what: str, name: str, error: ValidationError, prefix: str = "") -> str:
    """'<what> file <name> is invalid at <where>: <the first problem>'."""
    first = error.errors()[0]
    where = prefix + ".".join(str(part) for part in first["loc"])
    return f"{what} file {name} is invalid at {where or 'top level'}: {first['msg'].removeprefix('Value error, ')}"
