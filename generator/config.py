"""Where the project's files are, and the site settings the generator shares with MkDocs."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.errors import InvalidInputError, Problem


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, skipping the `!!python/name:` tags some Markdown extensions use."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore_tag)
_TolerantLoader.add_multi_constructor("!", _ignore_tag)


@dataclass(frozen=True)
class ProjectConfig:
    """Paths and site settings for one build.

    Attributes:
        root: The project folder (holds mkdocs.yml).
        catalogue: catalogue.yaml; `lock` sits beside it.
        site_url: The published site's address, from mkdocs.yml (ends with '/').
        github_repo: 'owner/name' of this project on GitHub, from mkdocs.yml's repo_url.
        notebooks_repo: 'owner/name' of the GitHub repository the notebooks are published in (Colab
            opens notebooks from GitHub only); by default this project's repository.
        notebooks_branch: The branch the site (and so its notebooks) is published on.
        notebooks_path: Folder of the built site inside that branch ('' when the site is its root).
        build_dir: Scratch space for the build's caches (executed notebooks), ignored by git.
        giscus_repo: 'owner/name' whose Discussions hold the pages' comments and reactions ('' = off).
        giscus_category_id: The Discussions category giscus files the pages' discussions in.
    """

    root: Path
    catalogue: Path
    lock: Path
    mkdocs_yml: Path
    docs_dir: Path
    generated_dir: Path
    site_dir: Path
    site_url: str
    github_repo: str
    notebooks_branch: str = "gh-pages"
    loader_version: str | None = None
    notebooks_repo: str = ""
    notebooks_path: str = ""
    build_dir: Path | None = None
    giscus_repo: str = ""
    giscus_category_id: str = ""

    @property
    def repo_url(self) -> str:
        """This project's GitHub page."""
        return f"https://github.com/{self.github_repo}"

    @property
    def cache_dir(self) -> Path:
        """Where build steps keep what they can reuse (`build_dir`, else `.build/` in the project)."""
        return self.build_dir or self.root / ".build"

    @property
    def example_outputs(self) -> Path:
        """The executed example notebooks, committed beside the lock (`catalogue/examples/`)."""
        return self.catalogue.parent / "examples"

    @property
    def reactions(self) -> Path:
        """Reaction counts per entry that the verify workflow records from the site's discussions, if any."""
        return self.catalogue.with_name("reactions.json")


def load_config(root: Path, catalogue: Path | None = None, site_dir: Path | None = None) -> ProjectConfig:
    """Read mkdocs.yml in `root`; `catalogue` and `site_dir` override the defaults (for tests and CI)."""
    mkdocs_yml = root / "mkdocs.yml"
    settings = _read_mkdocs_yml(mkdocs_yml)
    catalogue = catalogue or root / "catalogue" / "catalogue.yaml"
    docs_dir = root / str(settings.get("docs_dir", "docs"))
    pinhub_extra = (settings.get("extra") or {}).get("pinhub") or {}
    giscus = (settings.get("extra") or {}).get("giscus") or {}
    github_repo = _github_repo(mkdocs_yml, settings)
    return ProjectConfig(
        root=root,
        catalogue=catalogue,
        lock=catalogue.with_suffix(".lock"),
        mkdocs_yml=mkdocs_yml,
        docs_dir=docs_dir,
        generated_dir=docs_dir / "models",
        site_dir=site_dir or root / str(settings.get("site_dir", "site")),
        site_url=_site_url(mkdocs_yml, settings),
        github_repo=github_repo,
        notebooks_branch=str(pinhub_extra.get("notebooks_branch") or "gh-pages"),
        notebooks_repo=str(pinhub_extra.get("notebooks_repo") or github_repo),
        notebooks_path=str(pinhub_extra.get("notebooks_path") or "").strip("/"),
        loader_version=_loader_version(root),
        giscus_repo=str(giscus.get("repo") or ""),
        giscus_category_id=str(giscus.get("category_id") or ""),
    )


def _loader_version(root: Path) -> str | None:
    """The version of the `pinhub` wheel the site ships, from pyproject.toml (None: the project ships none)."""
    try:
        project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8")).get("project", {})
    except (OSError, tomllib.TOMLDecodeError):
        return None
    return str(project["version"]) if project.get("name") == "pinhub" and "version" in project else None


def _read_mkdocs_yml(path: Path) -> dict[str, Any]:
    try:
        settings = yaml.load(path.read_text(encoding="utf-8"), Loader=_TolerantLoader)
    except FileNotFoundError:
        raise InvalidInputError([Problem(str(path), None, "", "file not found; is this the project folder?")]) from None
    except yaml.YAMLError as error:
        line = getattr(getattr(error, "problem_mark", None), "line", None)
        raise InvalidInputError([Problem(str(path), line + 1 if line is not None else None, "", str(error))]) from None
    return settings if isinstance(settings, dict) else {}


def _site_url(path: Path, settings: dict[str, Any]) -> str:
    url = str(settings.get("site_url") or "")
    if not url.startswith(("https://", "http://")):
        raise InvalidInputError([Problem(str(path), None, "site_url", "set the published site's https:// address")])
    return url if url.endswith("/") else url + "/"


def _github_repo(path: Path, settings: dict[str, Any]) -> str:
    match = re.match(r"^https://github\.com/([^/]+/[^/]+?)/?$", str(settings.get("repo_url") or ""))
    if not match:
        message = "set repo_url to the project's GitHub page, e.g. https://github.com/owner/name"
        raise InvalidInputError([Problem(str(path), None, "repo_url", message)])
    return match.group(1)
