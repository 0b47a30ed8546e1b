"""Helpers for tests that run real probes: write a probe file, find a probe's processes, fingerprint a folder."""

from __future__ import annotations

import hashlib
import os
import textwrap
import uuid
from pathlib import Path

import pytest

# Every process a test's probe starts inherits this variable (the runner passes the environment on,
# scrubbed of secrets only), so a leftover process is found by its value in /proc/<pid>/environ.
MARKER_VARIABLE = "PINHUB_TEST_MARKER"


def write_probe(folder: Path, body: str, name: str = "probe.py") -> Path:
    """A probe script `folder/name` with `body` (dedented) as its code."""
    path = folder / name
    path.write_text("from __future__ import annotations\n" + textwrap.dedent(body), encoding="utf-8")
    return path


def processes_marked(marker: str) -> list[int]:
    """The pids of running processes (zombies aside) whose environment holds `marker`, this process aside."""
    needle = marker.encode()
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            environ = Path(f"/proc/{name}/environ").read_bytes()
            state = Path(f"/proc/{name}/stat").read_text().rpartition(")")[2].split()[0]
        except OSError:
            continue
        if needle in environ and state != "Z":
            found.append(int(name))
    return found


def folder_digest(folder: Path) -> dict[str, str]:
    """Every file and folder under `folder`: its mode and, for files, the SHA-256 of its bytes."""
    digest = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        mode = oct(path.lstat().st_mode)
        digest[key] = mode + (":" + hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "")
    return digest


def mark_processes(monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh marker that every process started from now on (probes included) carries in its environment."""
    value = f"marker-{uuid.uuid4().hex}"
    monkeypatch.setenv(MARKER_VARIABLE, value)
    return value
