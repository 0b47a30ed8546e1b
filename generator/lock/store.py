"""Read and write catalogue.lock: JSON, sorted, written atomically, validated on read."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from generator.catalogue.load import format_location
from generator.errors import InvalidInputError, Problem
from generator.files import write_text_atomic
from generator.records import LOCK_FORMAT, Lock


def read_lock(path: Path) -> Lock:
    """The lock at `path`, or an empty lock when there is none yet.

    Raises:
        InvalidInputError: the file is not valid JSON or not a lock of this format.
    """
    if not path.exists():
        return Lock()
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        fix = "fix it, or delete it and run `python -m generator lock` to rebuild it"
        raise InvalidInputError([Problem(str(path), error.lineno, "", f"invalid JSON ({error.msg}); {fix}")]) from None
    if isinstance(data, dict) and data.get("format") != LOCK_FORMAT:
        message = f"lock format {data.get('format')!r} is not {LOCK_FORMAT}; rebuild it with `python -m generator lock`"
        raise InvalidInputError([Problem(str(path), 1, "format", message)])
    try:
        return Lock.model_validate(data)
    except ValidationError as error:
        problems = [Problem(str(path), None, format_location(e["loc"]), e["msg"]) for e in error.errors()]
        raise InvalidInputError(problems) from None


def lock_text(lock: Lock) -> str:
    """The lock as committed: stable key order and indentation, so diffs show only real changes."""
    data = lock.model_dump(mode="json", exclude_defaults=False)
    data["entries"] = dict(sorted(data["entries"].items()))
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_lock(path: Path, lock: Lock) -> bool:
    """Write the lock atomically; returns False (and writes nothing) when the content is unchanged."""
    text = lock_text(lock)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    write_text_atomic(path, text)
    return True
