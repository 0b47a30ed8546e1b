"""A checkout says whether its commit is on the branch or tag the entry names, and never fails for it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.fetch import FetchRequest, fetch_checkout
from support.hubrepos import GOOD_HUBCONF, HubRepo, commit_files, git, make_hub_repo


@pytest.fixture
def upstream(tmp_path: Path) -> HubRepo:
    """A hub whose main branch has two commits, tagged v1 (annotated) at the first."""
    first = make_hub_repo(tmp_path / "upstream", {"hubconf.py": GOOD_HUBCONF})
    git(first.path, "tag", "-a", "v1", "-m", "release 1", first.commit)
    commit_files(first.path, {"CHANGES": "2"})
    return first


def on_side_branch(upstream: HubRepo) -> str:
    """A commit only a side branch reaches (a pull request's, say)."""
    git(upstream.path, "checkout", "--quiet", "-b", "side")
    side = commit_files(upstream.path, {"side.py": "X = 1\n"}).commit
    git(upstream.path, "checkout", "--quiet", "main")
    return side


def fetch(upstream: HubRepo, commit: str, ref: str, tmp_path: Path) -> bool | None:
    return fetch_checkout(FetchRequest(upstream.url, commit, ref=ref), tmp_path, tmp_path / "cache").on_ref


def test_a_commit_on_its_branch_or_tag_is_on_its_ref(upstream: HubRepo, tmp_path: Path) -> None:
    assert fetch(upstream, upstream.commit, "main", tmp_path) is True
    assert fetch(upstream, upstream.commit, "v1", tmp_path) is True
    assert fetch(upstream, upstream.commit, "refs/heads/main", tmp_path) is True


@pytest.mark.fault("Catalogue", "a commit off its branch: checked out, and said to be off it")
def test_a_commit_off_its_branch_is_checked_out_and_said_to_be_off_it(upstream: HubRepo, tmp_path: Path) -> None:
    side = on_side_branch(upstream)
    checkout = fetch_checkout(FetchRequest(upstream.url, side, ref="main"), tmp_path, tmp_path / "cache")
    assert checkout.on_ref is False
    assert (checkout.hub_dir / "side.py").is_file(), "the fetch itself succeeds"
    assert fetch(upstream, side, "side", tmp_path) is True


@pytest.mark.fault("Catalogue", "a newer tag does not vouch for a later commit")
def test_a_newer_tag_does_not_reach_a_later_commit(upstream: HubRepo, tmp_path: Path) -> None:
    later = git(upstream.path, "rev-parse", "main")
    assert fetch(upstream, later, "v1", tmp_path) is False


@pytest.mark.fault("Catalogue", "no ref, or an unknown one: nothing claimed")
def test_without_a_ref_or_with_an_unknown_one_nothing_is_claimed(upstream: HubRepo, tmp_path: Path) -> None:
    assert fetch(upstream, upstream.commit, "", tmp_path) is None
    assert fetch(upstream, upstream.commit, "no-such-branch", tmp_path) is None
    assert fetch(upstream, upstream.commit, "--upload-pack=touch owned", tmp_path) is None
    assert not (tmp_path / "owned").exists()


@pytest.mark.fault("Catalogue", "offline: the kept answer is used, an unknown one stays unknown")
def test_an_answer_is_kept_for_offline_builds_and_unknown_ones_stay_unknown(
    upstream: HubRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert fetch(upstream, upstream.commit, "main", tmp_path) is True
    shutil.rmtree(upstream.path)  # no remote, and then no network either
    assert fetch(upstream, upstream.commit, "main", tmp_path) is True
    monkeypatch.setenv("PINHUB_OFFLINE", "1")
    assert fetch(upstream, upstream.commit, "main", tmp_path) is True
    assert fetch(upstream, upstream.commit, "v1", tmp_path) is None


@pytest.mark.fault("Catalogue", "off the branch until the branch takes the commit: asked again")
def test_off_the_branch_is_asked_again_once_the_branch_has_taken_the_commit(upstream: HubRepo, tmp_path: Path) -> None:
    side = on_side_branch(upstream)
    assert fetch(upstream, side, "main", tmp_path) is False
    git(upstream.path, "-c", "user.name=T", "-c", "user.email=t@example.invalid", "merge", "--quiet", "side")
    assert fetch(upstream, side, "main", tmp_path) is True


def test_a_hub_inside_the_project_has_no_ref_to_be_on(tmp_path: Path) -> None:
    project = make_hub_repo(tmp_path / "project", {"examples/tiny/hubconf.py": GOOD_HUBCONF})
    checkout = fetch_checkout(FetchRequest("./examples/tiny", ref="main"), project.path, tmp_path / "cache")
    assert checkout.on_ref is None
