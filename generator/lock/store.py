"""Read and write catalogue.lock and shard files: JSON, sorted, written atomically, validated on read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from generator.catalogue.load import format_location
from generator.errors import InvalidInputError, Problem
from generator.files import write_text_atomic
from generator.lock.records import LOCK_FORMAT, Lock, ShardLock

Model = TypeVar("Model", Lock, ShardLock)
# Levels of the lock written one item per line: the file, its tables, an entry, an entry's lists.
EXPANDED_DEPTH = 3


def read_lock(path: Path) -> Lock:
    """The lock at `path`, or an empty lock when there is none yet.

    Raises:
        InvalidInputError: the file is not valid JSON or not a lock of this format.
    """
    if not path.exists():
        return Lock()
    return _read(path, Lock, "fix it, or delete it and run `python -m generator lock` to rebuild it")


def read_shard(path: Path) -> ShardLock:
    """The shard file at `path` (written by `lock --shard I/N --output PATH`).

    Raises:
        InvalidInputError: the file is missing, not valid JSON, or not a shard file of this format.
    """
    if not path.is_file():
        raise InvalidInputError([Problem(str(path), None, "", "file not found")])
    return _read(path, ShardLock, "write it again with `python -m generator lock --shard I/N --output PATH`")


def _read(path: Path, model: type[Model], fix: str) -> Model:
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInputError([Problem(str(path), error.lineno, "", f"invalid JSON ({error.msg}); {fix}")]) from None
    if isinstance(data, dict) and data.get("format") != LOCK_FORMAT:
        message = f"lock format {data.get('format')!r} is not {LOCK_FORMAT}; {fix}"
        raise InvalidInputError([Problem(str(path), 1, "format", message)])
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems = [Problem(str(path), None, format_location(e["loc"]), e["msg"]) for e in error.errors()]
        raise InvalidInputError(problems) from None


def lock_text(lock: Lock | ShardLock) -> str:
    """The lock as committed: stable key order and indentation, so diffs show only real changes.

    Fields at their default (empty, None, False) are left out, which halves the file; reading fills them in.
    """
    data = {"format": lock.format, **lock.model_dump(mode="json", exclude_defaults=True)}
    data["entries"] = dict(sorted(data.get("entries", {}).items()))
    return _formatted(data, 0) + "\n"


def _formatted(value: Any, depth: int) -> str:
    """JSON with one line per field down to an entry's fields, then one line per entrypoint or package:
    a diff shows which entrypoint changed, and the file stays short enough to read."""
    if depth > EXPANDED_DEPTH or not isinstance(value, dict | list) or not value:
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    inner = "  " * (depth + 1)
    if isinstance(value, list):
        items = [inner + _formatted(item, depth + 1) for item in value]
        return "[\n" + ",\n".join(items) + "\n" + "  " * depth + "]"
    fields = [f"{inner}{json.dumps(key)}: {_formatted(value[key], depth + 1)}" for key in sorted(value)]
    return "{\n" + ",\n".join(fields) + "\n" + "  " * depth + "}"


def write_lock(path: Path, lock: Lock | ShardLock) -> bool:
    """Write the lock (or shard file) atomically; returns False (and writes nothing) when it is unchanged."""
    text = lock_text(lock)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    write_text_atomic(path, text)
    return True
