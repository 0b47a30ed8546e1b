"""Verify entries: fetch → introspect → smoke, producing lock records. Never raises for hub faults.

`plan_entry` takes one entry as far as its smoke loads: it reuses the previous record when the key
matches, else fetches and introspects; what is left are `SmokeTask`s, one per entrypoint and device.
`verify_entries` runs plans and smoke tasks N at a time, smoke tasks first so that entries finish
early, at most one at a time on the GPU, and reports each step to a `Progress`.
"""

from __future__ import annotations

import platform
import re
import sys
import time
import traceback
from collections import deque
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from generator.catalogue.model import Entry
from generator.fetch import Checkout, FetchError, FetchPolicy, fetch_entry
from generator.introspect import HubInfo, introspect_hub
from generator.lock import carry_over, dependency_versions, device_key, devices_to_run, entry_key, mark_not_run
from generator.lock.records import DEVICES, EntryLock, EntrypointLock, SmokeResult, Stale
from generator.smoke import SmokeRequest, TorchEnvironment, skipped, smoke_entrypoint

# How many smoke loads may share one device at a time (None: as many as --jobs allows).
DEVICE_SLOTS = {"cuda": 1}


class Progress(Protocol):
    """Where verification reports what it is doing; called from worker threads."""

    def begin(self, total: int) -> None:
        """Verification of `total` entries starts."""

    def stage(self, entry_id: str, stage: str) -> None:
        """Entry `entry_id` started `stage` ('fetch', 'introspect', 'smoke NAME (cpu)')."""

    def finished(self, entry_id: str, outcome: str, seconds: float) -> None:
        """Entry `entry_id` is done: 'reused', 'verified', 'failed' or 'stale'."""


@dataclass(frozen=True)
class VerifyContext:
    """What every entry's verification shares. `devices`: where to smoke-load (default: all torch has)."""

    project_root: Path
    cache_dir: Path
    torch: TorchEnvironment
    devices: tuple[str, ...] | None = None
    force: bool = False
    progress: Progress | None = None
    fetch: FetchPolicy = field(default_factory=FetchPolicy)

    @property
    def run_devices(self) -> tuple[str, ...]:
        """The devices this build smoke-loads on."""
        return self.torch.devices if self.devices is None else self.devices


@dataclass(frozen=True)
class SmokeTask:
    """One smoke load still to run for an entry."""

    entry_id: str
    request: SmokeRequest


@dataclass
class Verification:
    """One entry being verified: its record so far, the smoke loads still to run, and how it went."""

    entry: Entry
    record: EntryLock
    tasks: list[SmokeTask] = field(default_factory=list)
    reused: bool = False
    started: float = field(default_factory=time.monotonic)
    seconds: float = 0.0

    @property
    def outcome(self) -> str:
        """'reused', 'stale' (not fetched; older data kept), 'failed' (a featured load failed) or 'verified'."""
        if self.reused:
            return "reused"
        if self.record.stale:
            return "stale"
        failed = any(r.status == "failed" for e in self.record.entrypoints for r in e.smoke.values())
        return "failed" if failed or self.record.introspection_error else "verified"


def verify_entries(
    entries: Sequence[tuple[Entry, EntryLock | None]], context: VerifyContext, jobs: int
) -> list[Verification]:
    """Verify every (entry, previous record) with up to `jobs` fetches, imports and smoke loads at once."""
    return _Scheduler(context, max(1, jobs)).run(entries)


def plan_entry(entry: Entry, previous: EntryLock | None, context: VerifyContext) -> Verification:
    """Everything up to the smoke loads: reuse, or fetch and introspect; the loads left to run are its tasks."""
    started = time.monotonic()
    verification = _plan(entry, previous, context)
    verification.started = started
    return verification


def _plan(entry: Entry, previous: EntryLock | None, context: VerifyContext) -> Verification:
    _report(context, entry.id, "fetch")
    try:
        checkout = fetch_entry(entry, context.project_root, context.cache_dir) if entry.is_local else None
        key = _key(entry, checkout, previous, context)
        if previous and previous.key == key and not previous.stale and not context.force:
            todo = devices_to_run(previous, key, context.run_devices)
            if not todo:
                return Verification(entry, previous, reused=True)
            checkout = checkout or fetch_entry(entry, context.project_root, context.cache_dir, context.fetch)
            return _add_devices(entry, previous.model_copy(deep=True), checkout, todo, context)
        checkout = checkout or fetch_entry(entry, context.project_root, context.cache_dir, context.fetch)
    except FetchError as error:
        return Verification(entry, _unfetchable(entry, previous, str(error)))
    _report(context, entry.id, "introspect")
    hub = introspect_hub(checkout.hub_dir)
    record = _record(entry, checkout, hub, context)
    absent = [device for device in DEVICES if device not in context.run_devices]
    carried = carry_over(record, previous, absent)
    for device in absent:
        if device not in carried:
            mark_not_run(record, device, _not_run_reason(device, context))
    return _add_devices(entry, record, checkout, list(context.run_devices), context)


def run_smoke(task: SmokeTask, context: VerifyContext) -> SmokeResult:
    """One smoke load (in a sandboxed subprocess)."""
    _report(context, task.entry_id, f"smoke {task.request.entrypoint} ({task.request.device})")
    return smoke_entrypoint(task.request)


def record_smoke(verification: Verification, task: SmokeTask, result: SmokeResult) -> None:
    """Put a finished smoke load's result into the entry's record."""
    entrypoint = verification.record.entrypoint(task.request.entrypoint)
    if entrypoint is not None:
        entrypoint.smoke[task.request.device] = result


def _key(entry: Entry, checkout: Checkout | None, previous: EntryLock | None, context: VerifyContext) -> str:
    # The packages are the hub's, as the previous build found them; if they changed, so did the
    # commit or contents, so the key differs anyway. Their installed versions are looked up now.
    dependencies = _packages(entry, previous.dependencies, previous.missing_packages) if previous else []
    commit = checkout.commit if checkout else entry.commit
    digest = checkout.content_digest if checkout else ""
    return entry_key(entry, commit, digest, context.torch.torch_version, dependency_versions(dependencies))


def _packages(entry: Entry, dependencies: list[str], missing: list[str]) -> list[str]:
    """What the key covers: the hub's `dependencies`, the packages its import missed without declaring
    them (so that installing one rebuilds the entry), and the catalogue's extra ones for the entry."""
    return list(dict.fromkeys([*dependencies, *missing, *entry.dependencies]))


def _record(entry: Entry, checkout: Checkout, hub: HubInfo, context: VerifyContext) -> EntryLock:
    versions = dependency_versions(_packages(entry, hub.dependencies, hub.missing_packages))
    key = entry_key(entry, checkout.commit, checkout.content_digest, context.torch.torch_version, versions)
    entrypoints = list(hub.entrypoints)
    known = {e.name for e in entrypoints}
    entrypoints += [
        EntrypointLock(name=n, kind="other", found=False) for n in entry.entrypoints or [] if n not in known
    ]
    return EntryLock(
        id=entry.id,
        key=key,
        repo=entry.repo,
        subdir=checkout.subdir,
        commit=checkout.commit,
        dirty=checkout.dirty,
        verified_at=_now(),
        torch_version=context.torch.torch_version,
        python_version=platform.python_version(),
        dependencies=hub.dependencies,
        dependency_versions=versions,
        missing_packages=hub.missing_packages,
        introspection="dynamic" if hub.method == "dynamic" else "static",
        introspection_error=hub.error,
        isolation=hub.isolation,
        entrypoints=entrypoints,
    )


def _add_devices(
    entry: Entry, record: EntryLock, checkout: Checkout, devices: list[str], context: VerifyContext
) -> Verification:
    """Results (or tasks) for every featured entrypoint on each of `devices`."""
    verification = Verification(entry, record)
    featured = entry.entrypoints or [e.name for e in record.entrypoints]
    known = ", ".join(sorted(e.name for e in record.entrypoints if e.found)) or "none"
    for info in (e for e in record.entrypoints if e.name in featured):
        settings = entry.smoke.for_entrypoint(info.name)
        for device in devices:
            if not info.found:
                reason = f"hubconf.py has no entrypoint {info.name!r}; it has: {known}"
                info.smoke[device] = SmokeResult(status="failed", reason=reason)
            elif settings.skip:
                info.smoke[device] = skipped(settings.skip)
            elif settings.devices is not None and device not in settings.devices:
                wanted = " and ".join(d.upper() for d in settings.devices)
                info.smoke[device] = skipped(f"the catalogue smoke-loads it on {wanted} only")
            elif record.introspection_error:
                info.smoke[device] = skipped(f"not loaded: {record.introspection_error}")
            else:
                request = SmokeRequest(
                    hub_dir=checkout.hub_dir,
                    entrypoint=info.name,
                    device=device,
                    kwargs=settings.kwargs or {},
                    input=settings.input.model_dump() if settings.input else None,
                    timeout=entry.smoke.timeout,
                )
                verification.tasks.append(SmokeTask(entry.id, request))
    for device in devices:
        record.device_keys[device] = device_key(record.key, device)
    return verification


def _not_run_reason(device: str, context: VerifyContext) -> str:
    if device in context.torch.devices:
        return f"not smoke-loaded on {device} in this build (--device)"
    return f"no {device.upper()} device on the build machine (torch {context.torch.torch_version})"


def _unfetchable(entry: Entry, previous: EntryLock | None, reason: str) -> EntryLock:
    stale = _stale(previous, reason)
    if previous is not None:
        return previous.model_copy(update={"stale": stale})
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
        stale=stale,
    )


def _stale(previous: EntryLock | None, reason: str) -> Stale:
    """Why the entry could not be fetched, dated from the first failed attempt in a row.

    Keeping that date (and leaving out how many retries this run made) means an offline rebuild
    leaves the committed lock as it was, instead of rewriting every unreachable entry's timestamp.
    """
    reason = re.sub(r" \(after \d+ attempts\)$", "", reason)
    since = previous.stale.attempted_at if previous is not None and previous.stale is not None else _now()
    return Stale(reason=reason, attempted_at=since)


def _result(future: Future[Any], owner: Verification | Entry, task: SmokeTask | None) -> Any:
    """What a plan or smoke load returned; an error of the generator's own fails that entry, not the build."""
    try:
        return future.result()
    except Exception as error:  # a hub's failures never raise: this is a bug, met on one entry
        traceback.print_exception(error, file=sys.stderr)
        reason = f"the generator failed on this entry ({type(error).__name__}: {error}); please report it"
        if task is not None:
            return SmokeResult(status="failed", reason=reason, error_type=type(error).__name__)
        assert isinstance(owner, Entry)
        record = _unfetchable(owner, None, reason).model_copy(update={"stale": None, "introspection_error": reason})
        return Verification(owner, record)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _report(context: VerifyContext, entry_id: str, stage: str) -> None:
    if context.progress:
        context.progress.stage(entry_id, stage)


class _Scheduler:
    """Keeps up to `jobs` plans and smoke loads running; never more than DEVICE_SLOTS on one device."""

    def __init__(self, context: VerifyContext, jobs: int) -> None:
        self.context, self.jobs = context, jobs
        self.ready: deque[tuple[Verification, SmokeTask]] = deque()
        self.running: dict[Future[Any], tuple[Verification | Entry, SmokeTask | None]] = {}
        self.left: dict[int, int] = {}  # id(verification) → smoke loads not finished yet
        self.done: dict[str, Verification] = {}

    def run(self, entries: Sequence[tuple[Entry, EntryLock | None]]) -> list[Verification]:
        waiting = deque(entries)
        if self.context.progress:
            self.context.progress.begin(len(entries))
        with ThreadPoolExecutor(self.jobs, thread_name_prefix="verify") as self.pool:
            while waiting or self.ready or self.running:
                self._start(waiting)
                finished, _ = wait(list(self.running), return_when=FIRST_COMPLETED)
                for future in finished:
                    self._collect(future)
        return [self.done[entry.id] for entry, _ in entries]

    def _start(self, waiting: deque[tuple[Entry, EntryLock | None]]) -> None:
        while len(self.running) < self.jobs:
            task = self._next_task()
            if task is not None:
                future = self.pool.submit(run_smoke, task[1], self.context)
                self.running[future] = task
            elif waiting:
                entry, previous = waiting.popleft()
                self.running[self.pool.submit(plan_entry, entry, previous, self.context)] = (entry, None)
            else:
                return

    def _next_task(self) -> tuple[Verification, SmokeTask] | None:
        for index, (verification, task) in enumerate(self.ready):
            device = task.request.device
            busy = sum(1 for _, t in self.running.values() if t is not None and t.request.device == device)
            if busy < DEVICE_SLOTS.get(device, self.jobs):
                del self.ready[index]
                return verification, task
        return None

    def _collect(self, future: Future[Any]) -> None:
        owner, task = self.running.pop(future)
        result = _result(future, owner, task)
        if task is None:
            assert isinstance(result, Verification)
            self.left[id(result)] = len(result.tasks)
            self.ready.extend((result, t) for t in result.tasks)
            verification = result
        else:
            assert isinstance(owner, Verification) and isinstance(result, SmokeResult)
            record_smoke(owner, task, result)
            self.left[id(owner)] -= 1
            verification = owner
        if self.left[id(verification)] == 0:
            self._finish(verification)

    def _finish(self, verification: Verification) -> None:
        verification.seconds = round(time.monotonic() - verification.started, 1)
        self.done[verification.entry.id] = verification
        if self.context.progress:
            self.context.progress.finished(verification.entry.id, verification.outcome, verification.seconds)
