"""The published JSON Schema matches the typed catalogue and describes its fields."""

from __future__ import annotations

import json
import re

from generator.catalogue.model import Entry, VerificationSetting
from generator.catalogue.schema import schema_text
from support.hubrepos import PROJECT_ROOT


def test_the_committed_schema_is_current() -> None:
    committed = (PROJECT_ROOT / "catalogue" / "schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(), "catalogue/schema.json is stale: run `python -m generator schema`"


def test_the_schema_forbids_unknown_keys_and_documents_fields() -> None:
    schema = json.loads(schema_text())
    entry = schema["$defs"]["Entry"]
    assert entry["additionalProperties"] is False
    assert set(entry["required"]) == {"id", "title", "summary", "repo", "category"}
    assert entry["properties"]["commit"]["anyOf"][0]["pattern"] == "^[0-9a-f]{40}$"
    assert "GitHub" in entry["properties"]["repo"]["description"]


def test_the_contributing_guide_describes_every_field() -> None:
    guide = (PROJECT_ROOT / "docs" / "contributing.md").read_text(encoding="utf-8")
    described = {name for line in guide.splitlines() if line.startswith("| `") for name in _names(line)}
    assert set(Entry.model_fields) - described == set()
    assert set(VerificationSetting.model_fields) - described == set()
    assert "`verification:`" in guide


def _names(row: str) -> list[str]:
    """The field names in a table row's first cell: '| `title`, `summary` | ...' → ['title', 'summary']."""
    return re.findall(r"`(\w+)`", row.split("|")[1])
