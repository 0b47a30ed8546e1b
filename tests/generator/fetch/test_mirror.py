"""Fetch at scale: shallow pinned fetches, retries on a flaky server, timeouts, and locks shared by builds."""

from __future__ import annotations

import functools
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from generator.fetch import Checkout, FetchError, FetchPolicy, FetchRequest, fetch_checkout
from generator.locks import LockTimeoutError, file_lock
from generator.settings import SettingsError
from support.hubrepos import GOOD_HUBCONF, HubRepo, commit_files, git, make_hub_repo


def no_pause(pauses: list[float]) -> FetchPolicy:
    """Three attempts whose pauses are recorded instead of slept."""
    return FetchPolicy(timeout=60, attempts=3, backoff=0.5, sleep=pauses.append)


def fetch_served(url: str, served: HubRepo, policy: FetchPolicy) -> Checkout:
    """Fetch the served hub's commit from `url`, with the cache beside the served repository."""
    return fetch_checkout(FetchRequest(url, served.commit), served.path, served.path / "cache", policy)


class _Handler(SimpleHTTPRequestHandler):
    server: FlakyGitServer

    def do_GET(self) -> None:
        self.server.requests += 1
        if self.server.failures > 0:
            self.server.failures -= 1
            self.send_error(self.server.status)
            return
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        pass


class FlakyGitServer(ThreadingHTTPServer):
    """Serves bare repositories over git's "dumb" HTTP protocol, answering `status` to the first requests."""

    def __init__(self, root: Path, failures: int, status: int = 503) -> None:
        super().__init__(("127.0.0.1", 0), functools.partial(_Handler, directory=str(root)))
        self.failures, self.status, self.requests = failures, status, 0

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/{name}"


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> HubRepo:
    """A hub repository published as a bare repo under tmp_path/www/hub.git."""
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    upstream = make_hub_repo(tmp_path / "upstream", {"hubconf.py": GOOD_HUBCONF})
    bare = tmp_path / "www" / "hub.git"
    git(tmp_path, "clone", "--quiet", "--bare", str(upstream.path), str(bare))
    git(bare, "update-server-info")
    return HubRepo(bare, upstream.commit)


@pytest.fixture
def flaky(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[FlakyGitServer]:
    failures, status = getattr(request, "param", (2, 503))
    server = FlakyGitServer(tmp_path / "www", failures, status)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_only_the_pinned_commit_is_fetched_not_the_history(tmp_path: Path) -> None:
    first = make_hub_repo(tmp_path / "upstream", {"hubconf.py": GOOD_HUBCONF, "big.bin": "x" * 100_000})
    pinned = commit_files(first.path, {"big.bin": "y" * 100_000})
    commit_files(first.path, {"big.bin": "z" * 100_000})
    fetch_checkout(FetchRequest(first.url, pinned.commit), tmp_path, tmp_path / "cache")
    (mirror,) = (tmp_path / "cache" / "mirrors").iterdir()
    assert git(mirror, "rev-list", "--count", "--all") == "1"
    assert (mirror / "shallow").read_text().split() == [pinned.commit]
    missing = subprocess.run(["git", "cat-file", "-e", first.commit], cwd=mirror, capture_output=True)
    assert missing.returncode != 0, "an older commit was fetched"


@pytest.mark.parametrize("flaky", [(2, 503)], indirect=True)
def test_a_flaky_server_is_tried_again_with_growing_pauses(served: HubRepo, flaky: FlakyGitServer) -> None:
    pauses: list[float] = []
    checkout = fetch_served(flaky.url("hub.git"), served, no_pause(pauses))
    assert git(checkout.hub_dir, "rev-parse", "HEAD") == served.commit
    # Two 503s on the shallow fetch, then the dumb protocol refuses a shallow fetch and the full one works.
    assert pauses == [0.5, 1.0]


@pytest.mark.parametrize("flaky", [(1000, 503)], indirect=True)
def test_a_server_that_keeps_failing_gives_a_clear_error_after_the_last_attempt(
    served: HubRepo, flaky: FlakyGitServer
) -> None:
    pauses: list[float] = []
    with pytest.raises(FetchError, match=r"cannot fetch http://127.*: .*503.* \(after 3 attempts\)") as caught:
        fetch_served(flaky.url("hub.git"), served, no_pause(pauses))
    assert caught.value.kind == "unreachable"
    assert pauses == [0.5, 1.0]
    assert flaky.requests == 3, "a transient failure of the shallow fetch is not 'fixed' by a full fetch"


@pytest.mark.parametrize("flaky", [(1000, 404)], indirect=True)
def test_a_permanent_failure_is_not_tried_again(served: HubRepo, flaky: FlakyGitServer) -> None:
    pauses: list[float] = []
    said = r"no repository at this URL \(git: fatal: repository '.*' not found\); check the owner and name"
    with pytest.raises(FetchError, match=rf"at [0-9a-f]{{12}}: {said}") as caught:
        fetch_served(flaky.url("hub.git"), served, no_pause(pauses))
    assert caught.value.kind == "not-found"
    assert pauses == []
    assert flaky.requests == 1, "a missing repository is not looked for again by a full fetch"


def test_a_server_that_never_answers_times_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # accepts connections into the backlog and never answers
    url = f"http://127.0.0.1:{silent.getsockname()[1]}/hub.git"
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"timed out after 1.5 s") as caught:
        fetch_checkout(FetchRequest(url, "0" * 40), tmp_path, tmp_path / "cache", FetchPolicy(timeout=1.5))
    assert caught.value.kind == "timeout"
    assert time.monotonic() - started < 10
    silent.close()


def test_entries_of_one_repo_fetch_in_parallel_into_one_mirror(tmp_path: Path) -> None:
    upstream = make_hub_repo(tmp_path / "upstream", {"hubconf.py": GOOD_HUBCONF})
    commits = [upstream.commit] + [commit_files(upstream.path, {"n.txt": str(n)}).commit for n in range(5)]
    pinned = commits + commits  # every commit twice: two threads race for the same checkout too
    with ThreadPoolExecutor(6) as pool:
        checkouts = list(
            pool.map(lambda c: fetch_checkout(FetchRequest(upstream.url, c), tmp_path, tmp_path / "cache"), pinned)
        )
    assert [git(c.hub_dir, "rev-parse", "HEAD") for c in checkouts] == pinned
    assert len(list((tmp_path / "cache" / "mirrors").iterdir())) == 1
    assert len(list((tmp_path / "cache" / "checkouts").iterdir())) == 6


HOLD_LOCK = """
import sys, time
from pathlib import Path
from generator.locks import file_lock
with file_lock(Path(sys.argv[1]), timeout=5):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def hold_lock(path: Path, seconds: float) -> subprocess.Popen[str]:
    """Another build: a process that holds the lock for `seconds`."""
    code = textwrap.dedent(HOLD_LOCK)
    process = subprocess.Popen([sys.executable, "-c", code, str(path), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline() == "held\n"
    return process


def test_a_lock_held_by_another_build_is_waited_for(tmp_path: Path) -> None:
    holder = hold_lock(tmp_path / "repo.lock", 1.0)
    started = time.monotonic()
    with file_lock(tmp_path / "repo.lock", timeout=30):
        waited = time.monotonic() - started
    holder.wait()
    assert waited > 0.5


def test_a_lock_held_too_long_is_a_clear_error(tmp_path: Path) -> None:
    holder = hold_lock(tmp_path / "repo.lock", 3.0)
    message = r"repo\.lock is held by another build for more than 0.3 s"
    with pytest.raises(LockTimeoutError, match=message), file_lock(tmp_path / "repo.lock", timeout=0.3):
        pass
    holder.kill()
    holder.wait()


def test_a_lock_dies_with_its_holder(tmp_path: Path) -> None:
    holder = hold_lock(tmp_path / "repo.lock", 60.0)
    holder.kill()
    holder.wait()
    with file_lock(tmp_path / "repo.lock", timeout=1):
        pass


@pytest.mark.parametrize("flaky", [(1000, 503)], indirect=True)
def test_a_host_that_kept_failing_is_tried_once_for_the_next_entries(served: HubRepo, flaky: FlakyGitServer) -> None:
    """An offline machine must not wait out every entry's pauses: the build remembers the host."""
    pauses: list[float] = []
    policy = no_pause(pauses)
    for name in ("hub.git", "other.git"):
        with pytest.raises(FetchError, match=r"503"):
            fetch_served(flaky.url(name), served, policy)
    assert pauses == [0.5, 1.0]
    assert flaky.requests == 4
    assert policy.unreachable == {flaky.url("").split("/")[2]}


def test_offline_builds_use_the_cache_and_fetch_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    upstream = make_hub_repo(tmp_path / "upstream", {"hubconf.py": GOOD_HUBCONF})
    newer = commit_files(upstream.path, {"n.txt": "1"})
    cached = fetch_checkout(FetchRequest(upstream.url, upstream.commit), tmp_path, tmp_path / "cache")
    monkeypatch.setenv("PINHUB_OFFLINE", "1")
    assert fetch_checkout(FetchRequest(upstream.url, upstream.commit), tmp_path, tmp_path / "cache") == cached
    with pytest.raises(FetchError, match=r"not in the build cache, and PINHUB_OFFLINE=1 forbids fetching it") as caught:
        fetch_checkout(FetchRequest(upstream.url, newer.commit), tmp_path, tmp_path / "cache")
    assert caught.value.kind == "offline"


@pytest.mark.parametrize("value", ["true", "Yes", " ON "])
def test_offline_takes_the_words_the_loader_takes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    """PINHUB_OFFLINE=true made the loader offline but not the build's fetch, which took only "1"."""
    upstream = make_hub_repo(tmp_path / "upstream", {"hubconf.py": GOOD_HUBCONF})
    monkeypatch.setenv("PINHUB_OFFLINE", value)
    with pytest.raises(FetchError, match=rf"PINHUB_OFFLINE={value} forbids fetching it"):
        fetch_checkout(FetchRequest(upstream.url, upstream.commit), tmp_path, tmp_path / "cache")
    assert not (tmp_path / "cache" / "mirrors").exists(), "nothing was fetched"


@pytest.mark.parametrize("value", ["0", "false", "off", ""])
def test_offline_can_be_turned_off_in_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    upstream = make_hub_repo(tmp_path / "upstream", {"hubconf.py": GOOD_HUBCONF})
    monkeypatch.setenv("PINHUB_OFFLINE", value)
    assert fetch_checkout(FetchRequest(upstream.url, upstream.commit), tmp_path, tmp_path / "cache").commit


def test_an_offline_setting_that_means_nothing_is_an_error_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    upstream = make_hub_repo(tmp_path / "upstream", {"hubconf.py": GOOD_HUBCONF})
    monkeypatch.setenv("PINHUB_OFFLINE", "sometimes")
    message = r"PINHUB_OFFLINE='sometimes' is not a yes/no value: set it to 1, true, yes or on"
    with pytest.raises(SettingsError, match=message):
        fetch_checkout(FetchRequest(upstream.url, upstream.commit), tmp_path, tmp_path / "cache")
