"""Real git repositories and project folders for the generator's tests."""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from dataclasses import dataclass
from pathlib import Path

from support import verification

PROJECT_ROOT = Path(__file__).resolve().parents[1]

GOOD_HUBCONF = '''
dependencies = ["torch"]

import torch


class _Tiny(torch.nn.Module):
    """A two-layer network."""

    def __init__(self) -> None:
        super().__init__()
        self.layer = torch.nn.Linear(4, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Scores for 3 classes from 4 features."""
        return self.layer(x)

    def classes(self) -> list[str]:
        """The class names."""
        return ["a", "b", "c"]


def tiny(pretrained: bool = False, width: int = 4) -> torch.nn.Module:
    """A tiny classifier.

    Returns a <b>module</b> with 15 parameters.
    """
    return _Tiny()


def tokenizer(lowercase: bool = True):
    """Splits text into tokens (auxiliary: not a model)."""
    return str.split
'''


@dataclass(frozen=True)
class HubRepo:
    """A git repository holding a hub, and the commit that holds it."""

    path: Path
    commit: str

    @property
    def url(self) -> str:
        """file:// URL that git (and the fetch stage) can clone."""
        return self.path.as_uri()


def git(cwd: Path, *args: str) -> str:
    """Run git with a fixed identity; returns stdout."""
    command = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid", *args]
    return subprocess.run(command, cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def make_hub_repo(path: Path, files: dict[str, str]) -> HubRepo:
    """A new git repo at `path` with `files` committed (dedented); returns it with its commit."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "--quiet", "--initial-branch=main")
    return commit_files(path, files)


def commit_files(path: Path, files: dict[str, str], message: str = "update") -> HubRepo:
    """Write and commit `files` in the repo at `path`."""
    for name, text in files.items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text), encoding="utf-8")
    git(path, "add", "--all")
    git(path, "commit", "--quiet", "-m", message)
    return HubRepo(path, git(path, "rev-parse", "HEAD"))


def make_project(root: Path, catalogue_yaml: str) -> Path:
    """A project folder like this one: mkdocs.yml, the hand-written docs, and the given catalogue."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT_ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(PROJECT_ROOT / "docs", root / "docs", ignore=shutil.ignore_patterns("models"))
    shutil.copytree(PROJECT_ROOT / "overrides", root / "overrides")  # mkdocs.yml's theme.custom_dir
    (root / "catalogue").mkdir(exist_ok=True)
    (root / "catalogue" / "catalogue.yaml").write_text(textwrap.dedent(catalogue_yaml), encoding="utf-8")
    return root


CATALOGUE_HEAD = f"""
categories:
  - id: vision
    title: Vision
tags: [classification]
{verification.YAML}models:
"""


def entry_yaml(entry_id: str, repo: str, commit: str | None = None, **extra: str) -> str:
    """One catalogue entry as YAML (indented for the `models:` list)."""
    lines = [
        f"  - id: {entry_id}",
        f"    title: {entry_id.title()}",
        f"    summary: The {entry_id} test hub.",
        f"    repo: {repo}",
        "    category: vision",
    ]
    if commit:
        lines.append(f"    commit: {commit}")
    lines += [f"    {key}: {value}" for key, value in extra.items()]
    return "\n".join(lines) + "\n"


def drop_blob(path: Path, name: str) -> None:
    """Delete the object of file `name` at HEAD from the repo at `path`, as a mirror that lacks large files does."""
    blob = git(path, "rev-parse", f"HEAD:{name}")
    (path / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
