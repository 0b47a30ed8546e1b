"""Real git repositories for tests, built in a temporary folder with the git command."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

_GIT_ENV = {
    "GIT_AUTHOR_NAME": "PinHub Tests",
    "GIT_AUTHOR_EMAIL": "tests@pinhub.invalid",
    "GIT_COMMITTER_NAME": "PinHub Tests",
    "GIT_COMMITTER_EMAIL": "tests@pinhub.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


def git(*args: str, cwd: Path | None = None) -> str:
    """Run git with a fixed identity and no user configuration; return stdout."""
    done = subprocess.run(
        ["git", *args], cwd=cwd, env={**os.environ, **_GIT_ENV}, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {done.stderr}")
    return done.stdout.strip()


class GitRepo:
    """A git working repository whose history a test writes commit by commit."""

    def __init__(self, path: Path, branch: str = "main") -> None:
        path.mkdir(parents=True, exist_ok=True)
        git("init", "-q", "-b", branch, str(path))
        self.path = path

    def commit(self, files: dict[str, str | bytes | None], message: str = "change") -> str:
        """Write (or, for None, delete) files, commit everything, and return the new commit."""
        for name, content in files.items():
            target = self.path / name
            if content is None:
                target.unlink()
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content, encoding="utf-8")
        git("add", "-A", cwd=self.path)
        git("commit", "-q", "--allow-empty", "-m", message, cwd=self.path)
        return self.rev("HEAD")

    def rev(self, ref: str) -> str:
        """The commit a ref points at."""
        return git("rev-parse", f"{ref}^{{commit}}", cwd=self.path)

    def tag(self, name: str, rev: str = "HEAD") -> None:
        """Create an annotated tag, as releases usually are."""
        git("tag", "-a", name, "-m", f"release {name}", rev, cwd=self.path)

    def branch(self, name: str, rev: str = "HEAD") -> None:
        """Create or move a branch."""
        git("branch", "-f", name, rev, cwd=self.path)

    def checkout(self, ref: str) -> None:
        git("checkout", "-q", ref, cwd=self.path)

    @property
    def url(self) -> str:
        """The repository as a file:// URL, for source="git"."""
        return self.path.resolve().as_uri()
