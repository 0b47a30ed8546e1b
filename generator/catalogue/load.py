"""Read catalogue.yaml into typed models, reporting every problem with file, line and field."""

from __future__ import annotations

import difflib
from collections import Counter
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from generator.catalogue.model import (
    Catalogue,
    Category,
    Entry,
    Paper,
    Result,
    Smoke,
    SmokeInput,
    SmokeOverride,
)
from generator.catalogue.quick import quick_read
from generator.catalogue.repos import non_ascii_note
from generator.errors import InvalidInputError, Problem

Location = tuple[str | int, ...]


def load_catalogue(path: Path) -> Catalogue:
    """Parse and validate a catalogue file.

    Raises:
        InvalidInputError: with one Problem per error found (all of them, not just the first).
    """
    quick = _quick(path)
    if quick is not None:
        return quick
    document = _parse_yaml(path)
    data = _plain(document)
    problems = [
        Problem(str(path), _line_of(document, loc), format_location(loc), message)
        for loc, message in _cross_checks(data)
    ]
    try:
        catalogue = Catalogue.model_validate(data)
    except ValidationError as error:
        problems += [_problem(path, document, detail) for detail in error.errors()]
    if problems:
        raise InvalidInputError(sorted(problems, key=lambda p: p.line or 0))
    return catalogue


def _quick(path: Path) -> Catalogue | None:
    """The catalogue when it is plain YAML and valid, read without line numbers (fast); else None, and the
    careful reader reads it again to say what is wrong and where."""
    try:
        data = quick_read(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or _cross_checks(data):
        return None
    try:
        return Catalogue.model_validate(data)
    except ValidationError:
        return None


def _parse_yaml(path: Path) -> Any:
    # The careful reader (ruamel, line numbers) loads only when the quick one leaves the file to it.
    from ruamel.yaml.comments import CommentedMap

    from generator.catalogue.document import read_document

    document = read_document(path)
    if not isinstance(document, CommentedMap):
        message = "expected a mapping with 'categories', 'tags' and 'models' at the top of the file"
        raise InvalidInputError([Problem(str(path), 1, "", message)])
    return document


def _plain(node: Any) -> Any:
    """Round-trip YAML nodes → plain dicts/lists/scalars (strict validation rejects YAML subclasses)."""
    if isinstance(node, dict):
        return {str(key): _plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain(item) for item in node]
    if isinstance(node, bool | int | float | type(None)):
        return node if type(node) in (bool, int, float, type(None)) else _scalar(node)
    return str(node)


def _scalar(node: Any) -> Any:
    # ruamel returns ScalarFloat/ScalarInt subclasses that strict validation would refuse.
    return float(node) if isinstance(node, float) else int(node)


def _cross_checks(data: dict[str, Any]) -> list[tuple[Location, str]]:
    """Checks that span entries: unique ids, declared categories and tags.

    They run on the raw data, so they are reported together with type errors, not after them.
    """
    found: list[tuple[Location, str]] = []
    categories = _dicts(data.get("categories"))
    category_ids = [str(c.get("id")) for c in categories]
    tags = [str(t) for t in data["tags"]] if isinstance(data.get("tags"), list) else []
    models = _dicts(data.get("models"))
    for index, count in _duplicates(category_ids):
        found.append((("categories", index, "id"), f"category {category_ids[index]!r} is declared {count} times"))
    for index, count in _duplicates(tags):
        found.append((("tags", index), f"tag {tags[index]!r} is declared {count} times"))
    entry_ids = [str(m.get("id")) for m in models]
    for index, count in _duplicates(entry_ids):
        found.append((("models", index, "id"), f"id {entry_ids[index]!r} is used by {count} entries; ids are unique"))
    for index, entry in enumerate(models):
        category = entry.get("category")
        if isinstance(category, str) and category_ids and category not in category_ids:
            message = f"unknown category {category!r}; declared: {', '.join(category_ids)}"
            found.append((("models", index, "category"), message))
        entry_tags = entry.get("tags")
        for tag_index, tag in enumerate(entry_tags if isinstance(entry_tags, list) else []):
            if isinstance(tag, str) and tag not in tags:
                message = f"unknown tag {tag!r}; declare it in the top-level 'tags' list first"
                found.append((("models", index, "tags", tag_index), message))
    return found


def _dicts(value: Any) -> list[dict[str, Any]]:
    """The items of a list, with non-mappings replaced by empty mappings (type errors report those)."""
    return [item if isinstance(item, dict) else {} for item in value] if isinstance(value, list) else []


def _duplicates(values: list[str]) -> list[tuple[int, int]]:
    """(index, count) for every repeated occurrence after the first."""
    counts = Counter(values)
    seen: set[str] = set()
    repeated = []
    for index, value in enumerate(values):
        if counts[value] > 1 and value in seen:
            repeated.append((index, counts[value]))
        seen.add(value)
    return repeated


def _problem(path: Path, document: Any, detail: ErrorDetails) -> Problem:
    loc = _clean_location(detail["loc"])
    return Problem(str(path), _line_of(document, loc), format_location(loc), _message(detail))


def _clean_location(loc: tuple[int | str, ...]) -> Location:
    # Pydantic adds the union member or validator tag (e.g. 'str', 'list[...]') to a location; drop them.
    return tuple(part for part in loc if isinstance(part, int) or not _is_type_tag(part))


def _is_type_tag(part: str) -> bool:
    return any(c in part for c in "[]()") or part in {
        "str",
        "int",
        "float",
        "bool",
        "dict",
        "list",
        "function-after",
    }


def format_location(loc: Location) -> str:
    """('models', 3, 'commit') → 'models[3].commit'."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _line_of(document: Any, loc: Location) -> int | None:
    """1-based line of the deepest node of `loc` that exists in the YAML document."""
    node, line = document, 1
    for part in loc:
        position = _position(node, part)
        if position is None:
            break
        line, node = position[0] + 1, node[part]
    return line


def _position(node: Any, part: str | int) -> tuple[int, int] | None:
    """(line, column) of a key or item; None when absent, or merged in (<<: *anchor) with no place of its own."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    try:
        if isinstance(node, CommentedMap) and part in node:
            return node.lc.key(part)  # type: ignore[no-any-return]
        if isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
            return node.lc.item(part)  # type: ignore[no-any-return]
    except KeyError:
        pass
    return None


_TYPE_NAMES = {
    "string_type": "a string",
    "int_type": "an integer",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
}


def _message(detail: ErrorDetails) -> str:
    kind, value = detail["type"], detail.get("input")
    if kind == "extra_forbidden":
        return _unknown_key_message(detail)
    if kind == "missing":
        return "required field is missing"
    if kind in _TYPE_NAMES:
        return f"expected {_TYPE_NAMES[kind]}, got {_describe(value)}"
    if kind == "string_pattern_mismatch":
        return _pattern_message(detail)
    if kind == "literal_error":
        return f"expected one of {detail.get('ctx', {}).get('expected', '')}, got {_describe(value)}"
    if kind == "value_error":
        return str(detail.get("ctx", {}).get("error", detail["msg"]))
    return f"{detail['msg'].replace('Input should be', 'expected')}, got {_describe(value)}"


_PATTERN_HINTS = {
    "commit": "expected a 40-character hex commit (git rev-parse <ref>)",
    "id": "expected a slug: lowercase letters, digits and single dashes, e.g. 'resnet-50'",
    "category": "expected a slug: lowercase letters, digits and single dashes",
    "arxiv": "expected an arXiv id such as 1512.03385",
    "doi": "expected a DOI such as 10.1109/CVPR.2016.90",
    "entrypoints": "expected a Python identifier (the entrypoint's function name)",
}


def _pattern_message(detail: ErrorDetails) -> str:
    names = [part for part in detail["loc"] if isinstance(part, str)]
    hint = next((_PATTERN_HINTS[name] for name in reversed(names) if name in _PATTERN_HINTS), None)
    if hint is None and "tags" in names:
        hint = _PATTERN_HINTS["id"]
    hint = hint or f"expected text matching {detail.get('ctx', {}).get('pattern', '')}"
    value = detail.get("input")
    lookalikes = (
        f": {non_ascii_note(value)}, not ASCII; type it again" if isinstance(value, str) and not value.isascii() else ""
    )
    return f"{hint}, got {_describe(value)}{lookalikes}"


def _unknown_key_message(detail: ErrorDetails) -> str:
    key = str(detail["loc"][-1])
    close = difflib.get_close_matches(key, sorted(_known_keys()), n=1)
    hint = f"did you mean {close[0]!r}?" if close else "see catalogue/schema.json for the allowed keys"
    return f"unknown key {key!r}; {hint}"


def _known_keys() -> set[str]:
    models = [Catalogue, Category, Entry, Paper, Result, Smoke, SmokeInput, SmokeOverride]
    return {name for model in models for name in model.model_fields}  # type: ignore[attr-defined]


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    return repr(value)
