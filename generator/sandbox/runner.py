"""The one way the generator runs hub code: `run_probe`, in a child process it can always kill."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

CHILD = Path(__file__).with_name("child.py")
OUTPUT_TAIL_BYTES = 4000
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
# `unshare` options that give the child an empty network namespace, most faithful first: keep the
# user's own uid inside when util-linux can, else map it to root of the new user namespace.
UNSHARE_VARIANTS = (("--map-current-user", "--net"), ("--map-root-user", "--net"))

Isolation = Literal["network namespace", "socket guard"]


@dataclass(frozen=True)
class Limits:
    """What a probe may use. `memory_mb` caps the address space; None leaves it open (CUDA needs that)."""

    timeout: float = 300.0
    memory_mb: int | None = 8192
    output_bytes: int = 64 * 1024 * 1024


@dataclass
class Outcome:
    """How a probe ended. `result` is the JSON it wrote, or None when it died before writing one.

    `isolation` says how the network was kept away: an empty network namespace (plus the socket guard),
    or the socket guard alone where the system does not let an unprivileged user make namespaces.
    """

    result: dict[str, Any] | None
    returncode: int | None
    seconds: float
    timed_out: bool = False
    output_tail: str = ""
    isolation: Isolation = "socket guard"
    notes: list[str] = field(default_factory=list)

    @property
    def failure(self) -> str:
        """One line saying why the probe produced no result ('' when it did)."""
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


def run_probe(script: Path, arguments: list[str], limits: Limits, cwd: Path) -> Outcome:
    """Run probe `script` as `run(*arguments)` in a sandboxed child and read the JSON result it writes.

    The child runs isolated (-I: no PYTHONPATH, no user site, no script folder on sys.path), in its own
    session so the whole process group is killed on timeout, in an empty network namespace when the
    system allows one, with its output sent to a capped file. The child sets its own resource limits
    before any probe code runs (a `preexec_fn` would not be safe while other threads run probes too).
    Safe to call from several threads at once.
    """
    with tempfile.TemporaryDirectory(prefix="pinhub-probe-") as scratch:
        result_path = Path(scratch) / "result.json"
        log_path = Path(scratch) / "output.log"
        prefix, isolation = _network_prefix()
        child = [sys.executable, "-I", "-u", "-B", str(CHILD), json.dumps(asdict(limits)), str(script)]
        command = [*prefix, *child, *arguments, str(result_path)]
        started = time.monotonic()
        returncode, timed_out = _run(command, cwd, log_path, limits, scratch)
        return Outcome(
            result=_read_result(result_path),
            returncode=returncode,
            seconds=round(time.monotonic() - started, 3),
            timed_out=timed_out,
            output_tail=_tail(log_path),
            isolation=isolation,
        )


def _run(command: list[str], cwd: Path, log_path: Path, limits: Limits, scratch: str) -> tuple[int | None, bool]:
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=scrubbed_environment(scratch),
            start_new_session=True,
        )
        try:
            return process.wait(timeout=limits.timeout), False
        except subprocess.TimeoutExpired:
            _kill_group(process)
            return None, True


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=5)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def network_isolation() -> Isolation:
    """How this machine keeps probes off the network: a namespace when it can make one, else the guard."""
    return _network_prefix()[1]


def _network_prefix() -> tuple[list[str], Isolation]:
    # Read here, not at import: PINHUB_SANDBOX_NETNS=0 turns namespaces off (a kernel that allows them
    # but a GPU driver that misbehaves inside one); the socket guard is installed in every child anyway.
    if os.environ.get("PINHUB_SANDBOX_NETNS", "1") == "0":
        return [], "socket guard"
    variant = _working_unshare()
    return ([*variant, "--"], "network namespace") if variant else ([], "socket guard")


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


def scrubbed_environment(scratch: str) -> dict[str, str]:
    """The parent's environment minus credentials and proxies, with a private temp dir and offline flags."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in SECRET_NAMES and not any(marker in name.upper() for marker in SECRET_MARKERS)
    }
    env.update(
        {
            "TMPDIR": scratch,
            "PINHUB_OFFLINE": "1",
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
        }
    )
    for proxy in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"):
        env.pop(proxy, None)
    return env


def _read_result(path: Path) -> dict[str, Any] | None:
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
