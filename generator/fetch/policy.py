"""How hard fetch tries: a plain value, importable without git (a no-op rebuild never loads GitPython)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FetchPolicy:
    """How hard fetch tries, per entry.

    Attributes:
        timeout: Seconds one entry's fetch may take in all: waiting for the lock, every attempt, every pause.
        attempts: Tries per git command when the failure looks transient (a dropped connection, a 5xx).
        backoff: Seconds before the second try; each later pause doubles it.
        sleep: How to pause (tests of the schedule pass their own clock).
    """

    timeout: float = 600.0
    attempts: int = 3
    backoff: float = 2.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)
