"""The same mkdocs.yml and generated docs/ build with Zensical, the successor of Material for MkDocs.

Zensical reads mkdocs.yml; everything the generator makes is written into docs/ before the build, so
there is nothing MkDocs-specific to port. Known differences are listed in DEVELOPERS.md.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.generator.site.sitebuild import HOSTILE_ID, SEARCH_TAG, BuiltSite
from tests.generator.site.test_site import Elements

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def zensical_site(site: BuiltSite) -> Path:
    """The session's project built again, by Zensical in strict mode, into a folder of its own."""
    zensical = shutil.which("zensical", path=str(Path(sys.executable).parent)) or shutil.which("zensical")
    if zensical is None:
        pytest.skip("Zensical is not installed: pip install -c constraints.txt -r requirements/test.txt")
    output = site.project / "zensical-site"  # Zensical refuses a site_dir outside the project
    config = site.project / "zensical.yml"
    mkdocs = (site.project / "mkdocs.yml").read_text(encoding="utf-8")
    config.write_text(re.sub(r"(?m)^site_dir: .*$", f"site_dir: {output.name}", mkdocs), encoding="utf-8")
    done = subprocess.run(
        [zensical, "build", "--strict", "--clean", "--config-file", str(config)],
        cwd=site.project,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return output


def page(folder: Path, path: str) -> str:
    return (folder / path / "index.html").read_text(encoding="utf-8")


def test_zensical_builds_every_page_and_file(zensical_site: Path) -> None:
    for path in ("models", "models/digits-classifier", f"models/{HOSTILE_ID}", "models/categories/vision", "faq"):
        assert (zensical_site / path / "index.html").is_file(), path
    for path in ("catalogue.json", "models/digits-vae.ipynb", "simple/pinhub/index.html", "404.html"):
        assert (zensical_site / path).is_file(), path
    assert not (zensical_site / "models" / "_home").exists()  # excluded: the home page includes it


def test_zensical_renders_the_home_include_tags_and_tabs(zensical_site: Path) -> None:
    home = page(zensical_site, "")
    assert "grid cards" in home and "Recently updated" in home  # pymdownx.snippets and md_in_html
    model = Elements(page(zensical_site, "models/digits-classifier"))
    assert [a for tag, a in model.tags if tag == "div" and "tabbed-set" in a.get("class", "")]
    assert SEARCH_TAG in page(zensical_site, f"models/{HOSTILE_ID}")
    assert "assets/pinhub.js" in page(zensical_site, "models")


def test_zensical_keeps_third_party_text_as_text(zensical_site: Path) -> None:
    html = page(zensical_site, f"models/{HOSTILE_ID}")
    hostile = Elements(html)
    assert "Makes a widget. <script>window.pwned = 1</script>" in "".join(hostile.text)
    assert not [(tag, name) for tag, attrs in hostile.tags for name in attrs if name.startswith("on")]
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, flags=re.DOTALL)
    assert not [body for body in inline if "pwned" in body]
