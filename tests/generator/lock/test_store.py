"""The lock file as committed: short, one line per entrypoint, and read back exactly as written."""

from __future__ import annotations

from pathlib import Path

from generator.lock import read_lock, write_lock
from generator.lock.records import EntryLock, EntrypointLock, Environment, Lock, SmokeResult

ENVIRONMENT = Environment(python="3.11", packages=["numpy==2.3.1", "torch==2.14.1"])


def lock_with(entrypoints: int) -> Lock:
    record = EntryLock(
        id="hub",
        key="k",
        repo="owner/name",
        commit="0" * 40,
        verified_at="2026-11-29T10:00:00+00:00",
        environments={"cpu": ENVIRONMENT.id},
        entrypoints=[
            EntrypointLock(name=f"net_{i}", smoke={"cpu": SmokeResult(status="ok", parameters=i)})
            for i in range(entrypoints)
        ],
    )
    return Lock(environments={ENVIRONMENT.id: ENVIRONMENT}, entries={"hub": record})


def test_the_file_reads_back_as_written_and_holds_one_line_per_entrypoint(tmp_path: Path) -> None:
    lock = lock_with(entrypoints=50)
    path = tmp_path / "catalogue.lock"
    assert write_lock(path, lock)
    assert read_lock(path) == lock
    lines = path.read_text(encoding="utf-8").splitlines()
    assert sum('"name": "net_' in line for line in lines) == 50  # each entrypoint on a line of its own
    assert len(lines) < 50 + 40
    assert '"featured"' not in path.read_text(encoding="utf-8")  # fields at their default are left out
    assert not write_lock(path, lock), "an unchanged lock is not written again"
