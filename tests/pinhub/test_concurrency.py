"""Many processes loading the same uncached repository at once: one download, every process succeeds."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pinhub
from tests.pinhub.gitrepos import GitRepo
from tests.pinhub.hubs import plain_hub
from tests.pinhub.server import HubServer

PROCESSES = 8
ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import pinhub
result = pinhub.load("acme/plain", "thing", trust_repo=True, verbose=False)
print(result["answer"])
"""


def test_eight_processes_download_once(tmp_path: Path, server: HubServer) -> None:
    repo = GitRepo(tmp_path / "plain")
    commit = repo.commit(plain_hub(42))
    server.add("acme/plain", repo.path)
    server.switches.archive_delay_s = 0.5  # the first download is still running when the others arrive
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", SCRIPT], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(PROCESSES)
    ]
    results = [child.communicate(timeout=60) for child in children]
    assert [child.returncode for child in children] == [0] * PROCESSES, [err for _, err in results]
    assert [out.strip() for out, _ in results] == ["42"] * PROCESSES
    assert server.count("archive") == 1
    assert any("Waiting for another process to finish fetching acme/plain@" in err for _, err in results)
    root = Path(pinhub.get_dir()) / "pinhub" / "github" / "acme" / "plain"
    assert sorted(p.name for p in root.iterdir()) == [commit, f"{commit}.lock", "refs"]
