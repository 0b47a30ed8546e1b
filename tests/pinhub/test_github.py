"""Pins over the GitHub source, served by a real HTTP server: refs, cache hits, failures, recovery."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import torch

import pinhub
from pinhub.errors import (
    ArchiveError,
    DownloadError,
    HubconfError,
    MissingDependenciesError,
    OfflineCacheMissError,
    RefNotFoundError,
)
from support.github import GitHubServer
from support.gitrepos import GitRepo, git
from tests.pinhub.archives import file, tar_gz, zip_of
from tests.pinhub.conftest import Widgets
from tests.pinhub.hubs import affine_hub

SOME_COMMIT = "0123456789abcdef0123456789abcdef01234567"


def load(repo: str = "acme/widgets", **kwargs: Any) -> Any:
    return pinhub.load(repo, "affine", trust_repo=True, verbose=False, **kwargs)


def offset_of(model: torch.nn.Module) -> int:
    """The hub's offset, as the model computes it (``affine(1)(0) == 11 * offset``)."""
    return round(float(model(torch.zeros(1)).detach()) / 11)


def cache_root() -> Path:
    return Path(pinhub.get_dir()) / "pinhub" / "github" / "acme" / "widgets"


class TestPins:
    def test_no_ref_means_the_default_branch(self, widgets: Widgets) -> None:
        model = load()
        assert offset_of(model) == 2
        assert (model.__pinhub__.commit, model.__pinhub__.ref) == (widgets.second, None)

    def test_branch(self, widgets: Widgets) -> None:
        model = load("acme/widgets:dev")
        assert offset_of(model) == 3
        assert model.__pinhub__.commit == widgets.third
        assert model.__pinhub__.ref == "dev"

    def test_annotated_tag_resolves_to_its_commit(self, widgets: Widgets) -> None:
        assert load("acme/widgets:v1").__pinhub__.commit == widgets.first

    @pytest.mark.parametrize("how", ["repo string", "commit keyword"])
    def test_full_sha_is_used_as_is_without_ref_lookup(self, widgets: Widgets, server: GitHubServer, how: str) -> None:
        model = load(f"acme/widgets:{widgets.first}") if how == "repo string" else load(commit=widgets.first)
        assert offset_of(model) == 1
        assert model.__pinhub__.commit == widgets.first
        assert server.count("refs") == 0

    @pytest.mark.parametrize("how", ["repo string", "commit keyword"])
    def test_abbreviated_sha(self, widgets: Widgets, how: str) -> None:
        short = widgets.first[:8]
        model = load(f"acme/widgets:{short}") if how == "repo string" else load(commit=short)
        assert offset_of(model) == 1
        assert model.__pinhub__.commit == widgets.first

    def test_abbreviated_sha_already_cached_needs_no_network(self, widgets: Widgets, server: GitHubServer) -> None:
        load(commit=widgets.first)
        server.stop()
        assert load(commit=widgets.first[:7]).__pinhub__.commit == widgets.first

    def test_a_branch_is_resolved_on_every_call(self, widgets: Widgets) -> None:
        assert load().__pinhub__.commit == widgets.second
        fourth = widgets.repo.commit({"models.py": None, "hubconf.py": "def affine():\n    return 4\n"})
        assert load() == 4
        assert pinhub.resolve("acme/widgets").commit == fourth

    def test_unknown_branch(self, widgets: Widgets) -> None:
        with pytest.raises(RefNotFoundError, match="no branch or tag 'nope'"):
            load("acme/widgets:nope")

    def test_unknown_commit(self, widgets: Widgets) -> None:
        with pytest.raises(RefNotFoundError, match="has no branch, tag or commit"):
            load(commit="0" * 40)

    def test_resolve_names_the_exact_commit_without_running_code(self, widgets: Widgets) -> None:
        resolved = pinhub.resolve("acme/widgets:v1", verbose=False)
        assert (resolved.source, resolved.repo, resolved.ref) == ("github", "acme/widgets", "v1")
        assert resolved.commit == widgets.first
        assert resolved.path == cache_root() / widgets.first
        assert str(resolved) == f"acme/widgets@{widgets.first}"

    @pytest.mark.parametrize("answer", ["missing", "page"])
    def test_refs_without_advertisement_fall_back_to_the_archive(
        self, widgets: Widgets, server: GitHubServer, answer: str
    ) -> None:
        server.switches.refs = answer
        assert load("acme/widgets:dev").__pinhub__.commit == widgets.third
        assert load().__pinhub__.commit == widgets.second
        with pytest.raises(RefNotFoundError):
            load("acme/widgets:nope")

    def test_subdir(self, tmp_path: Path, server: GitHubServer) -> None:
        repo = GitRepo(tmp_path / "project")
        files = {f"examples/affine/{name}": content for name, content in affine_hub(4).items()}
        commit = repo.commit({**files, "README.md": "a project with a hub in a sub-folder\n"})
        server.add("acme/project", repo.path)
        model = load("acme/project", commit=commit, subdir="examples/affine")
        assert offset_of(model) == 4
        assert model.__pinhub__.subdir == "examples/affine"
        assert (
            model.__pinhub__.path == Path(pinhub.get_dir()) / "pinhub/github/acme/project" / commit / "examples/affine"
        )
        assert pinhub.resolve("acme/project", commit=commit, subdir="examples/affine").dependencies == ("torch",)

    def test_dependencies_are_checked_before_the_hub_runs(self, tmp_path: Path, server: GitHubServer) -> None:
        repo = GitRepo(tmp_path / "needy")
        hubconf = "import pinhub_missing_module\ndependencies = ['pinhub-missing-module>=2']\ndef f():\n    return 1\n"
        commit = repo.commit({"hubconf.py": hubconf})
        server.add("acme/needy", repo.path)
        with pytest.raises(MissingDependenciesError, match=r"pinhub-missing-module>=2 \(not installed\)"):
            pinhub.load("acme/needy", "f", commit=commit, trust_repo=True)

    def test_cached_files_are_read_only(self, widgets: Widgets) -> None:
        path = load(commit=widgets.first).__pinhub__.path
        assert not os.stat(path / "models.py").st_mode & 0o222

    def test_a_folder_of_git_mirrors_serves_as_github(
        self, widgets: Widgets, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        mirrors = tmp_path / "mirrors"
        git("clone", "-q", "--mirror", str(widgets.repo.path), str(mirrors / "acme" / "widgets.git"))
        monkeypatch.setenv("PINHUB_GITHUB_URL", mirrors.as_uri())
        assert load("acme/widgets:dev").__pinhub__.commit == widgets.third
        assert offset_of(load(commit=widgets.first[:8])) == 1
        assert (cache_root() / widgets.first).is_dir()

    def test_subdir_without_hubconf(self, widgets: Widgets) -> None:
        with pytest.raises(HubconfError, match=r"has no hubconf\.py"):
            load(commit=widgets.first, subdir="utils")


class TestCache:
    def test_layout_one_folder_per_commit(self, widgets: Widgets) -> None:
        load(commit=widgets.first)
        load(commit=widgets.second)
        folders = sorted(p.name for p in cache_root().iterdir() if p.is_dir() and p.name != "refs")
        assert folders == sorted([widgets.first, widgets.second])
        assert (cache_root() / widgets.first / ".pinhub-manifest.json").is_file()

    def test_full_sha_hit_works_with_the_server_gone(self, widgets: Widgets, server: GitHubServer) -> None:
        load(commit=widgets.first)
        server.stop()
        assert offset_of(load(commit=widgets.first)) == 1

    def test_full_sha_hit_makes_no_request(self, widgets: Widgets, server: GitHubServer) -> None:
        load(commit=widgets.first)
        before = len(server.requests)
        load(commit=widgets.first)
        pinhub.list("acme/widgets", commit=widgets.first, verbose=False)
        assert len(server.requests) == before

    def test_half_built_folder_is_replaced(self, widgets: Widgets, server: GitHubServer) -> None:
        load(commit=widgets.first)
        (cache_root() / widgets.first / ".pinhub-manifest.json").unlink()
        (cache_root() / widgets.first / "models.py").unlink()
        assert offset_of(load(commit=widgets.first)) == 1
        assert server.count("archive") == 2

    def test_tampered_file_is_replaced(self, widgets: Widgets, server: GitHubServer) -> None:
        load(commit=widgets.first)
        consts = cache_root() / widgets.first / "utils" / "consts.py"
        consts.chmod(0o644)  # cached files are read-only
        consts.write_text("OFFSET = 99\n")
        assert offset_of(load(commit=widgets.first)) == 1
        assert consts.read_text() == "OFFSET = 10\n"
        assert server.count("archive") == 2

    def test_copied_files_with_new_mtimes_are_still_a_hit(self, widgets: Widgets, server: GitHubServer) -> None:
        load(commit=widgets.first)
        for path in (cache_root() / widgets.first).rglob("*.py"):
            os.utime(path, ns=(1, 1))
        load(commit=widgets.first)
        assert server.count("archive") == 1

    def test_leftovers_of_interrupted_downloads_are_ignored_and_cleaned(self, widgets: Widgets) -> None:
        leftover = cache_root() / f"{widgets.first}.4242.0123abcd.incomplete"
        (leftover / "utils").mkdir(parents=True)
        assert offset_of(load(commit=widgets.first)) == 1
        assert not leftover.exists()

    def test_force_reload_downloads_again(self, widgets: Widgets, server: GitHubServer) -> None:
        load(commit=widgets.first)
        load(commit=widgets.first, force_reload=True)
        assert server.count("archive") == 2


class TestNetworkDown:
    def test_branch_uses_its_last_resolution(self, widgets: Widgets, server: GitHubServer, capsys: Any) -> None:
        load("acme/widgets:dev")
        server.stop()
        model = load("acme/widgets:dev")
        assert model.__pinhub__.commit == widgets.third
        assert "network is unreachable" in capsys.readouterr().err

    def test_uncached_commit_names_what_is_missing_and_how_to_fetch(
        self, widgets: Widgets, server: GitHubServer
    ) -> None:
        server.stop()
        with pytest.raises(OfflineCacheMissError) as raised:
            load(commit=widgets.second)
        assert isinstance(raised.value, FileNotFoundError)
        assert isinstance(raised.value, ConnectionError)
        message = str(raised.value)
        assert f"acme/widgets@{widgets.second}" in message
        assert f"python -m pinhub fetch acme/widgets --commit {widgets.second}" in message

    def test_never_resolved_branch(self, widgets: Widgets, server: GitHubServer) -> None:
        server.stop()
        with pytest.raises(OfflineCacheMissError, match="acme/widgets:dev cannot be resolved"):
            load("acme/widgets:dev")


class TestServerFailures:
    def test_truncated_download_is_retried(self, widgets: Widgets, server: GitHubServer) -> None:
        server.switches.truncate_next = 1
        assert offset_of(load(commit=widgets.first)) == 1
        assert server.count("archive") == 2
        assert not list(cache_root().rglob("*.incomplete"))

    def test_always_truncated_leaves_nothing_behind(self, widgets: Widgets, server: GitHubServer) -> None:
        server.switches.truncate_next = 100
        with pytest.raises(DownloadError, match="cut off"):
            load(commit=widgets.first)
        assert [p.name for p in cache_root().iterdir()] == [f"{widgets.first}.lock"]

    def test_server_error_is_retried(self, widgets: Widgets, server: GitHubServer) -> None:
        server.switches.fail_next = 1
        assert offset_of(load(commit=widgets.first)) == 1

    def test_persistent_server_errors_then_recovery(self, widgets: Widgets, server: GitHubServer) -> None:
        server.switches.fail_next = 3
        with pytest.raises(DownloadError, match="HTTP Error 500"):
            load(commit=widgets.first)
        assert not (cache_root() / widgets.first).exists()
        assert offset_of(load(commit=widgets.first)) == 1

    def test_zip_slip_archive_is_refused(self, widgets: Widgets, server: GitHubServer, tmp_path: Path) -> None:
        evil = [file("widgets-x/hubconf.py", b"x = 1\n"), file("widgets-x/../../../../evil.py", b"boom\n")]
        server.switches.archive_override["acme/widgets"] = tar_gz(evil, commit=widgets.first)
        with pytest.raises(ArchiveError, match="directory traversal"):
            load(commit=widgets.first)
        assert not (cache_root() / widgets.first).exists()
        assert not list(tmp_path.rglob("evil.py"))

    @pytest.mark.parametrize(
        ("body", "says"),
        [
            (tar_gz([file("w/hubconf.py", os.urandom(50_000))], SOME_COMMIT)[:20_000], "is corrupt or truncated: "),
            (b"<!DOCTYPE html><html>Too many requests</html>", "(it is an HTML or XML page, not a tar archive)"),
            (zip_of({"w/hubconf.py": b"x = 1\n"}), "(it is a zip file, not a tar archive)"),
            (tar_gz([file("w/../../evil.py")], SOME_COMMIT), "traversal: w/../../evil.py (in the archive from "),
        ],
        ids=["truncated", "html", "zip", "unsafe"],
    )
    @pytest.mark.parametrize("pin", ["commit", "branch"])
    def test_a_bad_archive_is_named_by_its_url(
        self, widgets: Widgets, server: GitHubServer, body: bytes, says: str, pin: str
    ) -> None:
        server.switches.archive_override["acme/widgets"] = body
        server.switches.refs = "missing"  # so a branch is resolved from its archive
        with pytest.raises(ArchiveError) as raised:
            load(commit=widgets.first) if pin == "commit" else load("acme/widgets:dev")
        message = str(raised.value)
        revision = widgets.first if pin == "commit" else "dev"
        assert f"{server.url}/acme/widgets/archive/{revision}.tar.gz" in message
        assert says in message
        assert ".incomplete" not in message and str(cache_root()) not in message

    def test_archive_of_another_commit_is_refused(self, widgets: Widgets, server: GitHubServer) -> None:
        server.switches.archive_override["acme/widgets"] = tar_gz([file("w/hubconf.py")], commit=widgets.second)
        with pytest.raises(ArchiveError, match=f"expected an archive of commit {widgets.first}"):
            load(commit=widgets.first)
