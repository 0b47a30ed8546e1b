"""Installed first thing in every probe, before any hub code runs: no network, and a count of the tries.

The sandbox's empty network namespace already stops every connection; this guard turns the attempts
made through Python's `socket` module into one clear error, and counts them so the runner can tell a
load that needed the network from one that failed for another reason. Code that goes around the
module (raw `_socket`, ctypes, a shell) is not counted, and still reaches nothing.

This file runs inside the sandboxed child, loaded by path (the child does not import `generator`),
so it uses the standard library only.
"""

from __future__ import annotations

import socket
import threading
from typing import Any, NoReturn

BLOCKED_FAMILIES = (socket.AF_INET, socket.AF_INET6)
MESSAGE = "network access is blocked while PinHub verifies a model (the build must not depend on the internet)"

_lock = threading.Lock()
_attempts = 0


def attempts() -> int:
    """How many times code in this process has tried to reach the network since `install`."""
    return _attempts


def _refuse(*_args: Any, **_kwargs: Any) -> NoReturn:
    global _attempts
    with _lock:
        _attempts += 1
    raise ConnectionRefusedError(MESSAGE)


def _guarded(method_name: str) -> Any:
    original = getattr(socket.socket, method_name)

    def method(self: socket.socket, *args: Any, **kwargs: Any) -> Any:
        if self.family in BLOCKED_FAMILIES:
            _refuse()
        return original(self, *args, **kwargs)

    return method


def install() -> None:
    """Refuse (and count) every internet connection and name lookup from now on; local sockets still work."""
    for name in ("connect", "connect_ex", "sendto", "sendmsg"):
        setattr(socket.socket, name, _guarded(name))
    socket.getaddrinfo = _refuse
    socket.gethostbyname = _refuse
    socket.gethostbyname_ex = _refuse
    socket.create_connection = _refuse
