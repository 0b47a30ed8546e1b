"""One build at a time in a project: the commands that write its outputs hold `.build/build.lock`.

`lock`, `merge`, `render`, `build`, `site` and `update` write the lock, docs/ or the site; two of them at
once in one project (two terminals, two catalogues of one checkout) would interleave their pages. Each
takes an exclusive `fcntl.flock` on `build.lock` in the project's build folder; a second one waits,
saying which process it waits for (the holder writes its pid and command line into the file). The
kernel drops the lock when its holder dies, so a killed build never blocks the next one.

Once it holds the lock, a command removes what a killed build left behind: temporaries beside the lock,
in docs/, beside the site and in the build folder (generator/files.py names them after their process),
and the probes' scratch folders (generator/sandbox/scratch.py).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from generator import files, settings
from generator.config import ProjectConfig

LOCK_FILE = "build.lock"


def _tell(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextlib.contextmanager
def exclusive_build(config: ProjectConfig, command: str, tell: Callable[[str], None] = _tell) -> Iterator[None]:
    """Hold the project's build lock for the block, waiting for another holder if there is one.

    Args:
        config: The project (its build folder holds the lock file).
        command: This command line, shown to a build that waits for this one.
        tell: Where to say that this command waits, and what it tidied up.
    """
    path = config.cache_dir / LOCK_FILE
    config.cache_dir.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        if not _try_lock(descriptor):
            tell(f"waiting for another build of {config.root} ({holder(path)}) to finish…")
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()} {command}\n".encode(), 0)
        removed = remove_leftovers(config)
        if removed:
            tell(f"removed what an interrupted build left behind: {', '.join(map(str, removed))}")
        yield
    finally:
        os.close(descriptor)  # closing the file releases the lock


def holder(path: Path) -> str:
    """Who holds the lock at `path`, as its holder wrote it: 'pid N: COMMAND' (or 'pid unknown')."""
    try:
        pid, _, command = path.read_text(encoding="utf-8").strip().partition(" ")
    except (OSError, UnicodeDecodeError):
        return "pid unknown"
    if not pid.isdigit():
        return "pid unknown"
    return f"pid {pid}: {command}" if command else f"pid {pid}"


def remove_leftovers(config: ProjectConfig) -> list[Path]:
    """Remove what killed builds left behind; returns the project's temporaries that were removed.

    The project's own files and folders: temporaries of the lock and the catalogue beside them, and any
    in docs/, beside the site and in the build folder (the caller holds the build lock, so no other
    build of the project writes there). In the shared build cache, the staging folders of checkouts,
    mirrors and the loader's copy whose owner is gone. The probes' scratch folders of builds that are
    gone are removed too, as the sandbox does on its first probe (every build leaves its empty one: not
    reported).
    """
    removed = [
        *files.remove_stale(config.lock.parent, target=config.lock.name),
        *files.remove_stale(config.catalogue.parent, target=config.catalogue.name),
        *files.remove_stale(config.docs_dir),
        *files.remove_stale(config.site_dir.parent, target=config.site_dir.name),
        *files.remove_stale(config.cache_dir, recursive=True),
        *_shared_cache_leftovers(),
    ]
    with contextlib.suppress(OSError):
        from generator.sandbox import scratch  # loaded only here: a build that runs no hub code needs no sandbox

        scratch.remove_stale()
    return removed


def _shared_cache_leftovers() -> list[Path]:
    """Staging folders of dead builds in the build cache, which builds of other projects share: a
    temporary there names its owner, so only those whose process is gone are removed."""
    cache = settings.build_cache_dir()
    folders = (cache / "checkouts", cache / "mirrors", settings.environments_dir(cache) / "loader")
    return [path for folder in folders if folder.is_dir() for path in files.remove_stale(folder)]


def _try_lock(descriptor: int) -> bool:
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
