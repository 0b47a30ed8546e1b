"""One entry up to its smoke loads: reuse its record, or fetch → environment → introspect.

`plan_entry` never raises for a hub's faults: an unreachable repository, requirements that cannot be
installed and a hubconf.py that does not import all become records that say so.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

from generator.catalogue.model import Entry
from generator.environments import (
    EnvironmentRequest,
    InstallError,
    ReadyEnvironment,
    hub_requirements,
    verification_request,
)
from generator.environments import prepare_environment as make_environment
from generator.environments.devices import machine_devices
from generator.environments.loader import loader_path
from generator.fetch import Checkout, FetchError, FetchRequest, fetch_checkout
from generator.introspect import ImportSettings, introspect_hub, source_view
from generator.introspect.static import read_hubconf
from generator.lock import carry_over, device_key, devices_to_run, entry_key, mark_not_run
from generator.lock.records import DEVICES, EntryLock, EntrypointLock, SmokeResult, Stale
from generator.smoke import SmokeRequest, skipped
from generator.verify.context import SmokeTask, Verification, VerifyContext
from generator.verify.records import new_record
from generator.verify.snapshot import checkout_root, snapshot


def plan_entry(entry: Entry, previous: EntryLock | None, context: VerifyContext) -> Verification:
    """Everything up to the smoke loads: reuse, or fetch and introspect; the loads left to run are its tasks."""
    started = time.monotonic()
    verification = _plan(entry, previous, context)
    verification.started = started
    return verification


def _plan(entry: Entry, previous: EntryLock | None, context: VerifyContext) -> Verification:
    checkout = _local_checkout(entry, context)
    key = entry_key(entry, context.verification, checkout.commit if checkout else entry.commit, _digest(checkout))
    if previous and not context.force and _reusable(previous, key, context):
        todo = devices_to_run(previous, key, context.devices) if previous.verified else []
        if not todo:
            return Verification(entry, previous, reused=True)
    context.report(entry.id, "fetch")
    try:
        checkout = checkout or _fetch(entry, context)
    except FetchError as error:
        return Verification(entry, unfetchable(entry, previous, str(error), key))
    if previous and previous.key == key and not context.force and previous.verified and not previous.stale:
        return _more_devices(entry, previous, checkout, context)
    return _verify(entry, previous, checkout, key, context)


def _reusable(previous: EntryLock, key: str, context: VerifyContext) -> bool:
    """Whether the previous record answers for `key` (an unreachable entry is retried only by `lock`)."""
    if previous.stale is not None:
        return previous.stale.key == key and not context.retry_unfetchable
    return previous.key == key


def _verify(
    entry: Entry, previous: EntryLock | None, checkout: Checkout, key: str, context: VerifyContext
) -> Verification:
    root = checkout.hub_dir if entry.is_local else checkout_root(checkout)  # a local hub: its own folder
    before = snapshot(root, entry.is_local)
    context.report(entry.id, "environment")
    requirements, _ = hub_requirements(read_hubconf(checkout.hub_dir / "hubconf.py").dependencies, entry.requirements)
    try:
        environment = make_environment(_request(context, requirements), context.environments_dir)
    except InstallError as error:
        record = new_record(entry, checkout, source_view(checkout.hub_dir), key, requirements, None, context)
        record.environment_error = str(error)
        verification = _with_devices(entry, record, checkout, None, list(context.devices), context)
    else:
        context.report(entry.id, "introspect")
        hub = introspect_hub(checkout.hub_dir, _import_settings(environment, context))
        record = new_record(entry, checkout, hub, key, requirements, environment, context)
        verification = _with_devices(entry, record, checkout, environment, list(context.devices), context)
    absent = [device for device in DEVICES if device not in context.devices]
    carried = carry_over(verification.record, previous, absent)
    for device in absent:
        if device not in carried:
            mark_not_run(verification.record, device, not_run_reason(device))
    verification.checkout_root, verification.snapshot = root, before
    return verification


def _more_devices(entry: Entry, previous: EntryLock, checkout: Checkout, context: VerifyContext) -> Verification:
    """The previous record holds for this key but lacks results for some of this machine's devices."""
    todo = devices_to_run(previous, previous.key, context.devices)
    record = previous.model_copy(deep=True)
    try:
        environment = make_environment(_request(context, record.requirements), context.environments_dir)
    except InstallError as error:
        record.environment_error = str(error)
        return _with_devices(entry, record, checkout, None, todo, context)
    return _with_devices(entry, record, checkout, environment, todo, context)


def _with_devices(
    entry: Entry,
    record: EntryLock,
    checkout: Checkout,
    environment: ReadyEnvironment | None,
    devices: list[str],
    context: VerifyContext,
) -> Verification:
    """Results (or tasks) for every featured entrypoint on each of `devices`."""
    verification = Verification(entry, record)
    known = ", ".join(sorted(e.name for e in record.entrypoints if e.found)) or "none"
    for info in record.featured:
        for device in devices:
            result = _settled(entry, record, info, device, known)
            if result is not None:
                info.smoke[device] = result
            elif environment is not None:
                verification.tasks.append(
                    SmokeTask(entry.id, _smoke_request(entry, info, device, checkout, environment, context))
                )
    for device in devices:
        record.device_keys[device] = device_key(record.key, device)
        if environment is not None:
            record.environments[device] = environment.record.id
            verification.environments[environment.record.id] = environment.record
    return verification


def _settled(entry: Entry, record: EntryLock, info: EntrypointLock, device: str, known: str) -> SmokeResult | None:
    """The result of an entrypoint that is not to be loaded on `device`, and why (None: load it)."""
    settings = entry.smoke.for_entrypoint(info.name)
    if record.environment_error:
        return SmokeResult(status="cannot-install", reason=record.environment_error)
    if record.introspection_error:  # before "not found": a hub that did not import may add names when it does
        return SmokeResult(status=record.introspection_status, reason=f"not loaded: {record.introspection_error}")
    if not info.found:
        return SmokeResult(status="error", reason=f"hubconf.py has no entrypoint {info.name!r}; it has: {known}")
    if settings.skip:
        return skipped(settings.skip)
    if settings.devices is not None and device not in settings.devices:
        wanted = " and ".join(d.upper() for d in settings.devices)
        return skipped(f"the catalogue smoke-loads it on {wanted} only")
    return None


def _smoke_request(
    entry: Entry,
    info: EntrypointLock,
    device: str,
    checkout: Checkout,
    environment: ReadyEnvironment,
    context: VerifyContext,
) -> SmokeRequest:
    settings = entry.smoke.for_entrypoint(info.name)
    return SmokeRequest(
        hub_dir=checkout.hub_dir,
        entrypoint=info.name,
        device=device,
        kwargs=settings.kwargs or {},
        input=settings.input.model_dump() if settings.input else None,
        timeout=entry.smoke.timeout,
        python=environment.python,
        import_paths=(loader_path(context.environments_dir),),
        trusted=context.trusted,
    )


def _request(context: VerifyContext, requirements: list[str]) -> EnvironmentRequest:
    return verification_request(context.verification, requirements)


def _import_settings(environment: ReadyEnvironment, context: VerifyContext) -> ImportSettings:
    return ImportSettings(
        python=environment.python,
        import_paths=(loader_path(context.environments_dir),),
        trusted=context.trusted,
    )


def _local_checkout(entry: Entry, context: VerifyContext) -> Checkout | None:
    """A hub inside this project is read in place (its contents are part of its key)."""
    if not entry.is_local:
        return None
    return _fetch(entry, context)


def _fetch(entry: Entry, context: VerifyContext) -> Checkout:
    request = FetchRequest(repo=entry.repo, commit=entry.commit, subdir=entry.subdir, ref=entry.ref)
    return fetch_checkout(request, context.project_root, context.cache_dir, context.fetch)


def _digest(checkout: Checkout | None) -> str:
    return checkout.content_digest if checkout else ""


def not_run_reason(device: str) -> str:
    """Why a build left `device` out: the machine has none, or the build was told to (`--device`)."""
    if device in machine_devices():
        return f"not smoke-loaded on {device} in this build (--device)"
    return f"no {device.upper()} device on the machine that built it"


def unfetchable(entry: Entry, previous: EntryLock | None, reason: str, key: str) -> EntryLock:
    """The previous record (or an empty one) marked with why the entry could not be fetched under `key`."""
    stale = _stale(previous, reason, key)
    if previous is not None:
        return previous.model_copy(update={"stale": stale})
    return EntryLock(
        id=entry.id,
        key=key,
        repo=entry.repo,
        subdir=entry.subdir,
        commit=entry.commit,
        verified_at="",
        introspection="none",
        stale=stale,
    )


def _stale(previous: EntryLock | None, reason: str, key: str) -> Stale:
    """Why the entry could not be fetched, dated from the first failed attempt in a row.

    Keeping that date (and leaving out how many retries this run made) means an offline rebuild
    leaves the committed lock as it was, instead of rewriting every unreachable entry's timestamp.
    """
    reason = re.sub(r" \(after \d+ attempts\)$", "", reason)
    earlier = previous.stale if previous is not None else None
    since = earlier.attempted_at if earlier is not None and earlier.key == key else now()
    return Stale(reason=reason, attempted_at=since, key=key)


def now() -> str:
    """The current time as the lock records it."""
    return datetime.now(UTC).isoformat(timespec="seconds")
