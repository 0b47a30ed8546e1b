"""Text a hub may put in its docstrings, names and messages that Markdown, its extensions or a template
would act on: every page must show it exactly as written and pull in nothing."""

from __future__ import annotations

from support.hubrepos import PROJECT_ROOT

# Markdown and template syntax a docstring may hold; each must reach the reader exactly as written
# (in the middle of a docstring, where a block of Markdown would start).
HOSTILE_BLOCKS = {
    "fence": '```python\nimport os\nos.system("echo hi")\n```',
    "tilde fence": "~~~\nnot code\n~~~",
    "html": '<div class="admonition danger"><p onclick="x()">raw</p></div>',
    "jinja": "{{ config.site_name }} {% include 'main.html' %} {# comment #}",
    "admonition": '!!! danger "Injected"\n    An admonition.',
    "snippet": '--8<-- "loader.md"',
    "snippet block": "--8<--\nloader.md\n--8<--",
    "snippet section": "keep this line --8<-- [start:name] and this",
    "tabs": '=== "Injected tab"\n    Tab content.',
    "attr_list": 'A paragraph\n{: .injected onclick="x()" }\n\n# Heading { #injected .evil }',
    "placeholder": "\x02wzxhzdk:0\x03 stash marker",
    "toc": "[TOC]",
    "emoji": ":material-alert: :smile:",
}
HOSTILE_LINES = {name: f"Loads it.\n\n{block}\n\nReturns it." for name, block in HOSTILE_BLOCKS.items()}
LOADER_TEXT = "is the package every snippet on this site calls"
assert LOADER_TEXT in (PROJECT_ROOT / "docs" / "loader.md").read_text(encoding="utf-8")
# Every block at once, as one docstring.
HOSTILE_DOCSTRING = "Loads it.\n\n" + "\n\n".join(HOSTILE_BLOCKS.values()) + "\n\nReturns it."
