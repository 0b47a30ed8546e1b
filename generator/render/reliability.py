"""The Reliability page, docs/reliability.md: the fault matrix and each case's outcome in a real test run.

Every test of the fault matrix carries `@pytest.mark.fault(row, case)`; tests/conftest.py records the
marker as the properties `fault.row` and `fault.case` of its test case in pytest's JUnit XML, and the
commit the suite ran at as a property of the suite. `make test` and the site workflow write that file
to `.build/test-results.xml`; `render` turns it into a table per row (case, outcome, duration), with
the date and commit of the run. Without the file, or when it cannot be read or holds no fault case, the
page says that no test results were available to this build, and how to produce them: it never shows
results it does not have. Everything that comes from the XML is escaped.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from markupsafe import Markup

from generator.config import ProjectConfig
from generator.files import write_text_atomic
from generator.render.markup import html_text, neutralise_snippets, plain
from generator.render.pages import _environment

PAGE = "reliability.md"
RESULTS = "test-results.xml"  # in the project's build folder (.build/)
ROWS = ("Catalogue", "Hostile code", "Build", "Loader")  # the matrix's rows, in this order; others follow
ROW, CASE, COMMIT, DIRTY = "fault.row", "fault.case", "commit", "uncommitted changes"
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")
SHA = re.compile(r"^[0-9a-f]{40}$")


@dataclass(frozen=True)
class Case:
    """One test of the matrix and how it ended: passed, failed or skipped (`detail` says why)."""

    row: str
    case: str
    outcome: str
    detail: str
    seconds: float
    test: str


@dataclass(frozen=True)
class Results:
    """The fault cases of one test run, when and at which commit it ran; or why there are none (`missing`)."""

    cases: list[Case] = field(default_factory=list)
    ran_at: str = ""
    commit: str = ""
    dirty: bool = False
    missing: str = ""

    def rows(self) -> list[tuple[str, list[Case]]]:
        """(row, its cases) in the matrix's order; rows no test named come last, alphabetically."""
        names = [*ROWS, *sorted({c.row for c in self.cases} - set(ROWS))]
        grouped = [(name, [case for case in self.cases if case.row == name]) for name in names]
        return [(name, cases) for name, cases in grouped if cases]

    def count(self, outcome: str) -> int:
        """How many cases ended so."""
        return sum(1 for case in self.cases if case.outcome == outcome)


def write_reliability_page(config: ProjectConfig) -> str:
    """Write docs/reliability.md from the build folder's test results (if any); returns one line saying which."""
    source = config.cache_dir / RESULTS
    results = read_results(source)
    page = docs_path(config)
    text = reliability_page(results, config.repo_url)
    if not page.is_file() or page.read_text(encoding="utf-8") != text:
        write_text_atomic(page, text)
    if results.missing:
        return f"{page}: no test results ({results.missing})"
    counts = ", ".join(f"{results.count(o)} {o}" for o in ("passed", "failed", "skipped") if results.count(o))
    return f"{page}: {len(results.cases)} fault cases from {source} ({counts})"


def docs_path(config: ProjectConfig) -> Path:
    """Where the page goes in the docs folder."""
    return config.docs_dir / PAGE


def read_results(path: Path) -> Results:
    """The fault cases in the JUnit XML file at `path`, or `Results(missing=why)`."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Results(missing=f"{path} does not exist")
    except (OSError, UnicodeDecodeError) as error:
        return Results(missing=f"{path} cannot be read: {error}")
    if "<!DOCTYPE" in text or "<!ENTITY" in text:  # pytest writes neither; entities could expand without end
        return Results(missing=f"{path} is not a JUnit XML file that pytest wrote")
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as error:
        return Results(missing=f"{path} is not valid XML: {error}")
    suite = root if root.tag == "testsuite" else root.find("testsuite")
    if suite is None:
        return Results(missing=f"{path} holds no test suite")
    cases = [case for element in suite.iter("testcase") if (case := _case(element)) is not None]
    if not cases:
        return Results(missing=f"{path} holds no test of the fault matrix (run without `-m fault` or `make test`)")
    suite_properties = _properties(suite)
    return Results(
        cases=cases,
        ran_at=_date(suite.get("timestamp", "")),
        commit=suite_properties.get(COMMIT, ""),
        dirty=suite_properties.get(DIRTY, "") == "yes",
    )


def reliability_page(results: Results, repo_url: str) -> str:
    """The page's Markdown."""
    template = _environment().get_template("reliability.md.j2")
    markdown = template.render(
        results=results,
        commit=_commit(results, repo_url),
        heading=markdown_text,
        outcome=_outcome,
        duration=_duration,
    )
    return neutralise_snippets(markdown)


def markdown_text(text: str) -> Markup:
    """`text` for a Markdown line (a heading, say): HTML escaped, Markdown's punctuation backslash-escaped,
    and `:` as an entity, so that no emoji shortcode forms."""
    escaped = str(html_text(" ".join(plain(text).split())))
    return Markup(MARKDOWN_SPECIAL.sub(r"\\\1", escaped).replace(":", "&#58;"))


def _case(element: ElementTree.Element) -> Case | None:
    properties = _properties(element)
    if ROW not in properties or CASE not in properties:
        return None
    outcome, detail = "passed", ""
    for child in element:
        if child.tag in ("failure", "error"):
            outcome, detail = "failed", _first_line(child.get("message") or child.text or child.tag)
        elif child.tag == "skipped" and outcome == "passed":
            outcome, detail = "skipped", _first_line(child.get("message") or child.text or "")
    try:
        seconds = float(element.get("time", "0"))
    except ValueError:
        seconds = 0.0
    test = f"{element.get('classname', '')}::{element.get('name', '')}"
    return Case(properties[ROW], properties[CASE], outcome, detail, seconds, test)


def _properties(element: ElementTree.Element) -> dict[str, str]:
    found = element.find("properties")
    if found is None:
        return {}
    return {p.get("name", ""): p.get("value", "") for p in found.iter("property")}


def _first_line(text: str) -> str:
    lines = [line.strip() for line in plain(text).splitlines() if line.strip()]
    return lines[0][:300] if lines else ""


def _date(timestamp: str) -> str:
    try:
        moment = datetime.fromisoformat(timestamp)
    except ValueError:
        return ""
    if moment.tzinfo is None:
        return moment.strftime("%Y-%m-%d %H:%M")
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _commit(results: Results, repo_url: str) -> Markup:
    """The commit, linked where it is a full hash, noting uncommitted changes; or 'an unknown commit'."""
    if not results.commit:
        return Markup("an unknown commit")
    code = Markup("<code>{}</code>").format(html_text(results.commit[:12]))
    if SHA.match(results.commit):
        code = Markup('<a href="{}/commit/{}">{}</a>').format(repo_url, results.commit, code)
    return code + Markup(" with uncommitted changes") if results.dirty else code


def _outcome(case: Case) -> Markup:
    """✓ passed, ✗ failed: why, or skipped: why; escaped for an HTML table cell."""
    mark = {"passed": "✓ passed", "failed": "✗ failed", "skipped": "skipped"}[case.outcome]
    if not case.detail:
        return Markup(mark)
    return Markup(f"{mark}: ") + html_text(case.detail)


def _duration(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.0f} s"
