"""`URL[@REF]` parsing, and refs resolved with git ls-remote on real repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.maintain import RemoteError, parse_spec, resolve_ref
from support.hubrepos import GOOD_HUBCONF, commit_files, git, make_hub_repo


@pytest.mark.parametrize(
    ("text", "repo", "url", "ref"),
    [
        ("owner/name", "owner/name", "https://github.com/owner/name.git", ""),
        ("owner/name@v1.2", "owner/name", "https://github.com/owner/name.git", "v1.2"),
        ("owner/name@release/2.0", "owner/name", "https://github.com/owner/name.git", "release/2.0"),
        ("https://github.com/owner/name.git@main", "owner/name", "https://github.com/owner/name.git", "main"),
        ("https://gitlab.com/a/b.git", "https://gitlab.com/a/b.git", "https://gitlab.com/a/b.git", ""),
        (
            "https://user@example.com/a/b.git",
            "https://user@example.com/a/b.git",
            "https://user@example.com/a/b.git",
            "",
        ),
        ("git@github.com:owner/name.git", "owner/name", "git@github.com:owner/name.git", ""),
        ("git@github.com:owner/name.git@v3", "owner/name", "git@github.com:owner/name.git", "v3"),
        (
            "ssh://git@host.example/x/y.git@dev",
            "ssh://git@host.example/x/y.git",
            "ssh://git@host.example/x/y.git",
            "dev",
        ),
    ],
)
def test_specs_are_split_into_repo_url_and_ref(text: str, repo: str, url: str, ref: str) -> None:
    spec = parse_spec(text)
    assert (spec.repo, spec.url, spec.ref, spec.local_dir) == (repo, url, ref, None)


def test_a_local_folder_becomes_a_file_url_with_an_optional_ref(tmp_path: Path) -> None:
    folder = tmp_path / "my@hub"  # an '@' in a folder that exists is part of the path
    folder.mkdir()
    spec = parse_spec(str(folder))
    assert (spec.url, spec.ref, spec.local_dir) == (folder.as_uri(), "", folder)
    assert parse_spec(f"{folder}@v1").ref == "v1"


def test_text_that_names_no_repository_is_refused() -> None:
    with pytest.raises(RemoteError, match="not a repository"):
        parse_spec("no-such-folder-here")


def test_branches_tags_and_the_default_branch_resolve_to_their_commits(tmp_path: Path) -> None:
    first = make_hub_repo(tmp_path / "hub", {"hubconf.py": GOOD_HUBCONF})
    git(first.path, "tag", "-a", "v1", "-m", "first release")  # annotated: ls-remote lists the tag object too
    git(first.path, "tag", "light", first.commit)
    second = commit_files(first.path, {"README.md": "two"})

    assert resolve_ref(first.url, "v1").commit == resolve_ref(first.url, "refs/tags/v1").commit
    assert (resolve_ref(first.url, "v1").commit, resolve_ref(first.url, "v1").kind) == (first.commit, "tag")
    assert resolve_ref(first.url, "light").commit == first.commit
    assert (resolve_ref(first.url, "main").commit, resolve_ref(first.url, "main").kind) == (second.commit, "branch")
    default = resolve_ref(first.url)
    assert (default.ref, default.commit) == ("main", second.commit)
    assert resolve_ref(first.url, first.commit).kind == "commit"


def test_a_missing_ref_or_repository_is_a_clear_error(tmp_path: Path) -> None:
    hub = make_hub_repo(tmp_path / "hub", {"hubconf.py": GOOD_HUBCONF})
    with pytest.raises(RemoteError, match="no branch or tag 'nope'"):
        resolve_ref(hub.url, "nope")
    with pytest.raises(RemoteError, match="cannot read refs"):
        resolve_ref((tmp_path / "absent").as_uri(), "main")
