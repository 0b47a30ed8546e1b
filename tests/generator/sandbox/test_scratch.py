"""Scratch folders: private, named after their build process, and removed once that process is gone."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from generator.sandbox import scratch


@pytest.fixture(autouse=True)
def temp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The system temp dir, as the sandbox sees it, is this test's own folder."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    return tmp_path


def test_folders_of_a_build_that_is_gone_are_removed_and_the_living_ones_kept() -> None:
    build = subprocess.Popen(["sleep", "60"])
    dead = scratch.base_folder() / scratch.owner_name(build.pid)
    build.kill()
    build.wait()
    locked = dead / "probe-1" / "home" / "locked"
    locked.mkdir(parents=True)
    (locked / "weights.bin").write_bytes(b"x")
    locked.chmod(0o500)  # what a probe may leave behind
    with scratch.scratch_folder() as own:
        assert scratch.remove_stale() == [dead]
        assert own.is_dir()
    assert not dead.exists()
    assert not own.exists()


def test_a_reused_pid_does_not_keep_a_dead_builds_folders() -> None:
    """A folder is named by pid and start time: another process with the same pid is not its owner."""
    pid, _, start = scratch.owner_name().partition("-")
    assert scratch.owner_alive(f"{pid}-{start}")
    assert not scratch.owner_alive(f"{pid}-{int(start) - 1}")
    assert not scratch.owner_alive("not-a-pid")


def test_a_base_folder_someone_else_planted_is_refused(temp_dir: Path) -> None:
    """A symlink in the shared temp dir (another user's trap) is not followed."""
    (temp_dir / "elsewhere").mkdir()
    (temp_dir / f"pinhub-sandbox-{os.getuid()}").symlink_to(temp_dir / "elsewhere")
    with pytest.raises(PermissionError, match="is not a folder of this user"):
        scratch.base_folder()
