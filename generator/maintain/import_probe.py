"""Side-effect probe: import hubconf.py once and measure what the import itself does.

Runs inside the sandbox (see generator/sandbox/child.py) as `run(HUB_DIR)`, after the network guard is
installed. It records every attempt to reach the network (the guard refuses them; a hub may catch the
refusal, the record stays), counts what the import prints (and swallows it), and times the import alone:
torch is imported first, since every hub needs it and users have it loaded already.
"""

from __future__ import annotations

import contextlib
import io
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

MAX_RECORDED = 10


class _CountingStream(io.TextIOBase):
    """A text stream that counts what is written to it and keeps none of it."""

    def __init__(self) -> None:
        self.count = 0

    def write(self, text: str) -> int:
        self.count += len(text.encode("utf-8", errors="replace"))
        return len(text)

    def writable(self) -> bool:
        return True


def _recorded(original: Callable[..., Any], attempts: list[str], describe: Callable[..., str]) -> Callable[..., Any]:
    def attempt(*args: Any, **kwargs: Any) -> Any:
        if len(attempts) < MAX_RECORDED:
            attempts.append(describe(*args, **kwargs))
        return original(*args, **kwargs)

    return attempt


def _address(*args: Any, **_: Any) -> str:
    target = args[0] if args else "?"
    return f"{target[0]}:{target[1]}" if isinstance(target, tuple) and len(target) >= 2 else str(target)


def _host(*args: Any, **_: Any) -> str:
    return f"{args[0]}:{args[1]}" if len(args) >= 2 else str(args[0] if args else "?")


def _record_network(attempts: list[str]) -> None:
    """Wrap the (already guarded) socket functions so every attempt is noted before it is refused."""
    socket.create_connection = _recorded(socket.create_connection, attempts, _address)
    socket.getaddrinfo = _recorded(socket.getaddrinfo, attempts, _host)
    socket.gethostbyname = _recorded(socket.gethostbyname, attempts, _host)
    original_connect = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family in (socket.AF_INET, socket.AF_INET6) and len(attempts) < MAX_RECORDED:
            attempts.append(_address(address))
        return original_connect(self, address)

    socket.socket.connect = connect  # type: ignore[method-assign,assignment]


def run(hub_dir: str) -> dict[str, Any]:
    """Import the hub in `hub_dir`; how long it took, how much it printed, what it tried to reach."""
    with contextlib.suppress(ImportError):
        import torch  # noqa: F401  (not part of the hub's import time)
    import pinhub.hubconf

    attempts: list[str] = []
    _record_network(attempts)
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = counter = _CountingStream()
    error: dict[str, str] = {}
    started = time.monotonic()
    try:
        pinhub.hubconf.import_hubconf(Path(hub_dir))
    except BaseException as failure:  # the hub's fault, to report; SystemExit included
        error = {"error_type": type(failure).__name__, "message": str(failure)[-500:]}
    finally:
        seconds = time.monotonic() - started
        sys.stdout, sys.stderr = stdout, stderr
    return {"ok": True, "seconds": round(seconds, 3), "printed_bytes": counter.count, "network": attempts, **error}
