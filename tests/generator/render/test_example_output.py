"""The executed example notebook on its page: real outputs, and nothing a notebook prints becomes markup."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import nbformat
import pytest
from nbformat.notebooknode import NotebookNode

from generator.catalogue import Catalogue
from generator.config import ProjectConfig
from generator.errors import InvalidInputError
from generator.lock.records import Lock
from generator.render import read_votes, render_pages
from generator.render.example_output import example_output
from tests.generator.render.site_markdown import elements, html_of

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n not really").decode()


def executed(error: bool = False) -> NotebookNode:
    """A notebook as the examples step leaves it: install cell, load cell, usage cell with outputs."""
    install = nbformat.v4.new_code_cell("%pip install pinhub", metadata={"tags": ["install"]})
    install.outputs = [nbformat.v4.new_output("stream", name="stdout", text="Successfully installed pinhub\n")]
    load = nbformat.v4.new_code_cell("import pinhub\nmodel = pinhub.load(...)  # ```")
    usage = nbformat.v4.new_code_cell("print(model)")
    usage.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="\x1b[31mpredicted\x1b[0m: <script>x()</script>\n"),
        nbformat.v4.new_output("display_data", data={"text/html": "<img src=x onerror=alert(1)>"}),
        nbformat.v4.new_output(
            "execute_result",
            data={"text/plain": "'<b>plain</b>'", "text/html": "<b>rich</b>", "application/javascript": "x()"},
            execution_count=2,
        ),
        nbformat.v4.new_output("display_data", data={"image/png": PNG, "image/svg+xml": "<svg onload=x()>"}),
    ]
    if error:
        usage.outputs.append(
            nbformat.v4.new_output(
                "error", ename="ValueError", evalue="bad", traceback=["\x1b[31mValueError\x1b[0m: <i>bad</i>"]
            )
        )
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# <script>"), install, load, usage])
    notebook.metadata.update(
        {"language_info": {"name": "python"}, "pinhub": {"executed_at": "2026-11-29T10:00:00+00:00", "torch": "2.13.0"}}
    )
    return notebook


def test_only_inert_outputs_are_kept() -> None:
    output, files = example_output("tiny", executed())
    text = str(output.markdown)
    assert "Successfully installed" not in text  # the install cell is not part of the example
    assert "    predicted: <script>x()</script>" in text  # an indented code block, colour codes removed
    assert "    '<b>plain</b>'" in text and "<b>rich</b>" not in text and "x()</script>" in text
    assert "onerror" not in text and "<svg" not in text
    assert "````python\nimport pinhub\nmodel = pinhub.load(...)  # ```\n````" in text  # a fence it cannot close
    assert files == {"outputs/tiny_1_2.png": base64.b64decode(PNG)}
    assert "![Output of the example](outputs/tiny_1_2.png)" in text
    assert output.caption.startswith("The build ran this page's notebook on 2026-11-29 (torch 2.13.0)")
    tags = elements(html_of(text))
    assert {tag for tag, _ in tags} <= {"pre", "code", "p", "img", "span", "div", "section"}
    assert [attrs["src"] for tag, attrs in tags if tag == "img"] == ["outputs/tiny_1_2.png"]


def test_a_failed_notebook_shows_its_error() -> None:
    output, _ = example_output("tiny", executed(error=True))
    assert "it failed" in output.caption
    assert "    ValueError: <i>bad</i>" in str(output.markdown)


def test_pages_show_the_example_output(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> None:
    rendered = render_pages(catalogue, lock, config, executed={"tiny": executed(error=True)})
    page = (config.generated_dir / "tiny.md").read_text(encoding="utf-8")
    assert "## Example output\n\nThe build ran this page&#39;s notebook on 2026-11-29" in page
    assert '<section class="pinhub-example" data-search-exclude markdown>' in page
    assert (config.generated_dir / "outputs" / "tiny_1_2.png").is_file()
    assert rendered.examples == 1 and rendered.failed_examples == ("tiny",)
    assert "## Example output" not in (config.generated_dir / "local.md").read_text(encoding="utf-8")


def test_catalogue_json_resolves_each_entry(catalogue: Catalogue, lock: Lock, config: ProjectConfig) -> None:
    render_pages(catalogue, lock, config)
    document = json.loads((config.docs_dir / "catalogue.json").read_text(encoding="utf-8"))
    assert document["format"] == 1 and document["site_url"] == "https://pinhub.github.io/pinhub/"
    entries = {entry["id"]: entry for entry in document["entries"]}
    assert list(entries) == ["tiny", "local", "unpinned"]
    tiny = entries["tiny"]
    commit = "0123456789abcdef0123456789abcdef01234567"
    assert tiny["source"] == {"github": "owner/name", "git_url": None, "commit": commit, "subdir": ""}
    assert tiny["default_entrypoint"] == "tiny" and tiny["verified"] is False
    assert [e["name"] for e in tiny["entrypoints"]] == ["tiny", "broken", "tokenizer"]
    assert tiny["entrypoints"][0]["smoke"]["cpu"] == {
        "status": "ok",
        "reason": "",
        "load_seconds": 0.5,
        "parameters": 15,
        "input_shape": [1, 4],
        "output_shape": [1, 3],
    }
    assert tiny["entrypoints"][2]["auxiliary"] is True
    assert tiny["page"] == "https://pinhub.github.io/pinhub/models/tiny/"
    assert entries["local"]["source"]["github"] == "pinhub/pinhub"
    assert entries["local"]["source"]["subdir"] == "examples/tiny"
    assert entries["unpinned"]["source"]["commit"] is None and entries["unpinned"]["verified_at"] is None


def test_votes_are_read_from_the_reactions_file(tmp_path: Path) -> None:
    path = tmp_path / "reactions.json"
    assert read_votes(path) == {}
    path.write_text(json.dumps({"entries": {"a": {"+1": 5, "-1": 2, "heart": 9}, "b": {"-1": 1}}}), "utf-8")
    assert read_votes(path) == {"a": 3, "b": -1}
    path.write_text("{not json", "utf-8")
    with pytest.raises(InvalidInputError, match=r"reactions\.json:1: not valid JSON"):
        read_votes(path)
