"""Hostile hub code, run the way the build runs it (the introspect and smoke probes, through run_probe).

Whatever the hub does at import or load, afterwards its checkout is byte-for-byte unchanged, nothing
it wrote exists in the builder's home, /tmp or the project, no process it started is still running,
nothing reached the network, and the outcome says clearly what was stopped.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from generator.sandbox import Limits, Outcome, cgroups, run_probe, sandbox_available, scratch
from support import NO_SANDBOX
from tests.generator.sandbox.helpers import folder_digest, mark_processes, processes_marked

pytestmark = pytest.mark.skipif(not sandbox_available(), reason=NO_SANDBOX)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
INTROSPECT = PROJECT_ROOT / "generator" / "introspect" / "probe.py"
SMOKE = PROJECT_ROOT / "generator" / "smoke" / "probe.py"
WAIT_SECONDS = 30.0


@dataclass
class Scene:
    """A hub checkout inside a project folder, and a marker its processes and files carry."""

    hub: Path
    docs: Path
    marker: str

    def write_hub(self, hubconf: str) -> None:
        """Write hubconf.py, with MARKER, DOCS and REAL_HOME replaced by this scene's values."""
        for word, value in (("MARKER", self.marker), ("DOCS", str(self.docs)), ("REAL_HOME", str(Path.home()))):
            hubconf = hubconf.replace(word, value)
        (self.hub / "hubconf.py").write_text(textwrap.dedent(hubconf), encoding="utf-8")

    def run(self, hubconf: str, limits: Limits | None = None, entrypoint: str = "") -> Outcome:
        """Import the hub (or smoke-load `entrypoint`) in the sandbox, and check that it stayed contained."""
        self.write_hub(hubconf)
        before = folder_digest(self.hub)
        outcome = run_probe(*self.probe(entrypoint), limits or Limits(timeout=60), readable=[self.hub])
        assert folder_digest(self.hub) == before, "the hub's checkout changed"
        assert self.marked_files() == [], "the hub wrote outside its scratch folder"
        assert processes_marked(self.marker) == [], "a process of the hub outlived its probe"
        return outcome

    def probe(self, entrypoint: str) -> tuple[Path, list[str]]:
        """The probe script and its arguments: the introspect probe, or the smoke probe for `entrypoint`."""
        if not entrypoint:
            return INTROSPECT, [str(self.hub)]
        return SMOKE, [str(self.hub), entrypoint, json.dumps({"device": "cpu", "kwargs": {}, "input": None})]

    def marked_files(self) -> list[Path]:
        """Files named with the marker in the builder's home, /tmp and the project's docs."""
        return [path for folder in (Path.home(), Path("/tmp"), self.docs) for path in folder.glob(f"*{self.marker}*")]


@pytest.fixture
def scene(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Scene:
    project = tmp_path / "project"
    hub, docs = project / "checkout", project / "docs"
    (hub / "models").mkdir(parents=True)
    (hub / "models" / "__init__.py").write_text("WIDTH = 4\n")
    (hub / "weights.bin").write_bytes(bytes(range(256)))
    docs.mkdir()
    (docs / "index.md").write_text("# Models\n")
    return Scene(hub, docs, mark_processes(monkeypatch))


@pytest.mark.fault("Hostile code", "a hub writes into the home, /tmp, its checkout and docs/: fails or vanishes")
def test_writes_outside_the_scratch_folder_fail_or_vanish(scene: Scene) -> None:
    outcome = scene.run(
        """
        import os, pathlib
        for folder in ("REAL_HOME", "/tmp", os.path.expanduser("~"), os.path.dirname(__file__)):
            try:
                pathlib.Path(folder, "MARKER-planted").write_text("x")
            except OSError:
                pass
        pathlib.Path("DOCS", "MARKER-index.md").write_text("defaced")
        """
    )
    assert outcome.result is not None and outcome.result["ok"] is False
    assert outcome.result["error_type"] in {"FileNotFoundError", "OSError", "PermissionError"}
    assert f"{scene.docs}/{scene.marker}-index.md" in outcome.result["message"]
    assert (scene.docs / "index.md").read_text() == "# Models\n"


@pytest.mark.fault("Hostile code", "a hub starts 2,000 processes: stopped at the process limit")
def test_a_flood_of_processes_is_stopped_at_the_process_limit(scene: Scene) -> None:
    outcome = scene.run(
        """
        import subprocess
        children = [subprocess.Popen(["sleep", "60"]) for _ in range(2000)]
        """
    )
    assert outcome.result is None
    assert outcome.failure == "started more than 256 processes (threads count too)"


@pytest.mark.fault("Hostile code", "a double-forked daemon: dies with the load")
def test_a_double_forked_daemon_dies_with_the_probe(scene: Scene) -> None:
    outcome = scene.run(
        """
        import os
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.execvp("sleep", ["sleep", "60"])
            os._exit(0)
        os.wait()

        def model():
            \"\"\"A model.\"\"\"
        """
    )
    assert outcome.result is not None and outcome.result["ok"] is True


def report(result: dict[str, Any]) -> str:
    """What the hub told in the docstring of its entrypoint `report`, as the introspect probe read it."""
    return next(str(e["docstring"]) for e in result["entrypoints"] if e["name"] == "report")


@pytest.fixture
def server() -> Iterator[socket.socket]:
    """A real server on 127.0.0.1 that records (in its backlog) every connection that reaches it."""
    listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listening.bind(("127.0.0.1", 0))
    listening.listen(16)
    listening.setblocking(False)
    yield listening
    listening.close()


@pytest.mark.fault("Hostile code", "a hub connects to a server on 127.0.0.1 (socket, ctypes, bash): never reaches it")
def test_no_way_of_connecting_reaches_a_server_on_the_loopback(scene: Scene, server: socket.socket) -> None:
    port = server.getsockname()[1]
    outcome = scene.run(
        """
        import _socket, ctypes, json, socket, struct, subprocess
        tried = {}

        def attempt(name, connect):
            try:
                connect()
                tried[name] = "connected"
            except Exception as error:
                tried[name] = repr(error)

        def c_connect():
            libc = ctypes.CDLL(None, use_errno=True)
            fd = libc.socket(socket.AF_INET, socket.SOCK_STREAM, 0)
            address = struct.pack("=H", socket.AF_INET) + struct.pack("!H", PORT) + bytes([127, 0, 0, 1]) + bytes(8)
            if libc.connect(fd, address, len(address)) != 0:
                raise OSError(ctypes.get_errno(), "connect failed")

        attempt("socket", lambda: socket.create_connection(("127.0.0.1", PORT), timeout=2))
        attempt("_socket", lambda: _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM).connect(("127.0.0.1", PORT)))
        attempt("ctypes", c_connect)
        bash = ["bash", "-c", "echo hello > /dev/tcp/127.0.0.1/PORT"]
        attempt("bash", lambda: subprocess.run(bash, check=True, capture_output=True, timeout=10))

        def report():
            pass

        report.__doc__ = json.dumps(tried)
        """.replace("PORT", str(port))
    )
    assert outcome.result is not None and outcome.result["ok"] is True, outcome.failure
    tried = json.loads(report(outcome.result))
    assert set(tried) == {"socket", "_socket", "ctypes", "bash"}
    assert "connected" not in tried.values()
    assert outcome.result["network_attempts"] >= 1  # the attempt through Python's socket module
    with pytest.raises(BlockingIOError):
        server.accept()


def run_parent(code: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """A real build process (Python, in the project folder) that runs `code`."""
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.fault("Hostile code", "a hub reads the build's secrets through /proc: finds none")
def test_the_builds_environment_cannot_be_read_through_proc(scene: Scene) -> None:
    scene.write_hub(
        """
        import os, pathlib

        found = []
        for folder in pathlib.Path("/proc").iterdir():
            try:
                if b"ghp_builder_secret" in (folder / "environ").read_bytes():
                    found.append(folder.name)
            except OSError:
                pass
        try:
            pathlib.Path("/proc", os.environ["BUILD_PID"], "environ").read_bytes()
            build = "read"
        except OSError as error:
            build = type(error).__name__

        def report():
            pass

        report.__doc__ = f"{build} {found}"
        """
    )
    parent = run_parent(
        f"""
        import json, os
        from pathlib import Path
        from generator.sandbox import Limits, run_probe
        os.environ["BUILD_PID"] = str(os.getpid())
        outcome = run_probe(Path({str(INTROSPECT)!r}), [{str(scene.hub)!r}], Limits(timeout=60),
                            readable=[Path({str(scene.hub)!r})])
        print(json.dumps(outcome.result))
        """,
        env={**os.environ, "GITHUB_TOKEN": "ghp_builder_secret"},
    )
    stdout, stderr = parent.communicate(timeout=120)
    result = json.loads(stdout)
    assert result is not None and result["ok"] is True, stderr
    assert report(result) == "FileNotFoundError []"


def wait_until(condition: Callable[[], object], what: str) -> None:
    """Return once `condition()` holds; fail after WAIT_SECONDS, saying what did not happen."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {WAIT_SECONDS:g} s")
        time.sleep(0.05)


@pytest.mark.fault("Hostile code", "the build is killed while hub code runs: the sandbox dies too")
def test_a_killed_build_takes_its_sandbox_along_and_its_scratch_is_cleared_next_time(scene: Scene) -> None:
    scene.write_hub(
        """
        def slow():
            \"\"\"Loads for a minute.\"\"\"
            import os, pathlib, subprocess, time
            subprocess.Popen(["sleep", "60"])
            pathlib.Path(os.environ["HOME"], "loading").write_text("x")
            time.sleep(60)
        """
    )
    script, arguments = scene.probe("slow")
    build = run_parent(
        f"""
        from pathlib import Path
        from generator.sandbox import Limits, run_probe
        run_probe(Path({str(script)!r}), {arguments!r}, Limits(timeout=120), readable=[Path({str(scene.hub)!r})])
        """
    )
    owner = scratch.base_folder()
    wait_until(lambda: list(owner.glob(f"{build.pid}-*/probe-*/home/loading")), "the smoke load starting")
    (left_behind,) = owner.glob(f"{build.pid}-*")
    build.kill()
    build.wait()
    wait_until(lambda: not processes_marked(scene.marker), "every process of the sandbox dying")
    assert left_behind.is_dir()

    later = run_parent(
        f"""
        from pathlib import Path
        from generator.sandbox import Limits, run_probe
        hub = Path({str(scene.hub)!r})
        run_probe(Path({str(INTROSPECT)!r}), [str(hub)], Limits(timeout=60), readable=[hub])
        """
    )
    assert later.wait(timeout=120) == 0, later.communicate()[1]
    assert not left_behind.exists()
    hierarchy = cgroups.hierarchy_here(cgroups.CGROUP_ROOT)
    parents = hierarchy.parents if hierarchy else ()
    assert [group for parent in parents for group in parent.glob(f"{cgroups.PREFIX}{build.pid}-*")] == []


@pytest.mark.fault("Hostile code", "no sandbox available: hub code refused unless trusted")
def test_refused_without_a_sandbox_unless_the_maintainer_trusts_the_hubs(scene: Scene, tmp_path: Path) -> None:
    scene.write_hub('def model():\n    """A model."""\n')
    no_tools = tmp_path / "bin"
    no_tools.mkdir()
    build = run_parent(
        f"""
        import json
        from pathlib import Path
        from generator.sandbox import Limits, SandboxUnavailableError, run_probe, sandbox_available
        hub = Path({str(scene.hub)!r})
        print(json.dumps(sandbox_available()))
        try:
            run_probe(Path({str(INTROSPECT)!r}), [str(hub)], Limits(timeout=60), readable=[hub])
        except SandboxUnavailableError as error:
            print(json.dumps(str(error)))
        outcome = run_probe(Path({str(INTROSPECT)!r}), [str(hub)], Limits(timeout=60), readable=[hub], trusted=True)
        print(json.dumps([outcome.isolation, outcome.result]))
        """,
        env={**os.environ, "PATH": str(no_tools)},
    )
    stdout, stderr = build.communicate(timeout=120)
    available, refusal, (isolation, result) = (json.loads(line) for line in stdout.splitlines())
    assert available is False, stderr
    assert refusal == (
        "cannot run hub code safely: bubblewrap (bwrap) is not installed; install bubblewrap "
        "(sudo apt-get install bubblewrap), or pass --trust-hub-code to run hubs without a sandbox"
    )
    assert isolation == "none: trusted by the maintainer (socket guard)"
    assert result["ok"] is True and [e["name"] for e in result["entrypoints"]] == ["model"]


CLASSIC = {
    "an endless loop": ("while True:\n    pass\n", Limits(timeout=2), "", "timed out"),
    "a memory hog": ("hoard = bytearray(3 * 2**30)\n", Limits(timeout=60, memory_mb=1024), "", "MemoryError"),
    "an abort": ("import os\nos.abort()\n", None, "", "killed by signal SIGABRT"),
    "sys.exit": ("import sys\nsys.exit(3)\n", None, "", "the hub called sys.exit(3)"),
    "100 MB of output": (
        "import sys\nfor _ in range(100):\n    sys.stdout.write('x' * 2**20)\n",
        None,
        "",
        "wrote more output than the sandbox allows (to a file or the console)",
    ),
    "a huge docstring": (
        "def model():\n    pass\nmodel.__doc__ = 'x' * 2_000_000\n",
        Limits(timeout=60, output_bytes=1_000_000),
        "",
        "the probe's result is larger than the sandbox's output limit (1,000,000 bytes)",
    ),
    "a load that returns no module": (
        'def text():\n    """Text."""\n    return "hello"\n',
        None,
        "text",
        "builtins.str",
    ),
}


@pytest.mark.fault("Hostile code", "classic misbehaviour has a clear outcome")
@pytest.mark.parametrize("case", sorted(CLASSIC))
def test_classic_misbehaviour_has_a_clear_outcome(scene: Scene, case: str) -> None:
    hubconf, limits, entrypoint, expected = CLASSIC[case]
    outcome = scene.run(hubconf, limits, entrypoint)
    result = outcome.result or {}
    said = outcome.failure or " ".join(str(result.get(key)) for key in ("error_type", "message", "returned"))
    assert expected in said
