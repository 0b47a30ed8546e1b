"""hubconf.py: static dependencies, entrypoint listing, and checking dependencies before any code runs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import pinhub
from pinhub.errors import EntrypointNotFoundError, HubconfError, MissingDependenciesError
from pinhub.hubconf import import_hubconf, list_entrypoints, read_dependencies


def write_hubconf(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "hubconf.py"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dependencies = ['torch', 'timm>=0.9']\n", ["torch", "timm>=0.9"]),
        ("dependencies: list[str] = ('torch',)\n", ["torch"]),
        ("import os\n", []),
        ("dependencies = []\ndependencies = ['numpy']\n", ["numpy"]),
        ("def f():\n    dependencies = [x]\n\ndependencies = ['torch']\n", ["torch"]),
    ],
)
def test_reads_dependencies_statically(tmp_path: Path, text: str, expected: list[str]) -> None:
    assert read_dependencies(write_hubconf(tmp_path, "import no_such_module_anywhere\n" + text)) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("BASE = ['torch']\ndependencies = BASE + ['timm']\n", r"hubconf\.py:2: `dependencies` must be a literal"),
        ("dependencies = [f'torch>={1}']\n", "must be a literal"),
        ("dependencies = 'torch'\n", "must be a list of strings"),
        ("dependencies = ['torch', 2]\n", "must be a list of strings"),
        ("import sys\nif sys.platform == 'win32':\n    dependencies = ['pywin32']\n", "once, at the top level"),
        ("dependencies = ['torch']\ndependencies += ['timm']\n", "once, at the top level"),
        ("dependencies = [\n", "cannot read"),
    ],
)
def test_refuses_dependencies_it_cannot_read_statically(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(HubconfError, match=message):
        read_dependencies(write_hubconf(tmp_path, text))


LISTING_HUBCONF = '''
import os
from collections import OrderedDict
from os.path import join

dependencies = ["torch"]
VERSION = 3


def zeta():
    """Last in dir() order."""


def alpha():
    """First."""


class Model:
    """Classes are callables too."""


def _private():
    pass
'''


def test_lists_entrypoints_as_torch_hub_does(tmp_path: Path) -> None:
    module = import_hubconf(write_hubconf(tmp_path, LISTING_HUBCONF).parent)
    expected = [n for n in dir(module) if callable(getattr(module, n)) and not n.startswith("_")]
    assert list_entrypoints(module) == expected == ["Model", "OrderedDict", "alpha", "join", "zeta"]
    assert pinhub.list(str(tmp_path), source="local") == expected
    assert pinhub.help(str(tmp_path), "alpha", source="local") == "First."


def test_unknown_entrypoint(tmp_path: Path) -> None:
    write_hubconf(tmp_path, LISTING_HUBCONF)
    with pytest.raises(EntrypointNotFoundError, match="Cannot find callable VERSION in hubconf"):
        pinhub.load(str(tmp_path), "VERSION", source="local")
    with pytest.raises(RuntimeError):
        pinhub.load(str(tmp_path), "missing", source="local")


def test_dependencies_are_checked_before_hubconf_runs(tmp_path: Path) -> None:
    write_hubconf(
        tmp_path,
        "import pinhub_missing_module\n\ndependencies = ['pinhub-missing-module>=1', 'torch>=999', 'torch']\n"
        "def model():\n    return 1\n",
    )
    with pytest.raises(MissingDependenciesError) as raised:
        pinhub.load(str(tmp_path), "model", source="local")
    assert raised.value.unmet == ["pinhub-missing-module>=1", "torch>=999"]
    assert "pinhub_missing_module" not in sys.modules


def test_a_module_the_hub_ships_counts_as_installed(tmp_path: Path) -> None:
    write_hubconf(
        tmp_path, "dependencies = ['torch', 'vendored']\nimport vendored\ndef model():\n    return vendored.X\n"
    )
    (tmp_path / "vendored.py").write_text("X = 7\n")
    assert pinhub.load(str(tmp_path), "model", source="local") == 7


def test_local_folder_without_hubconf(tmp_path: Path) -> None:
    with pytest.raises(HubconfError, match="has no hubconf"):
        pinhub.load(str(tmp_path), "model", source="local")


def test_local_hub_is_reimported_when_its_code_changes(tmp_path: Path) -> None:
    path = write_hubconf(tmp_path, "def answer():\n    return 1\n")
    assert pinhub.load(str(tmp_path), "answer", source="local") == 1
    path.write_text("def answer():\n    return 2  # changed\n")
    assert pinhub.load(str(tmp_path), "answer", source="local") == 2
