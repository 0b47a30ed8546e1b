"""Load the example hub repos the way their users do: by path, through torch.hub, or in a fresh process.

Both examples name their helper module ``models``, so anything that imports a hubconf
in this process runs under ``isolated_imports``, which keeps each repo's top-level
modules from leaking into ``sys.modules`` and shadowing the other's.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import torch

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DIGITS = EXAMPLES / "digits"
DIGITS_VAE = EXAMPLES / "digits-vae"

# The thresholds each example's README promises; the tests hold the shipped weights to them.
CLASSIFIER_MIN_ACCURACY = 0.97
VAE_MIN_SAMPLE_ACCURACY = 0.90
VAE_MAX_RECONSTRUCTION_MSE = 0.03
CHANCE_LEVEL_MAX_ACCURACY = 0.2


def import_file(name: str, path: Path) -> ModuleType:
    """Execute the Python file ``path`` as a module called ``name``."""
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@functools.cache
def load_by_path(path: Path) -> ModuleType:
    """Import one example module that imports no sibling (data.py, models.py, transforms.py) by path."""
    return import_file(f"_example_{path.parent.name.replace('-', '_')}_{path.stem}", path)


@contextmanager
def isolated_imports(repo: Path) -> Iterator[None]:
    """Hide and then drop every module named like a top-level file of ``repo`` (models, hubconf, ...)."""
    names = {path.stem for path in repo.glob("*.py")}
    hidden = {name: sys.modules.pop(name) for name in names if name in sys.modules}
    try:
        yield
    finally:
        for name in names:
            sys.modules.pop(name, None)
        sys.modules.update(hidden)


def hub_load(repo: Path, entrypoint: str, **kwargs: Any) -> Any:
    """``torch.hub.load(repo, entrypoint, source="local", **kwargs)``, isolated from the other example."""
    with isolated_imports(repo):
        return torch.hub.load(str(repo), entrypoint, source="local", **kwargs)  # type: ignore[no-untyped-call]


def hubconf(repo: Path) -> ModuleType:
    """Import ``repo``'s hubconf.py as torch.hub does (repo on sys.path), isolated from the other example."""
    with isolated_imports(repo):
        sys.path.insert(0, str(repo))
        try:
            spec = importlib.util.spec_from_file_location("hubconf", repo / "hubconf.py")
            assert spec is not None
            assert spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
        finally:
            sys.path.remove(str(repo))


def entrypoints(module: ModuleType) -> set[str]:
    """The names torch.hub.list would report: public callables of the hubconf module."""
    return {name for name in dir(module) if callable(getattr(module, name)) and not name.startswith("_")}


def metrics(repo: Path) -> dict[str, Any]:
    """The metrics.json that ``repo``'s train.py wrote."""
    record: dict[str, Any] = json.loads((repo / "metrics.json").read_text())
    return record


def run_python(script: str, cwd: Path) -> Any:
    """Run ``script`` in a fresh interpreter and return the JSON it prints on its last line."""
    completed = subprocess.run(
        [sys.executable, "-c", script], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])


def percent(share: float) -> str:
    """How the examples' docs write a measured share: 0.99167 -> '99.2 %'."""
    return f"{share * 100:.1f} %"
