"""Entry script of every sandboxed child: `python -I child.py PROBE.py ARGS... RESULT.json`.

It installs the network guard before anything else runs, loads the probe script by path, calls its
`run(*ARGS)`, and writes what that returns (or the error) as JSON to RESULT.json. Standard library only:
the child never imports `generator`, so a hub's own modules cannot collide with it.
"""

from __future__ import annotations

import errno
import importlib.util
import json
import os
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


def describe_error(error: BaseException) -> dict[str, str]:
    """Exception type, message tail and the end of the traceback, for the lock."""
    message = str(error)
    if isinstance(error, SystemExit):
        message = f"the hub called sys.exit({error.code!r})"
    elif isinstance(error, OSError) and error.errno == errno.EFBIG:
        message = OUTPUT_LIMIT_MESSAGE
    frames = traceback.format_exception(type(error), error, error.__traceback__)
    return {
        "error_type": type(error).__name__,
        "message": message[-MESSAGE_TAIL:],
        "traceback": "".join(frames)[-2000:],
    }


def main() -> None:
    """Guard, run the probe, write its result, and leave without running anyone's exit hooks."""
    load_by_path("_pinhub_sandbox_guard", Path(__file__).with_name("guard.py")).install()
    probe_path, *arguments, result_path = sys.argv[1:]
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
