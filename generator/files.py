"""Atomic writes: a reader sees the old file or folder, or the new one, never half of either.

A new file or folder is written beside its target as `.<name>.<owner>.<random>.incomplete`, `<owner>`
being the writing process (`<pid>-<start time>`), and renamed over the target once complete. A process
killed while writing leaves that temporary behind; `remove_stale` removes those whose owner is gone, so
the next build can tidy up without touching what a running process is writing.

A write that fails because the disk is full, a quota is exceeded or a file size limit is reached
raises `NoSpaceError`, which names the file; the target is left as it was.

While `record_writes` is active, every completed write adds its target to the list it yields: the
command line says what an interrupted command had written.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import signal
import threading
import uuid
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from types import FrameType

from generator.errors import GeneratorError
from generator.sandbox.scratch import owner_alive, owner_name

# What "the disk is full" looks like to a writer: no space, no quota left, or a file size limit reached.
NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
TEMPORARY = re.compile(r"^\.(?P<target>.+?)\.(?:(?P<owner>\d+-\d+)\.)?[0-9a-f]{32}\.(?:incomplete|old)$")
# How a Python program (MkDocs, say) reports running out of space as the last line of its traceback.
REPORTED = re.compile(
    r"\[Errno (?P<errno>\d+)\] (?P<strerror>[^:\n]+)(?:: '(?P<first>[^'\n]*)'(?: -> '(?P<second>[^'\n]*)')?)?"
)

_journals: list[list[Path]] = []
_journals_lock = threading.Lock()
_swapping = threading.Lock()  # held while a folder is between its two renames


class NoSpaceError(GeneratorError):
    """A file could not be written for lack of space; `path` is the file, and its target is unchanged."""

    def __init__(self, path: Path, reason: str, unchanged: Path | None = None) -> None:
        self.path = path
        kept = unchanged or path
        super().__init__(
            f"disk full: could not write {path} ({reason}); {kept} is as it was. "
            "Free some space (or raise the file size limit) and run the command again"
        )


def is_no_space(error: BaseException) -> bool:
    """Whether `error` says the disk is full (ENOSPC), a quota is exceeded (EDQUOT) or a file is too large (EFBIG)."""
    return isinstance(error, OSError) and error.errno in NO_SPACE


def no_space_reported(output: str) -> OSError | None:
    """The last no-space error a Python program printed in `output` (its message and file), if any."""
    found = [match for match in REPORTED.finditer(output) if int(match["errno"]) in NO_SPACE]
    if not found:
        return None
    last = found[-1]
    return OSError(int(last["errno"]), last["strerror"], last["second"] or last["first"])


def no_space_error(error: OSError, fallback: Path, staged: tuple[Path, Path] | None = None) -> NoSpaceError:
    """`NoSpaceError` for `error`, naming its file (else `fallback`) as the target it stands in for.

    Args:
        error: The no-space OSError.
        fallback: The file or folder being written, named when the error carries no file name.
        staged: (staging folder, target folder): a file inside the staging folder is named by its place
            in the target, and the target is said to be unchanged.
    """
    path = Path(os.fsdecode(error.filename)) if error.filename else fallback
    unchanged = None
    if staged is not None:
        staging, target = staged
        unchanged = target
        if path.is_relative_to(staging):
            path = target / path.relative_to(staging)
    return NoSpaceError(path, error.strerror or os.strerror(error.errno or errno.ENOSPC), unchanged)


@contextlib.contextmanager
def record_writes() -> Iterator[list[Path]]:
    """Yield a list to which every file or folder written completely in the block is added (from any thread)."""
    written: list[Path] = []
    with _journals_lock:
        _journals.append(written)
    try:
        yield written
    finally:
        with _journals_lock:
            _journals.remove(written)


def write_text_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary sibling and a rename.

    Raises:
        NoSpaceError: the disk is full (or a quota or file size limit is reached); `path` is unchanged.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = temporary_name(path)
    try:
        temporary.write_text(text, encoding="utf-8")
        with _signals_deferred():  # what an interrupted command says it wrote is what it wrote
            os.replace(temporary, path)
            _written(path)
    except OSError as error:
        if is_no_space(error):
            raise no_space_error(error, path) from None
        raise
    finally:
        temporary.unlink(missing_ok=True)


def write_text(path: Path, text: str) -> None:
    """Write `text` to `path` (a file inside a staged folder, say); a no-space error names the file."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        if error.filename is None:
            error.filename = str(path)
        raise


@contextlib.contextmanager
def staged_directory(target: Path) -> Iterator[Path]:
    """Yield an empty sibling folder to fill; on success it replaces `target`, on error it is removed.

    The swap renames the old folder aside before renaming the new one in, so `target` is missing
    only between two renames (Ctrl-C waits for the second), and a failed build leaves the previous
    folder untouched.

    Raises:
        NoSpaceError: the disk filled up while the folder was written; `target` is unchanged.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = temporary_name(target)
    try:
        staging.mkdir()
        yield staging
        replace_directory(staging, target)
    except OSError as error:
        if is_no_space(error):
            raise no_space_error(error, target, (staging, target)) from None
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def replace_directory(new: Path, target: Path) -> None:
    """Move folder `new` to `target`, replacing whatever folder was there."""
    retired = target.with_name(f".{target.name}.{owner()}.{uuid.uuid4().hex}.old")
    with _signals_deferred(), _swapping:
        if target.exists():
            os.replace(target, retired)
        os.replace(new, target)
        _written(target)
    shutil.rmtree(retired, ignore_errors=True)


def temporary_name(path: Path) -> Path:
    """A name beside `path` that no other write uses, marked as this process's: `.<name>.<owner>.<hex>.incomplete`."""
    return path.with_name(f".{path.name}.{owner()}.{uuid.uuid4().hex}.incomplete")


def remove_stale(folder: Path, target: str = "", recursive: bool = False) -> list[Path]:
    """Remove the temporaries killed processes left in `folder`; returns what was removed.

    A temporary is stale when the process named in it is gone, or when it names none (written before
    names carried their owner): call this only where no other process writes without an owner.

    Args:
        folder: Where to look.
        target: Only temporaries of this file or folder name ('' for any).
        recursive: Look in every folder below `folder` too (not inside the temporaries themselves).
    """
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    for path in sorted(folder.rglob(".*") if recursive else folder.glob(".*")):
        match = TEMPORARY.match(path.name)
        if match is None or (target and match["target"] != target) or any(p in removed for p in path.parents):
            continue
        if match["owner"] is None or not owner_alive(match["owner"]):
            _remove(path)
            removed.append(path)
    return removed


@contextlib.contextmanager
def swaps_held() -> Iterator[None]:
    """Wait for any folder swap in progress and keep new ones from starting (before the process ends at once)."""
    with _swapping:
        yield


def owner() -> str:
    """`<pid>-<start time>` of this process (its temporaries carry it)."""
    return _owner(os.getpid())


@cache
def _owner(pid: int) -> str:
    return owner_name(pid)


def _written(path: Path) -> None:
    with _journals_lock:
        for journal in _journals:
            journal.append(path)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """In the main thread, hold SIGINT and SIGTERM until the block ends, then deliver them (elsewhere: nothing)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def remember(signum: int, _: FrameType | None) -> None:
        received.append(signum)

    previous = {number: signal.signal(number, remember) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for held, handler in previous.items():
            signal.signal(held, handler)
        for number in dict.fromkeys(received):
            signal.raise_signal(number)
