"""A page MkDocs rejects never fails the whole site: it is published as a stand-in that says why, and reported."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.render import render_pages
from generator.site import SiteBuildError, build_site
from tests.generator.site.rendered_site import make_project, real_catalogue, synthetic_lock
from tests.generator.site.test_site import Elements

pytestmark = pytest.mark.slow
MISSING_SNIPPET = '\n--8<-- "no-such-file.md"\n'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A rendered project of three entries from this project's catalogue; nothing built yet."""
    catalogue = real_catalogue()
    catalogue = catalogue.model_copy(update={"models": catalogue.models[:3]})
    config = make_project(tmp_path)
    lock, _ = synthetic_lock(catalogue)
    render_pages(catalogue, lock, config)
    return tmp_path


def text_of(page: Path) -> str:
    return " ".join(Elements(page.read_text(encoding="utf-8")).text)


def test_rejected_pages_are_replaced_and_reported_and_the_rest_is_published(project: Path) -> None:
    models = project / "docs" / "models"
    first, second, third = sorted(p for p in models.glob("*.md") if p.stem not in ("index", "_home"))
    # What a plugin or an extension may reject: a snippet that does not exist (an error that stops
    # MkDocs at once), and a link to a page that does not exist (a warning, fatal in strict mode).
    first.write_text(first.read_text(encoding="utf-8") + MISSING_SNIPPET, encoding="utf-8")
    second.write_text(second.read_text(encoding="utf-8") + "\n[more](no-such-page.md)\n", encoding="utf-8")
    written = {path: path.read_bytes() for path in (first, second)}

    built = build_site(project / "mkdocs.yml", project / "site")

    assert {page.path: page.error for page in built.replaced} == {
        f"models/{first.name}": f"Error reading page 'models/{first.name}': "
        "Snippet at path 'no-such-file.md' could not be found",
        f"models/{second.name}": f"Doc file 'models/{second.name}' contains a link 'no-such-page.md', but the "
        "target 'models/no-such-page.md' is not found among documentation files.",
    }
    stand_in = text_of(built.site_dir / "models" / first.stem / "index.html")
    assert "This page could not be built" in stand_in
    assert "Snippet at path 'no-such-file.md' could not be found" in stand_in
    assert "could not be built" not in text_of(built.site_dir / "models" / third.stem / "index.html")
    assert (built.site_dir / "models" / f"{first.stem}.ipynb").is_file()  # its notebook is published
    assert (built.site_dir / "index.html").is_file() and (built.site_dir / "catalogue.json").is_file()
    assert {path: path.read_bytes() for path in written} == written  # docs/ is left as render wrote it


def test_a_site_without_problems_replaces_nothing(project: Path) -> None:
    assert build_site(project / "mkdocs.yml", project / "site").replaced == ()


def test_a_broken_hand_written_page_still_fails_the_build(project: Path) -> None:
    faq = project / "docs" / "faq.md"
    faq.write_text(faq.read_text(encoding="utf-8") + MISSING_SNIPPET, encoding="utf-8")
    (project / "site").mkdir()
    (project / "site" / "previous.html").write_text("the site before", encoding="utf-8")
    with pytest.raises(SiteBuildError, match=re.escape("Snippet at path 'no-such-file.md' could not be found")):
        build_site(project / "mkdocs.yml", project / "site")
    assert (project / "site" / "previous.html").read_text(encoding="utf-8") == "the site before"
