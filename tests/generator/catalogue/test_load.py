"""Catalogue validation: every problem reported at once, each with file, line and field."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from generator.catalogue import load_catalogue
from generator.errors import InvalidInputError
from support.hubrepos import PROJECT_ROOT

VALID = """
categories:
  - id: vision
    title: Vision
tags: [classification, digits]
models:
  - id: resnet-tiny
    title: Tiny ResNet
    summary: A tiny network.
    repo: owner/name
    ref: main
    commit: 0123456789abcdef0123456789abcdef01234567
    category: vision
    tags: [classification]
    paper: {title: Deep Residual Learning, arxiv: "1512.03385"}
    smoke: {kwargs: {pretrained: false}, input: {shape: [1, 3, 8, 8]}}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "catalogue.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(InvalidInputError) as caught:
        load_catalogue(path)
    return [str(p) for p in caught.value.problems]


def test_a_valid_catalogue_loads_with_its_defaults(tmp_path: Path) -> None:
    catalogue = load_catalogue(write(tmp_path, VALID))
    entry = catalogue.entry("resnet-tiny")
    assert entry.github == "owner/name"
    assert entry.paper[0].arxiv == "1512.03385"
    assert entry.smoke.input is not None and entry.smoke.input.shape == [1, 3, 8, 8]
    assert entry.license == "unknown"
    assert entry.entrypoints is None  # default: feature all


def test_the_shipped_catalogue_is_valid() -> None:
    catalogue = load_catalogue(PROJECT_ROOT / "catalogue" / "catalogue.yaml")
    assert {"digits-classifier", "digits-vae"} <= {e.id for e in catalogue.models}


def test_each_problem_names_file_line_and_field(tmp_path: Path) -> None:
    text = VALID.replace("commit: 0123456789abcdef0123456789abcdef01234567", "commit: main")
    path = write(tmp_path, text)
    assert problems(path) == [
        f"{path}:12: models[0].commit: expected a 40-character hex commit (git rev-parse <ref>), got 'main'"
    ]


def test_all_problems_are_reported_together(tmp_path: Path) -> None:
    text = VALID + textwrap.indent(
        textwrap.dedent("""
        - id: Bad_Slug
          title: X
          summary: y
          repo: owner/name
          commit: 0123456789abcdef0123456789abcdef01234567
          category: audio
          tags: [unknown-tag]
          colour: red
          smoke: {timeout: soon}
        - id: resnet-tiny
          title: Copy
          summary: Same id again.
          repo: ../outside
          category: vision
        """),
        "  ",
    )
    found = "\n".join(problems(write(tmp_path, text)))
    assert ":18: models[1].id: expected a slug" in found
    assert ":23: models[1].category: unknown category 'audio'; declared: vision" in found
    assert ":24: models[1].tags[0]: unknown tag 'unknown-tag'" in found
    assert ":25: models[1].colour: unknown key 'colour'" in found
    assert ":26: models[1].smoke.timeout: expected a number, got 'soon'" in found
    assert ":27: models[2].id: id 'resnet-tiny' is used by 2 entries" in found
    assert ":30: models[2].repo: expected GitHub 'owner/name'" in found


def test_a_misspelt_key_gets_a_suggestion(tmp_path: Path) -> None:
    found = problems(write(tmp_path, VALID.replace("summary:", "sumary:")))
    assert any("unknown key 'sumary'; did you mean 'summary'?" in p for p in found)
    assert any("models[0].summary: required field is missing" in p for p in found)


def test_a_remote_entry_must_be_pinned(tmp_path: Path) -> None:
    found = problems(write(tmp_path, VALID.replace("    commit: 0123456789abcdef0123456789abcdef01234567\n", "")))
    assert len(found) == 1 and "'commit' is required for a remote repo" in found[0]


def test_a_local_entry_needs_no_commit(tmp_path: Path) -> None:
    text = VALID.replace("repo: owner/name", "repo: ./examples/digits").replace(
        "    commit: 0123456789abcdef0123456789abcdef01234567\n", ""
    )
    assert load_catalogue(write(tmp_path, text)).models[0].is_local


def test_a_paper_needs_an_arxiv_id_or_doi(tmp_path: Path) -> None:
    found = problems(write(tmp_path, VALID.replace(', arxiv: "1512.03385"', "")))
    assert any("models[0].paper[0]: a paper needs an 'arxiv' id" in p for p in found)


def test_broken_yaml_reports_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("    category: vision\n", "    category: [vision\n"))
    (problem,) = problems(path)
    assert problem.startswith(f"{path}:") and "invalid YAML" in problem


def test_a_missing_file_says_so(tmp_path: Path) -> None:
    assert problems(tmp_path / "nope.yaml") == [f"{tmp_path / 'nope.yaml'}: file not found"]


def test_an_entry_awaiting_a_pin_says_why_and_cannot_also_have_a_commit(tmp_path: Path) -> None:
    awaiting = VALID.replace(
        "    commit: 0123456789abcdef0123456789abcdef01234567\n", "    awaiting_pin: the tag is not resolved yet\n"
    )
    assert load_catalogue(write(tmp_path, awaiting)).models[0].awaiting_pin == "the tag is not resolved yet"
    both = VALID.replace("    ref: main\n", "    ref: main\n    awaiting_pin: stale note\n")
    found = problems(write(tmp_path, both))
    assert any("the entry has a 'commit' now: remove 'awaiting_pin'" in p for p in found)


def test_dotted_entrypoint_names_are_accepted_but_not_arbitrary_text(tmp_path: Path) -> None:
    dotted = VALID.replace("    category: vision\n", "    category: vision\n    entrypoints: [roberta.large, x-y]\n")
    assert load_catalogue(write(tmp_path, dotted)).models[0].entrypoints == ["roberta.large", "x-y"]
    hostile = VALID.replace("    category: vision\n", '    category: vision\n    entrypoints: ["a(); import os"]\n')
    assert any("entrypoints[0]: expected a Python identifier" in p for p in problems(write(tmp_path, hostile)))
