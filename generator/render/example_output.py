"""An executed example notebook, rendered with nbconvert into the "Example output" section of its page.

Outputs come from running model code, so only inert kinds are kept: text (shown as literal code) and
PNG or JPEG images (written as files next to the page). HTML, Markdown, SVG, LaTeX and JavaScript
outputs are dropped before conversion, so nothing a notebook prints can become markup.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

from markupsafe import Markup
from nbformat.notebooknode import NotebookNode

from generator.render.markup import fenced_text
from generator.render.notebooks import INSTALL_TAG
from generator.render.pages import ExampleOutput

KEPT_MIMETYPES = ("text/plain", "image/png", "image/jpeg")
OUTPUTS_DIR = "outputs"  # beside the pages in docs/models/
TEMPLATES = Path(__file__).parent / "templates" / "nbconvert"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def example_output(entry_id: str, executed: NotebookNode) -> tuple[ExampleOutput, dict[str, bytes]]:
    """The Markdown of the notebook's code cells and outputs, and the image files it refers to.

    Returns:
        The section's content, and {path relative to the page's folder: bytes} for each image.
    """
    from nbconvert import MarkdownExporter  # a third of a second to import; only pages with examples need it

    notebook = inert_copy(executed)
    exporter = MarkdownExporter(template_file=str(TEMPLATES / "example.md.j2"))
    exporter.register_filter("safe_fence", fenced_text)
    resources = {"unique_key": entry_id, "output_files_dir": OUTPUTS_DIR}
    body, produced = exporter.from_notebook_node(notebook, resources=resources)
    files = {name: data for name, data in (produced.get("outputs") or {}).items() if isinstance(data, bytes)}
    return ExampleOutput(caption=_caption(executed), markdown=Markup(body.strip())), files


def inert_copy(executed: NotebookNode) -> NotebookNode:
    """The notebook's code cells, install cells left out, with only inert outputs and no colour codes."""
    notebook = copy.deepcopy(executed)
    notebook.cells = [
        cell
        for cell in notebook.cells
        if cell.cell_type == "code" and INSTALL_TAG not in cell.get("metadata", {}).get("tags", [])
    ]
    for cell in notebook.cells:
        cell.outputs = [_inert(output) for output in cell.get("outputs", [])]
        cell.outputs = [output for output in cell.outputs if output is not None]
    return notebook


def _inert(output: NotebookNode) -> NotebookNode | None:
    if output.output_type == "stream":
        output.text = _ANSI.sub("", output.text)
        return output
    if output.output_type == "error":
        output.traceback = [_ANSI.sub("", line) for line in output.traceback]
        return output
    data = {kind: value for kind, value in output.get("data", {}).items() if kind in KEPT_MIMETYPES}
    if not data:
        return None
    output.data = data
    return output


def failed(executed: NotebookNode) -> bool:
    """True when a cell of the executed notebook raised."""
    return any(output.output_type == "error" for cell in executed.cells for output in cell.get("outputs", []) if output)


def _caption(executed: NotebookNode) -> str:
    facts = executed.metadata.get("pinhub", {})
    when = str(facts.get("executed_at", ""))[:10]
    versions = ", ".join(
        f"{label} {facts[key]}" for key, label in (("torch", "torch"), ("python", "Python")) if facts.get(key)
    )
    ran = f"The build ran this page's notebook{f' on {when}' if when else ''}{f' ({versions})' if versions else ''}"
    if failed(executed):
        return f"{ran}, and it failed: the error is below."
    return f"{ran}, loading the model from GitHub at the pinned commit exactly as Colab does. Its output:"
