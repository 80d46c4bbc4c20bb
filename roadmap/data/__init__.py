"""The roadmap's data files, read and validated on load."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from roadmap.domain.definition import Roadmap
from roadmap.domain.errors import InvalidInput


def load_roadmap(path: Path | None = None) -> Roadmap:
    """The packaged roadmap, or a state's own file at `path`; a malformed file raises InvalidInput."""
    name = str(path) if path else "the packaged roadmap.yaml"
    try:
        text = (
            path.read_text(encoding="utf-8")
            if path
            else (resources.files(__name__).joinpath("roadmap.yaml").read_text(encoding="utf-8"))
        )
        raw = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise InvalidInput(f"cannot read roadmap file {name}: {str(error).splitlines()[0]}") from None
    try:
        return Roadmap.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InvalidInput(
            f"roadmap file {name} is invalid at {where or 'top level'}: {first['msg']}"
        ) from None
