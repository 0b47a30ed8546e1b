"""Read and import a hub's ``hubconf.py``.

:func:`read_dependencies` reads ``dependencies`` without running anything; :func:`import_hubconf`
imports the hub in isolation (its ``models`` never meets another hub's ``models``);
:func:`list_entrypoints` lists entrypoints exactly as ``torch.hub.list`` does.
"""

from __future__ import annotations

import ast
import hashlib
import os
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pinhub import _isolation
from pinhub.errors import EntrypointNotFoundError, HubconfError

__all__ = ["HUBCONF", "call_entrypoint", "get_entrypoint", "import_hubconf", "list_entrypoints", "read_dependencies"]

HUBCONF = "hubconf.py"
_SKIPPED_DIRS = ("__pycache__", ".git")


def read_dependencies(hubconf_path: Path) -> list[str]:
    """Read ``dependencies`` from a hubconf.py statically, executing nothing.

    Args:
        hubconf_path: the hubconf.py file.

    Returns:
        The declared requirement strings (empty if the file declares none).

    Raises:
        HubconfError: the file cannot be parsed, or ``dependencies`` is not a literal list or tuple of
            strings assigned once at the top level.
    """
    path = Path(hubconf_path)
    try:
        tree = ast.parse(path.read_bytes(), filename=str(path))
    except (OSError, SyntaxError, ValueError) as error:
        raise HubconfError(f"cannot read {path}: {error}") from error
    found: ast.expr | None = None
    for node, top_level in _module_scope_statements(tree):
        value = _assigned_value(node)
        if value is None:
            continue
        if not top_level or isinstance(node, ast.AugAssign):
            raise HubconfError(f"{path}:{node.lineno}: assign `dependencies` once, at the top level")
        found = value
    if found is None:
        return []
    try:
        result = ast.literal_eval(found)
    except ValueError as error:
        raise HubconfError(
            f"{path}:{found.lineno}: `dependencies` must be a literal list of strings, got {ast.unparse(found)!r}"
        ) from error
    if not isinstance(result, (list, tuple)) or not all(isinstance(item, str) for item in result):
        raise HubconfError(f"{path}:{found.lineno}: `dependencies` must be a list of strings, got {result!r}")
    return list(result)


def _module_scope_statements(tree: ast.Module) -> Iterator[tuple[ast.stmt, bool]]:
    """Statements that run at module scope, in order, with whether each sits directly in the module body."""
    stack = [(node, True) for node in reversed(tree.body)]
    while stack:
        node, top_level = stack.pop()
        yield node, top_level
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        nested: list[ast.stmt] = []
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                nested.append(child)
            elif isinstance(child, (ast.ExceptHandler, ast.match_case)):
                nested.extend(child.body)
        stack.extend((child, False) for child in reversed(nested))


def _assigned_value(node: ast.stmt) -> ast.expr | None:
    """The value assigned to ``dependencies`` by this statement, if it assigns it."""
    if isinstance(node, ast.Assign):
        names = [t.id for t in node.targets if isinstance(t, ast.Name)]
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
        names = [node.target.id] if isinstance(node.target, ast.Name) else []
    else:
        return None
    if "dependencies" not in names:
        return None
    return node.value


def fingerprint(hub_dir: Path) -> str:
    """A digest of the hub's Python files (paths, sizes, mtimes): it changes when the code changes."""
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(hub_dir):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS and not d.startswith("."))
        for name in sorted(f for f in files if f.endswith(".py")):
            info = os.stat(os.path.join(folder, name))
            digest.update(f"{folder}/{name}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def import_hubconf(hub_dir: Path, *, state: str | None = None) -> types.ModuleType:
    """Import a hub's hubconf.py in isolation.

    The hub's own modules are imported under a private package, so two hubs that both have a
    ``models`` module can be used side by side. Importing the same folder again returns the same
    module unless its Python files changed.

    Args:
        hub_dir: the folder that holds hubconf.py.
        state: identifies the folder's state when known (a cache entry's commit); by default a
            digest of its Python files' paths, sizes and mtimes.

    Returns:
        The hubconf module.

    Raises:
        HubconfError: there is no hubconf.py in ``hub_dir``.
    """
    path = Path(hub_dir)
    if not (path / HUBCONF).is_file():
        raise HubconfError(f"no {HUBCONF} in {path}")
    hub = _isolation.register(path, state or fingerprint(path))
    return _isolation.import_module(hub, "hubconf")


def is_imported(hub_dir: Path, state: str) -> bool:
    """Whether :func:`import_hubconf` already imported this folder in this state."""
    return _isolation.imported(Path(hub_dir), state, "hubconf")


def list_entrypoints(module: types.ModuleType) -> list[str]:
    """Entrypoints as ``torch.hub.list`` gives them: callables not starting with ``_``, in ``dir()`` order."""
    return [name for name in dir(module) if callable(getattr(module, name)) and not name.startswith("_")]


def get_entrypoint(module: types.ModuleType, name: str) -> Callable[..., Any]:
    """The entrypoint called ``name``.

    Raises:
        ValueError: ``name`` is not a string.
        EntrypointNotFoundError: the hub has no callable of that name.
    """
    if not isinstance(name, str):
        raise ValueError("Invalid input: model should be a string of function name")
    entry = getattr(module, name, None) if name in dir(module) else None
    if entry is None or not callable(entry):
        raise EntrypointNotFoundError(f"Cannot find callable {name} in hubconf")
    result: Callable[..., Any] = entry
    return result


def call_entrypoint(module: types.ModuleType, entry: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call an entrypoint of an isolated hub with the hub's names visible, as torch.hub would."""
    hub = _isolation.hub_of(module)
    if hub is None:
        return entry(*args, **kwargs)
    with _isolation.window(hub):
        return entry(*args, **kwargs)
