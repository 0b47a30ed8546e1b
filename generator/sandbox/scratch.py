"""The probes' private scratch folders, and the removal of those a killed build left behind.

Every folder lives under one parent in the system temp dir, `pinhub-sandbox-<uid>/<pid>-<start>/`, named
after the build process that owns it (its pid and start time, so a reused pid does not look alive). A
build that is SIGKILLed cannot remove its folders; `remove_stale` removes every folder whose owner is
gone, and the runner calls it on its first probe in each process.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any


def base_folder() -> Path:
    """The parent of every scratch folder of this user, created private (0700) when missing.

    Raises:
        PermissionError: the path exists but is not a folder of this user (someone else made it first).
    """
    base = Path(tempfile.gettempdir()) / f"pinhub-sandbox-{os.getuid()}"
    with contextlib.suppress(FileExistsError):
        base.mkdir(mode=0o700)
    info = base.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise PermissionError(f"{base} is not a folder of this user; remove it so the sandbox can make its own")
    return base


def owner_name(pid: int | None = None) -> str:
    """`<pid>-<start time>` of process `pid` (this one by default)."""
    pid = os.getpid() if pid is None else pid
    return f"{pid}-{_start_time(pid)}"


def owner_alive(name: str) -> bool:
    """Whether the process a folder is named after still runs (False for names that are not `<pid>-<start>`)."""
    pid, _, start = name.partition("-")
    if not pid.isdigit() or not start:
        return False
    return _start_time(int(pid)) == start


@contextlib.contextmanager
def scratch_folder() -> Iterator[Path]:
    """A new empty folder owned by this process, removed with everything in it afterwards."""
    owner = base_folder() / owner_name()
    owner.mkdir(mode=0o700, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="probe-", dir=owner))
    try:
        yield folder
    finally:
        remove_tree(folder)


def remove_stale() -> list[Path]:
    """Remove the scratch folders of build processes that are gone; the folders removed."""
    removed = []
    for owner in base_folder().iterdir():
        if not owner_alive(owner.name):
            remove_tree(owner)
            removed.append(owner)
    return removed


def remove_tree(path: Path) -> None:
    """Remove `path` and everything in it, including folders the probe made read-only; never raises."""
    shutil.rmtree(path, onerror=_make_writable_and_retry)


def _make_writable_and_retry(function: Callable[..., Any], failed: str, _error: Any) -> None:
    with contextlib.suppress(OSError):
        parent = os.path.dirname(failed)
        os.chmod(parent, stat.S_IRWXU)
        if os.path.isdir(failed) and not os.path.islink(failed):
            os.chmod(failed, stat.S_IRWXU)
            shutil.rmtree(failed, ignore_errors=True)
        else:
            function(failed)


def _start_time(pid: int) -> str:
    """The process's start time in clock ticks since boot ('' when no such process runs)."""
    if not Path("/proc/self/stat").exists():  # no procfs: whether it runs is all that can be told
        return "0" if _exists(pid) else ""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return ""
    fields = text.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else "0"


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
