"""A real MkDocs site from a catalogue and a lock written in the test: render, then `mkdocs build`, nothing else.

The project is a folder made from this working tree (mkdocs.yml, the hand-written docs/, overrides/)
whose docs/models/ and catalogue.json come from `render_pages`; `build_site` builds it with MkDocs and
Material exactly as the pipeline does. No hub is fetched, imported or loaded: the lock says what a
build found, so a test can give it any shape (hostile docstrings, a thousand entrypoints).

`synthetic_lock` writes a lock for a catalogue as a build would: one environment, featured entrypoints
that loaded, docstrings in the build cache, and optionally one entry whose hub lists many names;
`with_hostile_hub` adds an entry whose hub text tries to become markup.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.catalogue.model import Catalogue, Entry
from generator.config import ProjectConfig, load_config
from generator.lock.docstrings import text_sha256, write_docstrings
from generator.lock.records import EntryLock, EntrypointLock, Environment, Lock, ModelFacts, SmokeResult
from generator.render import render_pages
from generator.site import build_site
from generator.site.build import SiteBuild
from support.hubrepos import PROJECT_ROOT
from tests.generator.render.hostile import HOSTILE_DOCSTRING

ENVIRONMENT = Environment(
    python="3.11",
    packages=["numpy==2.1.3", "pillow==11.0.0", "timm==1.0.9", "torch==2.14.1+cpu", "torchvision==0.29.1+cpu"],
)
COMMIT = "0123456789abcdef0123456789abcdef01234567"
VERIFIED_AT = "2026-11-28T12:00:00+00:00"


@dataclass(frozen=True)
class RenderedSite:
    """A project rendered from a test's catalogue and lock, and built by MkDocs."""

    config: ProjectConfig
    build: SiteBuild

    @property
    def site(self) -> Path:
        """The built site."""
        return self.build.site_dir

    def page(self, path: str) -> str:
        """The built HTML at `path` ('models/x' means its index.html)."""
        target = self.site / path
        return (target / "index.html" if target.is_dir() else target).read_text(encoding="utf-8")


def make_project(root: Path) -> ProjectConfig:
    """A project in `root` with this tree's mkdocs.yml, hand-written docs and overrides (nothing generated)."""
    shutil.copy(PROJECT_ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(PROJECT_ROOT / "overrides", root / "overrides")
    ignore = shutil.ignore_patterns("models", "catalogue.json", "simple")
    shutil.copytree(PROJECT_ROOT / "docs", root / "docs", ignore=ignore)
    base = load_config(root)
    return ProjectConfig(**{**vars(base), "build_dir": root / ".build", "loader_version": "0.1.0"})


def rendered_site(
    root: Path,
    catalogue: Catalogue,
    lock: Lock,
    texts: dict[str, dict[str, str]],
    votes: dict[str, int] | None = None,
) -> RenderedSite:
    """Render `catalogue` + `lock` into a new project in `root` and build it.

    `texts` are the docstrings the build keeps in its cache, by entry id (see `write_docstrings`);
    `votes` the reactions per entry id, which add a column to the tables.
    """
    config = make_project(root)
    for entry_id, entry_texts in texts.items():
        write_docstrings(config.cache_dir, lock.entries[entry_id], entry_texts)
    render_pages(catalogue, lock, config, votes=votes)
    return RenderedSite(config, build_site(config.mkdocs_yml, config.site_dir))


def real_catalogue(size: int | None = None) -> Catalogue:
    """This project's catalogue; with `size`, padded to that many entries by copies of its entries."""
    catalogue = Catalogue.model_validate(
        yaml.safe_load((PROJECT_ROOT / "catalogue" / "catalogue.yaml").read_text(encoding="utf-8"))
    )
    models = list(catalogue.models)
    while size and len(models) < size:
        original = catalogue.models[len(models) % len(catalogue.models)]
        models.append(original.model_copy(update={"id": f"{original.id}-copy-{len(models)}"}))
    return catalogue.model_copy(update={"models": models})


def loaded(parameters: int = 11_689_512) -> SmokeResult:
    """A CPU load of a module that went well, with everything the probe records."""
    return SmokeResult(
        status="ok",
        seconds=1.84,
        parameters=parameters,
        returned="torchvision.models.resnet.ResNet",
        is_module=True,
        input_shape=[1, 3, 224, 224],
        output_shape=[1, 1000],
        output_dtype="float32",
        forward_seconds=0.21,
        peak_memory_mb=412.0,
        model=ModelFacts(
            forward_signature="(x: torch.Tensor) -> torch.Tensor",
            forward_doc_sha256=text_sha256(FORWARD_DOC),
            methods=["features", "predict"],
            properties=["num_classes"],
        ),
    )


FORWARD_DOC = "Scores for each class.\n\nArgs:\n    x: a batch of images [N, 3, 224, 224]."
DOCSTRING = "Builds the model.\n\nArgs:\n    pretrained: load the published weights.\n\nReturns:\n    The model."


def featured(name: str) -> EntrypointLock:
    """A featured entrypoint that loaded on CPU and was skipped on GPU, its docstring in the cache."""
    return EntrypointLock(
        name=name,
        signature="(pretrained: bool = False, progress: bool = True, **kwargs: Any) -> torch.nn.Module",
        docstring_sha256=text_sha256(DOCSTRING),
        defined_at=f"models/{name}.py:42",
        smoke={"cpu": loaded(), "cuda": SmokeResult(status="skipped", reason="no CUDA device on this runner")},
    )


def helper(index: int) -> EntrypointLock:
    """A name hubconf.py exposes that needs arguments: not featured."""
    result = SmokeResult(status="needs-arguments", reason="TypeError: missing 1 required positional argument")
    return EntrypointLock(name=f"variant_{index:04d}", kind="class", featured=False, smoke={"cpu": result})


def record_for(entry: Entry, helpers: int = 0) -> EntryLock:
    """What a build would record for `entry`: its featured entrypoints loaded, `helpers` more names."""
    names = entry.entrypoints or [entry.id.replace("-", "_")]
    return EntryLock(
        id=entry.id,
        key="k",
        repo=entry.repo,
        commit=entry.commit or COMMIT,
        verified_at=VERIFIED_AT,
        dependencies=["torch", "PIL"],
        requirements=["pillow", "timm>=0.9"],
        environments={"cpu": ENVIRONMENT.id},
        entrypoints=[*(featured(name) for name in names), *(helper(i) for i in range(helpers))],
    )


def synthetic_lock(catalogue: Catalogue, big: str = "", helpers: int = 1500) -> tuple[Lock, dict[str, dict[str, str]]]:
    """A lock for every entry of `catalogue` (entry `big` with `helpers` more names), and the cached docstrings."""
    records = {e.id: record_for(e, helpers if e.id == big else 0) for e in catalogue.models}
    texts = {
        entry_id: {
            text_key: text
            for e in record.featured
            for text_key, text in ((e.name, DOCSTRING), (f"{e.name}.forward", FORWARD_DOC))
        }
        for entry_id, record in records.items()
    }
    return Lock(environments={ENVIRONMENT.id: ENVIRONMENT}, entries=records), texts


HOSTILE = "hostile-hub"
HOSTILE_NAMES = ['<img src=x onerror="alert(1)">', '--8<-- "loader.md"', "{{ 7 * 7 }}", "x { .injected }"]


def with_hostile_hub(catalogue: Catalogue, big: str = "") -> tuple[Catalogue, Lock, dict[str, dict[str, str]]]:
    """`catalogue` plus the entry `hostile-hub`, a lock for both (see `synthetic_lock`), the cached texts.

    The hostile hub's docstring, forward doc, signature, names, returned type and error message all hold
    Markdown, HTML, template and snippet syntax (`HOSTILE_DOCSTRING`).
    """
    entry = Entry.model_validate(
        {
            "id": HOSTILE,
            "title": "Hostile hub",
            "summary": "A hub whose text tries to become markup.",
            "repo": "owner/hostile",
            "commit": COMMIT,
            "category": catalogue.categories[0].id,
            "entrypoints": ["widget", "broken"],
        }
    )
    catalogue = catalogue.model_copy(update={"models": [*catalogue.models, entry]})
    lock, texts = synthetic_lock(catalogue, big)
    record = record_for(entry).model_copy(update={"entrypoints": _hostile_entrypoints()})
    texts[HOSTILE] = {"widget": HOSTILE_DOCSTRING, "widget.forward": HOSTILE_DOCSTRING}
    return catalogue, lock.model_copy(update={"entries": {**lock.entries, HOSTILE: record}}), texts


def _hostile_entrypoints() -> list[EntrypointLock]:
    facts = ModelFacts(
        forward_signature="(x)", forward_doc_sha256=text_sha256(HOSTILE_DOCSTRING), methods=HOSTILE_NAMES
    )
    loaded = SmokeResult(status="ok", returned=HOSTILE_NAMES[0], is_module=True, model=facts)
    failed = SmokeResult(status="error", reason=HOSTILE_DOCSTRING)
    widget = EntrypointLock(
        name="widget",
        signature=f"(text={HOSTILE_DOCSTRING!r})",
        docstring_sha256=text_sha256(HOSTILE_DOCSTRING),
        smoke={"cpu": loaded},
    )
    others = [EntrypointLock(name=name, featured=False, smoke={"cpu": failed}) for name in HOSTILE_NAMES]
    return [widget, EntrypointLock(name="broken", smoke={"cpu": failed}), *others]
