"""Markdown pages from views, through Jinja templates that escape everything not marked safe."""

from __future__ import annotations

import re
import textwrap
from functools import cache

import jinja2
from markupsafe import Markup

from generator.catalogue.model import Catalogue
from generator.records import SmokeResult
from generator.render.snippets import fenced
from generator.render.view import DEVICE_LABELS, ModelView


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("generator.render", "templates"),
        autoescape=True,  # third-party text (docstrings, errors) must never become HTML
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.globals.update(
        device_labels=DEVICE_LABELS,
        status_text=status_text,
        seconds=seconds,
        count=count,
        shape_text=shape_text,
        inline_code=inline_code,
        fenced=lambda code, language: Markup(fenced(code, language)),
    )
    return environment


def model_page(view: ModelView) -> str:
    """The Markdown of one model page."""
    return (
        _environment()
        .get_template("model.md.j2")
        .render(
            **vars(view),
            pip_line_block=_safe(fenced(view.pip_line, "bash")),
            pinhub_block=_safe(_indent(fenced(view.pinhub_code))),
            torch_hub_block=_safe(_indent(fenced(view.torch_hub_code))),
        )
    )


def index_page(views: list[ModelView], catalogue: Catalogue) -> str:
    """The table of every model."""
    verified = sum(1 for v in views if any(b.state == "ok" for b in v.badges))
    return (
        _environment()
        .get_template("index.md.j2")
        .render(views=views, categories=catalogue.categories, verified=verified)
    )


def _safe(text: str) -> Markup:
    return Markup(text)


def _indent(block: str) -> str:
    return textwrap.indent(block, "    ")


def status_text(result: SmokeResult) -> str:
    """'✓ ok', '✗ failed: reason' or '– skipped: reason' for a table cell."""
    symbol = {"ok": "✓", "failed": "✗", "skipped": "–"}[result.status]
    reason = result.reason if len(result.reason) <= 160 else result.reason[:157] + "…"
    return f"{symbol} {result.status}" + (f": {inline_code(reason)}" if reason else "")


def inline_code(text: str) -> str:
    """Third-party text as a Markdown code span: shown literally, never parsed as Markdown or HTML.

    Jinja escapes the HTML characters afterwards; the span keeps Markdown from making links of it.
    """
    flat = " ".join(text.split()).replace("|", "¦")
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    ticks = "`" * (longest + 1)
    return f"{ticks} {flat} {ticks}"


def seconds(value: float | None) -> str:
    """'0.42 s', or '—'."""
    return "—" if value is None else f"{value:.2f} s"


def count(value: int | None) -> str:
    """'1.2 M', '23.4 k', or '—'."""
    if value is None:
        return "—"
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f} M"
    return f"{value / 1000:.1f} k" if value >= 1000 else str(value)


def shape_text(result: SmokeResult) -> str:
    """'[1, 1, 8, 8] → [1, 10] float32', or ''."""
    if result.input_shape is None or result.output_shape is None:
        return ""
    return f"`{result.input_shape}` → `{result.output_shape}` {result.output_dtype}"
