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
from roadmap.domain.reminder_rules import ReminderRules
from roadmap.domain.routine import Routines
from roadmap.domain.visit import VisitPolicy

Model = TypeVar("Model", bound=BaseModel)


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
    return _load(ReminderRules, "reminder rules", "reminder_rules.yaml", path)


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
    name = str(path) if path else f"the packaged {packaged}"
    try:
        text = path.read_text(encoding="utf-8") if path else resources.files(__name__).joinpath(packaged).read_text()
        raw = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise InvalidInput(f"cannot read {what} file {name}: {str(error).splitlines()[0]}") from None
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InvalidInput(
            f"{what} file {name} is invalid at {where or 'top level'}: {first['msg'].removeprefix('Value error, ')}"
        ) from None
