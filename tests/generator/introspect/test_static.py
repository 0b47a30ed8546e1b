"""Reading hubconf.py without running it."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.introspect.static import read_hubconf
from support.hubrepos import GOOD_HUBCONF


def test_dependencies_entrypoints_and_docstrings_come_from_the_source(tmp_path: Path) -> None:
    (tmp_path / "hubconf.py").write_text(GOOD_HUBCONF + "\nfrom models.big import resnet as resnet50, _private\n")
    found = read_hubconf(tmp_path / "hubconf.py")
    assert found.dependencies == ["torch"]
    assert [(e.name, e.kind) for e in found.entrypoints] == [
        ("resnet50", "imported"),
        ("tiny", "function"),
        ("tokenizer", "function"),
    ]
    tiny = found.entrypoints[1]
    assert tiny.signature == "(pretrained: bool=False, width: int=4)"
    assert tiny.docstring.startswith("A tiny classifier.")
    assert "models" in found.imports and "torch" in found.imports


def test_nothing_is_executed(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    (tmp_path / "hubconf.py").write_text(f"open({str(marker)!r}, 'w').close()\ndependencies = ['numpy>=1.24']\n")
    found = read_hubconf(tmp_path / "hubconf.py")
    assert found.dependencies == ["numpy>=1.24"]
    assert not marker.exists()


def test_a_syntax_error_is_reported_not_raised(tmp_path: Path) -> None:
    (tmp_path / "hubconf.py").write_text("def broken(:\n")
    found = read_hubconf(tmp_path / "hubconf.py")
    assert found.error.startswith("SyntaxError:")
    assert found.entrypoints == []


@pytest.mark.parametrize("expression", ["-" * 200_000 + "1", "+".join(["1"] * 300_000)])
def test_a_file_too_deep_to_parse_is_reported_not_raised(tmp_path: Path, expression: str) -> None:
    """Python's parser gives up with MemoryError or RecursionError here: a hub must not take the build down."""
    (tmp_path / "hubconf.py").write_text(f"x = {expression}\n")
    found = read_hubconf(tmp_path / "hubconf.py")
    assert found.error.split(":")[0] in {"RecursionError", "MemoryError"}


CALLABLES_AND_NOT = """
dependencies: list[str] = ["torch", "numpy"]

from functools import partial

from hub.registry import MODEL_REGISTRY, build, Helper

CONSTANT = 3
table = {"a": 1}
numbers = [1, 2]
made = build()


def model(width=4):
    return width


class Net:
    pass


alias = model
small = partial(model, width=2)
"""


def test_only_names_that_can_be_callables_are_listed(tmp_path: Path) -> None:
    """Functions, classes, imported names and aliases or partials of them; not constants, dicts, lists or the
    results of other calls, which the source alone cannot tell from models."""
    (tmp_path / "hubconf.py").write_text(CALLABLES_AND_NOT)
    found = read_hubconf(tmp_path / "hubconf.py")
    assert [(e.name, e.kind) for e in found.entrypoints] == [
        ("Helper", "imported"),
        ("Net", "class"),
        ("alias", "imported"),
        ("build", "imported"),
        ("model", "function"),
        ("partial", "imported"),
        ("small", "imported"),
    ]
    assert found.dependencies == ["torch", "numpy"] and found.declares_dependencies  # annotated, read alike


def test_dependencies_that_are_not_a_literal_list_are_an_error_with_their_line(tmp_path: Path) -> None:
    (tmp_path / "hubconf.py").write_text("import os\n\ndependencies = os.environ['DEPS'].split()\n")
    found = read_hubconf(tmp_path / "hubconf.py")
    assert found.dependencies == []
    assert found.error.endswith(
        "hubconf.py:3: `dependencies` must be a literal list of strings, got \"os.environ['DEPS'].split()\""
    )
