"""Which entries a CI job verifies: those a pull request changed, those that can use a GPU.

`python -m generator entries --changed-since BASE` compares each entry of catalogue.yaml with the same
entry at git revision BASE; an entry counts as changed when any of its fields differs or it is new.
"""

from __future__ import annotations

import subprocess
from collections.abc import Collection
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from generator.catalogue import Catalogue
from generator.errors import GeneratorError


def select_ids(catalogue: Catalogue, changed: Collection[str] | None, accelerators: Collection[str]) -> list[str]:
    """Entry ids in catalogue order: among `changed` (all when None), with one of `accelerators` (any when empty)."""
    return [
        entry.id
        for entry in catalogue.models
        if (changed is None or entry.id in changed) and (not accelerators or entry.accelerator in accelerators)
    ]


def changed_since(catalogue_path: Path, revision: str) -> set[str]:
    """Ids of the entries that differ from (or are missing in) catalogue.yaml at git `revision`.

    Raises:
        GeneratorError: `revision` is not a commit of the repository that holds the catalogue.
    """
    now = _entries(catalogue_path.read_text(encoding="utf-8"))
    before = _entries(_file_at(catalogue_path, revision))
    return {entry_id for entry_id, fields in now.items() if before.get(entry_id) != fields}


def _file_at(path: Path, revision: str) -> str:
    """The file's text at `revision` ('' when it did not exist there yet)."""
    folder = path.resolve().parent
    command = ["git", "-C", str(folder), "show", f"{revision}:./{path.name}"]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=60)
    if completed.returncode == 0:
        return completed.stdout
    check = subprocess.run(
        ["git", "-C", str(folder), "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if check.returncode != 0:
        raise GeneratorError(f"{revision!r} is not a commit of the repository that holds {path}")
    return ""  # the revision exists but the catalogue did not: every entry is new


def _entries(text: str) -> dict[str, Any]:
    try:
        document = YAML(typ="safe").load(text) if text.strip() else None
    except YAMLError:
        return {}  # an unreadable old file: every entry counts as changed
    models = document.get("models") if isinstance(document, dict) else None
    return {str(m.get("id")): m for m in models or [] if isinstance(m, dict)}
