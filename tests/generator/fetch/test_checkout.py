"""Fetch checks out exactly the pinned commit, from real git repositories, and reuses its cache."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.fetch import FetchError, FetchRequest, fetch_checkout, git_url
from support.hubrepos import GOOD_HUBCONF, PROJECT_ROOT, HubRepo, commit_files, git, make_hub_repo

SHA = "0123456789abcdef0123456789abcdef01234567"


def test_the_pinned_commit_is_checked_out_not_the_branch_head(tmp_path: Path) -> None:
    first = make_hub_repo(tmp_path / "upstream", {"hubconf.py": GOOD_HUBCONF, "VERSION": "1"})
    commit_files(first.path, {"VERSION": "2"})
    checkout = fetch_checkout(FetchRequest(first.url, first.commit), tmp_path, tmp_path / "cache")
    assert checkout.commit == first.commit
    assert (checkout.hub_dir / "VERSION").read_text() == "1"
    assert git(checkout.hub_dir, "rev-parse", "HEAD") == first.commit


def test_a_second_fetch_reuses_the_checkout_without_the_network(tmp_path: Path) -> None:
    upstream = make_hub_repo(tmp_path / "upstream", {"hubconf.py": GOOD_HUBCONF})
    first = fetch_checkout(FetchRequest(upstream.url, upstream.commit), tmp_path, tmp_path / "cache")
    shutil.rmtree(upstream.path)  # the "network" is gone
    second = fetch_checkout(FetchRequest(upstream.url, upstream.commit), tmp_path, tmp_path / "cache")
    assert second.hub_dir == first.hub_dir
    assert (second.hub_dir / "hubconf.py").is_file()


def test_entries_sharing_a_repo_share_one_mirror(tmp_path: Path) -> None:
    upstream = make_hub_repo(tmp_path / "upstream", {"hubconf.py": GOOD_HUBCONF})
    newer = commit_files(upstream.path, {"extra.py": "X = 1\n"})
    fetch_checkout(FetchRequest(upstream.url, upstream.commit), tmp_path, tmp_path / "cache")
    fetch_checkout(FetchRequest(upstream.url, newer.commit), tmp_path, tmp_path / "cache")
    assert len(list((tmp_path / "cache" / "mirrors").iterdir())) == 1
    assert len(list((tmp_path / "cache" / "checkouts").iterdir())) == 2


def test_a_commit_missing_upstream_is_a_clear_error(tmp_path: Path) -> None:
    upstream = make_hub_repo(tmp_path / "upstream", {"hubconf.py": GOOD_HUBCONF})
    said = f"cannot fetch {upstream.url} at {SHA[:12]}: commit {SHA} is not in the repository"
    with pytest.raises(FetchError, match=re.escape(said)) as caught:
        fetch_checkout(FetchRequest(upstream.url, SHA), tmp_path, tmp_path / "cache")
    assert caught.value.kind == "not-found"
    assert not list((tmp_path / "cache" / "checkouts").glob("*")), "no partial checkout is left behind"


def test_an_unreachable_repo_is_a_clear_error(tmp_path: Path) -> None:
    said = r"cannot fetch file:///nowhere/repo\.git at 0123456789ab: no repository at this URL \(git: fatal: '/nowh"
    with pytest.raises(FetchError, match=said) as caught:
        fetch_checkout(FetchRequest("file:///nowhere/repo.git", SHA), tmp_path, tmp_path / "cache")
    assert caught.value.kind == "not-found"


def test_a_repo_without_hubconf_is_refused(tmp_path: Path) -> None:
    upstream = make_hub_repo(tmp_path / "upstream", {"README.md": "no hub here"})
    with pytest.raises(FetchError, match=r"no hubconf\.py in the repository root") as caught:
        fetch_checkout(FetchRequest(upstream.url, upstream.commit), tmp_path, tmp_path / "cache")
    assert caught.value.kind == "no-hubconf"


def test_a_request_without_a_commit_says_to_pin_it(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match=r"owner/name is not pinned: add its 40-character 'commit'") as caught:
        fetch_checkout(FetchRequest("owner/name"), tmp_path, tmp_path / "cache")
    assert caught.value.kind == "not-pinned"


def test_a_hub_in_a_subdir(tmp_path: Path) -> None:
    upstream = make_hub_repo(tmp_path / "upstream", {"hubs/tiny/hubconf.py": GOOD_HUBCONF})
    checkout = fetch_checkout(
        FetchRequest(upstream.url, upstream.commit, subdir="hubs/tiny"), tmp_path, tmp_path / "cache"
    )
    assert checkout.subdir == "hubs/tiny"
    assert (checkout.hub_dir / "hubconf.py").is_file()


def test_github_urls_follow_gits_insteadof_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Organisations and offline machines point GitHub at a mirror with git's own configuration."""
    mirror_root = tmp_path / "mirror"
    mirrored = make_hub_repo(mirror_root / "owner" / "name.git", {"hubconf.py": GOOD_HUBCONF})
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text(f'[url "{mirror_root.as_uri()}/"]\n\tinsteadOf = https://github.com/\n')
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    checkout = fetch_checkout(FetchRequest("owner/name", mirrored.commit), tmp_path, tmp_path / "cache")
    assert checkout.commit == mirrored.commit
    assert (checkout.hub_dir / "hubconf.py").is_file()


def test_a_local_hub_is_pinned_to_the_last_commit_that_touched_it(tmp_path: Path) -> None:
    project = make_hub_repo(tmp_path / "project", {"examples/tiny/hubconf.py": GOOD_HUBCONF})
    commit_files(project.path, {"README.md": "unrelated change"})
    checkout = fetch_checkout(FetchRequest("./examples/tiny", None), project.path, tmp_path / "cache")
    assert checkout.commit == project.commit
    assert checkout.subdir == "examples/tiny"
    assert not checkout.dirty
    (project.path / "examples/tiny/hubconf.py").write_text(GOOD_HUBCONF + "\n# edited\n")
    edited = fetch_checkout(FetchRequest("./examples/tiny", None), project.path, tmp_path / "cache")
    assert edited.dirty
    assert edited.content_digest != checkout.content_digest


def github_mirror(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stored_as: str) -> HubRepo:
    """A hub mirrored at <mirrors>/<stored_as>.git, with https://github.com/ pointed at <mirrors>/."""
    mirrors = tmp_path / "mirrors"
    mirrored = make_hub_repo(mirrors / f"{stored_as}.git", {"hubconf.py": GOOD_HUBCONF})
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text(f'[url "{mirrors.as_uri()}/"]\n\tinsteadOf = https://github.com/\n')
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    return mirrored


def test_github_names_are_one_url_however_they_are_cased() -> None:
    spellings = [
        "Coderx7/SimpleNet_Pytorch",
        "coderx7/simplenet_pytorch",
        "https://github.com/Coderx7/SimpleNet_Pytorch",
    ]
    assert {git_url(spelling) for spelling in spellings} == {"https://github.com/coderx7/simplenet_pytorch.git"}
    assert git_url("git@github.com:Coderx7/SimpleNet_Pytorch.git") == "git@github.com:Coderx7/SimpleNet_Pytorch.git"
    assert git_url("https://git.example.com/Team/Hub.git") == "https://git.example.com/Team/Hub.git"


def test_every_spelling_of_a_github_repo_shares_one_mirror_and_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mirrored = github_mirror(tmp_path, monkeypatch, "coderx7/simplenet_pytorch")
    spellings = [
        "Coderx7/SimpleNet_Pytorch",
        "coderx7/simplenet_pytorch",
        "https://github.com/CODERX7/simplenet_PyTorch",
    ]
    checkouts = {fetch_checkout(FetchRequest(s, mirrored.commit), tmp_path, tmp_path / "cache") for s in spellings}
    assert len(checkouts) == 1
    assert len(list((tmp_path / "cache" / "mirrors").iterdir())) == 1


def test_the_documented_one_liner_lets_a_mirror_folder_of_any_casing_serve(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """docs/mirrors.md: existing mirrors stored as GitHub spells them get lower-case links."""
    mirrored = github_mirror(tmp_path, monkeypatch, "Coderx7/SimpleNet_Pytorch")
    with pytest.raises(FetchError, match="no repository at this URL"):
        fetch_checkout(FetchRequest("Coderx7/SimpleNet_Pytorch", mirrored.commit), tmp_path, tmp_path / "cache")
    subprocess.run(["bash", "-c", documented_one_liner()], cwd=tmp_path / "mirrors", check=True)
    checkout = fetch_checkout(FetchRequest("Coderx7/SimpleNet_Pytorch", mirrored.commit), tmp_path, tmp_path / "cache")
    assert checkout.commit == mirrored.commit


def documented_one_liner() -> str:
    """The command of docs/mirrors.md that links lower-case names to an existing mirror folder."""
    guide = (PROJECT_ROOT / "docs" / "mirrors.md").read_text(encoding="utf-8")
    (command,) = [line.strip() for line in guide.splitlines() if "tr '[:upper:]' '[:lower:]'" in line]
    return command


def test_a_commit_on_its_ref_is_said_to_be(tmp_path: Path) -> None:
    upstream = make_hub_repo(tmp_path / "upstream", {"hubs/tiny/hubconf.py": GOOD_HUBCONF})
    checkout = fetch_checkout(
        FetchRequest(upstream.url, upstream.commit, "hubs/tiny", "main"), tmp_path, tmp_path / "c"
    )
    assert checkout.on_ref is True and checkout.hub_dir.name == "tiny"


@pytest.mark.parametrize(
    ("repo", "commit", "subdir", "reason"),
    [
        ("ext::sh -c 'touch owned'", SHA, "", "ext::… is git's remote-helper form"),
        ("--upload-pack=touch owned", SHA, "", "starts with '-', which git would read as an option"),
        ("owner/name", "--upload-pack=touch owned", "", "the commit must be 40 lower-case hex digits"),
        ("owner/name", SHA, "../..", "the subdir must be a relative folder inside the repository"),
    ],
)
def test_an_unsafe_request_is_refused_before_git_runs(
    tmp_path: Path, repo: str, commit: str, subdir: str, reason: str
) -> None:
    with pytest.raises(FetchError, match=re.escape(reason)) as caught:
        fetch_checkout(FetchRequest(repo, commit, subdir), tmp_path, tmp_path / "cache")
    assert caught.value.kind == "refused"
    assert not (tmp_path / "cache").exists() and not (tmp_path / "owned").exists()


def test_a_local_hub_outside_the_project_is_refused(tmp_path: Path) -> None:
    project = make_hub_repo(tmp_path / "project", {"README.md": "x"})
    make_hub_repo(tmp_path / "elsewhere", {"hubconf.py": GOOD_HUBCONF})
    with pytest.raises(FetchError, match=r"\./\.\./elsewhere is outside this project") as caught:
        fetch_checkout(FetchRequest("./../elsewhere"), project.path, tmp_path / "cache")
    assert caught.value.kind == "refused"
