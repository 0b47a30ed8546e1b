"""Limits on the probe's whole process tree hold with a cgroup and, where none can be made, with the supervisor."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from generator.sandbox import Limits, cgroups, run_probe, sandbox_available
from support import NO_SANDBOX
from tests.generator.sandbox.helpers import mark_processes, processes_marked, write_probe

pytestmark = pytest.mark.skipif(not sandbox_available(), reason=NO_SANDBOX)

MECHANISMS = {"cgroup": "bubblewrap, cgroup limits", "supervised": "bubblewrap, supervised limits"}


@pytest.fixture
def marker(monkeypatch: pytest.MonkeyPatch) -> str:
    return mark_processes(monkeypatch)


@pytest.fixture(params=sorted(MECHANISMS))
def mechanism(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """Each test runs with a cgroup (where this machine lets the build make one) and without (the supervisor)."""
    name: str = request.param
    if name == "cgroup" and cgroups.hierarchy_here(cgroups.CGROUP_ROOT) is None:
        pytest.skip("this process cannot make cgroups with the pids and memory controllers here")
    if name == "supervised":
        monkeypatch.setattr(cgroups, "CGROUP_ROOT", tmp_path / "no-cgroupfs")
    return name


def test_a_fork_flood_is_stopped_at_the_process_limit(tmp_path: Path, mechanism: str, marker: str) -> None:
    script = write_probe(
        tmp_path,
        """
        import subprocess
        def run():
            children = [subprocess.Popen(["sleep", "60"]) for _ in range(300)]
            return {"ok": True, "started": len(children)}
        """,
    )
    outcome = run_probe(script, [], Limits(timeout=60, processes=50))
    assert outcome.isolation == MECHANISMS[mechanism]
    assert outcome.result is None
    assert outcome.failure == "started more than 50 processes (threads count too)"
    assert processes_marked(marker) == []


def test_memory_spread_over_processes_is_capped_in_all(tmp_path: Path, mechanism: str, marker: str) -> None:
    """Four children each under the per-process cap, together over the tree's cap."""
    script = write_probe(
        tmp_path,
        f"""
        import subprocess
        HOG = "b = bytearray(150 * 2**20); b[::4096] = bytes(len(b[::4096])); import time; time.sleep(60)"
        def run():
            children = [subprocess.Popen([{sys.executable!r}, "-I", "-c", HOG]) for _ in range(4)]
            for child in children:
                child.wait()
            return {{"ok": True}}
        """,
    )
    outcome = run_probe(script, [], Limits(timeout=60, memory_mb=400))
    assert outcome.isolation == MECHANISMS[mechanism]
    assert outcome.result is None
    assert outcome.failure == "used more than 400 MB in all"
    assert processes_marked(marker) == []
