"""One Colab notebook per model: install, pinned load, a usage cell. Made with nbformat."""

from __future__ import annotations

import nbformat
from nbformat.notebooknode import NotebookNode

from generator.render.explore import example_tensor
from generator.render.view import ModelView

GPU_NOTE = "This model needs a GPU: in Colab choose *Runtime → Change runtime type → GPU* before running the cells."
# Cells with this tag install packages: the build runs its notebooks in an environment that has them.
INSTALL_TAG = "install"


def model_notebook(view: ModelView) -> NotebookNode:
    """The notebook a reader opens in Colab: the same pinned code the page shows."""
    entry = view.entry
    cells = [nbformat.v4.new_markdown_cell(_introduction(view))]
    if entry.accelerator == "cuda":
        cells.append(nbformat.v4.new_markdown_cell(f"**{GPU_NOTE}**"))
    install = f"%pip install --quiet {view.pip_line.removeprefix('pip install ')}"
    cells.append(nbformat.v4.new_code_cell(install, metadata={"tags": [INSTALL_TAG]}))
    cells.append(nbformat.v4.new_code_cell(view.notebook_load_code.strip()))
    usage = entry.example.strip() or _default_usage(view)
    if usage:
        cells.append(nbformat.v4.new_code_cell(usage))
    notebook = nbformat.v4.new_notebook(cells=cells)
    for number, cell in enumerate(notebook.cells):
        cell.id = f"{entry.id}-{number}"  # stable ids: the same inputs give the same file
    notebook.metadata.update(
        {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
            "colab": {"provenance": [], "name": f"{entry.id}.ipynb"},
            "accelerator": "GPU" if entry.accelerator == "cuda" else "None",
        }
    )
    return notebook


def _introduction(view: ModelView) -> str:
    entry = view.entry
    commit = f"`{view.commit[:12]}`" if view.commit else "no commit yet"
    installs = "the versions the build verified the model with" if view.pinned else "the model's dependencies"
    return (
        f"# {entry.title}\n\n{entry.summary}\n\n"
        f"Pinned to {commit} of `{view.source_name}`. The first cell installs `pinhub`, the loader, "
        f"and {installs}; the next loads the model at exactly that commit."
    )


def _default_usage(view: ModelView) -> str:
    """A forward pass on random data of the catalogue's example input shape."""
    example = view.entry.smoke.input
    if example is None:
        return "print(model)"
    return (
        "import torch\n\n"
        f"example = {example_tensor(example)}\n"
        "with torch.inference_mode():\n"
        "    output = model.eval()(example)\n"
        "print(type(output).__name__, getattr(output, 'shape', ''))"
    )
