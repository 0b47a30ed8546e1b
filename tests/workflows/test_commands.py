"""Every `python -m generator ...` a workflow or a maintainer's document runs is a command that exists.

The command lines are parsed (never run) by the generator's own parser: a renamed command or flag
fails here, not on the nightly runner.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from generator.cli import main, parser
from tests.workflows.commands import CommandLine, text_commands, workflow_commands

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
DOCUMENTS = [
    ROOT / "docs" / "maintaining.md",
    ROOT / ".github" / "PULL_REQUEST_TEMPLATE.md",
    ROOT / ".github" / "ISSUE_TEMPLATE" / "propose-model.yml",
]


def rejection(command: CommandLine) -> str:
    """'' when the generator's parser accepts the command line, else what it said."""
    said = io.StringIO()
    try:
        with contextlib.redirect_stderr(said), contextlib.redirect_stdout(io.StringIO()):
            parser().parse_args(command.argv)
    except SystemExit:
        return said.getvalue().strip().splitlines()[-1] if said.getvalue().strip() else "rejected"
    return ""


def test_the_workflows_exist() -> None:
    assert [path.name for path in WORKFLOWS] == ["ci.yml", "site.yml", "verify.yml"]


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda path: path.name)
def test_every_generator_command_of_a_workflow_parses(workflow: Path) -> None:
    commands = list(workflow_commands(workflow))
    assert [f"{c.where}: {c.written}\n    → {c.argv}: {rejection(c)}" for c in commands if rejection(c)] == []


def test_the_verify_workflow_runs_the_shard_and_merge_sequence() -> None:
    commands = list(workflow_commands(ROOT / ".github" / "workflows" / "verify.yml"))
    argvs = [c.argv for c in commands]
    for shard in (1, 2, 3, 4):  # the matrix, resolved
        expected = ["lock", "--shard", f"{shard}/4", "--output", f"shards/cpu-{shard}.json", "--device", "cpu"]
        assert [a[: len(expected)] for a in argvs].count(expected) == 1
    # --shard 1/1: --strict then judges only this run's entries, not those the CPU shards verify
    assert ["lock", "--shard", "1/1", "--output", "shards/gpu.json", "--device", "cuda", "--strict"] in argvs
    assert ["merge", "shards/*.json"] in argvs
    assert ["lock-diff", "PLACEHOLDER/previous.lock", "catalogue/catalogue.lock", "--output"] in [a[:4] for a in argvs]
    assert ["reactions", "--output", "PLACEHOLDER/verify/reactions.json"] in argvs  # votes for the all-models table
    assert {a[0] for a in argvs} == {"entries", "lock", "merge", "lock-diff", "reactions"}


def test_the_site_workflow_builds_from_the_lock_without_verifying() -> None:
    assert [c.argv for c in workflow_commands(ROOT / ".github" / "workflows" / "site.yml")] == [["site"]]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_every_generator_command_of_a_maintainers_document_parses(document: Path) -> None:
    commands = list(text_commands(document))
    assert commands, f"{document.name} shows no generator command"
    assert [f"{c.where}: {c.written}: {rejection(c)}" for c in commands if rejection(c)] == []


def test_a_command_or_flag_that_does_not_exist_is_caught(tmp_path: Path) -> None:
    workflow = tmp_path / "broken.yml"
    workflow.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        n: [1, 2]\n"
        "    env:\n      N: ${{ matrix.n }}\n    steps:\n"
        '      - run: python -m generator lock --shard "$N/2" --no-such-flag > out\n'
        "      - run: python -m generator publish-everything\n",
        encoding="utf-8",
    )
    commands = list(workflow_commands(workflow))
    assert [c.argv for c in commands] == [
        ["lock", "--shard", "1/2", "--no-such-flag"],
        ["publish-everything"],
        ["lock", "--shard", "2/2", "--no-such-flag"],
        ["publish-everything"],
    ]
    assert "unrecognized arguments: --no-such-flag" in rejection(commands[0])
    assert "invalid choice: 'publish-everything'" in rejection(commands[1])


def test_the_plan_jobs_only_options_are_options_of_lock(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(ROOT), "entries", "--accelerator", "cpu", "--format", "only"]) == 0
    only = capsys.readouterr().out.split()
    assert only[:2] == ["--only", "digits-classifier"]
    arguments = parser().parse_args(["lock", "--shard", "1/4", "--output", "shards/cpu-1.json", *only])
    assert arguments.only == only[1::2]
