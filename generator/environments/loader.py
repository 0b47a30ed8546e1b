"""A read-only copy of the `pinhub` loader for the probes, outside the project folder.

Probes import `pinhub` inside a verification environment, which does not have it installed. Putting
the project folder on their path would also expose `generator`, `tests` and `examples` to hub code
(a hub's own `tests` package would collide), so the loader's package is copied, once per version of
its sources, into a folder of its own.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
from pathlib import Path

from generator.files import temporary_name

# Found without importing it: the build itself never needs the loader (and its torch) in its process.
_SPEC = importlib.util.find_spec("pinhub")
LOADER_SOURCES = Path(_SPEC.origin if _SPEC and _SPEC.origin else "pinhub/__init__.py").resolve().parent


def loader_digest() -> str:
    """Hash of the loader's sources (the probes run them, so they are part of every lock key)."""
    digest = hashlib.sha256()
    for path in sorted(LOADER_SOURCES.rglob("*.py")):
        digest.update(path.relative_to(LOADER_SOURCES).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def loader_path(root: Path) -> Path:
    """A folder holding only the `pinhub` package, to put first on a probe's sys.path."""
    target = root / "loader" / loader_digest()
    if (target / "pinhub" / "__init__.py").is_file():
        return target
    staging = temporary_name(target)
    shutil.copytree(LOADER_SOURCES, staging / "pinhub", ignore=shutil.ignore_patterns("__pycache__"))
    try:
        os.replace(staging, target)
    except OSError:  # another build put the same copy in place first
        shutil.rmtree(staging, ignore_errors=True)
    return target
