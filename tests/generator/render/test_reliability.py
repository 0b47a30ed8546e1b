"""The Reliability page from a real test run: pytest runs a small test file in a child process (a pass,
a failure, a skip with its reason, hostile text in the cases), writing JUnit XML through the suite's own
hook; `render` turns it into docs/reliability.md and MkDocs builds the site around it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from generator import pipeline
from generator.config import ProjectConfig
from generator.render.reliability import RESULTS
from generator.site import build_site
from support.hubrepos import PROJECT_ROOT, git
from tests.generator.site.rendered_site import make_project, real_catalogue, synthetic_lock
from tests.generator.site.test_site import Elements

SCRIPT = "<script>window.pwned = 1</script>"

TESTS = f"""
import pytest


@pytest.mark.fault("Build", "a case that passes")
def test_passes():
    pass


@pytest.mark.fault("Build", "a case that fails {SCRIPT} | [link](javascript:alert(1))")
def test_fails():
    assert False, "the <b>reason</b> | :smile: `ticks`"


@pytest.mark.fault("Hostile code", "a case that is skipped")
def test_skipped():
    pytest.skip("needs bubblewrap <here>")


@pytest.mark.fault("Loader", "a parametrized case")
@pytest.mark.parametrize("size", ["small", "large"])
def test_parametrized(size):
    pass


@pytest.mark.fault("## A row of <b>its own</b>", "a case in a row the matrix does not list")
def test_elsewhere():
    pass


def test_not_in_the_matrix():
    pass
"""


def run_tests(folder: Path, results: Path) -> subprocess.CompletedProcess[str]:
    """pytest on TESTS in `folder`, with the suite's conftest as a plugin, writing JUnit XML to `results`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "test_cases.py").write_text(textwrap.dedent(TESTS), encoding="utf-8")
    command = [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-p", "no:cacheprovider", "-q"]
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    return subprocess.run(
        [*command, f"--junitxml={results}", "test_cases.py"], cwd=folder, env=env, capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The JUnit XML of one real run of TESTS (one failure: pytest exits 1)."""
    folder = tmp_path_factory.mktemp("run")
    path = folder / "results.xml"
    done = run_tests(folder / "tests", path)
    assert done.returncode == 1, done.stdout + done.stderr
    return path


def project(root: Path, results: Path | None) -> ProjectConfig:
    """A project with one entry, and the test results (if any) where `make test` leaves them."""
    config = make_project(root)
    if results is not None:
        config.cache_dir.mkdir(parents=True, exist_ok=True)
        (config.cache_dir / RESULTS).write_bytes(results.read_bytes())
    return config


def render(config: ProjectConfig) -> str:
    """`render` as the command runs it; the page it wrote."""
    catalogue = real_catalogue(1)
    pipeline.render(config, read=(catalogue, synthetic_lock(catalogue)[0]))
    return (config.docs_dir / "reliability.md").read_text(encoding="utf-8")


def table_rows(html: str) -> list[list[str]]:
    """The text of every cell of every table row of a page."""
    rows: list[list[str]] = []
    for row in html.split("<tr")[1:]:
        cells = [" ".join(Elements(cell.split("</td>")[0]).text).strip() for cell in row.split("<td>")[1:]]
        if cells:
            rows.append(cells)
    return rows


@pytest.mark.slow
def test_the_page_shows_each_case_and_its_outcome_from_the_run(tmp_path: Path, results: Path) -> None:
    config = project(tmp_path, results)
    render(config)
    html = (build_site(config.mkdocs_yml, config.site_dir).site_dir / "reliability" / "index.html").read_text()

    rows = table_rows(html)
    assert [cells[:2] for cells in rows] == [  # the matrix's rows in their order, then any other
        ["a case that is skipped", "skipped: needs bubblewrap <here>"],
        ["a case that passes", "✓ passed"],
        [
            f"a case that fails {SCRIPT} | [link](javascript:alert(1))",
            "✗ failed: AssertionError: the <b>reason</b> | :smile: `ticks`",
        ],
        ["a parametrized case: small", "✓ passed"],
        ["a parametrized case: large", "✓ passed"],
        ["a case in a row the matrix does not list", "✓ passed"],
    ]
    assert all(cells[2].endswith(" s") for cells in rows)
    headings = [" ".join(Elements("<h2" + h.split("</h2>")[0]).text) for h in html.split("<h2")[1:]]
    assert [h.replace("¶", "").strip() for h in headings] == [
        "Hostile code",
        "Build",
        "Loader",
        "## A row of <b>its own</b>",
        "Reproduce",
    ]
    page = Elements(html)
    assert not [tag for tag, _ in page.tags if tag in ("b", "iframe")]
    assert not [a for tag, a in page.tags if tag == "a" and a.get("href", "").startswith("javascript")]
    assert SCRIPT not in html and "window.pwned" not in " ".join(t for tag, a in page.tags for t in a.values())
    text = " ".join(" ".join(page.text).split())
    assert "6 cases: 4 passed, 1 failed, 1 skipped" in text
    (commit,) = re.findall(r'href="https://github\.com/pinhub/pinhub/commit/([0-9a-f]{40})"', html)
    git(PROJECT_ROOT, "merge-base", "--is-ancestor", commit, "HEAD")  # the commit the tests ran at (or before it)
    assert "make test" in text


def test_without_results_the_page_says_so_and_how_to_make_them(tmp_path: Path, results: Path) -> None:
    config = project(tmp_path, results)
    assert "a case that passes" in render(config)
    (config.cache_dir / RESULTS).unlink()  # results are not kept from one render to the next

    page = render(config)

    assert "No test results were available to this build" in page
    assert f"{config.cache_dir / RESULTS} does not exist" in page
    assert "a case that passes" not in page and "<table" not in page
    assert "make test" in page and "python -m pytest -m fault --junitxml=.build/test-results.xml" in page


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("<testsuites><testsuite", "is not valid XML: "),
        ('<!DOCTYPE x [<!ENTITY a "aaaa">]><testsuites/>', "is not a JUnit XML file that pytest wrote"),
        (
            '<testsuites><testsuite name="pytest"><testcase name="t"/></testsuite></testsuites>',
            "holds no test of the fault matrix",
        ),
    ],
    ids=["truncated", "entities", "no-fault-case"],
)
def test_unusable_results_are_named_and_no_case_is_shown(tmp_path: Path, content: str, reason: str) -> None:
    config = project(tmp_path, None)
    config.cache_dir.mkdir(parents=True)
    (config.cache_dir / RESULTS).write_text(content, encoding="utf-8")

    page = render(config)

    assert "No test results were available to this build" in page
    assert reason in page
