"""Votes per model: the reaction counts on each page's discussion, as the verify workflow records them.

`catalogue/reactions.json` (optional) maps entry ids to GitHub reaction counts:
`{"entries": {"digits-vae": {"+1": 12, "-1": 1, "heart": 3}}}`. A model's votes are 👍 minus 👎.
"""

from __future__ import annotations

import json
from pathlib import Path

from generator.errors import InvalidInputError, Problem


def read_votes(path: Path) -> dict[str, int]:
    """{entry id: up-votes minus down-votes}; empty when the file does not exist."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except json.JSONDecodeError as error:
        raise InvalidInputError([Problem(str(path), error.lineno, "", f"not valid JSON: {error.msg}")]) from None
    entries = document.get("entries") if isinstance(document, dict) else None
    if not isinstance(entries, dict):
        raise InvalidInputError([Problem(str(path), None, "entries", "expected an object of entry ids")])
    votes = {}
    for entry_id, counts in entries.items():
        if isinstance(counts, dict):
            votes[str(entry_id)] = _count(counts, "+1") - _count(counts, "-1")
    return votes


def _count(counts: dict[str, object], reaction: str) -> int:
    value = counts.get(reaction, 0)
    return value if isinstance(value, int) and value >= 0 else 0
