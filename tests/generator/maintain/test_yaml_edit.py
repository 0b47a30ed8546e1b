"""Round-trip edits of catalogue.yaml: what was not edited stays byte-identical, or nothing is written."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest
from ruamel.yaml.comments import CommentedMap

from generator.catalogue import load_catalogue
from generator.maintain import CatalogueEditError, CatalogueEditor
from generator.maintain.yaml_edit import flow
from support.hubrepos import PROJECT_ROOT

OLD = "0123456789abcdef0123456789abcdef01234567"
NEW = "89abcdef0123456789abcdef0123456789abcdef"

CATALOGUE = f"""\
# yaml-language-server: $schema=./schema.json
#
# A maintainer's catalogue, with their comments.

categories:
  - id: vision
    title: Vision   # shown in the navigation
tags:
  - classification

models:
  # Kept in the order we review them.
  - id: first
    title: First
    summary: "Quoted, on purpose."
    repo: owner/first
    ref: main               # follows the default branch
    commit: {OLD}   # pinned after review
    category: vision
    tags: [classification]
    smoke: {{kwargs: {{pretrained: false}}, input: {{shape: [1, 3, 8, 8]}}}}
    paper:
      title: A paper
      arxiv: "1512.03385"

  - id: second
    title: Second
    summary: Unquoted summary with a very long line that goes on well past eighty columns without any wrapping at all.
    repo: https://example.com/second.git
    ref: v1
    category: vision
    awaiting_pin: the owner is publishing weights  # until v1 is out
    description: |
      Two lines
      of Markdown.

  # A finished entry: no ref to follow.
  - id: third
    title: Third
    summary: Third.
    repo: ./examples/digits
    category: vision
    accelerator: cpu
"""


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    path = tmp_path / "catalogue.yaml"
    path.write_text(CATALOGUE, encoding="utf-8")
    return path


def changed_lines(old: str, new: str) -> list[str]:
    return [line for line in difflib.ndiff(old.splitlines(), new.splitlines()) if line[:1] in "+-"]


def test_a_commit_bump_changes_that_one_value_and_keeps_its_comment(catalogue: Path) -> None:
    editor = CatalogueEditor(catalogue)
    editor.set_value("first", "commit", NEW, after=("ref", "repo"))
    editor.save()
    text = catalogue.read_text(encoding="utf-8")
    assert changed_lines(CATALOGUE, text) == [
        f"-     commit: {OLD}   # pinned after review",
        f"+     commit: {NEW}   # pinned after review",
    ]


def test_a_missing_commit_goes_right_after_the_ref(catalogue: Path) -> None:
    editor = CatalogueEditor(catalogue)
    editor.set_value("second", "commit", NEW, after=("ref", "repo"))
    editor.remove_value("second", "awaiting_pin")
    editor.save()
    assert changed_lines(CATALOGUE, catalogue.read_text(encoding="utf-8")) == [
        f"+     commit: {NEW}",
        "-     awaiting_pin: the owner is publishing weights  # until v1 is out",
    ]
    assert "    ref: v1\n    commit: " in catalogue.read_text(encoding="utf-8")


def test_an_appended_entry_leaves_every_byte_before_it_alone(catalogue: Path) -> None:
    entry = CommentedMap(id="fourth", title="Fourth", summary="Fourth.", repo="owner/fourth")
    entry.update(commit=NEW, entrypoints=flow(["a", "b"]), category="vision", tags=flow([]))
    entry.yaml_add_eol_comment("# TODO: declared tags", "tags")
    editor = CatalogueEditor(catalogue)
    editor.append_entry(entry)
    saved = editor.save()
    text = catalogue.read_text(encoding="utf-8")
    assert text.startswith(CATALOGUE)
    assert text[len(CATALOGUE) :].startswith("\n  - id: fourth\n")
    assert "    entrypoints: [a, b]\n" in text
    assert "    tags: []  # TODO: declared tags\n" in text
    assert [e.id for e in saved.models] == ["first", "second", "third", "fourth"]


def test_the_projects_own_catalogue_survives_an_edit_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.yaml"
    shutil.copy(PROJECT_ROOT / "catalogue" / "catalogue.yaml", path)
    original = path.read_text(encoding="utf-8")
    editor = CatalogueEditor(path)
    editor.append_entry(CommentedMap(id="zz-new", title="New", summary="New.", repo="owner/new", commit=NEW))
    editor.document["models"][-1]["category"] = load_catalogue(path).categories[0].id
    editor.save()
    assert path.read_text(encoding="utf-8").startswith(original)


def test_an_edit_that_would_reformat_other_entries_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.yaml"  # indented its own way: a dump would re-indent everything
    text = "categories:\n- id: vision\n  title: Vision\nmodels:\n- id: a\n  title: A\n  summary: A.\n"
    text += f"  repo: owner/a\n  ref: main\n  commit: {OLD}\n  category: vision\n"
    path.write_text(text, encoding="utf-8")
    editor = CatalogueEditor(path)
    editor.set_value("a", "commit", NEW)
    with pytest.raises(CatalogueEditError, match=r"would also reformat 'categories:'.*by hand"):
        editor.save()
    assert path.read_text(encoding="utf-8") == text


def test_an_edit_that_makes_the_catalogue_invalid_writes_nothing(catalogue: Path) -> None:
    editor = CatalogueEditor(catalogue)
    editor.set_value("first", "category", "no-such-category")
    with pytest.raises(CatalogueEditError, match=r"(?s)would be invalid.*catalogue.yaml:\d+: models\[0\]\.category"):
        editor.save()
    assert catalogue.read_text(encoding="utf-8") == CATALOGUE
    assert [p.name for p in catalogue.parent.iterdir()] == ["catalogue.yaml"]  # no temporary file left
