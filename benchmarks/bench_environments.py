"""Verification environments of the default catalogue: made cold and warm, and the disk they take.

Every distinct environment the committed lock records (each entry's exact packages) is made twice
into empty folders, side by side in one run:

* cold: with an empty uv cache, so every package is downloaded and unpacked;
* warm: with the cache the cold run filled, as every later build on a machine has it.

Disk: what the environments and uv's cache take together (files hard-linked between them are counted
once, as `du` counts them), against one full copy of an environment per catalogue entry, which is what
a virtual environment per entry, made without a shared cache, would take. Needs the package index.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

from generator.environments.create import materialise
from generator.lock import read_lock
from generator.lock.records import Environment

ROOT = Path(__file__).resolve().parents[1]


def make_all(environments: list[Environment], folder: Path) -> float:
    """Seconds to make every environment in `folder` (with the uv cache the environment variables name)."""
    started = time.perf_counter()
    for environment in environments:
        materialise(environment, folder)
    return time.perf_counter() - started


def disk_bytes(*folders: Path) -> int:
    """Bytes on disk under `folders`, each hard-linked file counted once (`du -s`)."""
    listed = subprocess.run(["du", "-s", "-B1", *map(str, folders)], capture_output=True, text=True, check=True)
    return sum(int(line.split()[0]) for line in listed.stdout.splitlines())


def apparent_bytes(folder: Path) -> int:
    """What a folder would take as a copy of its own (hard links counted in full)."""
    listed = subprocess.run(["du", "-s", "-B1", "-l", str(folder)], capture_output=True, text=True, check=True)
    return int(listed.stdout.split()[0])


def main() -> None:
    """Make the default catalogue's environments cold, then warm; print seconds, ratio and disk."""
    lock = read_lock(ROOT / "catalogue" / "catalogue.lock")
    environments = list(lock.environments.values())
    uses = Counter(i for record in lock.entries.values() for i in set(record.environments.values()))
    with tempfile.TemporaryDirectory(prefix="pinhub-bench-environments-") as folder:
        scratch = Path(folder)
        os.environ["UV_CACHE_DIR"] = str(scratch / "uv-cache")
        cold = make_all(environments, scratch / "cold")
        warm = make_all(environments, scratch / "warm")
        shared = disk_bytes(scratch / "warm", scratch / "uv-cache")
        per_entry = sum(apparent_bytes(scratch / "warm" / i) * count for i, count in uses.items())
    gib = 2**30
    print(f"{len(environments)} environments for {sum(uses.values())} entries")
    print(f"cold (empty uv cache) {cold:8.1f} s")
    print(f"warm (cache filled)   {warm:8.1f} s   cold/warm {cold / warm:5.1f}x")
    print(f"disk: environments + uv cache {shared / gib:6.2f} GiB")
    print(f"disk: a full venv per entry   {per_entry / gib:6.2f} GiB   ({per_entry / shared:4.1f}x more)")


if __name__ == "__main__":
    main()
