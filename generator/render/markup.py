"""Markdown that carries third-party text safely: code spans, code fences and escaped HTML, never markup.

Code spans and fences are returned as `Markup` because Markdown escapes their content itself: escaping
it again for HTML would show `&lt;` to the reader. Text inside raw HTML (`html_text`) is escaped for
HTML and, beyond that, for the Markdown preprocessors that read raw HTML blocks too (code fences).

pymdownx.snippets reads every line of a page before anything else, code and raw HTML included, so
`neutralise_snippets` escapes each line it would act on; generated pages include no snippets of their own.
"""

from __future__ import annotations

import html
import re

from markupsafe import Markup

# Control characters, among them Python-Markdown's placeholder markers (STX, ETX): never part of a page.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Characters that open a code fence (pymdownx.superfences reads fences even inside raw HTML blocks).
FENCE_CHARACTERS = {"`": "&#96;", "~": "&#126;"}
SNIPPET_MARKER = "8<-"  # every snippet, block or section marker contains it


def plain(text: str) -> str:
    """`text` with line breaks as newlines and without control characters."""
    return CONTROL.sub("", str(text).replace("\r\n", "\n").replace("\r", "\n"))


def code_span(text: str) -> Markup:
    """`text` as one Markdown code span: shown literally, never parsed as Markdown or HTML.

    Whitespace is flattened (a span is one line) and `|` becomes `¦`, which would otherwise end a table cell.
    """
    flat = " ".join(plain(text).split()).replace("|", "¦")
    if not flat:
        return Markup("")
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    ticks = "`" * (longest + 1)
    return Markup(f"{ticks} {flat} {ticks}")


def fenced_text(code: str, language: str = "python") -> str:
    """A Markdown code fence, as text, that the code cannot close early whatever backticks it contains."""
    code = plain(code)
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{code.rstrip()}\n{fence}"


def fenced_markup(code: str, language: str = "python") -> Markup:
    """`fenced_text` as `Markup`, for templates (Markdown shows the fence's content literally)."""
    return Markup(fenced_text(code, language))


def html_text(text: str) -> Markup:
    """`text` for the inside of a raw HTML element: escaped for HTML, and no fence can open in it."""
    escaped = html.escape(plain(text))
    for character, reference in FENCE_CHARACTERS.items():
        escaped = escaped.replace(character, reference)
    return Markup(escaped)


def neutralise_snippets(markdown: str) -> str:
    """`markdown` with every line that pymdownx.snippets would include, remove or open a block at escaped.

    The escape is snippets' own (a `;` before the marker, which snippets removes), so readers see the
    line exactly as written: in a code block, a docstring or a table cell alike.
    """
    lines = plain(markdown).split("\n")
    return "\n".join(_escaped_snippet_line(line) if SNIPPET_MARKER in line else line for line in lines)


def _escaped_snippet_line(line: str) -> str:
    # snippets' own patterns, so what is escaped is exactly what it would act on (loaded only when needed)
    from pymdownx.snippets import SnippetPreprocessor  # type: ignore[import-untyped]

    match = SnippetPreprocessor.RE_ALL_SNIPPETS.match(line) or SnippetPreprocessor.RE_SNIPPET_SECTION.match(line)
    if match is None:
        return line
    at = match.start("escape")
    return f"{line[:at]};{line[at:]}"
