"""Read hubconf.py without running it: dependencies, entrypoint names, literal docstrings (ast only).

The one reader of hubconf.py's source in the generator (check-repo's scan uses it too). Its
`dependencies` come from the loader's own reader (`pinhub.hubconf.read_dependencies`), so a page's
install line and the loader's check always agree on what a hub declares.
"""

from __future__ import annotations

import ast
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pinhub.errors import HubconfError
from pinhub.hubconf import read_dependencies

# ast.parse is not safe to call from two threads at once in CPython 3.11 (it can fail with
# "SystemError: AST constructor recursion depth mismatch"); `--jobs N` reads hubconf files in threads.
PARSE_LOCK = threading.Lock()


@dataclass
class StaticEntrypoint:
    """An entrypoint as the source text shows it."""

    name: str
    kind: Literal["function", "class", "imported"]
    signature: str = ""
    docstring: str = ""
    line: int = 0


@dataclass
class StaticHubconf:
    """What hubconf.py declares, read with ast; `imports` are the top-level modules it imports.

    `declares_dependencies` is True when hubconf.py assigns `dependencies` at all (even an empty list).
    """

    dependencies: list[str] = field(default_factory=list)
    entrypoints: list[StaticEntrypoint] = field(default_factory=list)
    imports: list[str] = field(default_factory=list)
    declares_dependencies: bool = False
    error: str = ""


def read_hubconf(path: Path) -> StaticHubconf:
    """Parse `path`; a syntax error (or a file nested too deeply to parse) is reported in `.error`, never raised."""
    try:
        source = path.read_text(encoding="utf-8")
        with PARSE_LOCK:
            tree = ast.parse(source, filename=str(path))
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError) as error:
        return StaticHubconf(error=f"{type(error).__name__}: {error}")
    found = StaticHubconf()
    for node in tree.body:
        _read_statement(node, found)
    found.entrypoints.sort(key=lambda e: e.name)  # dir() order, as torch.hub.list gives
    try:
        with PARSE_LOCK:  # the loader's reader parses the file again, with ast too
            found.dependencies = read_dependencies(path)
    except HubconfError as error:
        found.error = str(error)
    return found


def _read_statement(node: ast.stmt, found: StaticHubconf) -> None:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        if not node.name.startswith("_"):
            found.entrypoints.append(_from_definition(node))
    elif isinstance(node, ast.Assign | ast.AnnAssign) and _assigns(node, "dependencies"):
        found.declares_dependencies = True
    elif isinstance(node, ast.Assign) and _may_be_callable(node.value):
        found.entrypoints += [
            StaticEntrypoint(name=target.id, kind="imported", line=node.lineno)
            for target in node.targets
            if isinstance(target, ast.Name) and _public(target.id)
        ]
    elif isinstance(node, ast.Import):
        found.imports += [alias.name.split(".")[0] for alias in node.names]
    elif isinstance(node, ast.ImportFrom):
        if node.module and node.level == 0:
            found.imports.append(node.module.split(".")[0])
        found.entrypoints += [
            StaticEntrypoint(name=alias.asname or alias.name, kind="imported", line=node.lineno)
            for alias in node.names
            if _public(alias.asname or alias.name) and alias.name != "*"
        ]


def _from_definition(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> StaticEntrypoint:
    if isinstance(node, ast.ClassDef):
        return StaticEntrypoint(node.name, "class", docstring=ast.get_docstring(node) or "", line=node.lineno)
    return StaticEntrypoint(
        node.name,
        "function",
        signature=f"({ast.unparse(node.args)})",
        docstring=ast.get_docstring(node) or "",
        line=node.lineno,
    )


def _assigns(node: ast.Assign | ast.AnnAssign, name: str) -> bool:
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return any(isinstance(target, ast.Name) and target.id == name for target in targets)


def _public(name: str) -> bool:
    """A name torch.hub.list could list that is not, by the convention of its case, a constant."""
    return not name.startswith("_") and not (name.isupper() and len(name) > 1)


def _may_be_callable(value: ast.expr) -> bool:
    """An assigned value that can be a callable: another name (an alias) or a `partial(...)` of one.

    Literals, containers and the results of other calls are left out: reading the source cannot tell
    a model from a dict or a constant there.
    """
    if isinstance(value, ast.Name | ast.Attribute):
        return True
    if isinstance(value, ast.Call):
        called = value.func.attr if isinstance(value.func, ast.Attribute) else getattr(value.func, "id", "")
        return called == "partial"
    return False
