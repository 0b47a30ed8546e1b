"""The sandbox contains whatever a probe does: loops, crashes, exits, floods, phones home, hoards memory."""

from __future__ import annotations

import resource
import socket
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from generator.sandbox import Limits, run_probe, sandbox_available
from support import NO_SANDBOX
from tests.generator.sandbox.helpers import mark_processes, processes_marked, write_probe

pytestmark = pytest.mark.skipif(not sandbox_available(), reason=NO_SANDBOX)


@pytest.fixture
def marker(monkeypatch: pytest.MonkeyPatch) -> str:
    """A value every process the test's probes start carries in its environment."""
    return mark_processes(monkeypatch)


def test_a_probe_result_comes_back_as_json_with_its_network_attempts(tmp_path: Path) -> None:
    script = write_probe(tmp_path, "def run(a, b):\n    return {'ok': True, 'sum': int(a) + int(b)}\n")
    outcome = run_probe(script, ["2", "3"], Limits(timeout=30))
    assert outcome.result == {"ok": True, "sum": 5, "network_attempts": 0}
    assert outcome.failure == ""
    assert outcome.isolation.startswith("bubblewrap, ")


def test_an_endless_loop_is_killed_at_the_timeout(tmp_path: Path) -> None:
    script = write_probe(tmp_path, "def run():\n    while True:\n        pass\n")
    outcome = run_probe(script, [], Limits(timeout=1.5))
    assert outcome.timed_out and outcome.result is None
    assert outcome.failure == "timed out"
    assert outcome.seconds < 10


def test_every_process_of_the_probe_is_gone_when_it_times_out(tmp_path: Path, marker: str) -> None:
    script = write_probe(
        tmp_path,
        """
        import subprocess, time
        def run():
            subprocess.Popen(["sleep", "60"], start_new_session=True)
            print("grandchild started", flush=True)
            time.sleep(60)
        """,
    )
    outcome = run_probe(script, [], Limits(timeout=5))
    assert outcome.timed_out
    assert "grandchild started" in outcome.output_tail  # it did exist (a slow start cannot pass this falsely)
    assert processes_marked(marker) == []


def test_a_segfault_is_reported_by_signal(tmp_path: Path) -> None:
    script = write_probe(tmp_path, "import ctypes\ndef run():\n    ctypes.string_at(0)\n")
    outcome = run_probe(script, [], Limits(timeout=30))
    assert outcome.result is None
    assert outcome.failure == "killed by signal SIGSEGV"


def test_sys_exit_is_caught_and_explained(tmp_path: Path) -> None:
    script = write_probe(tmp_path, "import sys\ndef run():\n    sys.exit(3)\n")
    outcome = run_probe(script, [], Limits(timeout=30))
    assert outcome.result is not None
    assert outcome.result["ok"] is False
    assert outcome.result["error_type"] == "SystemExit"
    assert outcome.result["message"] == "the hub called sys.exit(3)"


def test_os_exit_without_a_result_is_a_failure(tmp_path: Path) -> None:
    script = write_probe(tmp_path, "import os\ndef run():\n    print('bye')\n    os._exit(7)\n")
    outcome = run_probe(script, [], Limits(timeout=30))
    assert outcome.failure == "exited with status 7: bye"


def test_megabytes_of_output_are_capped(tmp_path: Path) -> None:
    script = write_probe(tmp_path, "def run():\n    while True:\n        print('x' * 10000)\n")
    outcome = run_probe(script, [], Limits(timeout=60, output_bytes=1_000_000))
    assert outcome.result is not None
    assert outcome.result["message"] == "wrote more output than the sandbox allows (to a file or the console)"
    assert len(outcome.output_tail) <= 4000


def test_a_result_too_large_for_the_output_limit_is_replaced_by_an_error(tmp_path: Path) -> None:
    script = write_probe(tmp_path, "def run():\n    return {'ok': True, 'text': 'x' * 2_000_000}\n")
    outcome = run_probe(script, [], Limits(timeout=30, output_bytes=1_000_000))
    assert outcome.result is not None and outcome.result["ok"] is False
    assert outcome.result["message"] == "the probe's result is larger than the sandbox's output limit (1,000,000 bytes)"


def test_one_process_hoarding_memory_gets_a_memory_error(tmp_path: Path) -> None:
    script = write_probe(tmp_path, "def run():\n    hoard = bytearray(2 * 1024 ** 3)\n    return {'ok': True}\n")
    outcome = run_probe(script, [], Limits(timeout=30, memory_mb=512))
    assert outcome.result is not None and outcome.result["error_type"] == "MemoryError"


def test_a_gpu_probe_has_no_address_space_cap(tmp_path: Path) -> None:
    """CUDA reserves far more address space than it uses: with gpu=True the memory cap is off."""
    script = write_probe(
        tmp_path, "import resource\ndef run():\n    return {'as': resource.getrlimit(resource.RLIMIT_AS)[0]}\n"
    )
    outcome = run_probe(script, [], Limits(timeout=30, memory_mb=512), gpu=True)
    assert outcome.result is not None and outcome.result["as"] == resource.RLIM_INFINITY


@pytest.fixture
def listening_socket() -> Iterator[socket.socket]:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.setblocking(False)
    yield server
    server.close()


def test_the_network_is_blocked_and_each_attempt_counted(tmp_path: Path, listening_socket: socket.socket) -> None:
    port = listening_socket.getsockname()[1]
    script = write_probe(
        tmp_path,
        f"""
        import socket, urllib.request
        def run():
            found = {{}}
            for name, attempt in (
                ("connect", lambda: socket.create_connection(("127.0.0.1", {port}), timeout=2)),
                ("raw", lambda: socket.socket().connect(("127.0.0.1", {port}))),
                ("dns", lambda: socket.getaddrinfo("example.com", 443)),
                ("http", lambda: urllib.request.urlopen("http://127.0.0.1:{port}/", timeout=2)),
            ):
                try:
                    attempt()
                    found[name] = "connected"
                except OSError as error:
                    found[name] = str(error)
            return {{"ok": True, **found}}
        """,
    )
    outcome = run_probe(script, [], Limits(timeout=30))
    assert outcome.result is not None
    for name in ("connect", "raw", "dns", "http"):
        assert "network access is blocked" in outcome.result[name], name
    assert outcome.result["network_attempts"] == 4
    with pytest.raises(BlockingIOError):
        listening_socket.accept()


def test_the_probe_has_an_empty_network_namespace(tmp_path: Path) -> None:
    """Below the guard: even a raw system call cannot reach anything (only a loopback that is down)."""
    script = write_probe(
        tmp_path, "import socket\ndef run():\n    return {'names': sorted(n for _, n in socket.if_nameindex())}\n"
    )
    outcome = run_probe(script, [], Limits(timeout=30))
    assert outcome.result is not None and outcome.result["names"] == ["lo"]


def test_credentials_are_scrubbed_and_home_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("MY_API_KEY", "secret")
    monkeypatch.setenv("HARMLESS_SETTING", "kept")
    script = write_probe(tmp_path, "import os\ndef run():\n    return {'env': dict(os.environ), 'cwd': os.getcwd()}\n")
    outcome = run_probe(script, [], Limits(timeout=30))
    assert outcome.result is not None
    env = outcome.result["env"]
    assert "GITHUB_TOKEN" not in env and "AWS_SECRET_ACCESS_KEY" not in env and "MY_API_KEY" not in env
    assert env["HARMLESS_SETTING"] == "kept"
    assert env["PINHUB_OFFLINE"] == "1"
    assert env["HOME"] == env["TMPDIR"] == outcome.result["cwd"] != str(Path.home())
    assert not Path(env["HOME"]).exists(), "the scratch folder outlived the probe"


def test_readable_folders_are_read_only_and_import_paths_come_first(tmp_path: Path) -> None:
    hub, loader = tmp_path / "hub", tmp_path / "loader"
    (hub / "data").mkdir(parents=True)
    (hub / "data" / "weights.txt").write_text("42")
    (loader / "helper_lib").mkdir(parents=True)
    (loader / "helper_lib" / "__init__.py").write_text("ANSWER = 'from the loader'\n")
    script = write_probe(
        tmp_path,
        """
        import sys
        from pathlib import Path
        def run(hub):
            import helper_lib
            try:
                (Path(hub) / "new.txt").write_text("x")
                wrote = "yes"
            except OSError as error:
                wrote = error.strerror
            return {"read": (Path(hub) / "data" / "weights.txt").read_text(), "wrote": wrote,
                    "helper": helper_lib.ANSWER}
        """,
    )
    outcome = run_probe(script, [str(hub)], Limits(timeout=30), readable=[hub], import_paths=[loader])
    assert outcome.result == {
        "read": "42",
        "wrote": "Read-only file system",
        "helper": "from the loader",
        "network_attempts": 0,
    }
    assert not (hub / "new.txt").exists()


def test_another_interpreter_runs_the_probe_with_its_own_environment(tmp_path: Path) -> None:
    """A virtual environment (whose base interpreter may live in the builder's home) is visible, read-only."""
    venv = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    script = write_probe(
        tmp_path, "import sys\ndef run():\n    return {'prefix': sys.prefix, 'base': sys.base_prefix}\n"
    )
    outcome = run_probe(script, [], Limits(timeout=30), python=venv / "bin" / "python")
    assert outcome.result is not None, outcome.failure
    assert outcome.result["prefix"] == str(venv)
    assert outcome.result["base"] == sys.base_prefix


def test_probes_run_safely_from_several_threads(tmp_path: Path) -> None:
    script = write_probe(
        tmp_path, "import os\ndef run(n):\n    return {'ok': True, 'n': int(n), 'home': os.getcwd()}\n"
    )
    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(lambda n: run_probe(script, [str(n)], Limits(timeout=30)), range(8)))
    assert [o.result["n"] for o in outcomes if o.result] == list(range(8))
    assert len({o.result["home"] for o in outcomes if o.result}) == 8


def test_a_missing_readable_folder_is_named(tmp_path: Path) -> None:
    script = write_probe(tmp_path, "def run():\n    return {}\n")
    with pytest.raises(FileNotFoundError, match="gone"):
        run_probe(script, [], Limits(timeout=30), readable=[tmp_path / "gone"])
