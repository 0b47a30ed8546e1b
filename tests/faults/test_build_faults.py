"""The build's own faults, made to happen for real: two builds at once, two catalogues of one checkout,
Ctrl-C and SIGKILL while hub code or MkDocs runs, a disk that fills up while the lock, a page or the site
is written.

Each runs `python -m generator` in a child process, as users do. Whatever happens, the lock, docs/models
and site/ are as they were or complete new ones, never half-written; no process of the build outlives
it; what a killed build left behind is removed by the next one; and the build says what happened in one
line, without a traceback.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.sandbox import sandbox_available, scratch
from support import NO_SANDBOX
from tests.faults.builds import (
    Build,
    leftovers,
    light_catalogue,
    light_project,
    no_process_left,
    outputs,
    sleepy_entry,
)
from tests.faults.test_hostile_code import wait_until
from tests.generator.sandbox.helpers import mark_processes, processes_marked

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sandbox_available(), reason=NO_SANDBOX),
]

STOP_SECONDS = 2.0


@pytest.fixture
def marker(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The marker every process of this test's builds carries in its environment; whatever still carries
    it when the test ends (it failed) is killed."""
    value = mark_processes(monkeypatch)
    yield value
    for pid in processes_marked(value):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def build(
    project: Path, marker: str, *arguments: str, env: dict[str, str] | None = None, file_size_limit: int | None = None
) -> Build:
    """`python -m generator --root PROJECT ARGUMENTS` started in the project."""
    return Build(project, marker, "--root", str(project), *arguments, env=env, file_size_limit=file_size_limit)


def built(project: Path, marker: str, *arguments: str) -> Build:
    """A build that ran to the end and succeeded."""
    done = build(project, marker, *arguments)
    assert done.finish() == 0, done.stderr
    return done


def site_entries(project: Path) -> list[str]:
    """The entry ids the built site publishes: in its catalogue.json, and as model pages."""
    index = json.loads((project / "site" / "catalogue.json").read_text(encoding="utf-8"))
    pages = sorted(p.name for p in (project / "site" / "models").iterdir() if (p / "index.html").is_file())
    assert sorted(entry["id"] for entry in index["entries"]) == [p for p in pages if p != "categories"]
    return [p for p in pages if p != "categories"]


def disk_full(file: Path | str, unchanged: Path) -> str:
    """What the build says when `file` could not be written for lack of space."""
    return (
        f"error: disk full: could not write {file} (File too large); {unchanged} is as it was. "
        "Free some space (or raise the file size limit) and run the command again"
    )


def retitle(project: Path) -> None:
    """Give every entry a new title: the pages change, the lock does not."""
    path = project / "catalogue" / "catalogue.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: Renamed "), encoding="utf-8")


def loading_a_hub(tmp_path: Path, project: Path, marker: str) -> Build:
    """A build of `project` with an entry whose hub loads for ten minutes, once that hub's code runs."""
    catalogue = project / "catalogue" / "catalogue.yaml"
    catalogue.write_text(catalogue.read_text() + sleepy_entry(tmp_path), encoding="utf-8")
    running = build(project, marker, "build")
    running.wait_for("sleepy: smoke model (cpu)")
    running.wait_until(lambda: list(scratch.base_folder().glob(f"{running.pid}-*/probe-*/home/loading")), "hub code")
    return running


def built_then_retitled(tmp_path: Path, marker: str) -> tuple[Path, dict[str, object]]:
    """A project built once whose entries have new titles since: (the project, what the build published)."""
    project = light_project(tmp_path, "alpha")
    built(project, marker, "build", "--quiet")
    before = outputs(project)
    retitle(project)
    return project, before


def held_in_mkdocs(tmp_path: Path, marker: str) -> tuple[Path, dict[str, object], Build, int]:
    """A project built once, then built again with new titles and held once MkDocs started: (the project,
    its outputs before the second build, that build, MkDocs' pid)."""
    project, before = built_then_retitled(tmp_path, marker)
    started = tmp_path / "mkdocs-started"
    env = {"PINHUB_TEST_STARTED": str(started), "PINHUB_TEST_RELEASE": str(tmp_path / "never")}
    held = build(project, marker, "build", "--quiet", env=env)
    held.wait_until(started.exists, "MkDocs starting")
    return project, before, held, int(started.read_text())


@pytest.mark.fault("Build", "two builds of one project at once: the second waits, saying for which")
def test_a_second_build_waits_for_the_first_and_says_so(tmp_path: Path, marker: str) -> None:
    project = light_project(tmp_path, "alpha")
    started, release = tmp_path / "first-started", tmp_path / "first-release"
    env = {"PINHUB_TEST_STARTED": str(started), "PINHUB_TEST_RELEASE": str(release)}
    first = build(project, marker, "build", "--quiet", env=env)
    first.wait_until(started.exists, "the first build reaching MkDocs")
    second = build(project, marker, "build", "--quiet")
    line = second.wait_for("waiting for another build")
    assert line.strip() == (
        f"waiting for another build of {project} (pid {first.pid}: python -m generator --root {project} build"
        " --quiet) to finish…"
    )
    release.touch()
    assert first.finish() == 0, first.stderr
    assert second.finish() == 0, second.stderr
    assert site_entries(project) == ["alpha"]
    assert leftovers(project) == []
    assert no_process_left(marker)  # each build's guardian ended with it


@pytest.mark.fault("Build", "two catalogues of one checkout built at once: each site holds its own entries only")
def test_two_catalogues_built_at_once_never_publish_each_others_pages(tmp_path: Path, marker: str) -> None:
    project = light_project(tmp_path, "alpha")
    (project / "catalogue" / "b.yaml").write_text(light_catalogue(tmp_path / "other", "beta"), encoding="utf-8")
    started = {name: tmp_path / f"{name}-started" for name in ("a", "b")}
    release = {name: tmp_path / f"{name}-release" for name in ("a", "b")}

    def start(name: str, catalogue: str) -> Build:
        env = {"PINHUB_TEST_STARTED": str(started[name]), "PINHUB_TEST_RELEASE": str(release[name])}
        path = str(project / "catalogue" / catalogue)
        return build(project, marker, "--catalogue", path, "build", "--quiet", env=env)

    first = start("a", "catalogue.yaml")
    first.wait_until(started["a"].exists, "the first build reaching MkDocs")
    second = start("b", "b.yaml")
    second.wait_for("waiting for another build")
    release["a"].touch()
    assert first.finish() == 0, first.stderr
    assert site_entries(project) == ["alpha"]  # the second build is held in MkDocs: the site is the first's
    second.wait_until(started["b"].exists, "the second build reaching MkDocs")
    assert site_entries(project) == ["alpha"]
    release["b"].touch()
    assert second.finish() == 0, second.stderr
    assert site_entries(project) == ["beta"]
    assert sorted(p.stem for p in (project / "docs" / "models").glob("*.md")) == ["_home", "beta", "index"]


@pytest.mark.fault("Build", "one checkout built with one catalogue, then another: the other's pages are gone")
def test_a_build_of_another_catalogue_removes_the_pages_of_entries_it_lacks(tmp_path: Path, marker: str) -> None:
    project = light_project(tmp_path, "alpha")
    (project / "catalogue" / "b.yaml").write_text(light_catalogue(tmp_path / "other", "beta"), encoding="utf-8")
    built(project, marker, "build", "--quiet")
    assert site_entries(project) == ["alpha"]
    built(project, marker, "--catalogue", str(project / "catalogue" / "b.yaml"), "build", "--quiet")
    assert site_entries(project) == ["beta"]
    assert not list((project / "docs" / "models").glob("alpha*"))
    assert [e["id"] for e in json.loads((project / "docs" / "catalogue.json").read_text())["entries"]] == ["beta"]


@pytest.mark.fault("Build", "Ctrl-C while hub code runs: stops within 2 s, nothing written, no process left")
def test_ctrl_c_while_a_hub_loads_stops_at_once_and_writes_nothing(tmp_path: Path, marker: str) -> None:
    project = light_project(tmp_path, "alpha")
    built(project, marker, "build", "--quiet")
    before = outputs(project)

    interrupted = loading_a_hub(tmp_path, project, marker)
    seconds = interrupted.interrupt(group=True)  # Ctrl-C in a terminal: the whole foreground process group

    assert interrupted.finish() == 130
    assert seconds < STOP_SECONDS
    assert interrupted.stderr.splitlines()[-1] == "interrupted: nothing was written"
    assert "Traceback" not in interrupted.stderr
    assert outputs(project) == before
    assert leftovers(project) == []
    wait_until(lambda: no_process_left(marker), "every process of the build ending")


@pytest.mark.fault("Build", "Ctrl-C while MkDocs runs: stops within 2 s, says what it wrote, the site as it was")
def test_ctrl_c_while_mkdocs_runs_keeps_the_site_and_says_what_was_written(tmp_path: Path, marker: str) -> None:
    project, before, interrupted, _ = held_in_mkdocs(tmp_path, marker)
    seconds = interrupted.interrupt(group=False)  # `kill -INT PID`: MkDocs gets no signal of its own

    assert interrupted.finish() == 130
    assert seconds < STOP_SECONDS
    assert interrupted.stderr.splitlines()[-1] == (
        "interrupted after writing docs/models, docs/catalogue.json; everything else is as it was"
    )
    assert "Traceback" not in interrupted.stderr
    after = outputs(project)
    assert (after["lock"], after["site"]) == (before["lock"], before["site"])
    assert "Renamed Alpha" in (project / "docs" / "models" / "alpha.md").read_text()  # complete new pages
    assert leftovers(project) == []
    wait_until(lambda: no_process_left(marker), "MkDocs and every other process of the build ending")


@pytest.mark.fault("Build", "SIGKILL while hub code runs: no process left, its scratch folder cleared next time")
def test_a_killed_build_leaves_no_process_and_the_next_clears_its_scratch(tmp_path: Path, marker: str) -> None:
    project = light_project(tmp_path, "alpha")
    killed = loading_a_hub(tmp_path, project, marker)
    (left_behind,) = scratch.base_folder().glob(f"{killed.pid}-*")
    killed.process.kill()

    assert killed.finish() == -9
    wait_until(lambda: no_process_left(marker), "every process of the killed build ending")
    assert left_behind.is_dir()
    built(project, marker, "render")
    assert not left_behind.exists()


@pytest.mark.fault("Build", "SIGKILL while MkDocs runs: MkDocs stopped, its half-built site removed next time")
def test_a_killed_build_stops_mkdocs_and_the_next_removes_the_half_built_site(tmp_path: Path, marker: str) -> None:
    project, before, killed, mkdocs = held_in_mkdocs(tmp_path, marker)
    killed.process.kill()

    assert killed.finish() == -9
    wait_until(lambda: not Path(f"/proc/{mkdocs}").exists(), "MkDocs ending")
    wait_until(lambda: no_process_left(marker), "every process of the killed build ending")
    (half_built,) = [path.name for path in leftovers(project)]
    assert half_built.startswith(".site.") and half_built.endswith(".incomplete")
    assert outputs(project)["site"] == before["site"]

    later = built(project, marker, "render")
    assert f"removed what an interrupted build left behind: {project / half_built}" in later.stderr
    assert leftovers(project) == []


@pytest.mark.fault("Build", "disk full while the lock is written: says so and which file, the lock as it was")
def test_a_full_disk_while_writing_the_lock_names_it_and_keeps_the_old_one(tmp_path: Path, marker: str) -> None:
    project = light_project(tmp_path, "alpha", "beta")
    built(project, marker, "lock", "--quiet")
    lock = project / "catalogue" / "catalogue.lock"
    before = lock.read_bytes()
    catalogue = project / "catalogue" / "catalogue.yaml"
    catalogue.write_text(catalogue.read_text().split("  - id: beta")[0], encoding="utf-8")  # the lock must change

    full = build(project, marker, "lock", "--quiet", file_size_limit=512)

    assert full.finish() == 2
    assert full.stderr == disk_full(lock, lock) + "\n"
    assert lock.read_bytes() == before
    assert leftovers(project) == []


@pytest.mark.fault("Build", "disk full while a page is written: says so and which page, the pages as they were")
def test_a_full_disk_while_writing_a_page_names_it_and_keeps_the_old_pages(tmp_path: Path, marker: str) -> None:
    project, before = built_then_retitled(tmp_path, marker)

    full = build(project, marker, "render", file_size_limit=1024)

    assert full.finish() == 2
    models = project / "docs" / "models"
    assert full.stderr == disk_full(models / "alpha.md", models) + "\n"
    assert outputs(project) == before
    assert leftovers(project) == []


@pytest.mark.fault("Build", "disk full while the site is written: says so and which file, the site as it was")
def test_a_full_disk_while_writing_the_site_names_the_file_and_keeps_the_old_site(tmp_path: Path, marker: str) -> None:
    project, before = built_then_retitled(tmp_path, marker)

    full = build(project, marker, "build", "--quiet", file_size_limit=64 * 1024)

    assert full.finish() == 2
    (line,) = full.stderr.splitlines()
    site = project / "site"
    written = line.split("could not write ", 1)[1].split(" (", 1)[0]
    assert written.startswith(f"{site / 'assets'}/")  # MkDocs was copying the theme's scripts
    assert line == disk_full(written, site)
    assert outputs(project)["site"] == before["site"]
    assert leftovers(project) == []
