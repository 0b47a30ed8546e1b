"""The build commands as CI runs them: lock with jobs, shards and strictness; merge; their messages."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from generator.cli import main
from generator.lock import read_lock, read_shard
from generator.lock.shards import shard_of
from support.hubrepos import CATALOGUE_HEAD, entry_yaml, make_hub_repo, make_project
from tests.generator.commands.test_progress import Terminal

LIGHT_HUBCONF = '''
dependencies = []


def model(pretrained=False):
    """A model that needs nothing, not even torch."""
    return object()
'''

BROKEN_HUBCONF = """
raise RuntimeError("this hub cannot be imported")
"""

IDS = ["alpha", "beta", "gamma", "delta", "epsilon"]
NO_SMOKE = "{skip: only introspected in these tests}"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Five light hubs in one repo (five subdirs), one catalogue; smoke-loading skipped, introspection not."""
    repo = make_hub_repo(tmp_path / "upstream", {f"{e}/hubconf.py": LIGHT_HUBCONF for e in IDS})
    entries = [entry_yaml(e, repo.url, repo.commit, subdir=e, smoke=NO_SMOKE) for e in IDS]
    return make_project(tmp_path / "project", CATALOGUE_HEAD + "".join(entries))


def run(project: Path, *arguments: str) -> int:
    return main(["--root", str(project), *arguments])


def lock_entries(path: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    # Through the readers: the files leave out fields at their default.
    read = read_shard if "shard" in json.loads(path.read_text()) else read_lock
    entries: dict[str, dict] = read(path).model_dump(mode="json")["entries"]  # type: ignore[type-arg]
    return entries


def test_shards_of_a_matrix_merge_into_the_lock_a_single_run_writes(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shard_files = [tmp_path / f"shard-{i}.json" for i in (1, 2)]
    for index, path in enumerate(shard_files, start=1):
        assert run(project, "lock", "--quiet", "--shard", f"{index}/2", "--output", str(path)) == 0
        assert sorted(lock_entries(path)) == sorted(e for e in IDS if shard_of(e, 2) == index)
    assert not (project / "catalogue" / "catalogue.lock").exists(), "a shard run writes only its shard file"
    assert run(project, "merge", *map(str, shard_files)) == 0
    merged = lock_entries(project / "catalogue" / "catalogue.lock")
    assert sorted(merged) == sorted(IDS)
    assert "catalogue.lock: updated; 5 entries from shards" in capsys.readouterr().out
    assert run(project, "lock", "--quiet", "--jobs", "2") == 0
    assert "rebuilt 0 of 5 entries" in capsys.readouterr().out, "the merged lock is the lock a single run keeps"


def test_a_shard_needs_an_output_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(project, "lock", "--shard", "1/2") == 2
    assert "--shard needs --output PATH" in capsys.readouterr().err


def test_a_malformed_shard_is_a_usage_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        run(project, "lock", "--shard", "3/2", "--output", "x.json")
    assert exited.value.code == 2
    assert "expected a shard as I/N with 1 <= I <= N" in capsys.readouterr().err


def test_a_broken_shard_file_is_named_and_nothing_is_written(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bad.json").write_text("{not json")
    assert run(project, "merge", str(tmp_path / "bad.json"), str(tmp_path / "absent.json")) == 2
    err = capsys.readouterr().err
    assert "bad.json:1: invalid JSON" in err and "absent.json: file not found" in err
    assert not (project / "catalogue" / "catalogue.lock").exists()


def test_jobs_show_each_step_and_a_summary_table(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(project, "lock", "--jobs", "2") == 0
    captured = capsys.readouterr()
    for entry_id in IDS:  # not a terminal: one line per step, as a CI log shows it
        assert f"] {entry_id}: fetch\n" in captured.err
        assert f"] {entry_id}: introspect\n" in captured.err
        assert f"? {entry_id}: unverified (" in captured.err  # introspected; the catalogue skips its loads
    header = captured.out.splitlines()[0].split()
    assert header == ["entry", "commit", "featured", "smoke", "cpu", "smoke", "cuda", "this", "run"]
    assert "rebuilt 5 of 5 entries" in captured.out


def test_strict_fails_the_run_when_an_entry_failed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = make_hub_repo(tmp_path / "good", {"hubconf.py": LIGHT_HUBCONF})
    broken = make_hub_repo(tmp_path / "broken", {"hubconf.py": BROKEN_HUBCONF})
    catalogue = CATALOGUE_HEAD + entry_yaml("good", good.url, good.commit, smoke=NO_SMOKE)
    catalogue += entry_yaml("broken", broken.url, broken.commit)
    project = make_project(tmp_path / "project", catalogue)
    assert run(project, "lock", "--quiet") == 0
    assert run(project, "lock", "--quiet", "--strict") == 1
    assert "--strict: 1 entries failed or are unverified: broken" in capsys.readouterr().err


def test_a_device_this_machine_lacks_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = run(project, "lock", "--device", "cuda")
    if status == 0:
        pytest.skip("this machine has a CUDA device")
    assert status == 2
    assert "--device cuda: this machine has only cpu" in capsys.readouterr().err


def test_an_entry_the_generator_chokes_on_fails_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A subdir too long for the file system makes the fetch stage raise an OSError: a bug, met on one entry."""
    good = make_hub_repo(tmp_path / "good", {"hubconf.py": LIGHT_HUBCONF})
    catalogue = CATALOGUE_HEAD + entry_yaml("good", good.url, good.commit, smoke=NO_SMOKE)
    catalogue += entry_yaml("long", good.url, good.commit, subdir="x" * 300, smoke=NO_SMOKE)
    project = make_project(tmp_path / "project", catalogue)
    assert run(project, "lock", "--quiet", "--jobs", "2", "--strict") == 1
    entries = lock_entries(project / "catalogue" / "catalogue.lock")
    assert entries["good"]["introspection"] == "dynamic"
    assert entries["long"]["introspection_error"].startswith("the generator failed on this entry (OSError:")
    assert "Traceback" in capsys.readouterr().err


def test_a_package_the_hub_imports_without_declaring_it_is_named_and_requirements_fix_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The build names what is missing; the maintainer's `requirements:` changes what the entry asks for."""
    undeclared = make_hub_repo(tmp_path / "hub", {"hubconf.py": "import undeclared_pkg.models\n" + LIGHT_HUBCONF})
    entry = entry_yaml("hub", undeclared.url, undeclared.commit)
    project = make_project(tmp_path / "project", CATALOGUE_HEAD + entry)
    assert run(project, "lock", "--quiet") == 0
    record = lock_entries(project / "catalogue" / "catalogue.lock")["hub"]
    assert (record["introspection"], record["missing_packages"]) == ("static", ["undeclared_pkg"])
    assert record["entrypoints"][0]["smoke"]["cpu"]["status"] == "missing-dependency"
    assert run(project, "lock", "--quiet") == 0
    assert "rebuilt 0 of 1 entries" in capsys.readouterr().out
    catalogue = project / "catalogue" / "catalogue.yaml"
    catalogue.write_text(catalogue.read_text() + "    requirements: [undeclared_pkg]\n")
    assert run(project, "lock", "--quiet") == 0
    assert "rebuilt 1 of 1 entries" in capsys.readouterr().out
    record = lock_entries(project / "catalogue" / "catalogue.lock")["hub"]
    assert record["environment_error"].startswith("cannot install undeclared_pkg: ")


def test_an_entry_awaiting_a_pin_is_not_fetched_and_strict_lets_it_be(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = make_hub_repo(tmp_path / "good", {"hubconf.py": LIGHT_HUBCONF})
    catalogue = CATALOGUE_HEAD + entry_yaml("good", good.url, good.commit, smoke=NO_SMOKE, requirements="[pyyaml]")
    catalogue += entry_yaml("later", "owner/name", awaiting_pin="the upstream has no release yet")
    project = make_project(tmp_path / "project", catalogue)
    assert run(project, "lock", "--strict") == 0
    captured = capsys.readouterr()
    assert "later:" not in captured.err, "nothing is attempted for it"
    assert [line.split()[:2] for line in captured.out.splitlines() if line.startswith("later")] == [["later", "-"]]
    assert "awaiting a pin" in captured.out
    entries = lock_entries(project / "catalogue" / "catalogue.lock")
    assert sorted(entries) == ["good"]
    assert entries["good"]["requirements"] == ["pyyaml"]  # installed in its environment


def test_a_terminal_gets_the_live_display_unless_quiet(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    quiet = Terminal()
    monkeypatch.setattr(sys, "stderr", quiet)
    assert run(project, "lock", "--quiet") == 0
    assert quiet.getvalue() == ""
    live = Terminal()
    monkeypatch.setattr(sys, "stderr", live)
    assert run(project, "lock", "--force", "--jobs", "2") == 0
    assert "\x1b[" in live.getvalue()
    # Once done, the table of entries in progress is gone and one line per finished entry remains.
    assert sorted(line.split(":")[0] for line in live.screen()) == sorted(f"? {e}" for e in IDS)
