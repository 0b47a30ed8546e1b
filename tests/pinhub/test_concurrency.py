"""Many processes loading the same uncached repository at once: one download, every process succeeds.

The first download is held back by the server until every other process has said it is waiting for
it, so the test does not depend on how fast processes start.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pinhub
from support.github import GitHubServer
from support.gitrepos import GitRepo
from tests.pinhub.hubs import plain_hub

PROCESSES = 8
TIMEOUT_S = 60
ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import pinhub
result = pinhub.load("acme/plain", "thing", trust_repo=True, verbose=False)
print(result["answer"])
"""
WAITING = "Waiting for another process to finish fetching acme/plain@"


class WaitingCount:
    """Reads each child's stderr as it comes, counting the children that said they are waiting."""

    def __init__(self, children: list[subprocess.Popen[str]]) -> None:
        self.errors = ["" for _ in children]
        self.waiting = 0
        self.changed = threading.Condition()
        self.readers = [
            threading.Thread(target=self.read, args=(n, child), daemon=True) for n, child in enumerate(children)
        ]
        for reader in self.readers:
            reader.start()

    def read(self, number: int, child: subprocess.Popen[str]) -> None:
        assert child.stderr is not None
        for line in child.stderr:
            with self.changed:
                self.errors[number] += line
                self.waiting += WAITING in line
                self.changed.notify_all()

    def wait_for(self, count: int) -> bool:
        """Whether ``count`` children said they are waiting, within the time limit."""
        with self.changed:
            return self.changed.wait_for(lambda: self.waiting >= count, timeout=TIMEOUT_S)

    def finish(self) -> list[str]:
        """Each child's whole stderr, once it has closed it."""
        for reader in self.readers:
            reader.join(TIMEOUT_S)
        return self.errors


def test_eight_processes_download_once(tmp_path: Path, server: GitHubServer) -> None:
    repo = GitRepo(tmp_path / "plain")
    commit = repo.commit(plain_hub(42))
    server.add("acme/plain", repo.path)
    server.archive_gate.clear()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", SCRIPT], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(PROCESSES)
    ]
    count = WaitingCount(children)
    try:
        all_waiting = count.wait_for(PROCESSES - 1)
    finally:
        server.archive_gate.set()
    outputs = [child.communicate(timeout=TIMEOUT_S)[0] for child in children]
    errors = count.finish()
    assert all_waiting, errors
    assert [child.returncode for child in children] == [0] * PROCESSES, errors
    assert [out.strip() for out in outputs] == ["42"] * PROCESSES
    assert server.count("archive") == 1
    assert sum(WAITING in err for err in errors) == PROCESSES - 1
    root = Path(pinhub.get_dir()) / "pinhub" / "github" / "acme" / "plain"
    assert sorted(p.name for p in root.iterdir()) == [commit, f"{commit}.lock", "refs"]
