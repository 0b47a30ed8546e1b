"""The one way the generator runs hub code: `run_probe`, in a child process it can always kill."""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


@dataclass(frozen=True)
class Limits:
    """What a probe may use. `memory_mb` caps the address space; None leaves it open (CUDA needs that)."""

    timeout: float = 300.0
    memory_mb: int | None = 8192
    output_bytes: int = 64 * 1024 * 1024


@dataclass
class Outcome:
    """How a probe ended. `result` is the JSON it wrote, or None when it died before writing one."""

    result: dict[str, Any] | None
    returncode: int | None
    seconds: float
    timed_out: bool = False
    output_tail: str = ""
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
    session so the whole process group is killed on timeout, with its output sent to a capped file.
    """
    with tempfile.TemporaryDirectory(prefix="pinhub-probe-") as scratch:
        result_path = Path(scratch) / "result.json"
        log_path = Path(scratch) / "output.log"
        command = [sys.executable, "-I", "-u", "-B", str(CHILD), str(script), *arguments, str(result_path)]
        started = time.monotonic()
        returncode, timed_out = _run(command, cwd, log_path, limits, scratch)
        return Outcome(
            result=_read_result(result_path),
            returncode=returncode,
            seconds=round(time.monotonic() - started, 3),
            timed_out=timed_out,
            output_tail=_tail(log_path),
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
            preexec_fn=lambda: _apply_limits(limits),
        )
        try:
            return process.wait(timeout=limits.timeout), False
        except subprocess.TimeoutExpired:
            _kill_group(process)
            return None, True


def _apply_limits(limits: Limits) -> None:
    # Runs in the child between fork and exec: keep it to plain syscalls.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.output_bytes, limits.output_bytes))
    if limits.memory_mb is not None:
        cap = limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=5)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def scrubbed_environment(scratch: str) -> dict[str, str]:
    """The parent's environment minus credentials, with a private HOME and temp dir and no network hints."""
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
