"""add and update on real repositories: what they write, and what they refuse."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.cli import main
from support.hubrepos import (
    CATALOGUE_HEAD,
    GOOD_HUBCONF,
    commit_files,
    drop_blob,
    entry_yaml,
    git,
    make_hub_repo,
    make_project,
)

# Undeclared imports, an imported helper, a helper that needs arguments, a model that loads another hub.
HUBCONF_OF_A_REAL_REPOSITORY = '''
dependencies = ["torch"]

from pathlib import Path

import torch
import yaml


def tiny(pretrained: bool = False) -> torch.nn.Module:
    """A tiny classifier."""
    return torch.nn.Linear(4, 3)


def wide(weights: str | None = "DEFAULT") -> torch.nn.Module:
    """A wide classifier."""
    return torch.nn.Linear(4, 8)


def head(features: int) -> torch.nn.Module:
    """A classification head for `features` inputs."""
    return torch.nn.Linear(features, 3)


def remote(pretrained: bool = False) -> torch.nn.Module:
    """A model whose code comes from another hub."""
    return torch.hub.load("owner/other", "model")
'''

MIT = "MIT License\n\nCopyright (c) 2026 The Owners\n\nPermission is hereby granted, free of charge, ...\n"


def run(project: Path, *arguments: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main(["--root", str(project), *arguments])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def test_add_prefills_what_the_repository_tells_and_marks_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hub = make_hub_repo(tmp_path / "Tiny_Hub", {"models/hubconf.py": GOOD_HUBCONF, "LICENSE": MIT})
    project = make_project(tmp_path / "project", CATALOGUE_HEAD + entry_yaml("other", "owner/other", "a" * 40))
    status, printed = run(project, "add", hub.url, "--subdir", "models", capsys=capsys)
    assert status == 0, printed
    text = (project / "catalogue" / "catalogue.yaml").read_text(encoding="utf-8")
    new = text[text.index("  - id: tiny-hub") :]
    assert new == (
        "  - id: tiny-hub\n"
        "    title: Tiny hub                 # TODO: the model's name as people know it\n"
        "    summary: A tiny classifier.     # TODO: one sentence for lists and search\n"
        f"    repo: {hub.url}\n"
        "    subdir: models\n"
        "    ref: main\n"
        f"    commit: {hub.commit}\n"
        "    entrypoints: [tiny, tokenizer]  # TODO: which to feature (all by default)\n"
        "    category: vision                # TODO: check the category\n"
        "    tags: []                        # TODO: declared tags\n"
        "    license: MIT\n"
        "    smoke: {kwargs: {pretrained: false}, entrypoints: {tokenizer: {kwargs: {}}}}\n"
        "    accelerator: cuda-optional      # TODO: cpu | cuda-optional | cuda\n"
    )
    assert "python -m generator lock --only tiny-hub" in printed


def test_add_refuses_a_taken_id_and_an_unknown_category(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hub = make_hub_repo(tmp_path / "hub", {"hubconf.py": GOOD_HUBCONF})
    project = make_project(tmp_path / "project", CATALOGUE_HEAD + entry_yaml("hub", hub.url, hub.commit))
    before = (project / "catalogue" / "catalogue.yaml").read_text(encoding="utf-8")
    assert run(project, "add", hub.url, capsys=capsys) == (
        2,
        "error: the catalogue already has an entry 'hub'; choose another with --id\n",
    )
    status, printed = run(project, "add", hub.url, "--id", "other", "--category", "audio", capsys=capsys)
    assert (status, printed) == (2, "error: unknown category 'audio'; declared: vision\n")
    assert (project / "catalogue" / "catalogue.yaml").read_text(encoding="utf-8") == before


def test_update_dry_run_moves_nothing_and_problems_set_the_exit_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hub = make_hub_repo(tmp_path / "hub", {"hubconf.py": GOOD_HUBCONF})
    newer = commit_files(hub.path, {"README.md": "newer"})
    entries = entry_yaml("follows", hub.url, hub.commit, ref="main")
    entries += entry_yaml("pinned", hub.url, hub.commit)
    entries += entry_yaml("gone", (tmp_path / "gone").as_uri(), hub.commit, ref="main")
    entries += entry_yaml("waiting", hub.url, ref="main", awaiting_pin="weights not published yet")
    project = make_project(tmp_path / "project", CATALOGUE_HEAD + entries)
    before = (project / "catalogue" / "catalogue.yaml").read_text(encoding="utf-8")

    status, printed = run(project, "update", "--dry-run", capsys=capsys)
    assert status == 1
    assert f"→ follows (main): would move {hub.commit[:12]} → {newer.commit[:12]}" in printed
    assert "✗ gone (main): cannot read refs of file://" in printed
    assert "pinned" not in printed
    assert "waiting" not in printed  # awaiting a pin: moved only when named
    assert (project / "catalogue" / "catalogue.yaml").read_text(encoding="utf-8") == before
    assert not (project / "catalogue" / "catalogue.lock").exists()

    status, printed = run(project, "update", "--dry-run", "waiting", capsys=capsys)
    assert (status, printed) == (
        0,
        f"1 entry follows a branch or tag:\n\n  → waiting (main): would move unpinned → {newer.commit[:12]}\n",
    )
    assert run(project, "update", "pinned", capsys=capsys) == (
        2,
        "error: pinned has no `ref` (branch or tag) to follow; nothing to update\n",
    )


def test_add_without_a_ref_pins_the_default_branch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hub = make_hub_repo(tmp_path / "hub", {"hubconf.py": GOOD_HUBCONF})
    git(hub.path, "checkout", "--quiet", "-b", "stable")  # the remote's HEAD: its default branch
    stable = commit_files(hub.path, {"README.md": "the stable branch"})
    project = make_project(tmp_path / "project", CATALOGUE_HEAD + entry_yaml("other", "owner/other", "a" * 40))
    status, printed = run(project, "add", hub.url, capsys=capsys)
    assert status == 0, printed
    text = (project / "catalogue" / "catalogue.yaml").read_text(encoding="utf-8")
    assert f"    ref: stable\n    commit: {stable.commit}\n" in text
    assert f"(file://{hub.path}, stable = {stable.commit})" in printed
    assert stable.commit != hub.commit


def test_add_prefills_requirements_featured_models_licence_and_paper_from_loading_the_hub(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {
        "hubconf.py": HUBCONF_OF_A_REAL_REPOSITORY,
        "LICENSE": "Attribution-NonCommercial 4.0 International\n",
        "README.md": "[Our paper](https://arxiv.org/abs/2302.12288) builds on [that one](https://arxiv.org/abs/1512.03385).\n",
    }
    hub = make_hub_repo(tmp_path / "real", files)
    project = make_project(tmp_path / "project", CATALOGUE_HEAD + entry_yaml("other", "owner/other", "a" * 40))
    status, printed = run(project, "add", f"{hub.url}@main", capsys=capsys)
    assert status == 0, printed
    text = (project / "catalogue" / "catalogue.yaml").read_text(encoding="utf-8")
    new = text[text.index("  - id: real") :]
    assert new == (
        "  - id: real\n"
        "    title: Real                  # TODO: the model's name as people know it\n"
        "    summary: A tiny classifier.  # TODO: one sentence for lists and search\n"
        f"    repo: {hub.url}\n"
        "    ref: main\n"
        f"    commit: {hub.commit}\n"
        "    requirements: [pyyaml]       # TODO: imported by the hub, declared by nobody: yaml → pyyaml\n"
        "    entrypoints: [tiny, wide]    # TODO: which to feature; left out: Path (imported from elsewhere), "
        "head (needs-arguments), remote (needs-network)\n"
        "    category: vision             # TODO: check the category\n"
        "    tags: []                     # TODO: declared tags\n"
        "    license: CC-BY-NC-4.0\n"
        "    paper:\n"
        "      title: TODO  # TODO: the paper's title; check the id (the repository also cites 1512.03385)\n"
        '      arxiv: "2302.12288"\n'
        "    smoke: {kwargs: {pretrained: false}, entrypoints: {wide: {kwargs: {weights: null}}}}\n"
        "    accelerator: cuda-optional   # TODO: cpu | cuda-optional | cuda\n"
    )
    assert "imported without being declared (added to requirements:): yaml → pyyaml" in printed
    assert "remote(pretrained=False): needs-network" in printed
    run(project, "validate", capsys=capsys)


def test_add_pins_a_commit_it_cannot_fetch_and_says_why(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hub = make_hub_repo(tmp_path / "partial", {"hubconf.py": GOOD_HUBCONF, "weights.bin": "0" * 4096})
    drop_blob(hub.path, "weights.bin")  # as a mirror made without its large files
    project = make_project(tmp_path / "project", CATALOGUE_HEAD + entry_yaml("other", "owner/other", "a" * 40))
    status, printed = run(project, "add", f"{hub.url}@main", capsys=capsys)
    assert status == 0, printed
    assert "not fetched, so nothing was loaded: cannot fetch" in printed
    text = (project / "catalogue" / "catalogue.yaml").read_text(encoding="utf-8")
    new = text[text.index("  - id: partial") :]
    assert new.startswith(
        "  - id: partial\n"
        "    title: Partial               # TODO: the model's name as people know it\n"
        "    summary: The partial model.  # TODO: one sentence for lists and search\n"
        f"    repo: {hub.url}\n"
        "    ref: main\n"
        f"    commit: {hub.commit} # TODO: not fetched, so nothing was loaded: cannot fetch "
    )
    assert "the mirror lacks objects of this commit\n    category: vision" in new
    assert "    license: unknown             # TODO: read the repository's licence\n" in new
    run(project, "validate", capsys=capsys)
