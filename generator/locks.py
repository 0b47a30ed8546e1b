"""An exclusive lock on a file, held by one thread of one process at a time (fcntl.flock).

Builds that share a cache (two terminals, `--jobs N`, CI jobs on one runner) take the lock of a mirror
before they fetch into it or check a commit out of it, and the lock of a verification environment
before they make it. flock locks belong to an open file description,
so two threads of one process exclude each other too; the kernel drops the lock when its holder dies,
so a killed build never leaves a stale lock behind. Lock files are never deleted (deleting one while
another process waits on it would let a third take a different lock of the same name).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from generator.errors import GeneratorError

POLL_SECONDS = 0.05


class LockTimeoutError(GeneratorError, TimeoutError):
    """Another build held the lock for longer than this one may wait."""


@contextlib.contextmanager
def file_lock(path: Path, timeout: float) -> Iterator[None]:
    """Hold an exclusive lock on `path` (created if missing) for the `with` block.

    Args:
        path: The lock file.
        timeout: Seconds to wait for another holder before giving up.

    Raises:
        LockTimeoutError: The lock stayed taken for `timeout` seconds.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(descriptor, path, timeout)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def _acquire(descriptor: int, path: Path, timeout: float) -> None:
    started = time.monotonic()
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            now = time.monotonic()
            if now - started >= timeout:
                raise LockTimeoutError(f"{path} is held by another build for more than {timeout:g} s") from None
            time.sleep(POLL_SECONDS)
