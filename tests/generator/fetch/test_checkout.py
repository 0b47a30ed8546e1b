"""Fetch checks out exactly the pinned commit, from real git repositories, and reuses its cache."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator.catalogue.model import Entry
from generator.fetch import FetchError, fetch_entry
from tests.generator.hubrepos import GOOD_HUBCONF, commit_files, git, make_hub_repo

SHA = "0123456789abcdef0123456789abcdef01234567"


def entry(repo: str, commit: str | None, **fields: object) -> Entry:
    return Entry.model_validate(
        {"id": "hub", "title": "Hub", "summary": "s", "repo": repo, "commit": commit, "category": "vision", **fields}
    )


def test_the_pinned_commit_is_checked_out_not_the_branch_head(tmp_path: Path) -> None:
    first = make_hub_repo(tmp_path / "upstream", {"hubconf.py": GOOD_HUBCONF, "VERSION": "1"})
    commit_files(first.path, {"VERSION": "2"})
    checkout = fetch_entry(entry(first.url, first.commit), tmp_path, tmp_path / "cache")
    assert checkout.commit == first.commit
    assert (checkout.hub_dir / "VERSION").read_text() == "1"
    assert git(checkout.hub_dir, "rev-parse", "HEAD") == first.commit


def test_a_second_fetch_reuses_the_checkout_without_the_network(tmp_path: Path) -> None:
    upstream = make_hub_repo(tmp_path / "upstream", {"hubconf.py": GOOD_HUBCONF})
    first = fetch_entry(entry(upstream.url, upstream.commit), tmp_path, tmp_path / "cache")
    shutil.rmtree(upstream.path)  # the "network" is gone
    second = fetch_entry(entry(upstream.url, upstream.commit), tmp_path, tmp_path / "cache")
    assert second.hub_dir == first.hub_dir
    assert (second.hub_dir / "hubconf.py").is_file()


def test_entries_sharing_a_repo_share_one_mirror(tmp_path: Path) -> None:
    upstream = make_hub_repo(tmp_path / "upstream", {"hubconf.py": GOOD_HUBCONF})
    newer = commit_files(upstream.path, {"extra.py": "X = 1\n"})
    fetch_entry(entry(upstream.url, upstream.commit), tmp_path, tmp_path / "cache")
    fetch_entry(entry(upstream.url, newer.commit), tmp_path, tmp_path / "cache")
    assert len(list((tmp_path / "cache" / "mirrors").iterdir())) == 1
    assert len(list((tmp_path / "cache" / "checkouts").iterdir())) == 2


def test_a_commit_missing_upstream_is_a_clear_error(tmp_path: Path) -> None:
    upstream = make_hub_repo(tmp_path / "upstream", {"hubconf.py": GOOD_HUBCONF})
    with pytest.raises(FetchError, match=re.escape(f"cannot fetch {upstream.url} at {SHA[:12]}")):
        fetch_entry(entry(upstream.url, SHA), tmp_path, tmp_path / "cache")
    assert not list((tmp_path / "cache" / "checkouts").glob("*")), "no partial checkout is left behind"


def test_an_unreachable_repo_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match=r"cannot fetch file:///nowhere/repo\.git"):
        fetch_entry(entry("file:///nowhere/repo.git", SHA), tmp_path, tmp_path / "cache")


def test_a_repo_without_hubconf_is_refused(tmp_path: Path) -> None:
    upstream = make_hub_repo(tmp_path / "upstream", {"README.md": "no hub here"})
    with pytest.raises(FetchError, match=r"no hubconf\.py in the repository root"):
        fetch_entry(entry(upstream.url, upstream.commit), tmp_path, tmp_path / "cache")


def test_a_hub_in_a_subdir(tmp_path: Path) -> None:
    upstream = make_hub_repo(tmp_path / "upstream", {"hubs/tiny/hubconf.py": GOOD_HUBCONF})
    checkout = fetch_entry(entry(upstream.url, upstream.commit, subdir="hubs/tiny"), tmp_path, tmp_path / "cache")
    assert checkout.subdir == "hubs/tiny"
    assert (checkout.hub_dir / "hubconf.py").is_file()


def test_github_urls_follow_gits_insteadof_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Organisations and offline machines point GitHub at a mirror with git's own configuration."""
    mirror_root = tmp_path / "mirror"
    mirrored = make_hub_repo(mirror_root / "owner" / "name.git", {"hubconf.py": GOOD_HUBCONF})
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text(f'[url "{mirror_root.as_uri()}/"]\n\tinsteadOf = https://github.com/\n')
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    checkout = fetch_entry(entry("owner/name", mirrored.commit), tmp_path, tmp_path / "cache")
    assert checkout.commit == mirrored.commit
    assert (checkout.hub_dir / "hubconf.py").is_file()


def test_a_local_hub_is_pinned_to_the_last_commit_that_touched_it(tmp_path: Path) -> None:
    project = make_hub_repo(tmp_path / "project", {"examples/tiny/hubconf.py": GOOD_HUBCONF})
    commit_files(project.path, {"README.md": "unrelated change"})
    checkout = fetch_entry(entry("./examples/tiny", None), project.path, tmp_path / "cache")
    assert checkout.commit == project.commit
    assert checkout.subdir == "examples/tiny"
    assert not checkout.dirty
    (project.path / "examples/tiny/hubconf.py").write_text(GOOD_HUBCONF + "\n# edited\n")
    edited = fetch_entry(entry("./examples/tiny", None), project.path, tmp_path / "cache")
    assert edited.dirty
    assert edited.content_digest != checkout.content_digest
