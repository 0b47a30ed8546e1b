"""Limits on a sandbox's whole process tree from a cgroup: how many tasks, and how much memory in all.

The runner makes one cgroup per probe inside the cgroup it runs in itself: cgroup v2 where the `pids`
and `memory` controllers are delegated to it, else the v1 `pids` and `memory` hierarchies. A shell that
writes its own pid to `cgroup.procs` and then execs bwrap puts the sandbox in it before any of its
processes exist. The kernel then refuses a fork past the task limit (threads count) and OOM-kills past
the memory limit; the runner reads the events that record either and removes the cgroup afterwards.
Where no cgroup can be made (no cgroupfs, not writable, controllers not delegated) `create` returns
None and the sandbox's supervisor enforces the same limits by polling instead.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
PREFIX = "pinhub-"
# Besides the probe's own tasks the cgroup holds bwrap, the namespace's init and child.py's supervisor.
OVERHEAD_TASKS = 3
JOIN = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 126; shift; done; shift; exec "$@"'
EMPTY_WAIT_SECONDS = 5.0
_numbers = itertools.count()


@dataclass(frozen=True)
class Hierarchy:
    """Where this process may make cgroups: v2's one folder, or v1's `pids` and `memory` folders."""

    version: int
    parents: tuple[Path, ...]


@dataclass(frozen=True)
class Cgroup:
    """One probe's cgroup (a folder per hierarchy) and the limits set on it."""

    version: int
    folders: tuple[Path, ...]
    processes: int
    memory_mb: int | None

    def join_command(self) -> list[str]:
        """The command prefix that moves itself into this cgroup, then execs the rest of the command line."""
        return ["/bin/sh", "-c", JOIN, "sh", *(str(folder / "cgroup.procs") for folder in self.folders), "--"]

    def exceeded(self) -> str:
        """Which limit the tree broke: a message, or '' when neither."""
        if _event(self.folders[0] / "pids.events", "max"):
            return f"started more than {self.processes} processes (threads count too)"
        oom = self.folders[-1] / ("memory.events" if self.version == 2 else "memory.oom_control")
        if self.memory_mb is not None and _event(oom, "oom_kill"):
            return f"used more than {self.memory_mb} MB in all"
        return ""

    def kill(self) -> None:
        """SIGKILL every process in the cgroup."""
        kill_file = self.folders[0] / "cgroup.kill"
        if self.version == 2 and kill_file.exists():
            with contextlib.suppress(OSError):
                kill_file.write_text("1")
                return
        for pid in self.members():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def members(self) -> set[int]:
        """The pids in the cgroup now."""
        found: set[int] = set()
        for folder in self.folders:
            with contextlib.suppress(OSError):
                found.update(int(line) for line in (folder / "cgroup.procs").read_text().split())
        return found

    def remove(self) -> None:
        """Kill what is left in the cgroup, wait until it is empty, and remove its folders."""
        deadline = time.monotonic() + EMPTY_WAIT_SECONDS
        while self.members() and time.monotonic() < deadline:
            self.kill()
            time.sleep(0.01)
        for folder in self.folders:
            with contextlib.suppress(OSError):
                folder.rmdir()


def create(processes: int, memory_mb: int | None, owner: str) -> Cgroup | None:
    """A new cgroup named after `owner` with the limits set, or None where this process cannot make one."""
    hierarchy = hierarchy_here(CGROUP_ROOT)
    if hierarchy is None:
        return None
    name = f"{PREFIX}{owner}-{next(_numbers)}"
    made: list[Path] = []
    try:
        for parent in hierarchy.parents:
            (parent / name).mkdir()
            made.append(parent / name)
        cgroup = Cgroup(hierarchy.version, tuple(made), processes, memory_mb)
        _configure(cgroup)
    except OSError:
        for folder in made:
            with contextlib.suppress(OSError):
                folder.rmdir()
        return None
    return cgroup


def remove_stale(alive: Callable[[str], bool]) -> None:
    """Remove the cgroups of build processes that are gone (`alive` tells by the owner's name)."""
    hierarchy = hierarchy_here(CGROUP_ROOT)
    if hierarchy is None:
        return
    for parent in hierarchy.parents:
        for folder in parent.glob(f"{PREFIX}*"):
            owner = folder.name.removeprefix(PREFIX).rpartition("-")[0]
            if folder.is_dir() and not alive(owner):
                Cgroup(hierarchy.version, (folder,), 0, None).remove()


@functools.cache
def hierarchy_here(root: Path) -> Hierarchy | None:
    """Where this process may make cgroups with both controllers under `root`; None where it may not."""
    own = _own_cgroups()
    if (root / "cgroup.controllers").is_file():
        parent = root / own.get("", "/").lstrip("/")
        enabled = _read(parent / "cgroup.subtree_control").split()
        found = Hierarchy(2, (parent,)) if {"pids", "memory"} <= set(enabled) else None
    else:
        parents = tuple(root / name / own[name].lstrip("/") for name in ("pids", "memory") if name in own)
        found = Hierarchy(1, parents) if len(parents) == 2 and all(p.is_dir() for p in parents) else None
    return found if found and _writable(found) else None


def _own_cgroups() -> dict[str, str]:
    """This process's cgroup path per v1 controller name, and under '' its v2 path."""
    paths: dict[str, str] = {}
    for line in _read(Path("/proc/self/cgroup")).splitlines():
        _, controllers, path = line.split(":", 2)
        for name in controllers.split(",") if controllers else [""]:
            paths[name] = path
    return paths


def _writable(hierarchy: Hierarchy) -> bool:
    probe = f"{PREFIX}probe-{os.getpid()}"
    try:
        for parent in hierarchy.parents:
            (parent / probe).mkdir()
            (parent / probe).rmdir()
    except OSError:
        return False
    return True


def _configure(cgroup: Cgroup) -> None:
    memory = None if cgroup.memory_mb is None else str(cgroup.memory_mb * 1024 * 1024)
    tasks = str(cgroup.processes + OVERHEAD_TASKS)
    if cgroup.version == 2:
        folder = cgroup.folders[0]
        (folder / "pids.max").write_text(tasks)
        if memory:
            (folder / "memory.max").write_text(memory)
            _write_if_present(folder / "memory.swap.max", "0")
        return
    pids, memory_folder = cgroup.folders
    (pids / "pids.max").write_text(tasks)
    if memory:
        (memory_folder / "memory.limit_in_bytes").write_text(memory)
        _write_if_present(memory_folder / "memory.memsw.limit_in_bytes", memory)  # no swapping past it


def _write_if_present(path: Path, value: str) -> None:
    with contextlib.suppress(OSError):
        path.write_text(value)


def _event(path: Path, name: str) -> int:
    for line in _read(path).splitlines():
        key, _, count = line.partition(" ")
        if key == name and count.strip().isdigit():
            return int(count)
    return 0


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""
