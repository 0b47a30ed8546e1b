"""`mkdocs build` into a staging folder; only a successful build replaces the previous site.

One generated page that MkDocs or a plugin rejects never fails the whole site. When a build fails
and its output names generated pages (`Error reading page 'models/x.md': …`, `Doc file 'models/x.md'
contains …`), each is swapped for a short stand-in that says it could not be built and why, and the
build runs again. The stand-ins live only for the build: the generated pages are put back afterwards,
so docs/ stays as render wrote it. `SiteBuild.replaced` tells the caller which pages were replaced.
A failure that names no generated page (a hand-written page, the configuration) still fails the build,
and a full disk is said as such, with the file MkDocs could not write.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.errors import GeneratorError
from generator.files import no_space_error, no_space_reported, staged_directory
from generator.render.markup import code_span, neutralise_snippets

# Material prints a notice about its maintenance plans on every build; it is not a problem of ours.
NOISE = ("MkDocs 2.0", "mkdocs-material", "Material for MkDocs", "│", "╭", "╰", "INFO")
# How MkDocs names the page a problem is in: an error reading or building it, or a warning about it.
PAGE_PROBLEM = re.compile(r"^(?:ERROR|WARNING)\s+-\s+(.*?(?:page|Doc file) '([^'\n]+\.md)'.*)$", re.MULTILINE)
GENERATED = "models/"  # the folder of docs/ that render writes: only its pages may be replaced
MAX_REPLACED = 20  # more broken pages than this is a broken render, not a broken page


class SiteBuildError(GeneratorError):
    """MkDocs failed; the message carries its warnings and errors."""


@dataclass(frozen=True)
class ReplacedPage:
    """A generated page MkDocs rejected, published as a stand-in: its path in docs/ and MkDocs' words."""

    path: str
    error: str


@dataclass(frozen=True)
class SiteBuild:
    """The built site, and the generated pages that were replaced by stand-ins to build it."""

    site_dir: Path
    replaced: tuple[ReplacedPage, ...] = ()


def build_site(mkdocs_yml: Path, site_dir: Path, timeout: float = 900.0, docs_dir: Path | None = None) -> SiteBuild:
    """Build the site described by `mkdocs_yml` into `site_dir` (strict: any warning fails the build).

    Args:
        mkdocs_yml: The MkDocs configuration.
        site_dir: Where the site goes; replaced only by a successful build.
        timeout: Seconds one `mkdocs build` may take.
        docs_dir: The configuration's docs folder (default: the one mkdocs.yml names), where the
            generated pages a failed build names are swapped for stand-ins.
    """
    docs = docs_dir or configured_docs_dir(mkdocs_yml)
    replaced: dict[str, ReplacedPage] = {}
    originals: dict[Path, bytes] = {}
    try:
        with staged_directory(site_dir) as staging:
            while (output := _mkdocs(mkdocs_yml, staging, timeout)) is not None:
                if (full := no_space_reported(output)) is not None:
                    raise no_space_error(full, site_dir, (staging, site_dir))
                rejected = {path: error for path, error in rejected_pages(output).items() if path not in replaced}
                if not rejected or len(replaced) + len(rejected) > MAX_REPLACED:
                    raise SiteBuildError(f"mkdocs build failed:\n{_problems(output)}")
                for path, error in rejected.items():
                    originals[docs / path] = _stand_in(docs / path, path, error)
                    replaced[path] = ReplacedPage(path, error)
    finally:
        for file, data in originals.items():
            file.write_bytes(data)
    return SiteBuild(site_dir, tuple(replaced.values()))


def configured_docs_dir(mkdocs_yml: Path) -> Path:
    """The docs folder mkdocs.yml names (`docs_dir`, MkDocs' default `docs`), beside it."""
    match = re.search(r"(?m)^docs_dir:[ \t]*['\"]?([^'\"\s#]+)", mkdocs_yml.read_text(encoding="utf-8"))
    return mkdocs_yml.parent / (match[1] if match else "docs")


def _mkdocs(mkdocs_yml: Path, staging: Path, timeout: float) -> str | None:
    """Run one strict build into `staging`: None when it succeeded, else its output."""
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(mkdocs_yml)]
    completed = subprocess.run(
        [*command, "--site-dir", str(staging)], capture_output=True, text=True, timeout=timeout, cwd=mkdocs_yml.parent
    )
    return None if completed.returncode == 0 else completed.stderr + completed.stdout


def rejected_pages(output: str) -> dict[str, str]:
    """Generated page (path in docs/) → the first problem MkDocs reported for it, from its output."""
    found: dict[str, str] = {}
    for match in PAGE_PROBLEM.finditer(output):
        problem, path = match[1].strip(), match[2]
        if path.startswith(GENERATED):
            found.setdefault(path, problem)
    return found


def _stand_in(file: Path, path: str, error: str) -> bytes:
    """Write the stand-in for `file`; returns what the file held."""
    if not file.is_file():
        raise SiteBuildError(f"mkdocs build failed on {path}, which is not in {file.parent}:\n{error}")
    original = file.read_bytes()
    file.write_text(stand_in_page(path, error, original.decode("utf-8", errors="replace")), encoding="utf-8")
    return original


def stand_in_page(path: str, error: str, original: str) -> str:
    """The short page published instead of one MkDocs rejected: its title, that it failed, and why."""
    title = _title(original) or Path(path).stem
    return neutralise_snippets(
        f"---\ntitle: {json.dumps(title)}\n---\n\n"
        f"# {html.escape(title)}\n\n"
        '!!! failure "This page could not be built"\n'
        f"    MkDocs rejected it: {code_span(error)}. The rest of the site is published;"
        " this model's notebook and its entry in catalogue.json are unaffected.\n"
    )


def _title(page: str) -> str:
    """The `title` of a page's front matter, or ''."""
    match = re.match(r"---\n(.*?)\n---\n", page, re.DOTALL)
    try:
        meta = yaml.safe_load(match[1]) if match else None
    except yaml.YAMLError:
        return ""
    title = meta.get("title") if isinstance(meta, dict) else None
    return title if isinstance(title, str) else ""


def _problems(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip() and not line.lstrip().startswith(NOISE)]
    return "\n".join(lines[-40:]) or output[-4000:]
