"""Markdown that carries third-party text safely: code spans and code fences, never raw HTML.

Both return `Markup` because Markdown escapes the content of code spans and fences itself: escaping
it again for HTML would show `&lt;` to the reader. Everything else goes through Jinja's autoescape.
"""

from __future__ import annotations

import re

from markupsafe import Markup

from generator.render import snippets


def code_span(text: str) -> Markup:
    """`text` as one Markdown code span: shown literally, never parsed as Markdown or HTML.

    Whitespace is flattened (a span is one line) and `|` becomes `¦`, which would otherwise end a table cell.
    """
    flat = " ".join(str(text).split()).replace("|", "¦")
    if not flat:
        return Markup("")
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    ticks = "`" * (longest + 1)
    return Markup(f"{ticks} {flat} {ticks}")


def fenced(code: str, language: str = "python") -> Markup:
    """A Markdown code fence that the code cannot close early, whatever backticks it contains."""
    return Markup(snippets.fenced(code, language))
