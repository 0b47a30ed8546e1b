"""Run the example notebooks with nbclient and a real kernel; keep each executed copy beside the lock.

The executed copies are committed with the project (`catalogue/examples/<id>.ipynb`), as the lock is:
each holds, in its metadata, the key it was run under (a hash of the notebook's content, the format
and the torch release), so a fresh clone shows the outputs without starting a kernel, and a notebook
whose content changed is run again. A notebook that fails is reported and not kept, so the next
build tries it again.
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

from generator.example_runs.kernel import run_notebook
from generator.files import write_text_atomic
from support.github import GitHubServer

CACHE_FORMAT = 2
HUB_CACHE_SHOWN_AS = "~/.cache/torch"  # what a reader's TORCH_HOME looks like in the outputs


@dataclass(frozen=True)
class ExamplesContext:
    """How the example notebooks run.

    Attributes:
        project_root: The git repository whose history the notebooks load their hubs from.
        github_repo: 'owner/name' the notebooks ask GitHub for; answered from `project_root`.
        outputs_dir: Where executed notebooks are kept, one per entry (committed with the project).
        skip_tag: Cells with this tag (package installs) are not run: the build has the packages.
        timeout: Seconds a cell may run.
    """

    project_root: Path
    github_repo: str
    outputs_dir: Path
    skip_tag: str = "install"
    timeout: float = 600.0


@dataclass
class ExamplesReport:
    """Executed notebooks by entry id; which ran now, which came from the cache, which failed and why."""

    executed: dict[str, NotebookNode] = field(default_factory=dict)
    ran: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def cached_examples(notebooks: Mapping[str, NotebookNode], outputs_dir: Path) -> dict[str, NotebookNode]:
    """The executed copies kept for these notebooks that were run under their current key (no kernel)."""
    found = {}
    for entry_id, notebook in notebooks.items():
        path = outputs_dir / f"{entry_id}.ipynb"
        kept = nbformat.read(str(path), as_version=4) if path.is_file() else None
        if kept is not None and kept.metadata.get("pinhub", {}).get("key") == run_key(notebook):
            found[entry_id] = kept
    return found


def run_examples(notebooks: Mapping[str, NotebookNode], context: ExamplesContext) -> ExamplesReport:
    """Execute each notebook not in the cache, with its hub served from the project's history."""
    report = ExamplesReport()
    cached = cached_examples(notebooks, context.outputs_dir)
    pending = {key: nb for key, nb in notebooks.items() if key not in cached}
    report.executed.update(cached)
    report.reused.extend(cached)
    if not pending:
        return report
    with GitHubServer().add(context.github_repo, context.project_root) as github:
        for entry_id, notebook in pending.items():
            executed, error = _execute(notebook, github.url, context)
            executed.metadata["pinhub"]["key"] = run_key(notebook)
            report.executed[entry_id] = executed
            report.ran.append(entry_id)
            if error:
                report.failed[entry_id] = error
            else:
                write_text_atomic(context.outputs_dir / f"{entry_id}.ipynb", nbformat.writes(executed) + "\n")
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


def run_key(notebook: NotebookNode) -> str:
    """What an executed copy is kept under: a hash of the notebook's content, the format and the torch release."""
    canonical = json.dumps(notebook, sort_keys=True, ensure_ascii=False)
    torch = _torch_version().split("+")[0]
    return hashlib.sha256(f"{CACHE_FORMAT}\0{torch}\0{canonical}".encode()).hexdigest()


def _torch_version() -> str:
    try:
        return version("torch")
    except PackageNotFoundError:
        return ""
