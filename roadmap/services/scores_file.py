"""Reading a review's scores file: JSON {"1": 5, ...} or CSV with header item,score."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from roadmap.domain.errors import InvalidInput
from roadmap.domain.fidelity import validate_scores


def read_scores_file(path: Path) -> dict[int, int]:
    """The 25 validated scores in a file, or InvalidInput naming the file's problem."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InvalidInput(f"cannot read scores file {path}: {error.strerror}") from None
    return parse_scores(path.name, data)


def parse_scores(name: str, data: bytes) -> dict[int, int]:
    """Parse JSON (by extension, or content starting with '{') or CSV; validate all 25 items."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"scores file {name} is not UTF-8 text") from None
    if name.lower().endswith(".json") or text.lstrip().startswith("{"):
        return validate_scores(_json_pairs(name, text))
    if name.lower().endswith(".csv") or text.lstrip().lower().startswith("item"):
        return validate_scores(_csv_pairs(name, text))
    raise InvalidInput(f"scores file {name} must be JSON (.json) or CSV (.csv) with header item,score")


def _json_pairs(name: str, text: str) -> list[tuple[object, object]]:
    documents: list[list[tuple[str, object]]] = []

    def keep_pairs(pairs: list[tuple[str, object]]) -> dict[str, object]:
        documents.append(pairs)  # every object's pairs, so a repeated item is seen before dict() collapses it
        return dict(pairs)

    try:
        parsed = json.loads(text, object_pairs_hook=keep_pairs)
    except json.JSONDecodeError as error:
        raise InvalidInput(f"scores file {name} is not valid JSON: {error.msg} at line {error.lineno}") from None
    except RecursionError:
        raise InvalidInput(f"scores file {name} is nested too deeply") from None
    except ValueError:  # e.g. a number with thousands of digits
        raise InvalidInput(f"scores file {name} holds a number too long to be a score") from None
    if not isinstance(parsed, dict):
        raise InvalidInput(f"scores file {name} must hold one JSON object mapping item number to score")
    if any(isinstance(value, dict | list) for value in parsed.values()):
        raise InvalidInput(f"scores file {name}: each score must be a whole number from 1 to 5")
    return list(documents[-1])


def _csv_pairs(name: str, text: str) -> list[tuple[object, object]]:
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:
        raise InvalidInput(f"scores file {name} is not valid CSV: {error}") from None
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows or [cell.strip().lower() for cell in rows[0]] != ["item", "score"]:
        raise InvalidInput(f"scores file {name} needs the CSV header item,score")
    pairs: list[tuple[object, object]] = []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != 2:
            raise InvalidInput(f"scores file {name} row {number}: expected 2 values (item,score), got {len(row)}")
        pairs.append((row[0].strip(), row[1].strip()))
    return pairs
