"""Generated Markdown as the site turns it into HTML: Python-Markdown with every extension mkdocs.yml lists."""

from __future__ import annotations

from functools import cache
from html.parser import HTMLParser
from typing import Any

import markdown  # type: ignore[import-untyped]
from mkdocs.config import load_config

from support.hubrepos import PROJECT_ROOT


@cache
def site_extensions() -> tuple[list[Any], dict[str, dict[str, Any]]]:
    """mkdocs.yml's Markdown extensions and their settings; snippets read this project's docs/."""
    config = load_config(str(PROJECT_ROOT / "mkdocs.yml"))
    settings = {name: dict(values) for name, values in config["mdx_configs"].items()}
    settings["pymdownx.snippets"]["base_path"] = [str(PROJECT_ROOT / "docs")]
    return list(config["markdown_extensions"]), settings


def html_of(text: str) -> str:
    """The page body as the site renders it (front matter dropped)."""
    body = text.split("---\n", 2)[2] if text.startswith("---\n") else text
    extensions, settings = site_extensions()
    return str(markdown.markdown(body, extensions=extensions, extension_configs=settings))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    """Every element of an HTML fragment, as (tag, attributes)."""
    found: list[tuple[str, dict[str, str | None]]] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, dict(attrs)))

    Collector().feed(html)
    return found


def text_of(html: str) -> str:
    """The text of an HTML fragment, as a reader sees it (entities decoded)."""
    parts: list[str] = []

    class Collector(HTMLParser):
        def handle_data(self, data: str) -> None:
            parts.append(data)

    Collector(convert_charrefs=True).feed(html)
    return "".join(parts)
