"""The bubblewrap (`bwrap`) command line a probe runs under, and whether bwrap can make a sandbox here.

What the sandbox sees: the system's program and library folders, read-only (`/usr`, `/etc`, `/opt`,
...; not `/home`, `/root`, `/srv`, `/mnt`, `/var`, `/run`, `/work` or any other folder holding data),
with the files that hold credentials hidden; a fresh `/proc` of its own PID namespace with its global
knobs read-only; a minimal `/dev` (plus the NVIDIA devices when asked); an empty `/tmp`. Then, each at
its own path and read-only, exactly the folders the probe needs (the interpreter's, the hub's, the
probe script, ...), and one writable scratch folder that is its home and working directory.

It runs with no capabilities, in new user (where possible), PID, network, IPC and UTS namespaces, in
a new session, and dies with the process that started it: when that process dies, even by SIGKILL,
bwrap and everything in its PID namespace die too.
"""

from __future__ import annotations

import functools
import glob
import os
import shutil
import subprocess
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

SYSTEM_FOLDERS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt", "/nix", "/sys")
# Credentials inside the system folders: password hashes, SSH host keys, TLS private keys.
SECRETS = (
    "/etc/shadow",
    "/etc/shadow-",
    "/etc/gshadow",
    "/etc/gshadow-",
    "/etc/ssh",
    "/etc/ssl/private",
    "/etc/pki/tls/private",
)
# Global knobs in a fresh /proc that a process running as the builder's root could write even without
# capabilities; bwrap covers them itself only where it finds them writable before dropping privileges.
PROC_READ_ONLY = ("/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus")
NAMESPACES = (
    "--unshare-user-try",
    "--unshare-pid",
    "--unshare-net",
    "--unshare-ipc",
    "--unshare-uts",
    "--unshare-cgroup-try",
)
GPU_DEVICES = ("/dev/nvidia*", "/dev/dri")
CHECK_TIMEOUT = 30.0


@dataclass(frozen=True)
class View:
    """What one probe sees besides the system.

    Attributes:
        readable: Folders and files bound read-only at their own paths.
        private_sources: Readable folders whose `.git` is hidden (the project's own source).
        scratch: The one writable folder: home, temp dir and working directory.
        gpu: Whether the NVIDIA device nodes are there.
    """

    readable: tuple[Path, ...]
    private_sources: tuple[Path, ...]
    scratch: Path
    gpu: bool = False


def command(bwrap: str, view: View, info_fd: int | None = None) -> list[str]:
    """The bwrap command line, up to and including `--`, that runs a command inside `view`."""
    arguments = [bwrap, *NAMESPACES, "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
    if info_fd is not None:
        arguments += ["--info-fd", str(info_fd)]
    arguments += system_mounts(view.gpu)
    for path in _ordered(view.readable):
        arguments += ["--ro-bind", str(path), str(path)]
    for source in view.private_sources:
        arguments += _hide([source / ".git"])
    scratch = str(view.scratch)
    # Last: the root folder bwrap built the view in becomes read-only too, so that only the scratch
    # folder, /tmp and /dev (all private) take writes.
    return [*arguments, "--bind", scratch, scratch, "--remount-ro", "/", "--chdir", scratch, "--"]


def system_mounts(gpu: bool) -> list[str]:
    """The system folders read-only, /proc, /dev and an empty /tmp, with secrets and the home folder hidden."""
    arguments: list[str] = []
    for folder in SYSTEM_FOLDERS:
        if os.path.islink(folder):
            arguments += ["--symlink", os.readlink(folder), folder]
        elif os.path.isdir(folder):
            arguments += ["--ro-bind", folder, folder]
    arguments += ["--proc", "/proc"]
    for knob in PROC_READ_ONLY:
        arguments += ["--ro-bind-try", knob, knob]
    arguments += ["--dev", "/dev"]
    for device in _gpu_devices() if gpu else []:
        arguments += ["--dev-bind", device, device]
    arguments += _hide(Path(path) for path in _hidden() if _in_system(path))
    return [*arguments, "--tmpfs", "/tmp"]


def needs_binding(path: Path) -> bool:
    """Whether `path` must be bound to be seen: it lies outside the system folders, or is hidden there."""
    text = os.path.abspath(path)
    return not _in_system(text) or _under(text, _hidden())


def find() -> tuple[str, str]:
    """(the bwrap that works here, '') or ('', why no sandbox can be made); checked once per process."""
    with _check_lock:
        return _check()


_check_lock = threading.Lock()


@functools.cache
def _check() -> tuple[str, str]:
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return "", "bubblewrap (bwrap) is not installed"
    trial = [bwrap, *NAMESPACES, "--die-with-parent", "--new-session", "--cap-drop", "ALL", *system_mounts(False)]
    trial += ["--remount-ro", "/", "--", "true"]
    try:
        completed = subprocess.run(trial, capture_output=True, text=True, timeout=CHECK_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as error:
        return "", f"bubblewrap ({bwrap}) does not run: {error}"
    if completed.returncode != 0:
        said = (completed.stderr.strip().splitlines() or [f"exit status {completed.returncode}"])[-1]
        return "", f"bubblewrap ({bwrap}) cannot make a sandbox here ({said}); are user namespaces turned off?"
    return bwrap, ""


def _hidden() -> tuple[str, ...]:
    """The secrets, and the home folder unless it is a whole system folder (or `/`)."""
    home = os.path.abspath(os.path.expanduser("~"))
    return SECRETS if home == "/" or home in SYSTEM_FOLDERS else (*SECRETS, home)


def _in_system(path: str) -> bool:
    return _under(path, SYSTEM_FOLDERS) and os.path.lexists(path)


def _under(path: str, folders: Iterable[str]) -> bool:
    return any(path == folder or path.startswith(folder.rstrip("/") + "/") for folder in folders)


def _hide(paths: Iterable[Path]) -> list[str]:
    """An empty read-only folder over each folder, /dev/null over each file."""
    arguments: list[str] = []
    for path in paths:
        if path.is_dir():
            arguments += ["--tmpfs", str(path), "--remount-ro", str(path)]
        elif path.exists():
            arguments += ["--ro-bind", "/dev/null", str(path)]
    return arguments


def _ordered(paths: Iterable[Path]) -> list[Path]:
    """Each path once, outer folders before what lies inside them, nothing that a listed folder covers."""
    unique = sorted({Path(os.path.abspath(path)) for path in paths}, key=lambda path: len(path.parts))
    kept: list[Path] = []
    for path in unique:
        if not any(path.is_relative_to(outer) for outer in kept):
            kept.append(path)
    return kept


def _gpu_devices() -> list[str]:
    return sorted(device for pattern in GPU_DEVICES for device in glob.glob(pattern))
