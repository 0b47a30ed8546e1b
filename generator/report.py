"""What the command line shows: live progress while entries are verified, then a table of the results."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Collection
from types import TracebackType
from typing import TextIO

from generator.catalogue.model import Catalogue
from generator.lock.records import DEVICES, EntryLock, Lock

# Cursor to the start of the line N lines up, and erase to the end of the screen (ECMA-48).
UP = "\x1b[{}F"
ERASE_DOWN = "\x1b[J"
MARKS = {"reused": "=", "verified": "✓", "failed": "✗", "unfetchable": "!", "unverified": "?"}


class LiveProgress:
    """Progress of `lock` and `build`, safe to call from worker threads.

    On a terminal: a table of the entries in progress (entry, stage, elapsed), redrawn in place a few
    times a second, under a line per finished entry. Elsewhere (a CI log): one line per step.
    """

    def __init__(self, stream: TextIO, interval: float = 0.25) -> None:
        self.stream, self.interval = stream, interval
        self.live = stream.isatty()
        self.started = time.monotonic()
        self.total = 0
        self.counts: dict[str, int] = {}
        self.active: dict[str, tuple[str, float]] = {}  # entry id → (stage, when the entry started)
        self.drawn = 0
        self.lock = threading.RLock()
        self.stop = threading.Event()
        self.ticker: threading.Thread | None = None

    def __enter__(self) -> LiveProgress:
        if self.live:
            self.ticker = threading.Thread(target=self._tick, name="progress", daemon=True)
            self.ticker.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.stop.set()
        if self.ticker is not None:
            self.ticker.join()
        with self.lock:
            self._erase()

    def begin(self, total: int) -> None:
        """`total` entries are about to be verified."""
        with self.lock:
            self.total = total

    def stage(self, entry_id: str, stage: str) -> None:
        """Entry `entry_id` moved on to `stage`."""
        with self.lock:
            since = self.active.get(entry_id, ("", time.monotonic()))[1]
            self.active[entry_id] = (stage, since)
            if self.live:
                self._redraw()
            else:
                self._print(f"[{self._clock()}] {entry_id}: {stage}")

    def finished(self, entry_id: str, outcome: str, seconds: float) -> None:
        """Entry `entry_id` is done."""
        with self.lock:
            self.active.pop(entry_id, None)
            self.counts[outcome] = self.counts.get(outcome, 0) + 1
            line = f"{MARKS.get(outcome, '-')} {entry_id}: {outcome} ({seconds:.1f} s)"
            if self.live:
                self._erase()
                self._print(line)
                self._redraw()
            else:
                self._print(f"[{self._clock()}] {line}")

    def _tick(self) -> None:
        while not self.stop.wait(self.interval):
            with self.lock:
                self._redraw()

    def _redraw(self) -> None:
        self._erase()
        lines = [self._headline(), *self._table()]
        self.stream.write("".join(line + "\n" for line in lines))
        self.stream.flush()
        self.drawn = len(lines)

    def _erase(self) -> None:
        if self.drawn:
            self.stream.write(UP.format(self.drawn) + ERASE_DOWN)
            self.drawn = 0

    def _headline(self) -> str:
        done = sum(self.counts.values())
        tally = ", ".join(f"{count} {outcome}" for outcome, count in sorted(self.counts.items()))
        return f"[{self._clock()}] {done}/{self.total} entries done" + (f" ({tally})" if tally else "")

    def _table(self) -> list[str]:
        now = time.monotonic()
        rows = [(entry_id, stage, f"{now - since:5.1f}s") for entry_id, (stage, since) in self.active.items()]
        width = max((len(entry_id) for entry_id, _, _ in rows), default=0)
        stage_width = max((len(stage) for _, stage, _ in rows), default=0)
        return [f"  {entry_id:<{width}}  {stage:<{stage_width}}  {elapsed}" for entry_id, stage, elapsed in rows]

    def _clock(self) -> str:
        return f"{time.monotonic() - self.started:6.1f}s"

    def _print(self, line: str) -> None:
        self.stream.write(line + "\n")
        self.stream.flush()


def summary_table(catalogue: Catalogue, lock: Lock, outcomes: dict[str, tuple[str, float]] | None = None) -> str:
    """entry | commit | entrypoints | smoke status per device | this run, one row per catalogue entry."""
    outcomes = outcomes or {}
    rows = [("entry", "commit", "featured", *(f"smoke {d}" for d in DEVICES), "this run")]
    for entry in catalogue.models:
        record = lock.entries.get(entry.id)
        commit = (record.commit if record else entry.commit) or "-"
        cells = [_device_cell(record, device) for device in DEVICES]
        if entry.awaiting_pin is not None:
            cells = ["awaiting a pin"] + [""] * (len(DEVICES) - 1)
        outcome, seconds = outcomes.get(entry.id, ("-", 0.0))
        ran = f"{outcome} {seconds:.1f}s" if entry.id in outcomes else "-"
        featured = str(len(record.featured)) if record else "-"
        rows.append((entry.id, commit[:12], featured, *cells, ran))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def _short_reason(reason: str, width: int = 60) -> str:
    """The end of a fetch error, which says why (the start only repeats the URL the row already names)."""
    why = re.sub(r"^cannot fetch \S+ at \w+: ", "", reason)
    why = re.sub(r"(fatal: )?unable to access '[^']*': ", "", why)
    return why if len(why) <= width else "…" + why[-(width - 1) :]


def _device_cell(record: EntryLock | None, device: str) -> str:
    if record is None or not record.verified:
        reason = _short_reason(record.stale.reason) if record and record.stale else "never built"
        return f"not verified ({reason})" if device == "cpu" else ""
    statuses = [e.smoke[device].status for e in record.featured if device in e.smoke]
    if not statuses:
        return "-"
    counts = {status: statuses.count(status) for status in dict.fromkeys(statuses)}
    text = ", ".join(f"{count} {status}" for status, count in counts.items())
    return (
        f"{counts.get('ok', 0)}/{len(statuses)} ok"
        + (f" ({text})" if set(counts) != {"ok"} else "")
        + (" (stale)" if record.stale else "")
    )


def unverified_entries(catalogue: Catalogue, lock: Lock, ids: Collection[str] | None = None) -> list[str]:
    """Ids of entries (of `ids`, default all) that --strict fails on: never built, failed, unfetchable, or
    showing data kept from an earlier build because the repository could not be fetched this time.

    An entry introspected but with nothing loaded, because each of its loads needs the network or the
    catalogue skips it, passes: its page says why. Entries awaiting a pin are not counted either.
    """
    bad = []
    for entry in catalogue.models:
        if (ids is not None and entry.id not in ids) or entry.awaiting_pin is not None:
            continue
        record = lock.entries.get(entry.id)
        if record is None or record.verdict in ("failed", "unfetchable") or record.stale:
            bad.append(entry.id)
    return bad
