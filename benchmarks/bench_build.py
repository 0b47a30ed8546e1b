"""The whole build at 10, 100 and 1000 catalogue entries: full build, no-op rebuild, and plain MkDocs.

Each entry is its own git repository holding a small hub (one entrypoint that builds an nn.Module,
importing torch inside the function as many real hubs do). For every size, with smoke-loading on
(an example input, so a forward pass too) and off (introspection only):

* full build: `python -m generator build --jobs 2` into an empty build cache and no lock;
* no-op rebuild: the same command again, with nothing changed (it must rebuild nothing);
* plain MkDocs: `mkdocs build` of the same pages, in the same run, into another folder.

The target: a no-op rebuild adds under 20% to the plain `mkdocs build` time. Set PINHUB_BENCH_SIZES
(e.g. "10,100") to choose the sizes and PINHUB_BENCH_SMOKE ("off", "on" or "both", the default);
the full build at 1000 entries with smoke-loading takes a while (each smoke load is a fresh
interpreter that imports torch).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from support.hubrepos import CATALOGUE_HEAD, entry_yaml, make_hub_repo, make_project

ROOT = Path(__file__).resolve().parents[1]
JOBS = 2
REPEATS = 3  # no-op rebuilds and plain builds alternate; the fastest of each counts (other load only slows)
HUBCONF = '''
dependencies = ["torch"]


def tiny(pretrained: bool = False, width: int = 8):
    """A two-layer perceptron (builds in milliseconds, so the figures are the build's own cost)."""
    import torch

    return torch.nn.Sequential(torch.nn.Linear(4, width), torch.nn.ReLU(), torch.nn.Linear(width, 2))
'''
SMOKE = {True: "{input: {shape: [2, 4]}}", False: "{skip: introspected only in this benchmark}"}


def make_repositories(folder: Path, count: int) -> list[tuple[str, str]]:
    """`count` hub repositories; (file URL, commit) of each."""
    repos = []
    for number in range(count):
        repo = make_hub_repo(folder / f"hub{number:04d}", {"hubconf.py": HUBCONF + f"\nVARIANT = {number}\n"})
        repos.append((repo.url, repo.commit))
    return repos


def make_catalogue(folder: Path, repos: list[tuple[str, str]], smoke: bool) -> Path:
    """A project like this one whose catalogue lists every repository."""
    entries = [entry_yaml(f"hub-{n:04d}", url, commit, smoke=SMOKE[smoke]) for n, (url, commit) in enumerate(repos)]
    return make_project(folder, CATALOGUE_HEAD + "".join(entries))


def timed(command: list[str], cache: Path) -> tuple[float, str]:
    """Seconds and output of a command run from the repository root with its own build cache."""
    environment = {**os.environ, "PINHUB_BUILD_CACHE": str(cache), "NO_MKDOCS_2_WARNING": "1"}
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{completed.stdout[-2000:]}\n{completed.stderr[-2000:]}")
    return seconds, completed.stdout


def measure(project: Path, cache: Path) -> tuple[float, float, float]:
    """(full build, no-op rebuild, plain mkdocs build) seconds; the last two are the best of REPEATS runs."""
    build = [sys.executable, "-m", "generator", "--root", str(project), "build", "--quiet", "--jobs", str(JOBS)]
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--config-file"]
    mkdocs += [str(project / "mkdocs.yml"), "--site-dir", str(project.parent / "plain-site")]
    full, _ = timed(build, cache)
    noops, plains = [], []
    for _ in range(REPEATS):
        seconds, output = timed(build, cache)
        if "(unchanged, 0 rebuilt)" not in output:
            raise RuntimeError(f"the rebuild was not a no-op:\n{output[-2000:]}")
        noops.append(seconds)
        plains.append(timed(mkdocs, cache)[0])
    return full, min(noops), min(plains)


def main() -> None:
    """Every size, smoke-loading on and off; print seconds and the no-op rebuild's overhead over MkDocs."""
    sizes = [int(n) for n in os.environ.get("PINHUB_BENCH_SIZES", "10,100,1000").split(",")]
    print(f"{'entries':>8}{'smoke':>7}{'full build':>12}{'no-op':>9}{'mkdocs':>9}{'no-op adds':>12}", flush=True)
    for count in sizes:
        with tempfile.TemporaryDirectory(prefix="pinhub-bench-build-") as folder:
            scratch = Path(folder)
            repos = make_repositories(scratch / "repos", count)
            for smoke in _smoke_settings():
                project = make_catalogue(scratch / f"project-{smoke}", repos, smoke)
                full, noop, plain = measure(project, scratch / f"cache-{smoke}")
                overhead = (noop - plain) / plain
                row = f"{count:>8}{'on' if smoke else 'off':>7}{full:>11.1f}s{noop:>8.2f}s{plain:>8.2f}s"
                print(f"{row}{overhead:>11.0%}", flush=True)


def _smoke_settings() -> tuple[bool, ...]:
    chosen = os.environ.get("PINHUB_BENCH_SMOKE", "both")
    return {"off": (False,), "on": (True,)}.get(chosen, (False, True))


if __name__ == "__main__":
    main()
