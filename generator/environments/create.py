"""Resolve a requirement set with uv, then make (or reuse) the virtual environment named by its hash.

`prepare_environment` is safe to call from several threads and builds at once: each environment is
made under a file lock of its own, and marked complete only once every package is in place, so an
interrupted creation is made again rather than used. uv's own settings apply (`UV_CACHE_DIR`,
`UV_INDEX_URL`, `UV_FIND_LINKS`, …): point them at a local index or wheel folder to verify offline.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from generator.environments.requirements import requirement_name
from generator.errors import GeneratorError
from generator.lock.records import Environment, normalise_name
from generator.locks import LockTimeoutError, file_lock

COMPLETE = ".pinhub-complete"  # written last: its presence means every package is installed
RESOLVE_TIMEOUT = 600.0
CREATE_TIMEOUT = 1800.0
MESSAGE_LINES = 6


class InstallError(GeneratorError):
    """The requirements cannot be resolved or installed; the message names them and quotes uv."""


@dataclass(frozen=True)
class EnvironmentRequest:
    """What an environment must hold: a Python release and requirement lines (torch pair first)."""

    python: str
    requirements: tuple[str, ...]


@dataclass(frozen=True)
class ReadyEnvironment:
    """An environment on disk: its exact contents, and the folder that holds it."""

    record: Environment
    path: Path

    @property
    def python(self) -> Path:
        """The environment's interpreter."""
        return self.path / "bin" / "python"


def prepare_environment(request: EnvironmentRequest, root: Path) -> ReadyEnvironment:
    """The environment for `request`: resolved, then made under `root` unless one with that set exists.

    Raises:
        InstallError: a requirement cannot be resolved or installed (the message says which, and why).
    """
    return materialise(Environment(python=request.python, packages=resolve(request)), root)


def materialise(record: Environment, root: Path) -> ReadyEnvironment:
    """The environment holding exactly `record`'s packages, made under `root` unless it is there already.

    Raises:
        InstallError: a package cannot be installed (the message says which, and why).
    """
    path = root / record.id
    if not _is_complete(path, record):
        try:
            with file_lock(root / "locks" / f"{record.id}.lock", CREATE_TIMEOUT):
                if not _is_complete(path, record):
                    _create(path, record)
        except LockTimeoutError as error:
            raise InstallError(f"cannot install the environment: {error}") from None
    return ReadyEnvironment(record, path)


def resolve(request: EnvironmentRequest) -> list[str]:
    """Exact 'name==version' lines for the request (resolved once per build for one request)."""
    with _RESOLVING:
        lock = _RESOLVE_LOCKS.setdefault(request, threading.Lock())
    with lock:
        return list(_resolve(request))


_RESOLVING = threading.Lock()
_RESOLVE_LOCKS: dict[EnvironmentRequest, threading.Lock] = {}


@cache
def _resolve(request: EnvironmentRequest) -> tuple[str, ...]:
    command = [_uv(), "pip", "compile", "-", "--python", request.python, "--no-header", "--no-annotate", "--quiet"]
    completed = _run_uv(command, "\n".join(request.requirements) + "\n", RESOLVE_TIMEOUT)
    if completed.returncode != 0:
        raise InstallError(_resolver_message(request, completed.stderr))
    lines = [line.strip() for line in completed.stdout.splitlines() if "==" in line and not line.startswith("#")]
    return tuple(sorted(lines, key=lambda line: line.lower()))


def _create(path: Path, record: Environment) -> None:
    shutil.rmtree(path, ignore_errors=True)  # an interrupted earlier creation
    path.parent.mkdir(parents=True, exist_ok=True)
    created = _run_uv([_uv(), "venv", str(path), "--python", record.python, "--quiet", "--no-project"], "", 300)
    if created.returncode != 0:
        raise InstallError(f"cannot create a Python {record.python} environment: {_tail(created.stderr)}")
    install = [_uv(), "pip", "install", "--python", str(path / "bin" / "python"), "--no-deps", "--quiet", "-r", "-"]
    installed = _run_uv(install, "\n".join(record.packages) + "\n", CREATE_TIMEOUT)
    if installed.returncode != 0:
        shutil.rmtree(path, ignore_errors=True)
        raise InstallError(
            f"cannot install {_culprit(installed.stderr) or 'the environment'}: {_tail(installed.stderr)}"
        )
    (path / COMPLETE).write_text("\n".join([f"python=={record.python}", *record.packages]) + "\n", encoding="utf-8")


def _is_complete(path: Path, record: Environment) -> bool:
    try:
        marker = (path / COMPLETE).read_text(encoding="utf-8")
    except OSError:
        return False
    return marker.splitlines() == [f"python=={record.python}", *record.packages]


def _resolver_message(request: EnvironmentRequest, stderr: str) -> str:
    culprit = normalise_name(requirement_name(_culprit(stderr)))
    named = [line for line in request.requirements if normalise_name(requirement_name(line)) == culprit]
    wanted = ", ".join(named) or _culprit(stderr) or ", ".join(request.requirements)
    return f"cannot install {wanted}: {_tail(stderr)}"


def _culprit(stderr: str) -> str:
    """The requirement uv names as the cause ('' when it names none)."""
    match = re.search(r"you require ([^\s,]+)", stderr) or re.search(r"Because ([^\s,]+) was not found", stderr)
    return match.group(1) if match else ""


def _tail(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip() and not line.startswith("hint:")]
    text = " ".join(lines[-MESSAGE_LINES:]) or "uv gave no reason"
    return text.removeprefix("error: ")[:600]


def _run_uv(command: list[str], stdin: str, timeout: float) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "CONDA_PREFIX", "PYTHONPATH")}
    try:
        return subprocess.run(
            command, input=stdin, capture_output=True, text=True, timeout=timeout, env=environment, check=False
        )
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(command, 1, "", f"uv did not finish within {timeout:g} s")


@cache
def _uv() -> str:
    """The uv binary installed with the project (the `uv` package), else one on PATH."""
    try:
        from uv import find_uv_bin

        return str(find_uv_bin())
    except (ImportError, FileNotFoundError):
        found = shutil.which("uv")
        if found is None:
            raise InstallError("uv is needed to make verification environments: pip install uv") from None
        return found
