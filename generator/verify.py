"""Verify one entry: fetch → introspect → smoke, producing its lock record. Never raises for hub faults."""

from __future__ import annotations

import platform
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from generator.catalogue.model import Entry
from generator.fetch import Checkout, FetchError, fetch_entry
from generator.introspect import HubInfo, introspect_hub
from generator.lock import entry_key
from generator.records import EntryLock, EntrypointLock, SmokeResult, Stale
from generator.smoke import SmokeRequest, TorchEnvironment, skipped, smoke_entrypoint

Progress = Callable[[str, str], None]  # (entry id, stage) → show it


@dataclass(frozen=True)
class VerifyContext:
    """What every entry's verification shares."""

    project_root: Path
    cache_dir: Path
    torch: TorchEnvironment
    force: bool = False
    progress: Progress | None = None


def verify_entry(entry: Entry, previous: EntryLock | None, context: VerifyContext) -> EntryLock:
    """The lock record of `entry`: reused from `previous` when its key is unchanged, else rebuilt."""
    _report(context, entry.id, "fetch")
    try:
        checkout = fetch_entry(entry, context.project_root, context.cache_dir) if entry.is_local else None
        digest = checkout.content_digest if checkout else ""
        key = entry_key(entry, _commit(entry, checkout), digest, context.torch.torch_version)
        if previous and previous.key == key and not previous.stale and not context.force:
            return previous
        checkout = checkout or fetch_entry(entry, context.project_root, context.cache_dir)
    except FetchError as error:
        return _unfetchable(entry, previous, str(error))
    _report(context, entry.id, "introspect")
    hub = introspect_hub(checkout.hub_dir)
    record = _record(entry, checkout, key, hub, context.torch)
    _smoke_all(entry, record, checkout, context)
    return record


def _commit(entry: Entry, checkout: Checkout | None) -> str | None:
    return checkout.commit if checkout else entry.commit


def _record(entry: Entry, checkout: Checkout, key: str, hub: HubInfo, torch: TorchEnvironment) -> EntryLock:
    entrypoints = list(hub.entrypoints)
    known = {e.name for e in entrypoints}
    for name in entry.entrypoints or []:
        if name not in known:
            missing = EntrypointLock(name=name, kind="other")
            reason = f"hubconf.py has no entrypoint {name!r}; it has: {', '.join(sorted(known)) or 'none'}"
            missing.smoke["cpu"] = SmokeResult(status="failed", reason=reason)
            entrypoints.append(missing)
    return EntryLock(
        id=entry.id,
        key=key,
        repo=entry.repo,
        subdir=checkout.subdir,
        commit=checkout.commit,
        dirty=checkout.dirty,
        verified_at=datetime.now(UTC).isoformat(timespec="seconds"),
        torch_version=torch.torch_version,
        python_version=platform.python_version(),
        dependencies=hub.dependencies,
        introspection="dynamic" if hub.method == "dynamic" else "static",
        introspection_error=hub.error,
        entrypoints=entrypoints,
    )


def _smoke_all(entry: Entry, record: EntryLock, checkout: Checkout, context: VerifyContext) -> None:
    featured = entry.entrypoints or [e.name for e in record.entrypoints]
    for info in record.entrypoints:
        if info.name not in featured or info.smoke:
            continue
        settings = entry.smoke.for_entrypoint(info.name)
        for device in ("cpu", "cuda"):
            _report(context, entry.id, f"smoke {info.name} ({device})")
            if settings.skip:
                info.smoke[device] = skipped(settings.skip)
            elif record.introspection_error:
                info.smoke[device] = skipped(f"not loaded: {record.introspection_error}")
            elif device not in context.torch.devices:
                info.smoke[device] = skipped(f"no CUDA device on the build machine (torch {record.torch_version})")
            else:
                info.smoke[device] = smoke_entrypoint(
                    SmokeRequest(
                        hub_dir=checkout.hub_dir,
                        entrypoint=info.name,
                        device=device,
                        kwargs=settings.kwargs or {},
                        input=settings.input.model_dump() if settings.input else None,
                        timeout=entry.smoke.timeout,
                    )
                )


def _unfetchable(entry: Entry, previous: EntryLock | None, reason: str) -> EntryLock:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    if previous is not None:
        return previous.model_copy(update={"stale": Stale(reason=reason, attempted_at=now)})
    return EntryLock(
        id=entry.id,
        key="",
        repo=entry.repo,
        subdir=entry.subdir,
        commit=entry.commit,
        verified_at="",
        torch_version="",
        python_version="",
        introspection="none",
        stale=Stale(reason=reason, attempted_at=now),
    )


def _report(context: VerifyContext, entry_id: str, stage: str) -> None:
    if context.progress:
        context.progress(entry_id, stage)
