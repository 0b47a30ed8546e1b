"""`make site` on a fresh clone of the default catalogue, offline, against a bare `mkdocs build` of the same pages.

A fresh clone holds the committed lock: every entry is reused from it, so the build fetches, installs,
imports and runs nothing; what is left is reading the catalogue and the lock, rendering the pages and
notebooks, and MkDocs. Measured side by side in one run, each the best of three:

* fresh: `python -m generator build` in a new clone, with empty build caches and no network allowed;
* no-op: the same command again in that clone (its render and example caches now filled);
* mkdocs: `mkdocs build` of the pages the build wrote, into another folder.

The target: a fresh clone's build at most 1.2x the bare MkDocs build.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPEATS = 3


def timed(command: list[str], cwd: Path, environment: dict[str, str]) -> float:
    """Seconds a command takes; it must succeed."""
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=environment, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return seconds


def offline(scratch: Path) -> dict[str, str]:
    """An environment with empty caches of its own, where nothing may be fetched or installed."""
    return {
        **os.environ,
        "PINHUB_BUILD_CACHE": str(scratch / "build-cache"),
        "PINHUB_OFFLINE": "1",
        "UV_OFFLINE": "1",
        "UV_CACHE_DIR": str(scratch / "uv-cache"),
        "NO_MKDOCS_2_WARNING": "1",
    }


def fresh_clone(scratch: Path) -> Path:
    """A clone of this repository's HEAD, as `git clone` makes one."""
    clone = scratch / "clone"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)], check=True)
    return clone


def main() -> None:
    """Best of three fresh-clone builds, no-op rebuilds and bare MkDocs builds; print them and the ratios."""
    build = [sys.executable, "-m", "generator", "build", "--quiet"]
    fresh, noop, plain = [], [], []
    for _ in range(REPEATS):
        with tempfile.TemporaryDirectory(prefix="pinhub-bench-noop-") as folder:
            scratch = Path(folder)
            clone, environment = fresh_clone(scratch), offline(scratch)
            fresh.append(timed(build, clone, environment))
            noop.append(timed(build, clone, environment))
            mkdocs = [sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(scratch / "plain-site")]
            plain.append(timed(mkdocs, clone, environment))
            made = list((scratch / "build-cache").rglob("*")) if (scratch / "build-cache").exists() else []
            if any(part in ("mirrors", "environments") for path in made for part in path.parts):
                raise RuntimeError("the build fetched or installed something: the committed lock is not current")
    best = min(plain)
    print(f"fresh clone build {min(fresh):6.2f} s   {min(fresh) / best:4.2f}x mkdocs")
    print(f"no-op rebuild     {min(noop):6.2f} s   {min(noop) / best:4.2f}x mkdocs")
    print(f"bare mkdocs build {best:6.2f} s")


if __name__ == "__main__":
    main()
