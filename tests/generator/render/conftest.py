"""A catalogue and lock in memory, with hostile third-party text, for render tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.catalogue import Catalogue
from generator.config import ProjectConfig, load_config
from generator.lock.records import EntryLock, EntrypointLock, Lock, ModelFacts, SmokeResult
from tests.generator.hubrepos import PROJECT_ROOT

COMMIT = "0123456789abcdef0123456789abcdef01234567"
HOSTILE_DOC = (
    "Loads it.\n\n<script>window.pwned = 1</script>\n"
    '<img src=x onerror="window.pwned = 2">\n[click](javascript:alert(1))'
)


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
            forward_signature="(x)", forward_doc=f"Scores.\n{HOSTILE_DOC}", methods=["classes", "onerror"]
        ),
    )
    failed = SmokeResult(status="failed", reason="RuntimeError: <b>boom</b> | [x](javascript:alert(1))")
    aux = SmokeResult(status="ok", seconds=0.1, returned="builtins.method_descriptor", is_module=False)
    record = EntryLock(
        id="tiny",
        key="k",
        repo="owner/name",
        commit=COMMIT,
        verified_at="2026-11-28T12:00:00+00:00",
        torch_version="2.13.0+cpu",
        python_version="3.11.7",
        dependencies=["torch", "PIL", "numpy>=1.24", "evil`rm -rf`"],
        entrypoints=[
            EntrypointLock(
                name="tiny",
                signature="(pretrained: bool = False)",
                docstring=HOSTILE_DOC,
                smoke={"cpu": ok, "cuda": SmokeResult(status="skipped", reason="no CUDA")},
            ),
            EntrypointLock(name="broken", smoke={"cpu": failed}),
            EntrypointLock(name="tokenizer", smoke={"cpu": aux}),
        ],
    )
    return Lock(entries={"tiny": record})


@pytest.fixture
def config(tmp_path: Path) -> ProjectConfig:
    base = load_config(PROJECT_ROOT)
    folders = {"docs_dir": tmp_path, "generated_dir": tmp_path / "models", "site_dir": tmp_path / "site"}
    return ProjectConfig(**{**vars(base), **folders, "build_dir": tmp_path / ".build"})
