"""Fetch: the build's shallow, pinned fetch against a full clone of the same large repository.

A repository with a long history of large, incompressible files is generated with `git fast-import`
(so that history, not the pinned tree, holds almost all the bytes), then read over file:// (git's
pack protocol, as over the network) in two ways, each into an empty folder:

* the build's fetch stage (`fetch_checkout`): a mirror holding only the pinned commit, plus its checkout;
* `git clone --no-local`: everything, plus a working tree.

Both pin a commit from the middle of the history (not a branch head). Bytes are the repository's
git data (the mirror's, or the clone's .git), so the checked-out files are counted on neither side.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

from generator.fetch import FetchRequest, fetch_checkout

FILES = 40
FILE_BYTES = 64 * 1024
COMMITS = 150
CHANGED_PER_COMMIT = 8


def fast_import_stream(commits: int) -> bytes:
    """A fast-import stream: `commits` commits on main, each rewriting some files with random bytes."""
    chunks = []
    for number in range(commits):
        changed = range(FILES) if number == 0 else [(number * 7 + k) % FILES for k in range(CHANGED_PER_COMMIT)]
        message = f"commit {number}".encode()
        chunks.append(
            b"commit refs/heads/main\n"
            + f"committer Bench <bench@example.invalid> {1_700_000_000 + number} +0000\n".encode()
            + b"data %d\n%s\n" % (len(message), message)
        )
        if number == 0:
            hubconf = b"dependencies = []\n\ndef model():\n    return None\n"
            chunks.append(b"M 644 inline hubconf.py\ndata %d\n%s\n" % (len(hubconf), hubconf))
        for index in changed:
            content = os.urandom(FILE_BYTES)
            chunks.append(b"M 644 inline data/file%03d.bin\ndata %d\n%s\n" % (index, len(content), content))
    return b"".join(chunks)


def make_repository(path: Path) -> list[str]:
    """The large repository at `path`; returns its commits, oldest first."""
    subprocess.run(["git", "init", "--quiet", "--initial-branch=main", str(path)], check=True)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=path, input=fast_import_stream(COMMITS), check=True)
    subprocess.run(["git", "checkout", "--quiet", "main"], cwd=path, check=True)
    listed = subprocess.run(["git", "rev-list", "--reverse", "main"], cwd=path, capture_output=True, text=True)
    return listed.stdout.split()


def size(folder: Path) -> int:
    """Bytes of the files under `folder`."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def pinned_fetch(url: str, commit: str, scratch: Path) -> tuple[float, int]:
    """Seconds and git bytes for the build's fetch stage into an empty cache."""
    started = time.perf_counter()
    fetch_checkout(FetchRequest(repo=url, commit=commit), scratch, scratch / "cache")
    seconds = time.perf_counter() - started
    return seconds, size(scratch / "cache" / "mirrors")


def full_clone(url: str, commit: str, scratch: Path) -> tuple[float, int]:
    """Seconds and git bytes for a full clone, then a checkout of the pinned commit."""
    started = time.perf_counter()
    subprocess.run(["git", "clone", "--quiet", "--no-local", url, str(scratch / "clone")], check=True)
    subprocess.run(["git", "checkout", "--quiet", "--detach", commit], cwd=scratch / "clone", check=True)
    seconds = time.perf_counter() - started
    return seconds, size(scratch / "clone" / ".git")


def main() -> None:
    """Generate the repository, fetch it both ways, and print bytes, seconds and ratios."""
    with tempfile.TemporaryDirectory(prefix="pinhub-bench-fetch-") as folder:
        scratch = Path(folder)
        commits = make_repository(scratch / "large")
        pinned = commits[len(commits) // 2]
        url = (scratch / "large").as_uri()
        history = size(scratch / "large" / ".git")
        ours = pinned_fetch(url, pinned, scratch / "pinned")
        theirs = full_clone(url, pinned, scratch / "full")
    print(f"repository: {COMMITS} commits, {history / 2**20:.1f} MiB of git data; a {FILES} x 64 KiB tree pinned")
    print(f"{'':<28}{'git bytes':>14}{'seconds':>10}")
    print(f"{'full clone':<28}{theirs[1] / 2**20:>10.1f} MiB{theirs[0]:>10.2f}")
    print(f"{'shallow pinned fetch':<28}{ours[1] / 2**20:>10.1f} MiB{ours[0]:>10.2f}")
    print(f"{'ratio (full / pinned)':<28}{theirs[1] / ours[1]:>13.1f}x{theirs[0] / ours[0]:>9.1f}x")


if __name__ == "__main__":
    main()
