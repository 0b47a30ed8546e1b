"""The whole build on real git repositories: good, broken, slow, hostile and unreachable hubs, one catalogue."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator import pipeline
from generator.config import ProjectConfig, load_config
from generator.errors import InvalidInputError
from generator.lock import device_key, read_lock, write_lock
from generator.lock.docstrings import read_docstrings, text_sha256
from generator.lock.records import SmokeResult
from generator.verify.plan import not_run_reason
from support.hubrepos import CATALOGUE_HEAD, GOOD_HUBCONF, HubRepo, entry_yaml, make_hub_repo, make_project

# Imports a package it does not declare: its environment lacks it.
BROKEN_HUBCONF = '''
dependencies = ["torch"]

import definitely_not_installed_pkg


def model(pretrained=False):
    """Never importable here."""
'''

SLOW_HUBCONF = '''
dependencies = []


def sleepy(pretrained=False):
    """Takes forever to load."""
    import time

    time.sleep(600)
'''

# One entrypoint per way a hub can misbehave while loading; none of them may take the build down.
HOSTILE_HUBCONF = """
dependencies = []


def exits(pretrained=False):
    import sys

    sys.exit(3)


def crashes(pretrained=False):
    import ctypes

    ctypes.string_at(0)


def floods(pretrained=False):
    while True:
        print("x" * 100_000)


def hoards(pretrained=False):
    return bytearray(2**40)


def raises(pretrained=False):
    raise RuntimeError("no weights for you")
"""


# What these tests verify on, whatever the machine has: a GPU machine runs them too.
CPU = ("cpu",)


class Steps:
    """A progress display that records what it is told."""

    def __init__(self) -> None:
        self.steps: list[tuple[str, str]] = []

    def begin(self, total: int) -> None:
        self.steps.append(("", f"begin {total}"))

    def stage(self, entry_id: str, stage: str) -> None:
        self.steps.append((entry_id, stage))

    def finished(self, entry_id: str, outcome: str, seconds: float) -> None:
        self.steps.append((entry_id, f"finished {outcome}"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[ProjectConfig, dict[str, HubRepo]]:
    """One full build of a four-entry catalogue, shared by the tests that only read its results."""
    root = tmp_path_factory.mktemp("pipeline")
    repos = {
        "good": make_hub_repo(root / "good", {"hubconf.py": GOOD_HUBCONF}),
        "broken": make_hub_repo(root / "broken", {"hubconf.py": BROKEN_HUBCONF}),
        "slow": make_hub_repo(root / "slow", {"hubconf.py": SLOW_HUBCONF}),
        "hostile": make_hub_repo(root / "hostile", {"hubconf.py": HOSTILE_HUBCONF}),
    }
    catalogue = CATALOGUE_HEAD + "".join(
        [
            entry_yaml("good", repos["good"].url, repos["good"].commit, smoke="{input: {shape: [2, 4]}}"),
            entry_yaml("broken", repos["broken"].url, repos["broken"].commit),
            entry_yaml("slow", repos["slow"].url, repos["slow"].commit, smoke="{timeout: 3}"),
            entry_yaml("hostile", repos["hostile"].url, repos["hostile"].commit, smoke="{timeout: 60}"),
            entry_yaml("gone", "file:///nowhere/at/all.git", "0123456789abcdef0123456789abcdef01234567"),
        ]
    )
    config = load_config(make_project(root / "project", catalogue))
    with pytest.MonkeyPatch.context() as patch:  # module scope: the autouse cache fixture is not active yet
        patch.setenv("PINHUB_BUILD_CACHE", str(root / "build-cache"))
        patch.setenv("TORCH_HOME", str(root / "torch-home"))
        pipeline.build(config, pipeline.LockOptions(jobs=2, devices=CPU))
    return config, repos


def lock_json(config: ProjectConfig) -> dict[str, dict]:  # type: ignore[type-arg]
    # Through the reader: the file leaves out fields at their default.
    entries: dict[str, dict] = read_lock(config.lock).model_dump(mode="json")["entries"]  # type: ignore[type-arg]
    return entries


def html(config: ProjectConfig, entry_id: str) -> str:
    return (config.site_dir / "models" / entry_id / "index.html").read_text(encoding="utf-8")


def test_a_good_hub_is_introspected_and_smoke_loaded(built: tuple[ProjectConfig, dict[str, HubRepo]]) -> None:
    config, repos = built
    good = lock_json(config)["good"]
    assert good["commit"] == repos["good"].commit
    assert good["dependencies"] == ["torch"]
    assert good["introspection"] == "dynamic"
    tiny, tokenizer = good["entrypoints"]
    assert (tiny["name"], tiny["kind"], tiny["signature"]) == (
        "tiny",
        "function",
        "(pretrained: bool = False, width: int = 4) -> torch.nn.modules.module.Module",
    )
    cpu = tiny["smoke"]["cpu"]
    assert cpu["status"] == "ok" and cpu["parameters"] == 15 and cpu["is_module"]
    assert (cpu["input_shape"], cpu["output_shape"], cpu["output_dtype"]) == ([2, 4], [2, 3], "float32")
    assert cpu["model"]["methods"] == ["classes"]
    # A hub outside the project keeps its text out of the lock: a hash there, the text in the build cache.
    forward = "Scores for 3 classes from 4 features."
    assert cpu["model"]["forward_doc"] == "" and cpu["model"]["forward_doc_sha256"] == text_sha256(forward)
    assert tiny["docstring"] == "" and tiny["docstring_sha256"]
    texts = read_docstrings(config.cache_dir, read_lock(config.lock).entries["good"])
    assert texts["tiny.forward"] == forward and texts["tiny"].startswith("A tiny classifier.")
    assert tiny["smoke"]["cuda"]["status"] == "skipped"
    assert tokenizer["smoke"]["cpu"]["status"] == "ok" and not tokenizer["smoke"]["cpu"]["is_module"]


def test_the_good_page_shows_the_pinned_snippet_and_escaped_docstring(
    built: tuple[ProjectConfig, dict[str, HubRepo]],
) -> None:
    config, repos = built
    page = html(config, "good")
    assert repos["good"].commit in page
    assert "Returns a &lt;b&gt;module&lt;/b&gt; with 15 parameters." in page
    assert "<b>module</b>" not in page


def test_a_hub_that_cannot_be_imported_falls_back_to_its_source(
    built: tuple[ProjectConfig, dict[str, HubRepo]],
) -> None:
    config, _ = built
    broken = lock_json(config)["broken"]
    assert broken["introspection"] == "static"
    assert broken["missing_packages"] == ["definitely_not_installed_pkg"]
    assert broken["introspection_error"].startswith("missing dependencies: definitely_not_installed_pkg")
    assert [e["name"] for e in broken["entrypoints"]] == ["model"]
    assert broken["entrypoints"][0]["smoke"]["cpu"]["status"] == "missing-dependency"
    assert "definitely_not_installed_pkg" in html(built[0], "broken")


def test_a_hub_that_hangs_fails_alone(built: tuple[ProjectConfig, dict[str, HubRepo]]) -> None:
    config, _ = built
    cpu = lock_json(config)["slow"]["entrypoints"][0]["smoke"]["cpu"]
    assert cpu["status"] == "timeout"
    assert cpu["reason"] == "timed out after 3 s"


def test_each_way_of_misbehaving_fails_one_entrypoint_with_its_reason(
    built: tuple[ProjectConfig, dict[str, HubRepo]],
) -> None:
    config, _ = built
    hostile = {e["name"]: e["smoke"]["cpu"] for e in lock_json(config)["hostile"]["entrypoints"]}
    assert {name: result["status"] for name, result in hostile.items()} == dict.fromkeys(hostile, "error")
    assert hostile["exits"]["reason"] == "SystemExit: the hub called sys.exit(3)"
    assert hostile["crashes"]["reason"] == "killed by signal SIGSEGV"
    assert "more output than the sandbox allows" in hostile["floods"]["reason"]
    assert hostile["hoards"]["error_type"] == "MemoryError"
    assert hostile["raises"]["reason"] == "RuntimeError: no weights for you"
    assert lock_json(config)["good"]["entrypoints"][0]["smoke"]["cpu"]["status"] == "ok"


def test_an_unreachable_repo_is_marked_never_verified(built: tuple[ProjectConfig, dict[str, HubRepo]]) -> None:
    config, _ = built
    gone = lock_json(config)["gone"]
    assert gone["entrypoints"] == [] and "cannot fetch" in gone["stale"]["reason"]
    assert "Not yet verified" in html(config, "gone")


def test_trying_an_unreachable_repo_again_leaves_the_lock_as_it_was(
    built: tuple[ProjectConfig, dict[str, HubRepo]],
) -> None:
    """An offline rebuild must not rewrite the committed lock with a new timestamp per unreachable entry."""
    config, _ = built
    before = config.lock.read_bytes()
    report = pipeline.lock(config, pipeline.LockOptions(only=("gone",)))
    assert not report.written
    assert config.lock.read_bytes() == before


def test_a_rebuild_with_nothing_changed_reuses_everything(
    built: tuple[ProjectConfig, dict[str, HubRepo]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Clones nothing (an empty cache stays empty), imports nothing and runs no model."""
    config, _ = built
    before = config.lock.read_bytes()
    monkeypatch.setenv("PINHUB_BUILD_CACHE", str(tmp_path / "empty-cache"))
    steps = Steps()
    options = pipeline.LockOptions(only=("good", "broken", "slow", "hostile"), progress=steps, jobs=2)
    report = pipeline.lock(config, options)
    assert report.rebuilt == [] and not report.written
    assert config.lock.read_bytes() == before
    assert not (tmp_path / "empty-cache").exists()
    # Reuse needs nothing from the repositories: no fetch, no environment, no import.
    assert {stage for _, stage in steps.steps} == {"begin 4", "finished reused"}


def copy_project(config: ProjectConfig, folder: Path) -> ProjectConfig:
    """A copy of the built project, to change without disturbing the other tests."""
    shutil.copytree(config.root, folder, ignore=shutil.ignore_patterns("site"))
    return load_config(folder)


def test_cuda_results_of_a_gpu_machine_survive_a_cpu_rebuild(
    built: tuple[ProjectConfig, dict[str, HubRepo]], tmp_path: Path
) -> None:
    """Results for a device this machine lacks are carried over while the rest of the key matches."""
    copy = copy_project(built[0], tmp_path / "copy")
    lock = read_lock(copy.lock)
    good = lock.entries["good"]
    gpu = SmokeResult(status="ok", seconds=0.2, parameters=15, is_module=True, peak_device_memory_mb=8.0)
    for entrypoint in good.entrypoints:
        entrypoint.smoke["cuda"] = gpu
    good.device_keys["cuda"] = device_key(good.key, "cuda")
    write_lock(copy.lock, lock)
    report = pipeline.lock(copy, pipeline.LockOptions(only=("good",), force=True, jobs=2, devices=CPU))
    assert report.rebuilt == ["good"]
    rebuilt = read_lock(copy.lock).entries["good"]
    assert rebuilt.verified_at >= good.verified_at
    assert [e.smoke["cuda"] for e in rebuilt.entrypoints] == [gpu, gpu]
    assert set(rebuilt.device_keys) == {"cpu", "cuda"}
    assert rebuilt.entrypoints[0].smoke["cpu"].status == "ok"

    text = copy.catalogue.read_text().replace("{input: {shape: [2, 4]}}", "{input: {shape: [5, 4]}}")
    copy.catalogue.write_text(text)  # the key changes: the CUDA results no longer hold
    pipeline.lock(copy, pipeline.LockOptions(only=("good",), jobs=2, devices=CPU))
    changed = read_lock(copy.lock).entries["good"]
    assert changed.entrypoints[0].smoke["cuda"].status == "skipped"
    assert changed.entrypoints[0].smoke["cuda"].reason == not_run_reason("cuda")  # whether or not there is a GPU
    assert set(changed.device_keys) == {"cpu"}


def test_an_entry_that_can_no_longer_be_fetched_keeps_its_data_with_a_notice(
    built: tuple[ProjectConfig, dict[str, HubRepo]], tmp_path: Path
) -> None:
    config, repos = built
    copy = copy_project(config, tmp_path / "copy")
    shutil.rmtree(Path(repos["good"].path))  # upstream disappears ...
    cache = copy.root.parent / "empty-cache"
    text = copy.catalogue.read_text().replace("{input: {shape: [2, 4]}}", "{input: {shape: [3, 4]}}")
    copy.catalogue.write_text(text)  # ... and the entry changed, so the build must fetch again
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PINHUB_BUILD_CACHE", str(cache))
        pipeline.lock(copy, pipeline.LockOptions(only=("good",)))
    good = lock_json(copy)["good"]
    assert good["stale"]["reason"].startswith("cannot fetch")
    assert good["entrypoints"][0]["smoke"]["cpu"]["status"] == "ok"  # the last verified data is kept
    pipeline.render(copy)
    assert "could not be fetched" in (copy.generated_dir / "good.md").read_text()


def test_a_malformed_catalogue_writes_nothing(tmp_path: Path) -> None:
    config = load_config(make_project(tmp_path / "project", CATALOGUE_HEAD + "  - id: Not A Slug\n"))
    with pytest.raises(InvalidInputError, match=r"catalogue.yaml:\d+: models\[0\].id: expected a slug"):
        pipeline.build(config, pipeline.LockOptions())
    assert not config.lock.exists()
    assert not config.generated_dir.exists()
    assert not config.site_dir.exists()


def test_an_entrypoint_the_catalogue_smoke_loads_on_cuda_only_is_not_loaded_on_cpu(tmp_path: Path) -> None:
    """Hubs that move their model to CUDA unconditionally would always fail a CPU smoke load."""
    good = make_hub_repo(tmp_path / "good", {"hubconf.py": GOOD_HUBCONF})
    smoke = "{entrypoints: {tiny: {devices: [cuda]}}}"
    config = load_config(
        make_project(tmp_path / "project", CATALOGUE_HEAD + entry_yaml("gpu", good.url, good.commit, smoke=smoke))
    )
    record = pipeline.lock(config, pipeline.LockOptions(devices=("cpu",))).lock.entries["gpu"]
    tiny = next(e for e in record.entrypoints if e.name == "tiny")
    tokenizer = next(e for e in record.entrypoints if e.name == "tokenizer")
    assert tiny.smoke["cpu"].status == "skipped"
    assert tiny.smoke["cpu"].reason == "the catalogue smoke-loads it on CUDA only"
    assert tokenizer.smoke["cpu"].status == "ok"  # the override is for `tiny` alone
