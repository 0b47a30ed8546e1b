"""The one way the generator runs hub code: `run_probe`, in a bubblewrap sandbox it can always kill.

Each probe gets a fresh scratch folder (its home, temp dir and working directory), sees the system
read-only and nothing of the builder's files but what it is given (see bubblewrap.py), has no network,
a scrubbed environment, and limits on its whole process tree: a cgroup where this process can make
one (cgroups.py), else the supervisor in the sandbox's PID namespace (supervisor.py). When the probe
ends, times out or breaks a limit, every process it started is gone by the time `run_probe` returns.

Where bwrap is missing or cannot make namespaces, hub code runs only if the caller says the maintainer
trusts it; then it runs as a plain child process, in an empty network namespace where `unshare` can
make one, with the socket guard and per-process limits only.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, Any

from generator.errors import GeneratorError
from generator.sandbox import bubblewrap, cgroups, scratch
from generator.sandbox.interpreter import editable_sources, interpreter_folders

CHILD = Path(__file__).with_name("child.py")
OUTPUT_TAIL_BYTES = 4000
# In the probe's home, where child.py and its supervisor can write them.
RESULT_FILE = ".pinhub-result.json"
STATUS_FILE = ".pinhub-status.json"
EVENT_POLL_SECONDS = 0.05
KILL_WAIT_SECONDS = 5.0
SECRET_MARKERS = (
    "TOKEN",
    "SECRET",
    "PASSWORD",
    "PASSWD",
    "CREDENTIAL",
    "API_KEY",
    "ACCESS_KEY",
    "PRIVATE_KEY",
)
SECRET_NAMES = {"GH_TOKEN", "GITHUB_TOKEN", "HF_TOKEN", "AWS_SESSION_TOKEN", "SSH_AUTH_SOCK", "NETRC"}
PROXIES = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy")
# Folders the builder's own tools keep state in; the probe gets its scratch home instead.
HOME_POINTERS = ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_RUNTIME_DIR")
# `unshare` options for a trusted run's empty network namespace, most faithful first: keep the user's
# own uid inside when util-linux can, else map it to root of the new user namespace.
UNSHARE_VARIANTS = (("--map-current-user", "--net"), ("--map-root-user", "--net"))
FIX = "install bubblewrap (sudo apt-get install bubblewrap), or pass --trust-hub-code to run hubs without a sandbox"


class SandboxUnavailableError(GeneratorError):
    """No sandbox can be made on this machine, and the caller did not say the hubs are trusted."""


@dataclass(frozen=True)
class Limits:
    """What a probe may use.

    Attributes:
        timeout: Wall-clock seconds before everything it started is killed.
        memory_mb: Memory of the whole process tree (and each process's address space); None: no cap (CUDA).
        output_bytes: Largest file it may write, its console output included.
        processes: Tasks (processes and their threads) its tree may hold at once.
    """

    timeout: float = 300.0
    memory_mb: int | None = 8192
    output_bytes: int = 64 * 1024 * 1024
    processes: int = 256


@dataclass
class Outcome:
    """How a probe ended. `result` is the JSON it wrote, or None when it wrote none or broke a limit.

    `isolation` says what contained it: "bubblewrap, cgroup limits" or "bubblewrap, supervised limits",
    or, where no sandbox was available and the maintainer trusted the hub, "none: trusted by the
    maintainer (...)". `exceeded` names the tree limit it broke ('' when none).
    """

    result: dict[str, Any] | None
    returncode: int | None
    seconds: float
    timed_out: bool = False
    output_tail: str = ""
    isolation: str = ""
    exceeded: str = ""

    @property
    def failure(self) -> str:
        """One line saying why the probe produced no result ('' when it did)."""
        if self.exceeded:
            return self.exceeded
        if self.result is not None:
            return ""
        if self.timed_out:
            return "timed out"
        if self.returncode == -signal.SIGXFSZ:
            return "wrote more output than the sandbox allows (to a file or the console)"
        if self.returncode is not None and self.returncode < 0:
            return f"killed by signal {signal.Signals(-self.returncode).name}"
        last = self.output_tail.strip().splitlines()[-1:] or ["no output"]
        return f"exited with status {self.returncode}: {last[0][:300]}"


def sandbox_available() -> bool:
    """Whether hub code can run in a bubblewrap sandbox here (checked once per process)."""
    return not bubblewrap.find()[1]


def run_probe(
    script: Path,
    arguments: Sequence[str],
    limits: Limits,
    *,
    python: Path | None = None,
    readable: Sequence[Path] = (),
    import_paths: Sequence[Path] = (),
    gpu: bool = False,
    trusted: bool = False,
) -> Outcome:
    """Run probe `script` as `run(*arguments)` in the sandbox and read the JSON result it writes.

    Args:
        script: The probe file; child.py loads it by path.
        arguments: Strings passed to its `run`.
        limits: Time, memory, output and process limits.
        python: The interpreter that runs it (default: this one).
        readable: Folders the probe may read (read-only), such as the hub's checkout.
        import_paths: Folders put first on the probe's sys.path (read-only).
        gpu: Make the NVIDIA devices available; the memory cap is then off (CUDA reserves huge address space).
        trusted: Where no sandbox can be made, run anyway (the maintainer trusts these hubs).

    Safe to call from several threads at once.

    Raises:
        SandboxUnavailableError: no sandbox here, and `trusted` is False.
    """
    _remove_stale_once()
    bwrap, missing = bubblewrap.find()
    if missing and not trusted:
        raise SandboxUnavailableError(f"cannot run hub code safely: {missing}; {FIX}")
    job = _Job(
        script=Path(os.path.abspath(script)),
        arguments=list(arguments),
        limits=limits,
        python=Path(python) if python else Path(sys.executable),
        own_python=python is None,
        readable=tuple(Path(os.path.abspath(path)) for path in readable),
        import_paths=tuple(Path(os.path.abspath(path)) for path in import_paths),
        gpu=gpu,
    )
    with scratch.scratch_folder() as folder:
        return _sandboxed(job, bwrap, folder) if bwrap else _trusted(job, folder)


@dataclass(frozen=True)
class _Job:
    script: Path
    arguments: list[str]
    limits: Limits
    python: Path
    own_python: bool
    readable: tuple[Path, ...]
    import_paths: tuple[Path, ...]
    gpu: bool

    @property
    def memory_mb(self) -> int | None:
        return None if self.gpu else self.limits.memory_mb

    def child_command(self, settings: dict[str, Any], result: Path) -> list[str]:
        command = [str(self.python), "-I", "-u", "-B", str(CHILD), json.dumps(settings), str(self.script)]
        return [*command, *self.arguments, str(result)]

    def settings(self) -> dict[str, Any]:
        return {
            "output_bytes": self.limits.output_bytes,
            "memory_mb": self.memory_mb,
            "import_paths": [str(path) for path in self.import_paths],
        }

    def view(self, home: Path) -> bubblewrap.View:
        """Everything the probe reads, each path also under its real name when symlinks lead elsewhere."""
        sources = editable_sources(self.python) if self.own_python else []
        wanted = [
            CHILD.parent,
            self.script,
            *interpreter_folders(self.python),
            *sources,
            *self.readable,
            *self.import_paths,
        ]
        for path in self.readable + self.import_paths:
            if not path.exists():
                raise FileNotFoundError(f"{path} does not exist; the sandbox can only show existing folders")
        every = [*wanted, *(Path(os.path.realpath(path)) for path in wanted)]
        needed = tuple(path for path in every if bubblewrap.needs_binding(path))
        return bubblewrap.View(needed, tuple(sources), home, self.gpu)


def _sandboxed(job: _Job, bwrap: str, folder: Path) -> Outcome:
    home = folder / "home"
    home.mkdir()
    cgroup = cgroups.create(job.limits.processes, job.memory_mb, scratch.owner_name())
    started = time.monotonic()
    try:
        returncode, timed_out, exceeded = _run_bwrap(job, bwrap, home, cgroup)
    finally:
        if cgroup:
            cgroup.remove()
    status = _read_json(home / STATUS_FILE) or {}
    exceeded = exceeded or str(status.get("exceeded") or "")
    return Outcome(
        result=None if exceeded else _read_json(home / RESULT_FILE),
        returncode=None if timed_out else status.get("returncode", returncode),
        seconds=round(time.monotonic() - started, 3),
        timed_out=timed_out,
        output_tail=_tail(home.parent / "output.log"),
        isolation=f"bubblewrap, {'cgroup' if cgroup else 'supervised'} limits",
        exceeded=exceeded,
    )


def _run_bwrap(job: _Job, bwrap: str, home: Path, cgroup: cgroups.Cgroup | None) -> tuple[int | None, bool, str]:
    """Start the sandbox (in the cgroup, if any) and wait for it: (returncode, timed out, limit broken)."""
    # Without a cgroup the supervisor in the sandbox enforces the tree limits; it reports the exit anyway.
    supervise: dict[str, Any] = {"status": str(home / STATUS_FILE), "processes": None, "memory_mb": None}
    if cgroup is None:
        supervise.update(processes=job.limits.processes, memory_mb=job.memory_mb)
    info_read, info_write = os.pipe2(os.O_CLOEXEC)  # bwrap writes the pid of the sandbox's init here
    try:
        try:
            command = [
                *(cgroup.join_command() if cgroup else []),
                *bubblewrap.command(bwrap, job.view(home), info_write),
            ]
            command += job.child_command({**job.settings(), "supervise": supervise}, home / RESULT_FILE)
            with open(home.parent / "output.log", "wb") as log:
                process = _start(command, home, log, scrubbed_environment(str(home)), pass_fds=(info_write,))
        finally:
            os.close(info_write)
        return _wait(process, job.limits.timeout, cgroup, info_read)
    finally:
        os.close(info_read)


def _start(
    command: list[str], cwd: Path, log: IO[bytes], env: dict[str, str], pass_fds: tuple[int, ...] = ()
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        start_new_session=True,
        pass_fds=pass_fds,
    )


def _wait(
    process: subprocess.Popen[bytes], timeout: float, cgroup: cgroups.Cgroup | None, info_fd: int
) -> tuple[int | None, bool, str]:
    """Wait for bwrap to end: (its returncode, whether it timed out, the tree limit broken)."""
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            _kill_sandbox(process, cgroup, info_fd)
            return None, True, ""
        try:
            returncode = process.wait(timeout=min(remaining, EVENT_POLL_SECONDS) if cgroup else remaining)
        except subprocess.TimeoutExpired:
            exceeded = cgroup.exceeded() if cgroup else ""
            if exceeded:
                _kill_sandbox(process, cgroup, info_fd)
                return None, False, exceeded
            continue
        return returncode, False, cgroup.exceeded() if cgroup else ""


def _kill_sandbox(process: subprocess.Popen[bytes], cgroup: cgroups.Cgroup | None, info_fd: int) -> None:
    """Kill the sandbox's PID namespace through its init, and wait until bwrap has seen it die.

    Killing the namespace's init makes the kernel kill every process in it; bwrap exits once its init
    is gone, so when it has been waited for, nothing of the probe is left.
    """
    if cgroup:
        cgroup.kill()
    init = _sandbox_init(info_fd)
    with contextlib.suppress(ProcessLookupError):
        if init:
            os.kill(init, signal.SIGKILL)
        else:  # bwrap is still setting up: its death takes what it started along (--die-with-parent)
            os.killpg(process.pid, signal.SIGKILL)
    try:
        process.wait(timeout=KILL_WAIT_SECONDS)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _sandbox_init(info_fd: int) -> int:
    """The pid of the sandbox's init, from what bwrap wrote to its info pipe (0 when it wrote nothing yet)."""
    os.set_blocking(info_fd, False)
    try:
        info = json.loads(os.read(info_fd, 65536) or b"{}")
    except (OSError, ValueError):
        return 0
    return int(info.get("child-pid") or 0) if isinstance(info, dict) else 0


def _trusted(job: _Job, folder: Path) -> Outcome:
    home = folder / "home"
    home.mkdir()
    result_path = home / RESULT_FILE
    prefix = _unshare_prefix()
    command = [*prefix, *job.child_command(job.settings(), result_path)]
    started = time.monotonic()
    with open(folder / "output.log", "wb") as log:
        process = _start(command, home, log, scrubbed_environment(str(home)))
    try:
        returncode, timed_out = process.wait(timeout=job.limits.timeout), False
    except subprocess.TimeoutExpired:
        _kill_group(process)
        returncode, timed_out = None, True
    guard = "network namespace and socket guard" if prefix else "socket guard"
    return Outcome(
        result=_read_json(result_path),
        returncode=returncode,
        seconds=round(time.monotonic() - started, 3),
        timed_out=timed_out,
        output_tail=_tail(folder / "output.log"),
        isolation=f"none: trusted by the maintainer ({guard})",
    )


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=KILL_WAIT_SECONDS)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _unshare_prefix() -> list[str]:
    variant = _working_unshare()
    return [*variant, "--"] if variant else []


@cache
def _working_unshare() -> tuple[str, ...]:
    """The first `unshare` command line that can make a user and network namespace here, or ()."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return ()
    for options in UNSHARE_VARIANTS:
        try:
            completed = subprocess.run([unshare, *options, "true"], capture_output=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if completed.returncode == 0:
            return (unshare, *options)
    return ()


_stale_lock = threading.Lock()
_stale_removed_by: set[int] = set()


def _remove_stale_once() -> None:
    """On a process's first probe, remove what builds killed before they could clean up left behind."""
    with _stale_lock:
        if os.getpid() in _stale_removed_by:
            return
        _stale_removed_by.add(os.getpid())
        scratch.remove_stale()
        cgroups.remove_stale(scratch.owner_alive)


def scrubbed_environment(home: str) -> dict[str, str]:
    """The parent's environment minus credentials and proxies, with a private home and offline flags."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in SECRET_NAMES and not any(marker in name.upper() for marker in SECRET_MARKERS)
    }
    for name in (*PROXIES, *HOME_POINTERS):
        env.pop(name, None)
    env.update(
        {
            "HOME": home,
            "TMPDIR": home,
            "PWD": home,
            "PINHUB_OFFLINE": "1",
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
        }
    )
    return env


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _tail(path: Path) -> str:
    try:
        size = path.stat().st_size
        with open(path, "rb") as log:
            log.seek(max(0, size - OUTPUT_TAIL_BYTES))
            return log.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
