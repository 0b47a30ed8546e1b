"""Entry script of every sandboxed child: `python -I child.py LIMITS_JSON PROBE.py ARGS... RESULT.json`.

Before anything else runs it lowers its own resource limits (LIMITS_JSON: `memory_mb`, `output_bytes`)
and installs the network guard; then it loads the probe script by path, calls its `run(*ARGS)`, and
writes what that returns (or the error) as JSON to RESULT.json. Standard library only:
the child never imports `generator`, so a hub's own modules cannot collide with it.
"""

from __future__ import annotations

import errno
import importlib.util
import json
import os
import resource
import sys
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any

MESSAGE_TAIL = 500
OUTPUT_LIMIT_MESSAGE = "wrote more output than the sandbox allows (to a file or the console)"


def load_by_path(name: str, path: Path) -> ModuleType:
    """Import a single file as module `name`."""
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def describe_error(error: BaseException) -> dict[str, Any]:
    """Exception type, message tail and the end of the traceback, for the lock."""
    message = str(error)
    if isinstance(error, SystemExit):
        message = f"the hub called sys.exit({error.code!r})"
    elif isinstance(error, OSError) and error.errno == errno.EFBIG:
        message = OUTPUT_LIMIT_MESSAGE
    frames = traceback.format_exception(type(error), error, error.__traceback__)
    described: dict[str, Any] = {
        "error_type": type(error).__name__,
        "message": message[-MESSAGE_TAIL:],
        "traceback": "".join(frames)[-2000:],
    }
    if isinstance(error, ImportError):
        # Which module could not be imported, and the requirements a loader found unmet, if it says.
        described["missing_module"] = error.name or ""
        described["unmet"] = [str(item) for item in getattr(error, "unmet", None) or []]
    return described


def apply_limits(limits: dict[str, Any]) -> None:
    """No core files, capped output files, and (when given) a capped address space, for this process on."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    output = int(limits["output_bytes"])
    resource.setrlimit(resource.RLIMIT_FSIZE, (output, output))
    if limits.get("memory_mb") is not None:
        cap = int(limits["memory_mb"]) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def main() -> None:
    """Limit, guard, run the probe, write its result, and leave without running anyone's exit hooks."""
    limits_json, probe_path, *arguments, result_path = sys.argv[1:]
    apply_limits(json.loads(limits_json))
    load_by_path("_pinhub_sandbox_guard", Path(__file__).with_name("guard.py")).install()
    result: dict[str, Any]
    try:
        result = load_by_path("_pinhub_probe", Path(probe_path)).run(*arguments)
    except BaseException as error:
        result = {"ok": False, **describe_error(error)}
    Path(result_path).write_text(json.dumps(result, default=str), encoding="utf-8")
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # skip interpreter teardown: hub code may hang in atexit hooks or threads


if __name__ == "__main__":
    main()
