"""Stage 5, lock: the records of what the build found per entry, the keys that decide reuse, shards,
merging them, and the lock file."""

from generator.lock.devices import carry_over, devices_to_run, mark_not_run, only_devices
from generator.lock.keys import device_key, entry_key, repo_key
from generator.lock.merge import MergeReport, merge_shards
from generator.lock.records import EntryLock, EntrypointLock, Lock, ModelFacts, ShardLock, SmokeResult, Stale
from generator.lock.shards import Shard
from generator.lock.store import lock_text, read_lock, read_shard, write_lock

__all__ = [
    "EntryLock",
    "EntrypointLock",
    "Lock",
    "MergeReport",
    "ModelFacts",
    "Shard",
    "ShardLock",
    "SmokeResult",
    "Stale",
    "carry_over",
    "device_key",
    "devices_to_run",
    "entry_key",
    "lock_text",
    "mark_not_run",
    "merge_shards",
    "only_devices",
    "read_lock",
    "read_shard",
    "repo_key",
    "write_lock",
]
