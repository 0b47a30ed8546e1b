"""The processes a build started, found and killed: by the build on Ctrl-C, and by its guardian once it is gone.

`supervised()` starts the guardian: this file, run as `python -I -S guardian.py PID` with the read end
of a pipe as its standard input; only the build holds the write end. The guardian looks at the build's
process tree every 50 ms. When the pipe closes (the build ended, however it died: SIGKILL included) or
the build is gone, it kills every process it last saw in that tree, and what those started since. On
Ctrl-C the build does not wait for that: `stop_children` kills its tree at once, and again every 20 ms
until the build has exited, so that nothing its worker threads start meanwhile lives on.

A process that leaves the tree on its own (a daemon whose parent exits) is not followed: the build does
not make itself a child subreaper, which would leave every such orphan a zombie of the build, unreaped.

This file imports only the standard library, since the guardian runs it by path.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

POLL_SECONDS = 0.05
KILL_AGAIN_SECONDS = 0.02
PROC = Path("/proc")
CHILDREN_LISTED = (PROC / "self" / "task" / str(os.getpid()) / "children").exists()

_guardians: list[int] = []  # pids of this process's guardians, spared when it kills its tree


@contextlib.contextmanager
def supervised() -> Iterator[None]:
    """Run the block in a process whose child processes end with it: see the module's docstring."""
    if not PROC.is_dir():  # no /proc: no tree to watch
        yield
        return
    read, write = os.pipe()  # both ends close on exec: only the guardian gets the read end, as its stdin
    try:
        guardian = subprocess.Popen(
            [sys.executable, "-I", "-S", __file__, str(os.getpid())], stdin=read, start_new_session=True
        )
    finally:
        os.close(read)
    _guardians.append(guardian.pid)
    try:
        yield
    finally:
        os.close(write)
        _guardians.remove(guardian.pid)
        guardian.wait()


def stop_children() -> None:
    """Kill every process this one started (its guardians aside) now, and keep doing so until it exits."""
    kill_tree(os.getpid(), frozenset(_guardians))
    threading.Thread(target=_keep_stopping, name="stop-children", daemon=True).start()


def _keep_stopping() -> None:
    spare = frozenset(_guardians)
    while True:
        kill_tree(os.getpid(), spare)
        time.sleep(KILL_AGAIN_SECONDS)


def start_time(pid: int) -> str:
    """The start time of process `pid` in clock ticks since boot ('' when it is gone or a zombie)."""
    try:
        text = (PROC / str(pid) / "stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return ""
    fields = text.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 and fields[0] not in ("Z", "X") else ""


def children(pid: int) -> list[int]:
    """The children of process `pid` ([] when it is gone)."""
    if not CHILDREN_LISTED:
        return [child for child, parent in _parents().items() if parent == pid]
    found: list[int] = []
    try:
        threads = list((PROC / str(pid) / "task").iterdir())
    except OSError:
        return found
    for thread in threads:  # /proc lists children under the thread that started them
        with contextlib.suppress(OSError, ValueError):
            found += [int(child) for child in (thread / "children").read_text(encoding="ascii").split()]
    return found


def _parents() -> dict[int, int]:
    """Every process's parent, from /proc/*/stat (where the kernel does not list children)."""
    parents = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                parents[int(entry.name)] = int((entry / "stat").read_text().rpartition(")")[2].split()[1])
    return parents


def descendants(pid: int, spare: frozenset[int] = frozenset()) -> dict[int, str]:
    """Every process below `pid` (children, theirs, …) but those in `spare` and below them: pid → start time."""
    found: dict[int, str] = {}
    waiting = [pid]
    while waiting:
        for child in children(waiting.pop()):
            if child not in spare and child not in found:
                found[child] = start_time(child)  # '' for a zombie: nothing to kill, and no children
                waiting.append(child)
    return found


def kill_all(processes: dict[int, str]) -> int:
    """SIGKILL every process of `processes` still running as the same process (its start time unchanged)."""
    killed = 0
    for pid, started in processes.items():
        if started and start_time(pid) == started:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
                killed += 1
    return killed


def kill_tree(pid: int, spare: frozenset[int] = frozenset()) -> int:
    """Kill every process below `pid` but `spare`, until none is left (those it starts meanwhile too)."""
    killed = 0
    for _ in range(20):
        now = kill_all(descendants(pid, spare))
        if not now:
            break
        killed += now
    return killed


def watch(build: int, pipe: int) -> None:
    """Remember build's tree until `pipe` closes or the build is gone; then kill what was in it."""
    started = start_time(build)
    spare = frozenset({os.getpid()})
    seen: dict[int, str] = {}
    while start_time(build) == started:
        readable, _, _ = select.select([pipe], [], [], POLL_SECONDS)
        if readable and not os.read(pipe, 4096):
            break
        seen = descendants(build, spare)
    for _ in range(20):  # what the last seen processes started meanwhile is still below them
        below = {pid: when for parent in seen for pid, when in descendants(parent, spare).items()}
        if not kill_all({**seen, **below}):
            return
        seen = below


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watch(int(sys.argv[1]), sys.stdin.fileno())
