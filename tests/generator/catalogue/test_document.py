"""Hostile or mis-saved catalogue files: refused quickly, with file:line and the fix, never a traceback."""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.catalogue import load_catalogue
from support.hubrepos import PROJECT_ROOT
from tests.generator.catalogue.test_load import VALID, problems, write


def billion_laughs(levels: int = 9) -> str:
    """The classic alias bomb: each level lists the one before nine times (9**9 strings from 1 KB)."""
    lines = ["categories: [{id: vision, title: Vision}]", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 9)}]" for level in range(1, levels + 1)]
    return "\n".join([*lines, "models: []"]) + "\n"


@pytest.mark.fault("Catalogue", "a YAML alias bomb (9**9 strings from 1 KB): refused at once, with its line")
def test_an_alias_bomb_is_refused_at_once_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, billion_laughs())
    started = time.monotonic()
    found = problems(path)
    assert time.monotonic() - started < 5
    (problem,) = found
    assert problem.startswith(f"{path}:")
    assert "too many nodes: with its aliases expanded the document holds more than 200,000 values" in problem


@pytest.mark.fault("Catalogue", "a document of many aliases: refused")
def test_a_document_of_many_aliases_is_refused(tmp_path: Path) -> None:
    text = "categories: [{id: vision, title: Vision}]\nbase: &b x\nmany: [" + ", ".join(["*b"] * 1001) + "]\n"
    (problem,) = problems(write(tmp_path, text))
    assert "too many aliases: more than 1,000 `*name` references" in problem


@pytest.mark.fault("Catalogue", "an alias inside the value it names: refused")
def test_an_alias_inside_the_value_it_names_is_refused(tmp_path: Path) -> None:
    (problem,) = problems(write(tmp_path, "categories: &loop [*loop]\n"))
    assert problem == f"{tmp_path / 'catalogue.yaml'}:1: alias *loop is used inside the value it names, " + (
        "which would never end; remove it"
    )


@pytest.mark.fault("Catalogue", "deep nesting: refused")
def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    (problem,) = problems(write(tmp_path, "categories: " + "[" * 5000 + "]" * 5000 + "\n"))
    assert "nested more than 64 levels deep" in problem


@pytest.mark.fault("Catalogue", "a YAML tag that builds objects: refused with its line")
@pytest.mark.parametrize("tag", ["!!python/object:os.system", "!!set", "!!binary", "!!float", "!custom"])
def test_tags_that_build_objects_are_refused_with_their_line(tmp_path: Path, tag: str) -> None:
    path = write(tmp_path, VALID.replace("title: Tiny ResNet", f"title: {tag} Tiny"))
    assert problems(path) == [
        f"{path}:8: the tag {tag} is not used in a catalogue (write plain values; quote text that looks like a "
        "number); remove it"
    ]


@pytest.mark.fault("Catalogue", "a value that only looks like a date: named with its line")
def test_a_value_that_only_looks_like_a_date_is_named_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("title: Tiny ResNet", "title: 2024-13-45"))
    assert problems(path) == [
        f"{path}:8: cannot read '2024-13-45' as a date (month must be in 1..12); quote it if it is text"
    ]


@pytest.mark.fault("Catalogue", "a bad value merged from an anchor: reported where it is merged")
def test_values_merged_from_an_anchor_are_reported_where_they_are_merged(tmp_path: Path) -> None:
    text = VALID.replace("    title: Tiny ResNet\n", "    <<: [{title: 7}]\n")
    assert problems(write(tmp_path, text)) == [
        f"{tmp_path / 'catalogue.yaml'}:7: models[0].title: expected a string, got 7"
    ]


def test_a_catalogue_may_share_settings_through_a_few_aliases(tmp_path: Path) -> None:
    shared = VALID.replace(
        "    smoke: {kwargs: {pretrained: false}, input: {shape: [1, 3, 8, 8]}}",
        "    smoke: &smoke {kwargs: {pretrained: false}, input: {shape: [1, 3, 8, 8]}}",
    ) + VALID.split("models:\n")[1].replace("resnet-tiny", "resnet-copy").replace(
        "    smoke: {kwargs: {pretrained: false}, input: {shape: [1, 3, 8, 8]}}", "    smoke: *smoke"
    )
    catalogue = load_catalogue(write(tmp_path, shared))
    assert catalogue.entry("resnet-copy").smoke == catalogue.entry("resnet-tiny").smoke


@pytest.mark.fault("Catalogue", "a file that is not UTF-8: the byte and its line named")
def test_a_file_that_is_not_utf8_names_the_byte_and_its_line(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.yaml"
    path.write_bytes(VALID.replace("A tiny network.", "Un réseau minuscule.").encode("latin-1"))
    offset = VALID.encode().index(b"A tiny network.") + len("Un r")
    assert problems(path) == [
        f"{path}:9: not UTF-8: byte 0xe9 at byte offset {offset} (line 9, byte 18 of the line) is not valid UTF-8; "
        "save the file as UTF-8 (the editor's encoding setting)"
    ]


@pytest.mark.fault("Catalogue", "a UTF-16 file: named as such")
def test_a_utf16_file_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.yaml"
    path.write_bytes(VALID.encode("utf-16"))
    assert problems(path) == [
        f"{path}:1: the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8"
    ]


@pytest.mark.fault("Catalogue", "a control character: named with its line and column")
def test_a_control_character_is_named_with_its_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("A tiny network.", "A tiny\x07network."))
    assert problems(path) == [
        f"{path}:9: column 20, '\\x07', is a control character (U+0007), which YAML does not allow; remove it"
    ]


@pytest.mark.fault("Catalogue", "a folder instead of a file: an error, not a traceback")
def test_a_folder_instead_of_a_file_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    (problem,) = problems(tmp_path)
    assert problem.startswith(f"{tmp_path}: cannot read the file: ")


def _limit_memory() -> None:
    gib = 1 << 30
    resource.setrlimit(resource.RLIMIT_AS, (2 * gib, 2 * gib))


@pytest.mark.fault("Catalogue", "validate exits 2 with one line, no traceback")
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (billion_laughs().encode(), "too many nodes"),
        (VALID.replace("Tiny ResNet", "Tiny RésNet").encode("latin-1"), "not UTF-8: byte 0xe9 at byte offset"),
    ],
    ids=["alias-bomb", "latin-1"],
)
def test_validate_exits_2_with_one_line_and_no_traceback(tmp_path: Path, content: bytes, message: str) -> None:
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_bytes(content)
    command = [
        sys.executable,
        "-m",
        "generator",
        "--root",
        str(PROJECT_ROOT),
        "--catalogue",
        str(catalogue),
        "validate",
    ]
    started = time.monotonic()
    done = subprocess.run(
        command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60, preexec_fn=_limit_memory
    )
    assert time.monotonic() - started < 30
    assert done.returncode == 2, done.stderr
    assert f"{catalogue}:" in done.stderr and message in done.stderr
    assert "Traceback" not in done.stderr
