"""The maintainer's workflow, end to end, on a real upstream repository.

add → check-repo → lock → the upstream changes → update (with its change report) → the verify workflow's
shard and merge sequence → lock-diff (the pull request's body) → the site, built from the lock.
"""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

import pytest

from generator.cli import main
from support.hubrepos import CATALOGUE_HEAD, GOOD_HUBCONF, commit_files, entry_yaml, make_hub_repo, make_project

CATALOGUE = (
    "# The catalogue of this test project; maintainers' comments must survive every command.\n"
    + CATALOGUE_HEAD
    + "  # Reviewed by hand, pinned without a ref.\n"
)

V2 = '''
dependencies = ["torch", "numpy"]

import torch


def tiny(pretrained: bool = False, width: int = 4, depth: int = 2) -> torch.nn.Module:
    """A tiny classifier, now with a depth."""
    return torch.nn.Sequential(*[torch.nn.Linear(4, 4) for _ in range(depth - 1)], torch.nn.Linear(4, 3))


def big(pretrained: bool = False) -> torch.nn.Module:
    """A bigger one."""
    return torch.nn.Linear(4, 64)


def tokenizer(lowercase: bool = True):
    """Splits text, but is broken upstream now."""
    raise RuntimeError("tokenizer data went missing upstream")
'''


def run(project: Path, *arguments: str, capsys: pytest.CaptureFixture[str], expect: int = 0) -> str:
    status = main(["--root", str(project), *arguments])
    captured = capsys.readouterr()
    assert status == expect, captured.out + captured.err
    return captured.out


def removed_and_added(old: str, new: str) -> list[str]:
    return [line for line in difflib.ndiff(old.splitlines(), new.splitlines()) if line[:1] in "+-"]


@pytest.mark.slow
def test_add_check_update_verify_and_publish(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    upstream = make_hub_repo(tmp_path / "upstream", {"hubconf.py": GOOD_HUBCONF})
    steady = make_hub_repo(tmp_path / "steady", {"hubconf.py": GOOD_HUBCONF})
    project = make_project(tmp_path / "project", CATALOGUE + entry_yaml("steady", steady.url, steady.commit))
    catalogue = project / "catalogue" / "catalogue.yaml"
    original = catalogue.read_text(encoding="utf-8")

    # add: the ref is pinned to its commit and a pre-filled entry is appended; nothing else moves.
    printed = run(project, "add", f"{upstream.url}@main", "--id", "tiny-hub", capsys=capsys)
    assert f"main = {upstream.commit}" in printed
    added = catalogue.read_text(encoding="utf-8")
    assert added.startswith(original)
    assert f"    ref: main\n    commit: {upstream.commit}\n    entrypoints: [tiny, tokenizer]" in added
    assert "smoke: {kwargs: {pretrained: false}, entrypoints: {tokenizer: {kwargs: {}}}}" in added
    run(project, "validate", capsys=capsys)

    # check-repo: the owner's preflight passes at the pinned ref.
    checklist = run(project, "check-repo", f"{upstream.url}@main", "--offline", capsys=capsys)
    assert "0 failed" in checklist
    run(project, "lock", "--only", "tiny-hub", "--quiet", capsys=capsys)  # the maintainer verifies the new entry

    # The upstream moves on: an entrypoint added, a signature and the dependencies changed, one load broken.
    moved = commit_files(upstream.path, {"hubconf.py": V2}, message="v2")
    report = run(project, "update", "--quiet", capsys=capsys)
    assert f"→ tiny-hub (main): moved {upstream.commit[:12]} → {moved.commit[:12]}" in report
    assert "steady" not in report  # pinned without a ref: nothing to follow
    for change in (
        "entrypoint added: `big`",
        "signature of `tiny`: `(pretrained: bool = False, width: int = 4) -> torch.nn.modules.module.Module` → "
        "`(pretrained: bool = False, width: int = 4, depth: int = 2) -> torch.nn.modules.module.Module`",
        "dependency added: `numpy`",
        "`tokenizer` on cpu: ok → error: `RuntimeError: tokenizer data went missing upstream`",
    ):
        assert change in report, report
    updated = catalogue.read_text(encoding="utf-8")
    assert removed_and_added(added, updated) == [f"-     commit: {upstream.commit}", f"+     commit: {moved.commit}"]
    lock = project / "catalogue" / "catalogue.lock"
    assert json.loads(lock.read_text())["entries"]["tiny-hub"]["commit"] == moved.commit

    # The verify workflow: one lock job per shard, then merge, then the pull request's body.
    previous = tmp_path / "previous.lock"
    shutil.copy(lock, previous)
    shards = tmp_path / "shards"
    for index in (1, 2):
        output = str(shards / f"cpu-{index}.json")
        run(project, "lock", "--shard", f"{index}/2", "--output", output, "--device", "cpu", capsys=capsys)
    run(project, "merge", str(shards / "cpu-1.json"), str(shards / "cpu-2.json"), capsys=capsys)
    body = tmp_path / "lock-diff.md"
    run(project, "lock-diff", str(previous), str(lock), "--output", str(body), capsys=capsys)
    assert set(json.loads(lock.read_text())["entries"]) == {"steady", "tiny-hub"}
    assert body.read_text(encoding="utf-8").startswith(
        "## Lock changes\n\n2 entries compared: 0 newly failing, 0 recovered, 0 changed upstream, 1 added, "
        "0 removed, 1 unchanged.\n"
    )
    assert "### Added\n\n- **steady**" in body.read_text(encoding="utf-8")

    # The site workflow: the site from the committed lock, nothing verified again.
    run(project, "site", capsys=capsys)
    page = (project / "site" / "models" / "tiny-hub" / "index.html").read_text(encoding="utf-8")
    assert moved.commit in page
