"""The whole build on real git repositories: good, broken, slow and unreachable hubs, one catalogue."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator import pipeline
from generator.config import ProjectConfig, load_config
from generator.errors import InvalidInputError
from tests.generator.hubrepos import CATALOGUE_HEAD, GOOD_HUBCONF, HubRepo, entry_yaml, make_hub_repo, make_project

BROKEN_HUBCONF = '''
dependencies = ["torch", "definitely_not_installed_pkg"]

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


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[ProjectConfig, dict[str, HubRepo]]:
    """One full build of a four-entry catalogue, shared by the tests that only read its results."""
    root = tmp_path_factory.mktemp("pipeline")
    repos = {
        "good": make_hub_repo(root / "good", {"hubconf.py": GOOD_HUBCONF}),
        "broken": make_hub_repo(root / "broken", {"hubconf.py": BROKEN_HUBCONF}),
        "slow": make_hub_repo(root / "slow", {"hubconf.py": SLOW_HUBCONF}),
    }
    catalogue = CATALOGUE_HEAD + "".join(
        [
            entry_yaml("good", repos["good"].url, repos["good"].commit, smoke="{input: {shape: [2, 4]}}"),
            entry_yaml("broken", repos["broken"].url, repos["broken"].commit),
            entry_yaml("slow", repos["slow"].url, repos["slow"].commit, smoke="{timeout: 3}"),
            entry_yaml("gone", "file:///nowhere/at/all.git", "0123456789abcdef0123456789abcdef01234567"),
        ]
    )
    config = load_config(make_project(root / "project", catalogue))
    with pytest.MonkeyPatch.context() as patch:  # module scope: the autouse cache fixture is not active yet
        patch.setenv("PINHUB_BUILD_CACHE", str(root / "build-cache"))
        patch.setenv("TORCH_HOME", str(root / "torch-home"))
        pipeline.build(config, pipeline.LockOptions())
    return config, repos


def lock_json(config: ProjectConfig) -> dict[str, dict]:  # type: ignore[type-arg]
    entries: dict[str, dict] = json.loads(config.lock.read_text())["entries"]  # type: ignore[type-arg]
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
    assert cpu["model"]["forward_doc"] == "Scores for 3 classes from 4 features."
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
    assert "md-clipboard" in page or "content.code.copy" in (config.mkdocs_yml.read_text())


def test_a_hub_that_cannot_be_imported_falls_back_to_its_source(
    built: tuple[ProjectConfig, dict[str, HubRepo]],
) -> None:
    config, _ = built
    broken = lock_json(config)["broken"]
    assert broken["introspection"] == "static"
    assert "No module named 'definitely_not_installed_pkg'" in broken["introspection_error"]
    assert [e["name"] for e in broken["entrypoints"]] == ["model"]
    assert broken["entrypoints"][0]["smoke"]["cpu"]["status"] == "skipped"
    assert "definitely_not_installed_pkg" in html(built[0], "broken")


def test_a_hub_that_hangs_fails_alone(built: tuple[ProjectConfig, dict[str, HubRepo]]) -> None:
    config, _ = built
    cpu = lock_json(config)["slow"]["entrypoints"][0]["smoke"]["cpu"]
    assert cpu["status"] == "failed"
    assert cpu["reason"] == "timed out after 3 s"


def test_an_unreachable_repo_is_marked_never_verified(built: tuple[ProjectConfig, dict[str, HubRepo]]) -> None:
    config, _ = built
    gone = lock_json(config)["gone"]
    assert gone["entrypoints"] == [] and "cannot fetch" in gone["stale"]["reason"]
    assert "Not yet verified" in html(config, "gone")


def test_a_rebuild_with_nothing_changed_reuses_everything(built: tuple[ProjectConfig, dict[str, HubRepo]]) -> None:
    config, _ = built
    before = config.lock.read_bytes()
    report = pipeline.lock(config, pipeline.LockOptions(only=("good", "broken", "slow")))
    assert report.rebuilt == [] and not report.written
    assert config.lock.read_bytes() == before


def test_an_entry_that_can_no_longer_be_fetched_keeps_its_data_with_a_notice(
    built: tuple[ProjectConfig, dict[str, HubRepo]], tmp_path: Path
) -> None:
    config, repos = built
    project = tmp_path / "copy"
    shutil.copytree(config.root, project)
    copy = load_config(project)
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
    with pytest.raises(InvalidInputError, match=r"catalogue.yaml:6: models\[0\].id: expected a slug"):
        pipeline.build(config, pipeline.LockOptions())
    assert not config.lock.exists()
    assert not config.generated_dir.exists()
    assert not config.site_dir.exists()
