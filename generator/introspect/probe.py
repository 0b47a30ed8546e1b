"""Introspection probe: import hubconf.py in isolation and describe its entrypoints.

Runs inside the sandbox (see generator/sandbox/child.py) as `run(HUB_DIR)`. It lists entrypoints
exactly as torch.hub.list would, through pinhub's own hubconf helpers.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any


def _signature(obj: Any) -> str:
    try:
        return str(inspect.signature(obj))
    except (TypeError, ValueError):
        return ""


def _describe(name: str, obj: Any) -> dict[str, str]:
    kind = "class" if inspect.isclass(obj) else "function" if inspect.isroutine(obj) else "other"
    return {"name": name, "kind": kind, "signature": _signature(obj), "docstring": inspect.getdoc(obj) or ""}


def run(hub_dir: str) -> dict[str, Any]:
    """Dependencies and one record per entrypoint of the hub in `hub_dir`."""
    import pinhub.hubconf

    module = pinhub.hubconf.import_hubconf(Path(hub_dir))
    names = pinhub.hubconf.list_entrypoints(module)
    dependencies = [str(d) for d in getattr(module, "dependencies", [])]
    return {
        "ok": True,
        "dependencies": dependencies,
        "entrypoints": [_describe(n, getattr(module, n)) for n in names],
    }
