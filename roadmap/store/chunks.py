"""Long lists of keys cut into statements of a safe size."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

# Values per statement: well inside every backend's limit on bound parameters.
CHUNK = 2000

T = TypeVar("T")


def chunks(values: Sequence[T]) -> Iterable[Sequence[T]]:
    """`values` in consecutive runs of at most CHUNK."""
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]
