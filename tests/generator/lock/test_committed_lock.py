"""The committed lock is current for the shipped example hubs: `make site` on a clean clone reuses them.

A change to anything an entry's key covers (the examples, their smoke settings, the probes, the
catalogue format's smoke fields) must come with a rebuilt lock: `python -m generator lock`.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from generator.catalogue import load_catalogue
from generator.config import load_config
from generator.example_runs import cached_examples
from generator.lock import read_lock
from generator.render import example_notebooks
from generator.verify import VerifyContext, plan_entry
from support.hubrepos import PROJECT_ROOT


def _shallow() -> bool:
    answer = subprocess.run(
        ["git", "rev-parse", "--is-shallow-repository"], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    return answer.stdout.strip() != "false"


@pytest.mark.skipif(_shallow(), reason="a shallow clone cannot tell which commit last touched each example")
def test_the_example_entries_are_reused_from_the_committed_lock(tmp_path: Path) -> None:
    catalogue = load_catalogue(PROJECT_ROOT / "catalogue" / "catalogue.yaml")
    lock = read_lock(PROJECT_ROOT / "catalogue" / "catalogue.lock")
    context = VerifyContext(
        project_root=PROJECT_ROOT,
        cache_dir=tmp_path / "cache",
        environments_dir=tmp_path / "environments",
        docstrings_dir=tmp_path / "docstrings",
        verification=catalogue.verification,
        retry_unfetchable=False,
    )
    examples = [entry for entry in catalogue.models if entry.is_local]
    assert examples
    for entry in examples:
        verification = plan_entry(entry, lock.entries.get(entry.id), context)
        assert verification.reused and not (tmp_path / "environments").exists(), (
            f"catalogue.lock is stale for {entry.id} (or its hub has uncommitted changes): "
            "run `python -m generator lock` and commit catalogue/catalogue.lock"
        )


def test_the_example_outputs_are_kept_for_the_current_notebooks() -> None:
    """A fresh clone shows the examples' outputs without starting a kernel: `python -m generator build`
    runs a changed example notebook again and writes catalogue/examples/; commit it with the lock."""
    config = load_config(PROJECT_ROOT)
    catalogue = load_catalogue(config.catalogue)
    notebooks = example_notebooks(catalogue, read_lock(config.lock), config)
    assert notebooks
    assert sorted(cached_examples(notebooks, config.example_outputs)) == sorted(notebooks), (
        "catalogue/examples/ is stale: run `python -m generator build` and commit catalogue/examples/"
    )
