"""The code a reader copies: load snippets for pinhub and torch.hub.

Every value reaches a snippet as a Python literal (`py`): the repository, commit and keyword arguments
the catalogue validated, and entrypoint names, which come from the hub and are quoted like any string.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from typing import Any

from generator.catalogue.model import Entry


@dataclass(frozen=True)
class Source:
    """Where a reader loads a hub from: GitHub 'owner/name' at a commit, maybe in a sub-folder."""

    github: str | None
    git_url: str
    commit: str | None
    subdir: str = ""
    ref: str = ""  # the branch or tag, used only while there is no commit

    @property
    def revision(self) -> str:
        """The commit, else the branch or tag, else '' (the default branch)."""
        return self.commit or self.ref


def pinhub_snippet(source: Source, entrypoint: str, kwargs: dict[str, Any], variable: str = "model") -> str:
    """`pinhub.load(...)` pinned to the exact commit, assigned to `variable`."""
    args = [_repo_argument(source), py(entrypoint)]
    if source.commit:
        args.append(f"commit={py(source.commit)}")
    if source.subdir:
        args.append(f"subdir={py(source.subdir)}")
    if not source.github:
        args.append('source="git"')
    # The catalogue vouches for the repository: without this a notebook (no terminal) cannot say yes.
    args.append("trust_repo=True")
    args += [f"{key}={py(value)}" for key, value in kwargs.items()]
    return f"import pinhub\n\n{variable} = {_call('pinhub.load', args)}\n"


def torch_hub_snippet(source: Source, entrypoint: str, kwargs: dict[str, Any]) -> str:
    """The torch.hub equivalent, or a clone-then-load-locally recipe where torch.hub cannot fetch it."""
    extra = [f"{key}={py(value)}" for key, value in kwargs.items()]
    if source.github and not source.subdir:
        spec = f"{source.github}:{source.revision}" if source.revision else source.github
        # torch.hub asks the GitHub API whether a ref is a branch or tag and refuses bare commits.
        args = [py(spec), py(entrypoint), *extra, "skip_validation=True", "trust_repo=True"]
        return f"import torch\n\nmodel = {_call('torch.hub.load', args)}\n"
    folder = source.git_url.rstrip("/").removesuffix(".git").rsplit("/", 1)[-1]
    hub_dir = f"{folder}/{source.subdir}" if source.subdir else folder
    checkout = f"!git -C {folder} checkout --quiet {shlex.quote(source.revision)}\n" if source.revision else ""
    args = [py(hub_dir), py(entrypoint), 'source="local"', *extra]
    return (
        f"!git clone --quiet {source.git_url} {folder}\n{checkout}\n"
        f"import torch\n\nmodel = {_call('torch.hub.load', args)}\n"
    )


def _repo_argument(source: Source) -> str:
    """The repository, with the branch or tag when no commit pins it ('owner/name:v1', 'url#v1')."""
    if source.commit or not source.ref:
        return py(source.github or source.git_url)
    return py(f"{source.github}:{source.ref}" if source.github else f"{source.git_url}#{source.ref}")


def py(value: Any) -> str:
    """A Python literal for `value`, with double-quoted strings as code formatters write them."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{py(k)}: {py(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(py(v) for v in value) + "]"
    return repr(value)


def _call(function: str, args: list[str]) -> str:
    one_line = f"{function}({', '.join(args)})"
    if len(one_line) <= 88:
        return one_line
    inner = "".join(f"    {arg},\n" for arg in args)
    return f"{function}(\n{inner})"


def source_for(entry: Entry, commit: str | None, subdir: str, project_github: str) -> Source:
    """How a reader of the published site reaches the hub of `entry` (local hubs: via this project's repo)."""
    if entry.is_local:
        subdir = subdir or "/".join(p for p in (entry.repo.removeprefix("./"), entry.subdir) if p and p != ".")
        return Source(project_github, f"https://github.com/{project_github}.git", commit, subdir)
    github = entry.github
    git_url = f"https://github.com/{github}.git" if github else entry.repo
    return Source(github, git_url, commit, subdir, entry.ref)
