"""The sandbox contains whatever a hub does: loops, crashes, exits, floods, phones home, hoards memory."""

from __future__ import annotations

import socket
import textwrap
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from generator.sandbox import Limits, run_probe


def probe(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "probe.py"
    path.write_text("from __future__ import annotations\n" + textwrap.dedent(body), encoding="utf-8")
    return path


def test_a_probe_result_comes_back_as_json(tmp_path: Path) -> None:
    script = probe(tmp_path, "def run(a, b):\n    return {'ok': True, 'sum': int(a) + int(b)}\n")
    outcome = run_probe(script, ["2", "3"], Limits(timeout=30), cwd=tmp_path)
    assert outcome.result == {"ok": True, "sum": 5}
    assert outcome.failure == ""


def test_an_endless_loop_is_killed_at_the_timeout(tmp_path: Path) -> None:
    script = probe(tmp_path, "def run():\n    while True:\n        pass\n")
    outcome = run_probe(script, [], Limits(timeout=1.5), cwd=tmp_path)
    assert outcome.timed_out and outcome.result is None
    assert outcome.failure == "timed out"
    assert outcome.seconds < 10


def test_children_of_the_probe_are_killed_too(tmp_path: Path) -> None:
    marker = tmp_path / "child-alive"
    script = probe(
        tmp_path,
        f"""
        import subprocess, sys, time
        def run():
            code = "import time, pathlib; time.sleep(3); pathlib.Path({str(marker)!r}).touch()"
            subprocess.Popen([sys.executable, "-c", code])
            time.sleep(60)
        """,
    )
    run_probe(script, [], Limits(timeout=1), cwd=tmp_path)
    import time

    time.sleep(3.5)
    assert not marker.exists(), "a grandchild outlived the timeout"


def test_a_segfault_is_reported_by_signal(tmp_path: Path) -> None:
    script = probe(tmp_path, "import ctypes\ndef run():\n    ctypes.string_at(0)\n")
    outcome = run_probe(script, [], Limits(timeout=30), cwd=tmp_path)
    assert outcome.result is None
    assert outcome.failure == "killed by signal SIGSEGV"


def test_sys_exit_is_caught_and_explained(tmp_path: Path) -> None:
    script = probe(tmp_path, "import sys\ndef run():\n    sys.exit(3)\n")
    outcome = run_probe(script, [], Limits(timeout=30), cwd=tmp_path)
    assert outcome.result is not None
    assert outcome.result["ok"] is False
    assert outcome.result["error_type"] == "SystemExit"
    assert outcome.result["message"] == "the hub called sys.exit(3)"


def test_os_exit_without_a_result_is_a_failure(tmp_path: Path) -> None:
    script = probe(tmp_path, "import os\ndef run():\n    print('bye')\n    os._exit(7)\n")
    outcome = run_probe(script, [], Limits(timeout=30), cwd=tmp_path)
    assert outcome.failure == "exited with status 7: bye"


def test_megabytes_of_output_are_capped(tmp_path: Path) -> None:
    script = probe(tmp_path, "def run():\n    while True:\n        print('x' * 10000)\n")
    outcome = run_probe(script, [], Limits(timeout=60, output_bytes=1_000_000), cwd=tmp_path)
    assert outcome.result is not None
    assert outcome.result["message"] == "wrote more output than the sandbox allows (to a file or the console)"
    assert len(outcome.output_tail) <= 4000


def test_memory_is_capped(tmp_path: Path) -> None:
    script = probe(tmp_path, "def run():\n    hoard = bytearray(2 * 1024 ** 3)\n    return {'ok': True}\n")
    outcome = run_probe(script, [], Limits(timeout=30, memory_mb=512), cwd=tmp_path)
    assert outcome.result is not None and outcome.result["error_type"] == "MemoryError"


@pytest.fixture
def listening_socket() -> Iterator[int]:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen()
    yield server.getsockname()[1]
    server.close()


def test_the_network_is_blocked(tmp_path: Path, listening_socket: int) -> None:
    script = probe(
        tmp_path,
        f"""
        import socket, urllib.request
        def run():
            found = {{}}
            for name, attempt in (
                ("connect", lambda: socket.create_connection(("127.0.0.1", {listening_socket}), timeout=2)),
                ("raw", lambda: socket.socket().connect(("127.0.0.1", {listening_socket}))),
                ("dns", lambda: socket.getaddrinfo("example.com", 443)),
                ("http", lambda: urllib.request.urlopen("http://127.0.0.1:{listening_socket}/", timeout=2)),
            ):
                try:
                    attempt()
                    found[name] = "connected"
                except OSError as error:
                    found[name] = str(error)
            return {{"ok": True, **found}}
        """,
    )
    outcome = run_probe(script, [], Limits(timeout=30), cwd=tmp_path)
    assert outcome.result is not None
    for name in ("connect", "raw", "dns", "http"):
        assert "network access is blocked" in outcome.result[name], name


def test_credentials_are_scrubbed_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("MY_API_KEY", "secret")
    monkeypatch.setenv("HARMLESS_SETTING", "kept")
    script = probe(tmp_path, "import os\ndef run():\n    return {'ok': True, 'env': dict(os.environ)}\n")
    outcome = run_probe(script, [], Limits(timeout=30), cwd=tmp_path)
    assert outcome.result is not None
    env = outcome.result["env"]
    assert "GITHUB_TOKEN" not in env and "AWS_SECRET_ACCESS_KEY" not in env and "MY_API_KEY" not in env
    assert env["HARMLESS_SETTING"] == "kept"
    assert env["PINHUB_OFFLINE"] == "1"


def test_the_child_gets_an_empty_network_namespace_when_the_system_allows_one(tmp_path: Path) -> None:
    """Below the guard: even a raw system call cannot reach anything (only a loopback that is down)."""
    script = probe(
        tmp_path,
        """
        import socket
        def run():
            return {"ok": True, "interfaces": sorted(name for _, name in socket.if_nameindex())}
        """,
    )
    outcome = run_probe(script, [], Limits(timeout=30), cwd=tmp_path)
    if outcome.isolation != "network namespace":
        pytest.skip("this system does not let an unprivileged user make a network namespace")
    assert outcome.result == {"ok": True, "interfaces": ["lo"]}


def test_without_namespaces_the_guard_alone_is_used_and_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, listening_socket: int
) -> None:
    monkeypatch.setenv("PINHUB_SANDBOX_NETNS", "0")
    script = probe(
        tmp_path,
        f"""
        import socket
        def run():
            try:
                socket.create_connection(("127.0.0.1", {listening_socket}), timeout=2)
            except OSError as error:
                return {{"ok": True, "error": str(error)}}
            return {{"ok": True, "error": ""}}
        """,
    )
    outcome = run_probe(script, [], Limits(timeout=30), cwd=tmp_path)
    assert outcome.isolation == "socket guard"
    assert outcome.result is not None and "network access is blocked" in outcome.result["error"]


def test_probes_run_safely_from_several_threads(tmp_path: Path) -> None:
    script = probe(tmp_path, "import os\ndef run(n):\n    return {'ok': True, 'n': int(n), 'pid': os.getpid()}\n")
    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(lambda n: run_probe(script, [str(n)], Limits(timeout=30), cwd=tmp_path), range(8)))
    assert [o.result["n"] for o in outcomes if o.result] == list(range(8))
    assert len({o.result["pid"] for o in outcomes if o.result}) == 8
