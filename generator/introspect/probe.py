"""Introspection probe: import hubconf.py in isolation and describe its entrypoints.

Runs inside the sandbox (see generator/sandbox/child.py) as `run(HUB_DIR)`. It lists entrypoints
exactly as torch.hub.list would (every public callable, in dir() order), through pinhub, the loader
the site's snippets use: pinhub checks the declared `dependencies` before it runs any of the hub's
code, so a missing package is reported by name rather than as whatever the first import tripped on.
"""

from __future__ import annotations

import functools
import inspect
import re
from pathlib import Path
from typing import Any

from pinhub._isolation import signature_text


def _kind(obj: Any) -> str:
    if inspect.isclass(obj):
        return "class"
    return "function" if inspect.isroutine(obj) else "other"


def _docstring(obj: Any) -> str:
    """What torch.hub.help shows (the object's own docstring, never a base class's), cleaned of indentation.

    A functools.partial shows the docstring of the function it wraps rather than partial's own.
    """
    doc = (obj.func if isinstance(obj, functools.partial) else obj).__doc__
    return inspect.cleandoc(doc) if isinstance(doc, str) else ""


def _describe(name: str, obj: Any, hub_dir: Path) -> dict[str, str]:
    return {
        "name": name,
        "kind": _kind(obj),
        "signature": signature_text(obj),
        "docstring": _docstring(obj),
        "defined_at": _defined_at(obj, hub_dir),
    }


def _defined_at(obj: Any, hub_dir: Path) -> str:
    """'path/in/hub.py:LINE' for a function or class defined in the hub's own files, else ''."""
    target = obj.func if isinstance(obj, functools.partial) else obj
    try:
        source = Path(inspect.getsourcefile(target) or "").resolve()
        relative = source.relative_to(hub_dir.resolve()).as_posix()
    except (TypeError, ValueError, OSError):
        return ""
    code = getattr(target, "__code__", None)
    if code is not None:
        return f"{relative}:{code.co_firstlineno}"
    line = _class_line(str(source), getattr(target, "__name__", ""))
    return f"{relative}:{line}" if line else relative


@functools.cache
def _source_lines(path: str) -> list[str]:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []


def _class_line(path: str, name: str) -> int:
    """The line of `class NAME` in the file (cheaper than inspect.getsourcelines, which parses it per call)."""
    pattern = re.compile(rf"^\s*class\s+{re.escape(name)}\b")
    return next((number for number, text in enumerate(_source_lines(path), 1) if pattern.match(text)), 0)


def run(hub_dir: str) -> dict[str, Any]:
    """Dependencies and one record per entrypoint of the hub in `hub_dir`."""
    import pinhub
    import pinhub.hubconf

    names = pinhub.list(hub_dir, source="local", verbose=False)
    module = pinhub.hubconf.import_hubconf(Path(hub_dir))  # the module pinhub.list just imported
    dependencies = [str(d) for d in getattr(module, "dependencies", None) or []]
    return {
        "ok": True,
        "dependencies": dependencies,
        "entrypoints": [_describe(name, getattr(module, name), Path(hub_dir)) for name in names],
    }
