"""Real builds for the build's fault tests: projects on disk, `python -m generator` in child processes.

A `Build` is the command line as users run it, in its own session (so that a test can send Ctrl-C to
its whole process group, as a terminal does), with every process it starts carrying a marker in its
environment, so that a test can tell whether any of them outlived it. Its stderr is read as it comes:
a test waits for a line (the "smoke" progress line, "waiting for another build"), never for a time.

MkDocs can be held in a project's `hooks/hold.py`: with PINHUB_TEST_STARTED set, the hook writes that
file when MkDocs starts building; with PINHUB_TEST_RELEASE set, it then waits until that file exists.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from support.hubrepos import CATALOGUE_HEAD, PROJECT_ROOT, entry_yaml, make_hub_repo, make_project
from tests.generator.sandbox.helpers import MARKER_VARIABLE, folder_digest, processes_marked

WAIT_SECONDS = 120.0
NO_SMOKE = "{skip: only introspected in these tests}"

LIGHT_HUBCONF = '''
dependencies = []


def model(pretrained=False):
    """A model that needs nothing, not even torch."""
    return object()
'''

# The entrypoint says that it runs (a file in the probe's home), then loads for ten minutes.
SLEEPY_HUBCONF = '''
dependencies = []


def model(pretrained=False):
    """Loads for ten minutes."""
    import os, pathlib, time

    pathlib.Path(os.environ["HOME"], "loading").write_text("x")
    time.sleep(600)
'''

HOLD_HOOK = '''
"""Holds MkDocs at the start of its build: the test says when it may go on (see tests/faults/builds.py)."""

import os
import time
from pathlib import Path


def on_pre_build(config, **kwargs):
    started, release = os.environ.get("PINHUB_TEST_STARTED"), os.environ.get("PINHUB_TEST_RELEASE")
    if started:
        Path(started).write_text(str(os.getpid()))
    deadline = time.monotonic() + 300
    while release and not Path(release).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
'''


class Build:
    """`python -m generator ARGS` running in a project; its stderr is collected line by line as it comes."""

    def __init__(
        self,
        project: Path,
        marker: str,
        *arguments: str,
        env: dict[str, str] | None = None,
        file_size_limit: int | None = None,
    ) -> None:
        environment = {
            **os.environ,
            "PYTHONPATH": str(PROJECT_ROOT),
            "NO_MKDOCS_2_WARNING": "1",
            MARKER_VARIABLE: marker,
            **(env or {}),
        }
        self.command = [sys.executable, "-m", "generator", *arguments]
        self.process = subprocess.Popen(
            self.command,
            cwd=project,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
            preexec_fn=_file_size_limit(file_size_limit) if file_size_limit else None,
        )
        self.lines: list[str] = []
        self.stdout = ""
        self.changed = threading.Condition()
        self.closed = False
        self.readers = [
            threading.Thread(target=self._read_stderr, daemon=True),
            threading.Thread(target=self._read_stdout, daemon=True),
        ]
        for reader in self.readers:
            reader.start()

    @property
    def pid(self) -> int:
        """The build's process id."""
        return self.process.pid

    @property
    def stderr(self) -> str:
        """What the build printed on stderr so far."""
        with self.changed:
            return "".join(self.lines)

    def wait_for(self, text: str) -> str:
        """The first line of stderr holding `text`, once printed; fails if the build ends without it."""
        deadline = time.monotonic() + WAIT_SECONDS
        with self.changed:
            while True:
                found = next((line for line in self.lines if text in line), None)
                if found is not None:
                    return found
                if self.closed or time.monotonic() > deadline:
                    pytest.fail(f"{' '.join(self.command)} never printed {text!r}; it printed:\n{self.stderr}")
                self.changed.wait(timeout=1.0)

    def wait_until(self, condition: Callable[[], object], what: str) -> None:
        """Return once `condition()` holds while the build runs; fail, with its output, if it ends first."""
        deadline = time.monotonic() + WAIT_SECONDS
        with self.changed:
            while not condition():
                if self.process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"{what} did not happen; {' '.join(self.command)} printed:\n{self.stderr}")
                self.changed.wait(timeout=0.05)

    def finish(self) -> int:
        """Wait for the build to end and its output to be read; its exit status."""
        status = self.process.wait(timeout=WAIT_SECONDS * 5)
        for reader in self.readers:
            reader.join()
        return status

    def interrupt(self, group: bool) -> float:
        """Send SIGINT (to the build's process group, as a terminal's Ctrl-C does, or to the build alone);
        returns the seconds until the build exited."""
        sent = time.monotonic()
        if group:
            os.killpg(self.pid, signal.SIGINT)
        else:
            self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=WAIT_SECONDS)
        return time.monotonic() - sent

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            with self.changed:
                self.lines.append(line)
                self.changed.notify_all()
        with self.changed:
            self.closed = True
            self.changed.notify_all()

    def _read_stdout(self) -> None:
        assert self.process.stdout is not None
        self.stdout = self.process.stdout.read()


def _file_size_limit(size: int) -> Callable[[], None]:
    """For preexec_fn: no file the build writes may grow past `size` bytes (writes fail with EFBIG)."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails, rather than the process dying

    return limit


def light_catalogue(repo_folder: Path, *ids: str) -> str:
    """A catalogue of light hubs `ids` (one repository at `repo_folder`, a folder each; only introspected)."""
    repo = make_hub_repo(repo_folder, {f"{entry}/hubconf.py": LIGHT_HUBCONF for entry in ids})
    return CATALOGUE_HEAD + "".join(entry_yaml(e, repo.url, repo.commit, subdir=e, smoke=NO_SMOKE) for e in ids)


def light_project(root: Path, *ids: str) -> Path:
    """A project whose catalogue holds light hubs `ids`, with MkDocs' hold hook."""
    return with_hold_hook(make_project(root / "project", light_catalogue(root / "upstream", *ids)))


def sleepy_entry(root: Path) -> str:
    """A catalogue entry whose smoke load runs hub code for ten minutes (unless stopped)."""
    repo = make_hub_repo(root / "sleepy", {"hubconf.py": SLEEPY_HUBCONF})
    return entry_yaml("sleepy", repo.url, repo.commit, smoke="{timeout: 900}")


def with_hold_hook(project: Path) -> Path:
    """Add the hook that can hold MkDocs (see the module's docstring) to the project's mkdocs.yml."""
    (project / "hooks").mkdir(exist_ok=True)
    (project / "hooks" / "hold.py").write_text(textwrap.dedent(HOLD_HOOK), encoding="utf-8")
    with (project / "mkdocs.yml").open("a", encoding="utf-8") as settings:
        settings.write("\nhooks:\n  - hooks/hold.py\n")
    return project


def outputs(project: Path) -> dict[str, object]:
    """Everything a build publishes, by name: the lock's bytes, and every file of docs/models and site/."""
    lock = project / "catalogue" / "catalogue.lock"
    return {
        "lock": lock.read_bytes() if lock.exists() else None,
        "catalogue.json": (project / "docs" / "catalogue.json").read_bytes(),
        "docs/models": folder_digest(project / "docs" / "models"),
        "site": folder_digest(project / "site"),
    }


def leftovers(project: Path) -> list[Path]:
    """Temporaries of unfinished writes anywhere in the project."""
    return sorted([*project.rglob("*.incomplete"), *project.rglob(".*.old")])


def no_process_left(marker: str) -> bool:
    """Whether every process the build started (its guardian too) has ended."""
    return processes_marked(marker) == []
