"""Knowing cheaply that a file is still what was hashed: stat stamps, and when they can be trusted.

A file's stamp is its size, mtime, ctime and inode. Writing to a file sets its ctime to the current
time, and no call a user can make sets it back (``touch`` and ``os.utime`` restore mtime, and set
ctime); replacing a file gives it a new inode. So while the stamp is unchanged, so is the content:
a cache hit costs one ``stat``, and a file with another stamp is hashed again.

One case needs care, as in git's index: the file system's clock ticks coarsely, so a write in the same
tick as the one the stamp was read in leaves ctime unchanged. A stamp therefore vouches for a hash only
if the file's ctime is at least :data:`RACY_WINDOW_NS` older than the moment hashing started; a file
changed less than that long before it was hashed is hashed again when next used.

Weights files keep their hash in a small sidecar beside them (``.<name>.pinhub.json``); cached
commits keep the stamps of their files in their manifest (see pinhub._cache).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from pinhub._atomic import replace_file

# Longer than the clock tick of any file system a cache lives on (2 s on FAT, 1 s on some others).
RACY_WINDOW_NS = 2_000_000_000
SIDECAR_FORMAT = 1
_CHUNK = 1 << 20


class Stamp(NamedTuple):
    """What ``stat`` says about a file that changes whenever its content does (a tuple: cheap to make and compare)."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int

    @classmethod
    def of(cls, info: os.stat_result) -> Stamp:
        """The stamp of a ``stat`` result."""
        return cls(info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)

    def vouches(self, hashed_ns: int) -> bool:
        """Whether a hash started at ``hashed_ns`` (``time.time_ns()``) still holds while the stamp is unchanged."""
        return vouches(self.ctime_ns, hashed_ns)


def vouches(ctime_ns: int, hashed_ns: int) -> bool:
    """Whether a file last changed at ``ctime_ns`` was settled when a hash of it started at ``hashed_ns``."""
    return ctime_ns + RACY_WINDOW_NS < hashed_ns


@dataclass(frozen=True)
class Hashed:
    """A file's SHA-256, with its stamp when hashing started (None if the file changed while being read)."""

    sha256: str
    stamp: Stamp | None
    hashed_ns: int


def sha256_of(path: str | os.PathLike[str]) -> str:
    """The SHA-256 of a file, in hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as data:
        while chunk := data.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def hash_file(path: str | os.PathLike[str]) -> Hashed:
    """Hash a file, noting its stamp if the file did not change while it was read."""
    hashed_ns = time.time_ns()
    before = Stamp.of(os.stat(path))
    digest = sha256_of(path)
    after = Stamp.of(os.stat(path))
    return Hashed(digest, before if after == before else None, hashed_ns)


def sidecar_path(path: Path) -> Path:
    """Where the verified hash of a weights file is kept: a hidden file beside it."""
    return path.with_name(f".{path.name}.pinhub.json")


def recorded(path: Path) -> Hashed | None:
    """What the sidecar of ``path`` says, or None if there is none or it is unreadable."""
    try:
        data = json.loads(sidecar_path(path).read_text(encoding="utf-8"))
        if data["format"] != SIDECAR_FORMAT:
            return None
        return Hashed(str(data["sha256"]), Stamp(**data["stamp"]), int(data["hashed_ns"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def record(path: Path, hashed: Hashed) -> None:
    """Keep a file's hash in its sidecar, atomically; a folder that cannot be written to is left as it is."""
    if hashed.stamp is None:
        return
    document = {"format": SIDECAR_FORMAT, "sha256": hashed.sha256, "stamp": hashed.stamp._asdict()}
    document["hashed_ns"] = hashed.hashed_ns
    # A read-only cache still works: its files are then hashed on every use.
    with contextlib.suppress(OSError):
        replace_file(sidecar_path(path), (json.dumps(document) + "\n").encode())


def current_sha256(path: Path) -> str:
    """The SHA-256 of ``path``: from its sidecar while the file is untouched, else by hashing it (and recording).

    Raises:
        OSError: the file cannot be read.
    """
    known = recorded(path)
    if known is not None and known.stamp is not None:
        stamp = Stamp.of(os.stat(path))
        if stamp == known.stamp and stamp.vouches(known.hashed_ns):
            return known.sha256
    hashed = hash_file(path)
    record(path, hashed)
    return hashed.sha256
