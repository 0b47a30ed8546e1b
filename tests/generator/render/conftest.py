"""A catalogue and lock in memory, with hostile third-party text, for render tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.catalogue import Catalogue
from generator.config import ProjectConfig, load_config
from generator.lock.docstrings import text_sha256, write_docstrings
from generator.lock.records import EntryLock, EntrypointLock, Environment, Lock, ModelFacts, SmokeResult
from support.hubrepos import PROJECT_ROOT

COMMIT = "0123456789abcdef0123456789abcdef01234567"
CPU_ENVIRONMENT = Environment(
    python="3.11",
    packages=["numpy==2.1.3", "pillow==11.0.0", "timm==1.0.9", "torch==2.14.1+cpu", "torchvision==0.29.1+cpu"],
)
HOSTILE_DOC = (
    "Loads it.\n\n<script>window.pwned = 1</script>\n"
    '<img src=x onerror="window.pwned = 2">\n[click](javascript:alert(1))'
)
FORWARD_DOC = f"Scores.\n{HOSTILE_DOC}"


@pytest.fixture
def catalogue() -> Catalogue:
    return Catalogue.model_validate(
        {
            "categories": [{"id": "vision", "title": "Vision"}],
            "tags": ["classification"],
            "models": [
                {
                    "id": "tiny",
                    "title": "Tiny <Net>",
                    "summary": "A tiny network.",
                    "repo": "owner/name",
                    "ref": "main",
                    "commit": COMMIT,
                    "category": "vision",
                    "tags": ["classification"],
                    "paper": {"title": "Deep Residual Learning", "arxiv": "1512.03385", "authors": ["Kaiming He"]},
                    "smoke": {"input": {"shape": [1, 4]}},
                },
                {
                    "id": "local",
                    "title": "Local",
                    "summary": "A hub in this project.",
                    "repo": "./examples/tiny",
                    "category": "vision",
                },
                {
                    "id": "unpinned",
                    "title": "Unpinned",
                    "summary": "Awaiting a pin.",
                    "repo": "owner/other",
                    "category": "vision",
                    "awaiting_pin": "the ref must be resolved where GitHub is reachable",
                },
            ],
        }
    )


@pytest.fixture
def lock() -> Lock:
    ok = SmokeResult(
        status="ok",
        seconds=0.5,
        parameters=15,
        returned="hubconf._Tiny",
        is_module=True,
        input_shape=[1, 4],
        output_shape=[1, 3],
        output_dtype="float32",
        model=ModelFacts(
            forward_signature="(x)",
            forward_doc_sha256=text_sha256(FORWARD_DOC),
            methods=["classes", "onerror"],
            properties=["num_classes"],
        ),
    )
    failed = SmokeResult(status="error", reason="RuntimeError: <b>boom</b> | [x](javascript:alert(1))")
    aux = SmokeResult(status="ok", seconds=0.1, returned="builtins.method_descriptor", is_module=False)
    record = EntryLock(
        id="tiny",
        key="k",
        repo="owner/name",
        commit=COMMIT,
        verified_at="2026-11-28T12:00:00+00:00",
        dependencies=["torch", "PIL", "numpy>=1.24", "evil`rm -rf`"],
        requirements=["pillow", "numpy>=1.24", "timm>=0.9"],
        environments={"cpu": CPU_ENVIRONMENT.id},
        entrypoints=[
            EntrypointLock(
                name="tiny",
                signature="(pretrained: bool = False)",
                docstring_sha256=text_sha256(HOSTILE_DOC),
                defined_at="models/tiny.py:12",
                smoke={"cpu": ok, "cuda": SmokeResult(status="skipped", reason="no CUDA")},
            ),
            EntrypointLock(name="broken", smoke={"cpu": failed}),
            EntrypointLock(name="tokenizer", smoke={"cpu": aux}),
            EntrypointLock(
                name="Path",
                kind="class",
                featured=False,
                smoke={"cpu": SmokeResult(status="needs-arguments", reason="TypeError: missing 'path'")},
            ),
        ],
    )
    return Lock(environments={CPU_ENVIRONMENT.id: CPU_ENVIRONMENT}, entries={"tiny": record})


def keep_docstrings(config: ProjectConfig, lock: Lock) -> None:
    """What the build leaves in its cache for the `tiny` entry: its docstring and its model's forward doc."""
    write_docstrings(config.cache_dir, lock.entries["tiny"], {"tiny": HOSTILE_DOC, "tiny.forward": FORWARD_DOC})


@pytest.fixture
def config(tmp_path: Path) -> ProjectConfig:
    base = load_config(PROJECT_ROOT)
    folders = {"docs_dir": tmp_path, "generated_dir": tmp_path / "models", "site_dir": tmp_path / "site"}
    return ProjectConfig(**{**vars(base), **folders, "build_dir": tmp_path / ".build"})
