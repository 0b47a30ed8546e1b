"""Failed fetches are understood: a mirror that lacks objects, and ssh refusals, each say what to do.

The servers are real: a bare repository served over file:// and by `git daemon`, with one blob deleted
from it, as a mirror made without its large files is; and git's own ssh transport, running a program
that answers as ssh does when it refuses a key or does not know a host.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.fetch import FetchError, FetchPolicy, FetchRequest, fetch_checkout
from generator.fetch.failures import MISSING_OBJECTS
from support.hubrepos import GOOD_HUBCONF, HubRepo, git, make_hub_repo

MiB = 1 << 20


def served_without_weights(root: Path) -> tuple[HubRepo, str]:
    """A hub whose 4 MiB weights file is missing from the served copy: (served repo and commit, the blob)."""
    upstream = make_hub_repo(root / "upstream", {"hubconf.py": GOOD_HUBCONF})
    # The padding comes first in the pack, so the server has sent part of it when it finds the hole:
    # git then reports "early EOF", as it does when a connection drops.
    (upstream.path / "a-padding.bin").write_bytes(os.urandom(MiB // 2))
    (upstream.path / "weights.pt").write_bytes(os.urandom(4 * MiB))
    git(upstream.path, "add", "--all")
    git(upstream.path, "commit", "--quiet", "-m", "weights")
    commit, blob = git(upstream.path, "rev-parse", "HEAD"), git(upstream.path, "rev-parse", "HEAD:weights.pt")
    served = root / "served" / "hub.git"
    git(root, "init", "--quiet", "--bare", str(served))
    git(served, "config", "receive.unpackLimit", "100000")  # keep every object loose, so one can go
    git(upstream.path, "push", "--quiet", str(served), "main")
    (served / "objects" / blob[:2] / blob[2:]).unlink()
    return HubRepo(served, commit), blob


def plain_git_fetch(url: str, commit: str, scratch: Path) -> str:
    """What git itself says fetching `commit` from `url` into a new repository (its stderr)."""
    git(scratch.parent, "init", "--quiet", "--bare", str(scratch))
    done = subprocess.run(["git", "fetch", "--depth=1", url, commit], cwd=scratch, capture_output=True, text=True)
    assert done.returncode != 0
    return done.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[str]:
    """`git daemon` serving tmp_path/served; yields its base URL."""
    port = free_port()
    command = ["git", "daemon", "--reuseaddr", "--export-all", "--listen=127.0.0.1", f"--port={port}"]
    (tmp_path / "served").mkdir(exist_ok=True)
    process = subprocess.Popen([*command, f"--base-path={tmp_path / 'served'}"], stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as client:
            if client.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    yield f"git://127.0.0.1:{port}"
    process.terminate()
    process.wait()


@pytest.mark.fault("Catalogue", "a mirror that lacks objects of the commit: named, not retried")
@pytest.mark.parametrize("transport", ["file", "git-daemon"])
def test_a_mirror_that_lacks_objects_is_named_and_not_retried(
    tmp_path: Path, request: pytest.FixtureRequest, transport: str
) -> None:
    served, blob = served_without_weights(tmp_path)
    url = served.url if transport == "file" else f"{request.getfixturevalue('daemon')}/hub.git"
    said = plain_git_fetch(url, served.commit, tmp_path / "plain.git")
    assert "early EOF" in said and "possible repository corruption on the remote side" in said
    pauses: list[float] = []
    policy = FetchPolicy(timeout=60, attempts=3, backoff=0.5, sleep=pauses.append)
    with pytest.raises(FetchError) as caught:
        fetch_checkout(FetchRequest(url, served.commit), tmp_path, tmp_path / "cache", policy)
    assert str(caught.value) == f"cannot fetch {url} at {served.commit[:12]}: {MISSING_OBJECTS}; missing object {blob}"
    assert MISSING_OBJECTS == (
        "the mirror lacks objects of this commit (git: possible repository corruption on the remote side)"
    )
    assert caught.value.kind == "missing-objects"
    assert pauses == [], "the same copy would lack the same objects: no second try"
    assert policy.unreachable == set(), "the host answered: later entries from it get every try"
    # The broken fetch may have left the commit in the cache without all of its tree: the next build
    # must say the same, never check out half a tree ("unable to read tree", "no hubconf.py").
    with pytest.raises(FetchError) as again:
        fetch_checkout(FetchRequest(url, served.commit), tmp_path, tmp_path / "cache", policy)
    assert again.value.kind == "missing-objects"
    assert str(again.value).startswith(f"cannot fetch {url} at {served.commit[:12]}: {MISSING_OBJECTS}")


def fake_ssh(folder: Path, says: str, status: int = 255) -> Path:
    """A program git runs as ssh: it prints what ssh prints and exits as ssh does, counting its calls."""
    script = folder / "ssh"
    calls = folder / "calls"
    script.write_text(f"#!/bin/sh\necho call >> '{calls}'\nprintf '%s\\n' '{says}' >&2\nexit {status}\n")
    script.chmod(0o755)
    return script


@pytest.mark.fault("Catalogue", "an SSH refusal: says which, and how to fix it")
@pytest.mark.parametrize(
    ("says", "status", "kind", "explained"),
    [
        (
            "git@github.com: Permission denied (publickey).",
            255,
            "auth",
            "ssh authentication failed: github.com accepted none of this machine's keys (git: Permission denied "
            "(publickey)); for a public repository use https://github.com/owner/private-hub.git instead; otherwise "
            "add a key that github.com accepts to the ssh agent (ssh-add), "
            "or name it with GIT_SSH_COMMAND='ssh -i KEY'",
        ),
        (
            "No ED25519 host key is known for github.com and you have requested strict checking.\n"
            "Host key verification failed.",
            255,
            "host-key",
            "ssh does not know the host key of github.com (git: Host key verification failed); for a public "
            "repository use https://github.com/owner/private-hub.git instead; otherwise add github.com's key to "
            "~/.ssh/known_hosts (ssh-keyscan github.com >> ~/.ssh/known_hosts, then check the fingerprint against "
            "the one the host publishes)",
        ),
        (
            "ERROR: Repository not found.",
            1,
            "not-found",
            "no repository at this URL, or this machine's ssh key may not read it (git: ERROR: Repository not "
            "found.); check the owner and name, and for a public repository use "
            "https://github.com/owner/private-hub.git",
        ),
    ],
    ids=["publickey", "host-key", "no-repository"],
)
def test_ssh_refusals_say_which_and_how_to_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, says: str, status: int, kind: str, explained: str
) -> None:
    monkeypatch.setenv("GIT_SSH_COMMAND", str(fake_ssh(tmp_path, says, status)))
    url = "git@github.com:owner/private-hub.git"
    pauses: list[float] = []
    policy = FetchPolicy(timeout=60, attempts=3, backoff=0.5, sleep=pauses.append)
    with pytest.raises(FetchError) as caught:
        fetch_checkout(FetchRequest(url, "0123456789abcdef0123456789abcdef01234567"), tmp_path, tmp_path / "c", policy)
    assert str(caught.value) == f"cannot fetch {url} at 0123456789ab: {explained}"
    assert "and the repository exists" not in str(caught.value)
    assert caught.value.kind == kind
    assert (tmp_path / "calls").read_text().count("call") == 1, "asked once: no retry, no full-fetch fallback"
    assert pauses == []


@pytest.mark.fault("Catalogue", "an SSH URL with a port: its HTTPS form suggested")
def test_an_ssh_url_with_a_port_gets_its_https_form(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "GIT_SSH_COMMAND", str(fake_ssh(tmp_path, "git@git.example.com: Permission denied (publickey)."))
    )
    url = "ssh://git@git.example.com:2222/team/hub.git"
    with pytest.raises(FetchError, match=r"for a public repository use https://git\.example\.com/team/hub\.git inst"):
        fetch_checkout(FetchRequest(url, "0" * 40), tmp_path, tmp_path / "cache")
