"""Run the example notebooks with nbclient and a real kernel; keep each result by its content hash.

A notebook whose content (and torch) did not change since it last ran is not run again: its executed
copy is read from the cache. A notebook that fails is reported and not cached, so the next build
tries it again.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import platform
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode

from generator.examples.github import ProjectGitHub
from generator.examples.kernel import run_notebook
from generator.files import write_text_atomic

CACHE_FORMAT = 1
HUB_CACHE_SHOWN_AS = "~/.cache/torch"  # what a reader's TORCH_HOME looks like in the outputs


@dataclass(frozen=True)
class ExamplesContext:
    """How the example notebooks run.

    Attributes:
        project_root: The git repository whose history the notebooks load their hubs from.
        github_repo: 'owner/name' the notebooks ask GitHub for; answered from `project_root`.
        cache_dir: Where executed notebooks are kept, by content hash.
        skip_tag: Cells with this tag (package installs) are not run: the build has the packages.
        timeout: Seconds a cell may run.
    """

    project_root: Path
    github_repo: str
    cache_dir: Path
    skip_tag: str = "install"
    timeout: float = 600.0


@dataclass
class ExamplesReport:
    """Executed notebooks by entry id; which ran now, which came from the cache, which failed and why."""

    executed: dict[str, NotebookNode] = field(default_factory=dict)
    ran: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def cached_examples(notebooks: Mapping[str, NotebookNode], cache_dir: Path) -> dict[str, NotebookNode]:
    """The executed copies already in the cache (no kernel is started)."""
    found = {}
    for entry_id, notebook in notebooks.items():
        path = _cache_path(cache_dir, notebook)
        if path.is_file():
            found[entry_id] = nbformat.read(str(path), as_version=4)
    return found


def run_examples(notebooks: Mapping[str, NotebookNode], context: ExamplesContext) -> ExamplesReport:
    """Execute each notebook not in the cache, with its hub served from the project's history."""
    report = ExamplesReport()
    cached = cached_examples(notebooks, context.cache_dir)
    pending = {key: nb for key, nb in notebooks.items() if key not in cached}
    report.executed.update(cached)
    report.reused.extend(cached)
    if not pending:
        return report
    with ProjectGitHub(context.project_root, context.github_repo) as github:
        for entry_id, notebook in pending.items():
            executed, error = _execute(notebook, github.url, context)
            report.executed[entry_id] = executed
            report.ran.append(entry_id)
            if error:
                report.failed[entry_id] = error
            else:
                path = _cache_path(context.cache_dir, notebook)
                write_text_atomic(path, nbformat.writes(executed))
    return report


def _execute(notebook: NotebookNode, github_url: str, context: ExamplesContext) -> tuple[NotebookNode, str]:
    runnable = copy.deepcopy(notebook)
    runnable.cells = [c for c in runnable.cells if context.skip_tag not in c.get("metadata", {}).get("tags", [])]
    with tempfile.TemporaryDirectory(prefix="pinhub-example-") as work:
        home = Path(work) / "torch"
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("PINHUB_", "JUPYTER_", "TORCH_HOME"))},
            "PINHUB_GITHUB_URL": github_url,
            "TORCH_HOME": str(home),
            "IPYTHONDIR": str(Path(work) / "ipython"),
            "JUPYTER_RUNTIME_DIR": str(Path(work) / "runtime"),
            "JUPYTER_PLATFORM_DIRS": "1",
        }
        error = run_notebook(runnable, Path(work), env, sys.executable, context.timeout)
        _scrub(runnable, {github_url: "https://github.com", str(home): HUB_CACHE_SHOWN_AS, work: "/tmp"})
    runnable.metadata["pinhub"] = {
        "executed_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "torch": _torch_version(),
    }
    return runnable, error


def _scrub(notebook: NotebookNode, replacements: dict[str, str]) -> None:
    """Show outputs as a reader would see them: GitHub, not the local server; their cache, not ours."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                output.text = _replace(output.text, replacements)
            elif output.get("output_type") == "error":
                output.traceback = [_replace(line, replacements) for line in output.traceback]
                output.evalue = _replace(output.evalue, replacements)
            elif "text/plain" in output.get("data", {}):
                output.data["text/plain"] = _replace(output.data["text/plain"], replacements)


def _replace(text: str, replacements: dict[str, str]) -> str:
    for old, new in replacements.items():
        text = text.replace(old, new)
    return text


def _cache_path(cache_dir: Path, notebook: NotebookNode) -> Path:
    """The cache file of a notebook: a hash of its content, the cache format and the torch version."""
    canonical = json.dumps(notebook, sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(f"{CACHE_FORMAT}\0{_torch_version()}\0{canonical}".encode()).hexdigest()
    return cache_dir / f"{digest}.ipynb"


def _torch_version() -> str:
    try:
        return version("torch")
    except PackageNotFoundError:
        return ""
