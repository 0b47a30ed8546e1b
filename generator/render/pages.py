"""Markdown pages from views, through Jinja templates that escape everything not marked safe."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from functools import cache

import jinja2
from markupsafe import Markup

from generator.catalogue.model import Catalogue, Category
from generator.lock.records import SmokeResult
from generator.render.links import is_web_url
from generator.render.markup import code_span, fenced_markup, html_text
from generator.render.verification import DEVICE_LABELS, STATE_LEGEND, meanings, smoke_cell
from generator.render.view import ModelView

RECENT = 6  # entries the home page lists as recently updated


@dataclass(frozen=True)
class ExampleOutput:
    """The executed example notebook as Markdown, for the model page's "Example output" section."""

    caption: str
    markdown: Markup


@dataclass(frozen=True)
class Row:
    """One model in a table of models, with the values its columns sort by."""

    view: ModelView
    parameters: int | None
    cpu_seconds: float | None
    votes: int | None


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
        state_legend=STATE_LEGEND,
        meanings=meanings,
        smoke_cell=smoke_cell,
        seconds=seconds,
        count=count,
        megabytes=megabytes,
        shape_text=shape_text,
        code_span=code_span,
        fenced_markup=fenced_markup,
        html_text=html_text,
        indented=indented,
        type_name=type_name,
        is_web_url=is_web_url,
    )
    return environment


def model_page(view: ModelView, example: ExampleOutput | None = None) -> str:
    """The Markdown of one model page."""
    template = _environment().get_template("model.md.j2")
    return template.render(**vars(view), view=view, example=example)


def index_page(rows: list[Row], catalogue: Catalogue) -> str:
    """The sortable table of every model."""
    verified = sum(1 for row in rows if row.view.verdict == "verified")
    template = _environment().get_template("index.md.j2")
    return template.render(
        rows=rows, categories=catalogue.categories, verified=verified, votes=_has_votes(rows), prefix=""
    )


def category_page(category: Category, rows: list[Row]) -> str:
    """The models of one category."""
    template = _environment().get_template("category.md.j2")
    return template.render(category=category, rows=rows, votes=_has_votes(rows), prefix="../")


def home_include(rows: list[Row], catalogue: Catalogue) -> str:
    """The generated part of the home page: counts, the category cards, recently updated entries."""
    per_category = {c.id: sum(1 for row in rows if row.view.entry.category == c.id) for c in catalogue.categories}
    dated = [row for row in rows if row.view.lock and row.view.lock.verified]
    recent = sorted(dated, key=lambda row: row.view.lock.verified_at if row.view.lock else "", reverse=True)
    template = _environment().get_template("home.md.j2")
    return template.render(
        rows=rows,
        categories=catalogue.categories,
        per_category=per_category,
        verified=sum(1 for row in rows if row.view.verdict == "verified"),
        recent=recent[:RECENT],
        icon=_icon_shortcode,
    )


def _has_votes(rows: list[Row]) -> bool:
    return any(row.votes is not None for row in rows)


def _icon_shortcode(icon: str) -> str:
    """'material/eye-outline' → ':material-eye-outline:', the emoji extension's icon syntax."""
    if not re.fullmatch(r"(material|fontawesome/\w+|octicons|simple)/[a-z0-9-]+", icon):
        return ":material-shape-outline:"
    return ":" + icon.replace("/", "-") + ":"


def indented(block: str) -> Markup:
    """A block indented by four spaces, as content tabs and admonitions want it."""
    return Markup(textwrap.indent(str(block), "    "))


def type_name(qualified: str) -> str:
    """A returned type's name without the private module name pinhub imports a hub under."""
    from pinhub._isolation import public_name  # the loader's rule (the loader loads only when a page needs it)

    return public_name(qualified)


def seconds(value: float | None) -> str:
    """'0.42 s', or '—'."""
    return "—" if value is None else f"{value:.2f} s"


def megabytes(value: float | None) -> str:
    """'228 MB', or '—'."""
    return "—" if value is None else f"{value:.0f} MB"


def count(value: int | None) -> str:
    """'1.2 M', '23.4 k', or '—'."""
    if value is None:
        return "—"
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f} M"
    return f"{value / 1000:.1f} k" if value >= 1000 else str(value)


def shape_text(result: SmokeResult) -> Markup:
    """'[1, 1, 8, 8] → [1, 10] float32 in 0.08 s', or '—'."""
    if result.input_shape is None or result.output_shape is None:
        return Markup("—")
    timing = f" in {seconds(result.forward_seconds)}" if result.forward_seconds is not None else ""
    return (
        code_span(str(result.input_shape))
        + Markup(" → ")
        + code_span(str(result.output_shape))
        + Markup(" {}{}").format(result.output_dtype, timing)
    )
