"""Fuzzing the catalogue loader: whatever the file holds, the answer is a catalogue or the catalogue's own error.

Each property runs a few dozen random documents within a per-example deadline, so the whole module
takes a few seconds; a failure prints the document that caused it.
"""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from generator.catalogue import Catalogue, load_catalogue
from generator.errors import InvalidInputError
from tests.generator.catalogue.test_load import VALID

FUZZ = settings(
    max_examples=60,
    deadline=timedelta(seconds=2),
    database=None,  # nothing written into the checkout
    suppress_health_check=[HealthCheck.too_slow],
)
# Pieces of YAML syntax, the catalogue's own keys, and characters that have broken readers before.
FRAGMENTS = [
    "categories:", "models:", "tags:", "verification:", "- ", "id: ", "repo: ", "commit: ", "smoke: ", "kwargs: ",
    "input: ", "shape: [1, 3]", "&a ", "*a", "&b ", "*b", "<<: ", "? ", ": ", "---\n", "...\n", "%YAML 1.2\n",
    "!!python/object:os.system ", "!!binary ", "!!set ", "!!omap ", "!tag ", "[", "]", "{", "}", ", ", "'", '"',
    "|", ">", "# c", "\n", "\n  ", "\n    ", "\t", "\x00", "\x07", "\ufeff", "é", "е", "\u202e", "\\", "0x1f",
    "1e999", ".nan", "null", "~", "yes", "2024-01-01", "2024-13-45", "12:30:45", "0x", "0b102", "!!float ",
    "!!bool ", "!!str ", "<<: [", "<<: {", "vision", "owner/name", "ext::sh", "http://h/x",
    "0123456789abcdef0123456789abcdef01234567",
]  # fmt: skip
KEYS = ["categories", "tags", "models", "verification", "id", "title", "summary", "repo", "commit", "category",
        "smoke", "paper", "results", "requirements", "entrypoints", "kwargs", "input", "shape"]  # fmt: skip


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "catalogue.yaml"


def load_or_refuse(path: Path) -> None:
    """The property: a Catalogue, or InvalidInputError whose problems name the file; nothing else."""
    try:
        outcome: Catalogue | InvalidInputError = load_catalogue(path)
    except InvalidInputError as error:
        outcome = error
    if isinstance(outcome, InvalidInputError):
        assert outcome.problems
        assert all(problem.file == str(path) and str(problem) for problem in outcome.problems)


@pytest.mark.fault("Catalogue", "fuzzing: random bytes are a catalogue or a list of problems, nothing else")
@FUZZ
@given(content=st.binary(max_size=600))
def test_random_bytes(scratch: Path, content: bytes) -> None:
    scratch.write_bytes(content)
    load_or_refuse(scratch)


@pytest.mark.fault("Catalogue", "fuzzing: random YAML-like text")
@FUZZ
@given(pieces=st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=8), max_size=60))
def test_random_yaml_like_text(scratch: Path, pieces: list[str]) -> None:
    scratch.write_bytes("".join(pieces).encode("utf-8", errors="surrogatepass"))
    load_or_refuse(scratch)


@pytest.mark.fault("Catalogue", "fuzzing: the valid catalogue with a random splice")
@FUZZ
@given(start=st.integers(0, len(VALID)), length=st.integers(0, 40), insert=st.text(max_size=20))
def test_the_valid_catalogue_with_a_random_splice(scratch: Path, start: int, length: int, insert: str) -> None:
    text = VALID[:start] + insert + VALID[start + length :]
    scratch.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    load_or_refuse(scratch)


scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12) | st.sampled_from(FRAGMENTS)
structures = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=30,
)


@pytest.mark.fault("Catalogue", "fuzzing: random structures dumped to YAML")
@FUZZ
@given(document=st.dictionaries(st.sampled_from(KEYS), structures, max_size=5))
def test_random_structures_dumped_to_yaml(scratch: Path, document: dict[str, Any]) -> None:
    stream = io.StringIO()
    YAML(typ="safe", pure=True).dump(document, stream)
    scratch.write_text(stream.getvalue(), encoding="utf-8", errors="surrogatepass")
    load_or_refuse(scratch)
