"""Whether a pinned commit is on the branch or tag its entry names (`ref`), asked of the remote.

The ref's history is fetched into a bare repository of its own per URL (`history/` in the build cache),
commits only where the server allows it (`--filter=tree:0`), so the mirrors keep holding nothing but
pinned trees. The commit is on the ref when the ref's tip reaches it. An answer is kept beside the
checkouts: "on the ref" is not asked again, "not on the ref" is asked again whenever the network may
be used (the branch may have taken the commit since), and an offline build answers from what is kept.
The answer never fails a fetch: when it cannot be told (offline and never asked, a remote that does
not answer, a ref that does not exist), it is None.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import git

from generator import settings
from generator.fetch.git_mirror import cache_slug, run_git
from generator.fetch.policy import FetchPolicy
from generator.files import write_text_atomic
from generator.locks import LockTimeoutError, file_lock

# A ref git may be asked for without reading it as anything else: no options, spaces or helpers.
_PLAIN_REF = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._/+-]*$")


def on_ref(url: str, commit: str, ref: str, cache_dir: Path, policy: FetchPolicy) -> bool | None:
    """True when `ref` of `url` reaches `commit`, False when it does not, None when that cannot be told."""
    kept = cache_dir / "on-ref" / f"{cache_slug(url)}-{commit}.json"
    known = _kept(kept).get(ref)
    if known or settings.offline() or not _PLAIN_REF.match(ref) or ".." in ref:
        return known
    try:
        with file_lock(cache_dir / "locks" / f"{cache_slug(url)}.history.lock", policy.timeout):
            answer = commit in _history(_repository(url, cache_dir), ref, policy.timeout)
            write_text_atomic(kept, json.dumps({**_kept(kept), ref: answer}, sort_keys=True) + "\n")
    except (git.GitCommandError, LockTimeoutError):
        return known
    return answer


def _kept(path: Path) -> dict[str, bool]:
    try:
        answers = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(ref): value for ref, value in answers.items() if isinstance(value, bool)}


def _repository(url: str, cache_dir: Path) -> git.Repo:
    """The bare repository of `url`'s ref histories, made on first use (called under its lock)."""
    path = cache_dir / "history" / f"{cache_slug(url)}.git"
    repo = git.Repo(path) if (path / "HEAD").exists() else git.Repo.init(path, bare=True)
    if not any(remote.name == "origin" for remote in repo.remotes):  # made by a build that was stopped
        repo.create_remote("origin", url)
    return repo


def _history(repo: git.Repo, ref: str, seconds: float) -> set[str]:
    """Every commit `ref` reaches on the remote (the whole history of the ref, fetched now)."""
    run_git(repo, ["fetch", "--quiet", "--filter=tree:0", "--no-tags", "--end-of-options", "origin", ref], seconds)
    return set(run_git(repo, ["rev-list", "FETCH_HEAD"], seconds).split())
