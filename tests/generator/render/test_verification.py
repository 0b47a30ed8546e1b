"""What the build verified, as pages, notebooks and catalogue.json say it: the lock's verdict, its
environments pinned in every install line, each status with what it means, helpers that fail nothing."""

from __future__ import annotations

import json
from typing import get_args

import nbformat
import pytest

from generator.catalogue import Catalogue
from generator.config import ProjectConfig
from generator.lock.records import STATUS_MEANINGS, EntrypointLock, Environment, Lock, SmokeResult, Status
from generator.render import render_pages
from tests.generator.render.conftest import CPU_ENVIRONMENT
from tests.generator.render.site_markdown import html_of, text_of

WHEEL = "https://pinhub.github.io/pinhub/simple/pinhub/pinhub-0.1.0-py3-none-any.whl"
PINNED = '"torch==2.14.1" "torchvision==0.29.1" "pillow==11.0.0" "numpy==2.1.3" "timm==1.0.9"'
LOADED = SmokeResult(status="ok", seconds=0.5, parameters=15, returned="hubconf.Net", is_module=True)


def with_record(lock: Lock, **changes: object) -> Lock:
    """The lock with the `tiny` record changed."""
    record = lock.entries["tiny"].model_copy(update=changes)
    return lock.model_copy(update={"entries": {"tiny": record}})


def entrypoints(*found: EntrypointLock) -> list[EntrypointLock]:
    return list(found)


def helper(name: str, status: Status) -> EntrypointLock:
    """An entrypoint the catalogue does not feature, which only needs arguments or the network."""
    reason = {"needs-arguments": "TypeError: missing 'path'", "needs-network": "URLError: no network"}[status]
    return EntrypointLock(
        name=name, kind="class", featured=False, smoke={"cpu": SmokeResult(status=status, reason=reason)}
    )


def rendered(catalogue: Catalogue, lock: Lock, config: ProjectConfig, entry_id: str = "tiny") -> str:
    render_pages(catalogue, lock, config)
    return (config.generated_dir / f"{entry_id}.md").read_text(encoding="utf-8")


def entries_json(config: ProjectConfig) -> dict[str, dict[str, object]]:
    document = json.loads((config.docs_dir / "catalogue.json").read_text(encoding="utf-8"))
    return {entry["id"]: entry for entry in document["entries"]}


@pytest.fixture
def verified(lock: Lock) -> Lock:
    """The `tiny` record with its broken entrypoint not featured: the entry is verified."""
    found = [
        e.model_copy(update={"featured": e.featured and e.name != "broken"}) for e in lock.entries["tiny"].entrypoints
    ]
    return with_record(lock, entrypoints=found)


def test_a_verified_page_names_and_pins_what_it_was_verified_with(
    catalogue: Catalogue, verified: Lock, config: ProjectConfig
) -> None:
    text = rendered(catalogue, verified, config)
    line = (
        "Verified with torch 2.14.1+cpu, torchvision 0.29.1+cpu, pillow==11.0.0, numpy==2.1.3, timm==1.0.9 "
        "(Python 3.11) on 2026-11-28"
    )
    assert line in text
    assert f"pip install {WHEEL} {PINNED}\n" in text
    assert "the exact versions the build verified the model with" in text
    assert "rm -rf" not in text and "evil" not in text
    notebook = nbformat.read(str(config.generated_dir / "tiny.ipynb"), as_version=4)
    assert notebook.cells[1].source == f"%pip install --quiet {WHEEL} {PINNED}"
    assert entries_json(config)["tiny"]["requirements"] == [p.strip('"') for p in PINNED.split()]


def test_devices_verified_in_different_environments_are_named(
    catalogue: Catalogue, verified: Lock, config: ProjectConfig
) -> None:
    gpu = Environment(python="3.11", packages=["pillow==11.0.0", "timm==1.0.9", "torch==2.14.1+cu128"])
    lock = verified.model_copy(update={"environments": {**verified.environments, gpu.id: gpu}})
    lock = with_record(lock, environments={"cpu": CPU_ENVIRONMENT.id, "cuda": gpu.id})
    text = rendered(catalogue, lock, config)
    assert (
        "Verified with torch 2.14.1+cpu, torchvision 0.29.1+cpu, pillow==11.0.0, numpy==2.1.3, timm==1.0.9 "
        "(Python 3.11) on CPU and with torch 2.14.1+cu128, pillow==11.0.0, timm==1.0.9 (Python 3.11) on GPU, "
        "on 2026-11-28"
    ) in text
    assert f"pip install {WHEEL} {PINNED}\n" in text  # the install line follows the CPU environment


def test_a_failed_entry_still_pins_what_it_was_tried_with(
    catalogue: Catalogue, lock: Lock, config: ProjectConfig
) -> None:
    text = rendered(catalogue, lock, config)
    assert "Failed with torch 2.14.1+cpu" in text
    assert f"pip install {WHEEL} {PINNED}\n" in text


def test_entries_never_verified_keep_unpinned_lines(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> None:
    entries = [
        e.model_copy(update={"requirements": ["timm>=0.9", "opencv-python"]}) if e.id == "unpinned" else e
        for e in catalogue.models
    ]
    text = rendered(catalogue.model_copy(update={"models": entries}), lock, config, "unpinned")
    assert f'pip install {WHEEL} "timm>=0.9" opencv-python\n' in text
    assert "Not verified by any build yet" in text and "==" not in text.split("```bash", 1)[1].split("```", 1)[0]
    local = (config.generated_dir / "local.md").read_text(encoding="utf-8")
    assert f"pip install {WHEEL}\n" in local


@pytest.mark.parametrize("status", get_args(Status))
def test_each_status_shows_its_reason_and_what_it_means(
    catalogue: Catalogue, lock: Lock, config: ProjectConfig, status: Status
) -> None:
    result = SmokeResult(status=status, reason=f"why it was {status} <i>", error_type="ValueError")
    text = rendered(
        catalogue, with_record(lock, entrypoints=[EntrypointLock(name="tiny", smoke={"cpu": result})]), config
    )
    symbol = {"ok": "✓", "needs-network": "–", "skipped": "–"}.get(status, "✗")
    assert f"| CPU | {symbol} {status}: ` ValueError: why it was {status} <i> ` |" in text
    assert f"- **{status}**: {STATUS_MEANINGS[status]}" in text
    assert f"why it was {status} <i>" in text_of(html_of(text))


def test_helpers_that_need_arguments_or_the_network_never_fail_an_entry(
    catalogue: Catalogue, lock: Lock, config: ProjectConfig
) -> None:
    found = entrypoints(
        helper("Path", "needs-arguments"),
        helper("select_device", "needs-network"),
        EntrypointLock(name="tiny", smoke={"cpu": LOADED}),
    )
    text = rendered(catalogue, with_record(lock, entrypoints=found), config)
    assert '<span class="pinhub-badge pinhub-ok" title="2026-11-28 · Python 3.11">CPU ✓</span>' in text
    assert "failed" not in text and "✗" not in text
    assert (
        "<tr><td>Path</td><td data-search-exclude>class</td><td data-search-exclude>– needs-arguments</td></tr>" in text
    )
    assert (
        "<td>select_device</td><td data-search-exclude>class</td><td data-search-exclude>– needs-network</td>" in text
    )
    assert "- **needs-arguments**: " + STATUS_MEANINGS["needs-arguments"] in text
    assert "### ` Path `" not in text  # listed, not described in full
    index = (config.generated_dir / "index.md").read_text(encoding="utf-8")
    assert "| CPU ✓ |" in next(line for line in index.splitlines() if "(tiny.md)" in line)
    assert "1 verified by the last build" in index
    tiny = entries_json(config)["tiny"]
    assert tiny["verified"] is True and tiny["verdict"] == "verified"
    assert tiny["other_entrypoints"] == [
        {"kind": "class", "status": "needs-arguments", "names": ["Path"]},
        {"kind": "class", "status": "needs-network", "names": ["select_device"]},
    ]


def test_a_featured_entrypoint_that_needs_arguments_fails_the_entry(
    catalogue: Catalogue, lock: Lock, config: ProjectConfig
) -> None:
    needs = SmokeResult(status="needs-arguments", reason="TypeError: missing 'cfg'")
    found = entrypoints(
        EntrypointLock(name="tiny", smoke={"cpu": LOADED}), EntrypointLock(name="net", smoke={"cpu": needs})
    )
    text = rendered(catalogue, with_record(lock, entrypoints=found), config)
    assert "CPU ✗ failed" in text
    assert "| CPU | ✗ needs-arguments: ` TypeError: missing 'cfg' ` |" in text
    assert entries_json(config)["tiny"]["verdict"] == "failed"


def test_the_main_snippet_loads_a_featured_entrypoint_that_loaded_a_model(
    catalogue: Catalogue, lock: Lock, config: ProjectConfig
) -> None:
    network = SmokeResult(status="needs-network", reason="downloads weights")
    found = entrypoints(
        EntrypointLock(name="downloads", smoke={"cpu": network}),
        EntrypointLock(name="transform", smoke={"cpu": LOADED.model_copy(update={"is_module": False})}),
        EntrypointLock(name="net", smoke={"cpu": LOADED}),
    )
    text = rendered(catalogue, with_record(lock, entrypoints=found), config)
    pinhub_tab = text.split('=== "pinhub"', 1)[1].split("===", 1)[0]
    assert '"net",' in pinhub_tab and '"downloads"' not in pinhub_tab
    assert entries_json(config)["tiny"]["default_entrypoint"] == "net"


def test_entrypoints_read_from_source_are_marked_so(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> None:
    found = entrypoints(EntrypointLock(name="net", signature="(pretrained=False)", defined_at="hubconf.py:3"))
    static = with_record(lock, introspection="static", introspection_error="No module named 'timm'", entrypoints=found)
    text = rendered(catalogue, static, config)
    section = text.split("## Entrypoints", 1)[1]
    assert "Read from hubconf.py's source: it could not be imported, so these entrypoints were not loaded." in section
    assert '### ` net ` <span class="pinhub-kind">read from source</span>' in section
    assert "Not smoke-loaded." not in section
    assert "import ✗ failed" in text


def test_catalogue_json_keeps_the_loaders_fields(catalogue: Catalogue, verified: Lock, config: ProjectConfig) -> None:
    render_pages(catalogue, verified, config)
    text = (config.docs_dir / "catalogue.json").read_text(encoding="utf-8")
    assert len(text.splitlines()) == 2 + len(catalogue.models)  # the site's fields, one line an entry, the end
    tiny = entries_json(config)["tiny"]
    assert (tiny["verified"], tiny["default_entrypoint"], tiny["pinned"]) == (True, "tiny", True)
    assert [e["name"] for e in tiny["entrypoints"]] == ["tiny", "tokenizer"]  # type: ignore[attr-defined]
    assert tiny["other_entrypoints"] == [
        {"kind": "function", "status": "error", "names": ["broken"]},
        {"kind": "class", "status": "needs-arguments", "names": ["Path"]},
    ]


def test_an_entry_whose_models_need_the_network_says_so_without_failing(
    catalogue: Catalogue, lock: Lock, config: ProjectConfig
) -> None:
    network = SmokeResult(status="needs-network", reason="downloads its weights")
    text = rendered(
        catalogue, with_record(lock, entrypoints=[EntrypointLock(name="net", smoke={"cpu": network})]), config
    )
    assert (
        '<span class="pinhub-badge pinhub-needs-network" title="2026-11-28 · Python 3.11">CPU needs the network</span>'
        in text
    )
    assert "Checked with torch 2.14.1+cpu" in text and "failed" not in text
    index = (config.generated_dir / "index.md").read_text(encoding="utf-8")
    assert "| CPU ↓ |" in next(line for line in index.splitlines() if "(tiny.md)" in line)
    assert entries_json(config)["tiny"]["verdict"] == "unverified"


def test_the_notebook_says_what_its_install_cell_installs(
    catalogue: Catalogue, verified: Lock, config: ProjectConfig
) -> None:
    render_pages(catalogue, verified, config)
    pinned = nbformat.read(str(config.generated_dir / "tiny.ipynb"), as_version=4).cells[0].source
    assert "installs `pinhub`, the loader, and the versions the build verified the model with;" in pinned
    unpinned = nbformat.read(str(config.generated_dir / "local.ipynb"), as_version=4).cells[0].source
    assert "installs `pinhub`, the loader, and the model's dependencies;" in unpinned


def test_an_entry_whose_requirements_could_not_be_installed_says_why(
    catalogue: Catalogue, lock: Lock, config: ProjectConfig
) -> None:
    error = "No matching distribution for timm==99 <b>"
    broken = with_record(lock, introspection="none", environments={}, entrypoints=[], environment_error=error)
    html = html_of(rendered(catalogue, broken, config))
    assert (
        "The build could not install its requirements (<code>No matching distribution for timm==99 &lt;b&gt;</code>)"
        in html
    )
    assert "not verified" in html and "✓" not in html
    assert entries_json(config)["tiny"]["verdict"] == "failed"  # a maintainer must fix its requirements
