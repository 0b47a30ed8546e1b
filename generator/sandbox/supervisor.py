"""The process that waits for the probe inside the sandbox, reports how it ended, and enforces tree limits.

child.py loads this file by path (standard library only, like child.py) and calls `fork_supervised`
before it runs any probe code: the forked child returns and runs the probe; this process stays behind
as its parent. It writes STATUS.json when the probe's process ends: `returncode` (the exit status, or
minus the signal that killed it) and `exceeded` (which tree limit was broken, '' when none).

Where the runner could make no cgroup it asks for limits here: then this process polls /proc, which in
the sandbox's own PID namespace lists the probe's processes only, and kills every one of them once they
hold more than `processes` tasks (threads count, as for a cgroup) or more than `memory_mb` MB of memory
together (proportional set size, so pages shared between forks count once). A poll can miss a short
spike; each process's address space cap (set by child.py) stays as a backstop.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
from pathlib import Path
from typing import Any

POLL_SECONDS = 0.02
# bwrap's own init is PID 1 of the sandbox's namespace and starts the command as PID 2. Killing
# "everything" is only safe there; anywhere else it would reach the builder's own processes.
SANDBOX_PID = 2


def fork_supervised(settings: dict[str, Any]) -> None:
    """Fork; return in the child (which runs the probe) and supervise it here until it ends, then exit."""
    if os.getpid() != SANDBOX_PID:
        raise RuntimeError("the supervisor runs only as the first process of the sandbox's PID namespace")
    probe = os.fork()
    if probe == 0:
        return
    returncode, exceeded = supervise(probe, settings.get("processes"), settings.get("memory_mb"))
    _write_status(Path(settings["status"]), returncode, exceeded)
    os._exit(0)


def supervise(probe: int, processes: int | None, memory_mb: int | None) -> tuple[int, str]:
    """Wait for `probe` to end, enforcing the tree limits given; (its returncode, the limit it broke)."""
    waiter = _Waiter(probe)
    while True:
        status = waiter.wait(POLL_SECONDS if processes or memory_mb else None)
        if status is not None:
            return _returncode(status), ""
        exceeded = broken_limit(processes, memory_mb)
        if exceeded:
            _kill_everything()
            return _returncode(waiter.wait_until_ended()), exceeded


def broken_limit(processes: int | None, memory_mb: int | None) -> str:
    """What the sandbox's processes together exceed right now: a message, or '' when within the limits."""
    tasks, kilobytes = 0, 0
    for pid in _sandbox_pids():
        tasks += _threads(pid)
        if processes is not None and tasks > processes:
            return f"started more than {processes} processes (threads count too)"
        if memory_mb is not None:
            kilobytes += _pss_kilobytes(pid)
    if memory_mb is not None and kilobytes > memory_mb * 1024:
        return f"used more than {memory_mb} MB in all"
    return ""


def _sandbox_pids() -> list[int]:
    """Every process of the namespace but its init and this supervisor."""
    own = {1, os.getpid()}
    return [int(name) for name in os.listdir("/proc") if name.isdigit() and int(name) not in own]


def _threads(pid: int) -> int:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return 0  # it ended between the listing and the read
    fields = stat.rpartition(")")[2].split()
    return int(fields[17]) if len(fields) > 17 else 1


def _pss_kilobytes(pid: int) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text(encoding="ascii", errors="replace").splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


def _kill_everything() -> None:
    """SIGKILL every process of the namespace but init and this one (kill(-1) is atomic against forks)."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(-1, signal.SIGKILL)


class _Waiter:
    """Waits for one child, waking as soon as it ends (a pidfd) or when the poll interval passes."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.fd: int | None = None
        with contextlib.suppress(AttributeError, OSError):
            self.fd = os.pidfd_open(pid)

    def wait_until_ended(self) -> int:
        """The child's wait status, blocking until it has ended."""
        return os.waitpid(self.pid, 0)[1]

    def wait(self, timeout: float | None) -> int | None:
        """The child's wait status once it has ended; None when `timeout` seconds passed first."""
        if timeout is None:
            return self.wait_until_ended()
        if self.fd is not None:
            select.select([self.fd], [], [], timeout)
        else:
            select.select([], [], [], timeout)
        pid, status = os.waitpid(self.pid, os.WNOHANG)
        return status if pid else None


def _returncode(status: int) -> int:
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def _write_status(path: Path, returncode: int, exceeded: str) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps({"returncode": returncode, "exceeded": exceeded}), encoding="utf-8")
    partial.replace(path)
