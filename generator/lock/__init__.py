"""Stage 5, lock: what the build found per entry, the keys that decide reuse, and the lock file."""

from generator.lock.keys import entry_key
from generator.lock.store import lock_text, read_lock, write_lock
from generator.records import EntryLock, EntrypointLock, Lock, ModelFacts, SmokeResult, Stale

__all__ = [
    "EntryLock",
    "EntrypointLock",
    "Lock",
    "ModelFacts",
    "SmokeResult",
    "Stale",
    "entry_key",
    "lock_text",
    "read_lock",
    "write_lock",
]
