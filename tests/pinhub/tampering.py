"""Changing cached files the ways users and tools do, including the one only ctime can reveal."""

from __future__ import annotations

import os
from pathlib import Path


def edit_in_place(path: Path, content: bytes) -> None:
    """Overwrite a file with content of the same size, then set its mtime back, as ``touch -r`` would.

    Size and mtime are as before; only the file's ctime (which no user call can set back) changed.
    """
    before = path.stat()
    assert len(content) == before.st_size, "an in-place edit that keeps the size"
    path.chmod(before.st_mode | 0o200)  # cached files are read-only
    with path.open("r+b") as handle:
        handle.write(content)
    path.chmod(before.st_mode)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def flip_last_byte(content: bytes) -> bytes:
    """The same bytes with the last one changed."""
    return content[:-1] + bytes([content[-1] ^ 0xFF])
