"""Which entries the verify workflow's jobs take: those a pull request changed, those that can use CUDA."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.cli import main
from generator.errors import GeneratorError
from generator.maintain import changed_since
from support.hubrepos import CATALOGUE_HEAD, entry_yaml, git, make_project

SHA = "a" * 40


def catalogue(**accelerators: str) -> str:
    return CATALOGUE_HEAD + "".join(
        entry_yaml(entry_id, f"owner/{entry_id}", SHA, accelerator=accelerator)
        for entry_id, accelerator in accelerators.items()
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project in a git repository: a first commit without the catalogue, then one with three entries."""
    root = make_project(tmp_path / "project", catalogue(kept="cpu", edited="cuda", dropped="cuda-optional"))
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "add", "mkdocs.yml")
    git(root, "commit", "--quiet", "-m", "site")
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "-m", "catalogue")
    return root


def test_an_entry_counts_as_changed_when_any_field_differs_or_it_is_new(project: Path) -> None:
    path = project / "catalogue" / "catalogue.yaml"
    path.write_text(catalogue(kept="cpu", edited="cuda-optional", added="cuda"), encoding="utf-8")
    assert changed_since(path, "HEAD") == {"edited", "added"}
    assert changed_since(path, "HEAD~1") == {"kept", "edited", "added"}  # no catalogue there yet


def test_an_unknown_revision_is_an_error(project: Path) -> None:
    with pytest.raises(GeneratorError, match="'no-such-rev' is not a commit"):
        changed_since(project / "catalogue" / "catalogue.yaml", "no-such-rev")


def test_the_command_prints_ids_or_lock_options(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = project / "catalogue" / "catalogue.yaml"
    path.write_text(catalogue(kept="cpu", edited="cuda-optional", added="cuda"), encoding="utf-8")
    root = ["--root", str(project), "entries"]
    assert main([*root, "--format", "json"]) == 0
    assert capsys.readouterr().out == '["kept", "edited", "added"]\n'
    assert main([*root, "--changed-since", "HEAD", "--accelerator", "cuda", "--accelerator", "cuda-optional"]) == 0
    assert capsys.readouterr().out == "edited\nadded\n"
    assert main([*root, "--accelerator", "cpu", "--format", "only"]) == 0
    assert capsys.readouterr().out == "--only kept\n"
