"""Entry script of every sandboxed child: `python -I child.py SETTINGS_JSON PROBE.py ARGS... RESULT.json`.

Before anything else runs it hands itself to the supervisor when SETTINGS_JSON asks for one (see
supervisor.py: the probe then runs in a forked child), lowers its own resource limits (`memory_mb`,
`output_bytes`), puts `import_paths` first on sys.path and installs the network guard. Then it loads
the probe script by path, calls its `run(*ARGS)`, and writes what that returns (or the error) as a
JSON object to RESULT.json, always with `network_attempts`: how often the code tried to reach the
network. Standard library only: the child never imports `generator`, so a hub's own modules cannot
collide with it.
"""

from __future__ import annotations

import contextlib
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


def apply_limits(settings: dict[str, Any]) -> None:
    """No core files, capped output files, and (when given) a capped address space, for this process on."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    output = int(settings["output_bytes"])
    resource.setrlimit(resource.RLIMIT_FSIZE, (output, output))
    if settings.get("memory_mb") is not None:
        cap = int(settings["memory_mb"]) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def run_probe(probe_path: Path, arguments: list[str]) -> dict[str, Any]:
    """The probe's `run(*arguments)`, or the error it raised, as a JSON-ready dict."""
    try:
        result = load_by_path("_pinhub_probe", probe_path).run(*arguments)
    except BaseException as error:
        return {"ok": False, **describe_error(error)}
    if not isinstance(result, dict):
        message = f"the probe returned {type(result).__name__}, not a dict"
        return {"ok": False, "error_type": "TypeError", "message": message, "traceback": ""}
    return result


def write_result(path: Path, result: dict[str, Any], limit: int) -> None:
    """Write `result` as JSON, or a short error when it would not fit in the output limit."""
    text = json.dumps(result, default=str)
    if len(text.encode("utf-8")) > limit:
        message = f"the probe's result is larger than the sandbox's output limit ({limit:,} bytes)"
        text = json.dumps({"ok": False, "error_type": "OutputLimit", "message": message, "traceback": ""})
    path.write_text(text, encoding="utf-8")


def main() -> None:
    """Limit, guard, run the probe, write its result, and leave without running anyone's exit hooks."""
    settings_json, probe_path, *arguments, result_path = sys.argv[1:]
    settings = json.loads(settings_json)
    here = Path(__file__).parent
    if settings.get("supervise"):
        load_by_path("_pinhub_sandbox_supervisor", here / "supervisor.py").fork_supervised(settings["supervise"])
    apply_limits(settings)
    sys.path[:0] = [str(path) for path in settings.get("import_paths", [])]
    guard = load_by_path("_pinhub_sandbox_guard", here / "guard.py")
    guard.install()
    result = run_probe(Path(probe_path), arguments)
    result["network_attempts"] = guard.attempts()
    write_result(Path(result_path), result, int(settings["output_bytes"]))
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # the output limit may be reached already
            stream.flush()
    os._exit(0)  # skip interpreter teardown: hub code may hang in atexit hooks or threads


if __name__ == "__main__":
    main()
