"""Trust: torch.hub's trust_repo rules and trusted_list file; a prompt only where someone can answer it."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

import pinhub
from pinhub.errors import UntrustedRepoError
from support.github import GitHubServer
from support.gitrepos import GitRepo
from tests.pinhub.hubs import plain_hub

ROOT = Path(__file__).resolve().parents[2]
PROMPT = b"(y/N)?"


@pytest.fixture
def plain(tmp_path: Path, server: GitHubServer) -> str:
    """A hub served as acme/plain and as pytorch/plain (an owner torch.hub trusts by default)."""
    repo = GitRepo(tmp_path / "plain")
    repo.commit(plain_hub(7))
    server.add("acme/plain", repo.path)
    server.add("pytorch/plain", repo.path)
    return "acme/plain"


def trusted_list() -> list[str]:
    path = Path(pinhub.get_dir()) / "trusted_list"
    return path.read_text().split() if path.exists() else []


def run_with_terminal(script: str, answer: bytes | None) -> tuple[int, str]:
    """Run ``script`` with stdin, stdout and stderr on a pseudo-terminal; type ``answer`` at the prompt."""
    controller, terminal = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-c", script], stdin=terminal, stdout=terminal, stderr=terminal, env=env)
    os.close(terminal)
    output = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            output += chunk
            if answer is not None and PROMPT in output:
                os.write(controller, answer + b"\n")
                answer = None
        elif child.poll() is not None:
            break
    os.close(controller)
    return child.wait(timeout=10), output.decode(errors="replace")


SCRIPT = "import pinhub\nprint('LOADED', pinhub.load('acme/plain', 'thing', trust_repo={trust!r})['answer'])\n"


def test_terminal_yes_trusts_and_remembers(plain: str) -> None:
    status, output = run_with_terminal(SCRIPT.format(trust="check"), b"y")
    assert status == 0, output
    assert "does not belong to the list of trusted repositories" in output
    assert "LOADED 7" in output
    assert trusted_list() == ["acme_plain"]
    assert pinhub.load(plain, "thing", verbose=False) == {"answer": 7}  # no prompt any more


def test_terminal_no_refuses(plain: str) -> None:
    status, output = run_with_terminal(SCRIPT.format(trust="check"), b"n")
    assert status != 0
    assert "UntrustedRepoError: Untrusted repository." in output
    assert "trust_repo=True" in output
    assert trusted_list() == []


def test_false_asks_even_for_a_trusted_repository(plain: str) -> None:
    pinhub.load(plain, "thing", trust_repo=True, verbose=False)
    status, output = run_with_terminal(SCRIPT.format(trust=False), b"yes")
    assert status == 0, output
    assert "The repository is already trusted." in output
    assert trusted_list() == ["acme_plain"]


def test_without_a_terminal_it_says_how_to_trust_instead_of_waiting(plain: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    script = SCRIPT.format(trust=None)
    done = subprocess.run(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode != 0
    assert "no terminal to ask" in done.stderr
    assert "add the line 'acme_plain' to that file yourself" in done.stderr
    assert str(Path(pinhub.get_dir()) / "trusted_list") in done.stderr


def test_in_process_without_terminal(plain: str) -> None:
    with pytest.raises(UntrustedRepoError) as raised:
        pinhub.load(plain, "thing")
    assert isinstance(raised.value, PermissionError)
    with pytest.raises(UntrustedRepoError):
        pinhub.list(plain, trust_repo=False)


def test_true_trusts_and_writes_the_shared_list(plain: str) -> None:
    assert pinhub.list(plain, trust_repo=True, verbose=False) == ["make", "thing"]
    assert trusted_list() == ["acme_plain"]
    assert pinhub.load(plain, "thing", trust_repo="check", verbose=False) == {"answer": 7}
    assert pinhub.load(plain, "thing", trust_repo=True, verbose=False) == {"answer": 7}
    assert trusted_list() == ["acme_plain"]


def test_owners_trusted_by_torch_hub_need_no_confirmation(plain: str) -> None:
    assert pinhub.load("pytorch/plain", "thing", verbose=False) == {"answer": 7}
    assert trusted_list() == []


def test_local_directories_are_not_checked(tmp_path: Path) -> None:
    (tmp_path / "hubconf.py").write_text("def thing():\n    return 1\n")
    assert pinhub.load(str(tmp_path), "thing", source="local", trust_repo=False) == 1


def test_invalid_trust_value(plain: str) -> None:
    with pytest.raises(ValueError, match="trust_repo must be"):
        pinhub.load(plain, "thing", trust_repo="yes")  # type: ignore[arg-type]
