"""Parallel smoke: `lock --jobs 1` against `--jobs 2` (and more) on the same catalogue, on this machine.

Eight entries, each a small hub with two entrypoints that build an nn.Module, every one smoke-loaded
with an example input: sixteen sandboxed subprocesses that each import torch. The repositories are
fetched once beforehand, so the runs compare introspection and smoke-loading, the part `--jobs` spreads.
Every run is forced (nothing reused) and writes its own lock; each job count runs REPEATS times,
interleaved, and the fastest run counts (other work on the machine only ever slows a run down).
Set PINHUB_BENCH_JOBS (e.g. "1,2,4") to choose the job counts.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from unittest.mock import patch

from generator import pipeline
from generator.config import load_config
from support.hubrepos import CATALOGUE_HEAD, entry_yaml, make_hub_repo, make_project

ENTRIES = 8
REPEATS = 2
SMOKE = "{input: {shape: [2, 8]}}"
HUBCONF = '''
dependencies = ["torch"]


def _mlp(width):
    import torch

    return torch.nn.Sequential(torch.nn.Linear(8, width), torch.nn.ReLU(), torch.nn.Linear(width, 2))


def small(pretrained=False):
    """A two-layer perceptron."""
    return _mlp(16)


def wide(pretrained=False):
    """A wider two-layer perceptron."""
    return _mlp(256)
'''


def make_catalogue(scratch: Path) -> Path:
    """A project whose catalogue holds ENTRIES hubs, one repository each."""
    entries = []
    for number in range(ENTRIES):
        repo = make_hub_repo(scratch / "repos" / f"hub{number}", {"hubconf.py": HUBCONF + f"\nVARIANT = {number}\n"})
        entries.append(entry_yaml(f"hub-{number}", repo.url, repo.commit, smoke=SMOKE))
    return make_project(scratch / "project", CATALOGUE_HEAD + "".join(entries))


def timed_lock(project: Path, jobs: int) -> float:
    """Seconds for a forced `lock --jobs N` into a fresh lock file."""
    config = load_config(project)
    config.lock.unlink(missing_ok=True)
    started = time.perf_counter()
    report = pipeline.lock(config, pipeline.LockOptions(force=True, jobs=jobs))
    seconds = time.perf_counter() - started
    assert all(outcome == "verified" for outcome, _ in report.outcomes.values()), report.outcomes
    return seconds


def main() -> None:
    """Time the forced lock at each job count; print seconds and speed-up over one job."""
    counts = [int(n) for n in os.environ.get("PINHUB_BENCH_JOBS", "1,2").split(",")]
    with (
        tempfile.TemporaryDirectory(prefix="pinhub-bench-jobs-") as folder,
        patch.dict(os.environ, {"PINHUB_BUILD_CACHE": str(Path(folder) / "cache")}),
    ):
        project = make_catalogue(Path(folder))
        pipeline.lock(load_config(project), pipeline.LockOptions(jobs=2))  # fetch everything, warm the disk cache
        runs = [(jobs, timed_lock(project, jobs)) for _ in range(REPEATS) for jobs in counts]
    results = {jobs: min(seconds for n, seconds in runs if n == jobs) for jobs in counts}
    print(f"{ENTRIES} entries x 2 entrypoints smoke-loaded on cpu ({os.cpu_count()} CPUs; best of {REPEATS})")
    print(f"{'jobs':<6}{'seconds':>10}{'speed-up':>10}")
    for jobs, seconds in results.items():
        print(f"{jobs:<6}{seconds:>10.2f}{results[counts[0]] / seconds:>9.2f}x")


if __name__ == "__main__":
    main()
