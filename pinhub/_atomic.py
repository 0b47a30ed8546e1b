"""Replacing a small file so that readers, in this process or another, see the old content or the new, never part."""

from __future__ import annotations

import os
import uuid
from pathlib import Path


def temporary_name(path: Path) -> Path:
    """A name beside ``path`` that no other process or call uses: ``<name>.<pid>.<uuid>.incomplete``."""
    return path.with_name(f"{path.name}.{os.getpid()}.{uuid.uuid4().hex}.incomplete")


def replace_file(path: Path, data: bytes) -> None:
    """Write ``data`` under a temporary name beside ``path``, then rename it into place."""
    temporary = temporary_name(path)
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
