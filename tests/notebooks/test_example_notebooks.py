"""Every example entry's notebook, run with nbclient in a real kernel: the code users run in Colab is proven here.

The build runs them (they are the pages' "Example output"); these tests read what the kernel produced.
The last test goes further and runs a notebook as a reader would: downloaded from the served site,
every cell including the install cell, in a fresh environment that gets pinhub from the site's index.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path
from urllib.request import urlopen

import nbformat
import pytest
from nbformat.notebooknode import NotebookNode

from generator.catalogue import load_catalogue
from generator.config import load_config
from generator.example_runs import cached_examples
from generator.example_runs.kernel import run_notebook
from generator.lock import read_lock
from generator.render import example_notebooks
from support.github import GitHubServer
from support.verification import TEST_TORCH
from tests.generator.site.sitebuild import HOSTILE_ID, BuiltSite
from tests.notebooks.freshenv import fresh_environment

pytestmark = pytest.mark.slow


def executed_notebooks(site: BuiltSite) -> dict[str, NotebookNode]:
    """The executed notebooks the build kept, by entry id (none may be missing)."""
    config = load_config(site.project)
    wanted = example_notebooks(load_catalogue(config.catalogue), read_lock(config.lock), config)
    found = cached_examples(wanted, config.example_outputs)
    assert set(found) == set(wanted)
    return found


def stdout(notebook: NotebookNode) -> str:
    return "".join(
        output.get("text", "")
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if output.get("name") == "stdout"
    )


def test_every_example_notebook_ran_without_an_error(site: BuiltSite) -> None:
    notebooks = executed_notebooks(site)
    assert {"digits-classifier", "digits-vae", HOSTILE_ID} <= set(notebooks)
    for entry_id, notebook in notebooks.items():
        code = [cell for cell in notebook.cells if cell.cell_type == "code"]
        assert all(cell.execution_count for cell in code), entry_id  # every cell ran, in a kernel
        assert not [o for cell in code for o in cell.outputs if o.output_type == "error"], entry_id


def test_the_classifier_notebook_recognises_the_digits(site: BuiltSite) -> None:
    text = stdout(executed_notebooks(site)["digits-classifier"])
    predicted = re.search(r"predicted: (\[.*\])", text)
    true = re.search(r"true: +(\[.*\])", text)
    assert predicted and true
    assert json.loads(predicted[1]) == json.loads(true[1])


def test_the_vae_notebook_draws_digits(site: BuiltSite) -> None:
    assert "torch.Size([10, 1, 8, 8])" in stdout(executed_notebooks(site)["digits-vae"])


def test_a_published_notebook_runs_from_a_fresh_environment(site: BuiltSite, tmp_path: Path) -> None:
    with urlopen(f"{site.url}models/digits-classifier.ipynb", timeout=30) as response:
        notebook = nbformat.reads(response.read().decode(), as_version=4)
    install = notebook.cells[1].source
    version = tomllib.loads((site.project / "pyproject.toml").read_text())["project"]["version"]
    pinned = f'"torch=={TEST_TORCH.split("+")[0]}"'  # the torch it was verified with (torch alone, here)
    assert install == f"%pip install --quiet {site.url}simple/pinhub/pinhub-{version}-py3-none-any.whl {pinned}"
    notebook.cells.append(nbformat.v4.new_code_cell("import pinhub\nprint('pinhub from', pinhub.__file__)"))
    python = fresh_environment(tmp_path)
    with GitHubServer().add("pinhub/pinhub", site.project) as github:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("PINHUB_", "PIP_", "VIRTUAL_ENV"))},
            "PIP_INDEX_URL": f"{site.url}simple/",  # nothing leaves 127.0.0.1, not even to PyPI
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PIP_NO_CACHE_DIR": "1",
            "PINHUB_GITHUB_URL": github.url,
            "TORCH_HOME": str(tmp_path / "torch"),
            "IPYTHONDIR": str(tmp_path / "ipython"),
            "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        }
        error = run_notebook(notebook, tmp_path, env, str(python), timeout=300)
    assert error == ""
    text = stdout(notebook)
    assert f"pinhub from {tmp_path / 'venv'}" in text  # the wheel the site served, not this checkout
    assert re.search(r"predicted: \[\d", text)
