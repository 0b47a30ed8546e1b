"""Edit catalogue.yaml the way a maintainer would: comments, key order, quotes and layout kept.

The file is loaded round-trip (ruamel.yaml), changed, and dumped with the catalogue's layout (mappings
indented 2, sequences 4 with the dash at 2). Before anything is written, two checks: every part of the
file that was not edited must come out byte-identical (otherwise the edit is refused rather than
reformatting someone's work), and the result must pass the catalogue loader. The write is atomic.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from generator.catalogue import Catalogue, load_catalogue
from generator.catalogue.model import UnknownEntryError
from generator.errors import GeneratorError, InvalidInputError, Problem
from generator.files import write_text_atomic


class CatalogueEditError(GeneratorError):
    """An edit of catalogue.yaml was refused: it would reformat other entries or make the file invalid."""


def round_trip_yaml() -> YAML:
    """The YAML reader and writer that reproduces catalogue.yaml byte for byte."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # never re-wrap a long line
    return yaml


def flow(value: list[Any] | dict[str, Any]) -> CommentedSeq | CommentedMap:
    """`value` written inline (`[a, b]`, `{k: v}`), as the catalogue writes short lists and settings."""
    node: CommentedSeq | CommentedMap
    if isinstance(value, list):
        node = CommentedSeq([flow(v) if isinstance(v, list | dict) else v for v in value])
    else:
        node = CommentedMap({k: flow(v) if isinstance(v, list | dict) else v for k, v in value.items()})
    node.fa.set_flow_style()
    return node


class CatalogueEditor:
    """catalogue.yaml loaded for editing; `save()` checks and writes it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.original = path.read_text(encoding="utf-8")
        self.yaml = round_trip_yaml()
        self.document: CommentedMap = self.yaml.load(self.original)
        self.touched: set[str] = set()

    @property
    def models(self) -> CommentedSeq:
        """The `models:` list (created when the file has none)."""
        if self.document.get("models") is None:
            self.document["models"] = CommentedSeq()
        models: CommentedSeq = self.document["models"]
        return models

    def entry(self, entry_id: str) -> CommentedMap:
        """The entry mapping with this id.

        Raises:
            UnknownEntryError: the file has no entry with this id.
        """
        for item in self.models:
            if isinstance(item, CommentedMap) and item.get("id") == entry_id:
                return item
        raise UnknownEntryError(f"no entry {entry_id!r} in {self.path}")

    def append_entry(self, entry: CommentedMap) -> None:
        """Add `entry` at the end of `models:`, after a blank line as the catalogue separates entries."""
        models = self.models
        models.append(entry)
        if len(models) > 1:
            models.yaml_set_comment_before_after_key(len(models) - 1, before="\n")
        self.touched.add(_entry_segment(entry["id"]))

    def set_value(self, entry_id: str, key: str, value: Any, after: Iterable[str] = ()) -> None:
        """Set `key` of an entry in place; a new key goes right after the first of `after` the entry has."""
        entry = self.entry(entry_id)
        if key in entry:
            entry[key] = value
        else:
            keys = list(entry)
            anchor = next((keys.index(name) + 1 for name in after if name in entry), len(keys))
            entry.insert(anchor, key, value)
        self.touched.add(_entry_segment(entry_id))

    def remove_value(self, entry_id: str, key: str) -> None:
        """Remove `key` from an entry, if it has it."""
        entry = self.entry(entry_id)
        if key in entry:
            del entry[key]
            self.touched.add(_entry_segment(entry_id))

    def text(self) -> str:
        """The edited file as it would be written."""
        stream = io.StringIO()
        self.yaml.dump(self.document, stream)
        return stream.getvalue()

    def save(self) -> Catalogue:
        """Check that only the edited entries changed and that the result is valid, then write it atomically.

        Raises:
            CatalogueEditError: another part of the file would change, or the result is not a valid catalogue.
        """
        text = self.text()
        changed = [name for name in _changed_segments(self.original, text) if name not in self.touched]
        if changed:
            raise CatalogueEditError(
                f"editing {self.path} would also reformat {', '.join(changed)}; make this change by hand"
            )
        catalogue = _validated(self.path, text)
        write_text_atomic(self.path, text)
        return catalogue


def _validated(path: Path, text: str) -> Catalogue:
    candidate = path.with_name(f".{path.name}.{uuid.uuid4().hex}.check")
    try:
        candidate.write_text(text, encoding="utf-8")
        return load_catalogue(candidate)
    except InvalidInputError as error:
        problems = [Problem(str(path), p.line, p.field, p.message) for p in error.problems]
        message = f"the edited catalogue would be invalid; nothing written. {InvalidInputError(problems)}"
        raise CatalogueEditError(message) from None
    finally:
        candidate.unlink(missing_ok=True)


def _changed_segments(old: str, new: str) -> list[str]:
    """The named parts of the file (top-level keys, entries by id) whose text differs between `old` and `new`."""
    before, after = _segments(old), _segments(new)
    return [name for name, text in before.items() if after.get(name) != text]


def _segments(text: str) -> dict[str, str]:
    """The file cut at each top-level key and each entry of `models:`; trailing blank lines dropped."""
    document = round_trip_yaml().load(text)
    starts: list[tuple[int, str]] = []
    for key in document:
        starts.append((document.lc.key(key)[0], f"'{key}:'"))
        if key == "models" and isinstance(document[key], CommentedSeq):
            items = document[key]
            for index, item in enumerate(items):
                name = _entry_segment(item.get("id")) if isinstance(item, CommentedMap) else f"models[{index}]"
                starts.append((items.lc.item(index)[0], name))
    lines = text.splitlines(keepends=True)
    starts.sort()
    bounds = [0, *(line for line, _ in starts), len(lines)]
    names = ["the file's opening comments", *(name for _, name in starts)]
    return {name: "".join(lines[bounds[i] : bounds[i + 1]]).rstrip("\n") for i, name in enumerate(names)}


def _entry_segment(entry_id: object) -> str:
    return f"entry {str(entry_id)!r}"
