"""Is a checkout byte-for-byte what was fetched? Hub code runs read-only, and this proves it stayed so.

Probes run with a throwaway HOME and working directory and a read-only view of the checkout; a hub
that still changed its checkout (a sandbox without read-only mounts, a trusted run) is reported, and a
cached checkout it changed is put back, so later builds never reuse what a hub wrote.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from generator.fetch import Checkout


def checkout_root(checkout: Checkout) -> Path:
    """The top folder of the checkout (the hub may live in a sub-folder of it)."""
    root = checkout.hub_dir
    for _ in Path(checkout.subdir).parts if checkout.subdir else ():
        root = root.parent
    return root


def snapshot(root: Path, local: bool) -> dict[str, str]:
    """Relative path → content hash of every file (a hub inside this project: its folder only).

    A fetched checkout is a git work tree: git's own status tells changes cheaply, so only its
    pristine state is recorded ({} means "ask git").
    """
    if not local:
        return {}
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def changes(root: Path, before: dict[str, str], local: bool) -> list[str]:
    """What differs from `before` ('M path', 'A path', 'D path'), at most 20 lines."""
    if not local:
        return _git_changes(root)
    after = snapshot(root, local=True)
    lines = [f"M {p}" for p in before if p in after and after[p] != before[p]]
    lines += [f"D {p}" for p in before if p not in after] + [f"A {p}" for p in after if p not in before]
    return sorted(lines)[:20]


def restore(root: Path) -> None:
    """Put a fetched checkout back to its commit: undo edits, remove files a hub added."""
    for command in (["git", "reset", "--quiet", "--hard"], ["git", "clean", "-qffdx"]):
        subprocess.run(command, cwd=root, capture_output=True, check=False)


def _git_changes(root: Path) -> list[str]:
    status = ["git", "status", "--porcelain", "--untracked-files=all", "--ignored"]
    completed = subprocess.run(status, cwd=root, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        return [f"? git status failed: {completed.stderr.strip()[:200]}"]
    return [line.strip() for line in completed.stdout.splitlines() if line.strip()][:20]
