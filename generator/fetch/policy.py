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
        unreachable: Hosts that kept failing during this build: later fetches from them try once, not
            `attempts` times (an offline machine must not wait out every entry's pauses).
    """

    timeout: float = 600.0
    attempts: int = 3
    backoff: float = 2.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)
    unreachable: set[str] = field(default_factory=set, compare=False)
