"""Smoke results per device: which devices a record holds, keeping some, carrying others over.

A record's `device_keys` say which devices its smoke results were built on and under which key. A
machine rebuilds the devices it has; results for devices it lacks are carried over from the previous
record while their device key still matches, so a CPU-only rebuild keeps a GPU machine's CUDA results.
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.lock.keys import device_key
from generator.lock.records import EntryLock, SmokeResult


def devices_to_run(previous: EntryLock | None, key: str, devices: Iterable[str]) -> list[str]:
    """The `devices` whose results in `previous` were not built under `key` (all of them without one)."""
    built = previous.device_keys if previous is not None else {}
    return [device for device in devices if built.get(device) != device_key(key, device)]


def carry_over(record: EntryLock, previous: EntryLock | None, devices: Iterable[str]) -> list[str]:
    """Copy into `record` the previous results of `devices` that hold for its key; returns those devices."""
    if previous is None:
        return []
    carried = [device for device in devices if device not in devices_to_run(previous, record.key, [device])]
    for device in carried:
        for entrypoint in record.entrypoints:
            old = previous.entrypoint(entrypoint.name)
            if old is not None and device in old.smoke:
                entrypoint.smoke[device] = old.smoke[device]
        record.device_keys[device] = previous.device_keys[device]
        if device in previous.environments:
            record.environments[device] = previous.environments[device]
    return carried


def mark_not_run(record: EntryLock, device: str, reason: str) -> None:
    """Record that no build has smoke-loaded `record`'s featured entrypoints on `device` (e.g. no machine
    with one); entrypoints that are not featured are never loaded, so they get no result."""
    record.device_keys.pop(device, None)
    record.environments.pop(device, None)
    for entrypoint in record.featured:
        entrypoint.smoke[device] = SmokeResult(status="skipped", reason=reason)


def only_devices(record: EntryLock, devices: Iterable[str]) -> EntryLock:
    """A copy of `record` holding smoke results for `devices` only (what a shard of that run reports)."""
    kept = set(devices)
    copy = record.model_copy(deep=True)
    copy.device_keys = {device: key for device, key in copy.device_keys.items() if device in kept}
    copy.environments = {device: i for device, i in copy.environments.items() if device in kept}
    for entrypoint in copy.entrypoints:
        entrypoint.smoke = {device: result for device, result in entrypoint.smoke.items() if device in kept}
    return copy


def results_on(record: EntryLock, device: str) -> dict[str, SmokeResult]:
    """Entrypoint name → its result on `device`."""
    return {e.name: e.smoke[device] for e in record.entrypoints if device in e.smoke}
