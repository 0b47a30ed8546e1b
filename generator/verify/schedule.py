"""Run plans and smoke loads N at a time: smoke loads first so entries finish early, one at a time per GPU."""

from __future__ import annotations

import sys
import time
import traceback
from collections import deque
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

from generator.catalogue.model import Entry
from generator.errors import GeneratorError
from generator.lock.records import EntryLock, SmokeResult
from generator.smoke import smoke_entrypoint
from generator.verify.context import SmokeTask, Verification, VerifyContext
from generator.verify.plan import plan_entry, unfetchable
from generator.verify.records import keep_docstrings, settle_featured
from generator.verify.snapshot import changes, restore

# How many smoke loads may share one device at a time (None: as many as --jobs allows).
DEVICE_SLOTS = {"cuda": 1}


def verify_entries(
    entries: Sequence[tuple[Entry, EntryLock | None]], context: VerifyContext, jobs: int
) -> list[Verification]:
    """Verify every (entry, previous record) with up to `jobs` fetches, imports and smoke loads at once.

    Raises:
        GeneratorError: the build cannot run hub code at all here (no sandbox, and not trusted).
    """
    return _Scheduler(context, max(1, jobs)).run(entries)


def run_smoke(task: SmokeTask, context: VerifyContext) -> SmokeResult:
    """One smoke load (in a sandboxed subprocess)."""
    context.report(task.entry_id, f"smoke {task.request.entrypoint} ({task.request.device})")
    return smoke_entrypoint(task.request)


def record_smoke(verification: Verification, task: SmokeTask, result: SmokeResult) -> None:
    """Put a finished smoke load's result into the entry's record."""
    entrypoint = verification.record.entrypoint(task.request.entrypoint)
    if entrypoint is not None:
        entrypoint.smoke[task.request.device] = result


def finish(verification: Verification, context: VerifyContext) -> None:
    """Once every load of an entry is done: which entrypoints are featured, docstrings, an intact checkout."""
    if verification.reused:
        return
    record, entry = verification.record, verification.entry
    settle_featured(record, entry)
    keep_docstrings(record, entry.is_local, context)
    root = verification.checkout_root
    if root is None:
        return
    changed = changes(root, verification.snapshot, entry.is_local)
    if changed:
        record.introspection_error = "the hub changed its checkout while it was verified: " + "; ".join(changed)
        record.introspection_status = "error"
        if not entry.is_local:
            restore(root)


def _result(future: Future[Any], owner: Verification | Entry, task: SmokeTask | None) -> Any:
    """What a plan or smoke load returned; an error of the generator's own fails that entry, not the build."""
    try:
        return future.result()
    except GeneratorError:
        raise  # the build cannot go on (e.g. no sandbox): say so, once
    except Exception as error:  # a hub's failures never raise: this is a bug, met on one entry
        traceback.print_exception(error, file=sys.stderr)
        reason = f"the generator failed on this entry ({type(error).__name__}: {error}); please report it"
        if task is not None:
            return SmokeResult(status="error", reason=reason, error_type=type(error).__name__)
        assert isinstance(owner, Entry)
        record = unfetchable(owner, None, reason, "").model_copy(update={"stale": None, "introspection_error": reason})
        return Verification(owner, record)


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
            try:
                while waiting or self.ready or self.running:
                    self._start(waiting)
                    finished, _ = wait(list(self.running), return_when=FIRST_COMPLETED)
                    for future in finished:
                        self._collect(future)
            except BaseException:
                waiting.clear()
                for future in self.running:
                    future.cancel()
                raise
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
        finish(verification, self.context)
        verification.seconds = round(time.monotonic() - verification.started, 1)
        self.done[verification.entry.id] = verification
        if self.context.progress:
            self.context.progress.finished(verification.entry.id, verification.outcome, verification.seconds)
