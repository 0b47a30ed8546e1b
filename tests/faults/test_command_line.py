"""The command line's promises that the build's fault tests rely on: `--quiet` is quiet on a terminal too,
an unknown entry is one line naming the known ones, and a failing system call is a message, not a
traceback."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from generator.cli import main
from support.hubrepos import CATALOGUE_HEAD, commit_files, entry_yaml, make_hub_repo, make_project
from tests.faults.builds import light_catalogue
from tests.generator.commands.test_progress import Terminal

pytestmark = pytest.mark.slow

LIGHT = '''
dependencies = []


def model(pretrained=False):
    """A model."""
    return object()
'''


def test_update_quiet_shows_no_progress_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    upstream = make_hub_repo(tmp_path / "upstream", {"hubconf.py": LIGHT})
    entry = entry_yaml("moving", upstream.url, upstream.commit, ref="main", smoke="{skip: introspected only}")
    project = make_project(tmp_path / "project", CATALOGUE_HEAD + entry)
    moved = commit_files(upstream.path, {"hubconf.py": LIGHT + "\n\ndef other():\n    pass\n"})
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)

    assert main(["--root", str(project), "update", "--quiet"]) == 0

    assert moved.commit in (project / "catalogue" / "catalogue.yaml").read_text()  # it moved and was verified
    assert terminal.getvalue() == ""


@pytest.mark.fault("Build", "an unknown entry id: one line naming the known ones, exit 2")
def test_an_unknown_entry_is_one_line_naming_the_known_ones(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project(tmp_path / "project", light_catalogue(tmp_path / "upstream", "alpha", "beta"))
    for command in (["lock", "--only", "gamma"], ["update", "gamma"]):
        assert main(["--root", str(project), *command]) == 2
        assert capsys.readouterr().err == "error: no entry 'gamma' in the catalogue; known: alpha, beta\n"


def test_a_project_folder_that_cannot_be_written_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project(tmp_path / "project", light_catalogue(tmp_path / "upstream", "alpha"))
    (project / ".build").write_text("a file where the build folder goes")

    assert main(["--root", str(project), "render"]) == 2

    assert capsys.readouterr().err == f"error: {project / '.build'}: File exists\n"
