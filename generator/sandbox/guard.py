"""Installed first thing in every probe, before any hub code runs: no network, no credentials.

This file runs inside the sandboxed child, loaded by path (the child does not import `generator`),
so it uses the standard library only.
"""

from __future__ import annotations

import socket
from typing import Any, NoReturn

BLOCKED_FAMILIES = (socket.AF_INET, socket.AF_INET6)
MESSAGE = "network access is blocked while PinHub verifies a model (the build must not depend on the internet)"


def _refuse(*_args: Any, **_kwargs: Any) -> NoReturn:
    raise ConnectionRefusedError(MESSAGE)


def _guarded(method_name: str) -> Any:
    original = getattr(socket.socket, method_name)

    def method(self: socket.socket, *args: Any, **kwargs: Any) -> Any:
        if self.family in BLOCKED_FAMILIES:
            _refuse()
        return original(self, *args, **kwargs)

    return method


def install() -> None:
    """Refuse every internet connection and name lookup from this process on; local sockets still work."""
    for name in ("connect", "connect_ex", "sendto", "sendmsg"):
        setattr(socket.socket, name, _guarded(name))
    socket.getaddrinfo = _refuse
    socket.gethostbyname = _refuse
    socket.gethostbyname_ex = _refuse
    socket.create_connection = _refuse
