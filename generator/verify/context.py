"""What every entry's verification shares, and where it reports progress."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from generator.catalogue.model import Entry, VerificationSetting
from generator.fetch import FetchPolicy
from generator.lock.records import EntryLock, Environment
from generator.smoke import SmokeRequest


class Progress(Protocol):
    """Where verification reports what it is doing; called from worker threads."""

    def begin(self, total: int) -> None:
        """Verification of `total` entries starts."""

    def stage(self, entry_id: str, stage: str) -> None:
        """Entry `entry_id` started `stage` ('fetch', 'environment', 'introspect', 'smoke NAME (cpu)')."""

    def finished(self, entry_id: str, outcome: str, seconds: float) -> None:
        """Entry `entry_id` is done: 'reused', or its verdict ('verified', 'failed', …)."""


@dataclass(frozen=True)
class VerifyContext:
    """What every entry's verification shares.

    Attributes:
        project_root: The project folder (local hubs live in it).
        cache_dir: The build cache: git mirrors and checkouts.
        environments_dir: Where verification environments and the loader's copy live.
        docstrings_dir: The project's build cache, where hubs' docstrings are kept (see lock/docstrings.py).
        verification: The catalogue's verification pair.
        devices: Where to smoke-load.
        force: Verify entries even when their key says nothing changed.
        retry_unfetchable: Try again entries that could not be fetched last time under the same key
            (`lock` does; `build` reuses them, so an offline build does not wait on unreachable hosts).
        trusted: Run hub code even where no sandbox is available.
    """

    project_root: Path
    cache_dir: Path
    environments_dir: Path
    docstrings_dir: Path
    verification: VerificationSetting
    devices: tuple[str, ...] = ("cpu",)
    force: bool = False
    retry_unfetchable: bool = True
    trusted: bool = False
    progress: Progress | None = None
    fetch: FetchPolicy = field(default_factory=FetchPolicy)

    def report(self, entry_id: str, stage: str) -> None:
        """Tell the progress display that `entry_id` started `stage`."""
        if self.progress:
            self.progress.stage(entry_id, stage)


@dataclass(frozen=True)
class SmokeTask:
    """One smoke load still to run for an entry."""

    entry_id: str
    request: SmokeRequest


@dataclass
class Verification:
    """One entry being verified: its record so far, the smoke loads still to run, and how it went.

    `snapshot` is the checkout as fetched (compared when the entry's last load is done); `environments`
    are those this run verified it in, by id.
    """

    entry: Entry
    record: EntryLock
    tasks: list[SmokeTask] = field(default_factory=list)
    reused: bool = False
    started: float = field(default_factory=time.monotonic)
    seconds: float = 0.0
    checkout_root: Path | None = None
    snapshot: dict[str, str] = field(default_factory=dict)
    environments: dict[str, Environment] = field(default_factory=dict)

    @property
    def outcome(self) -> str:
        """'reused', or the record's verdict ('verified', 'failed', 'unverified', 'unfetchable')."""
        return "reused" if self.reused else self.record.verdict
