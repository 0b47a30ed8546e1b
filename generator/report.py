"""What the command line prints after a build: a table of entries and their verification."""

from __future__ import annotations

from generator.catalogue.model import Catalogue
from generator.records import EntryLock, Lock

DEVICES = ("cpu", "cuda")


def summary_table(catalogue: Catalogue, lock: Lock) -> str:
    """entry | commit | entrypoints | smoke status per device, one row per catalogue entry."""
    rows = [("entry", "commit", "entrypoints", *(f"smoke {d}" for d in DEVICES))]
    for entry in catalogue.models:
        record = lock.entries.get(entry.id)
        commit = (record.commit if record else entry.commit) or "-"
        featured = _featured(entry.entrypoints, record)
        cells = [_device_cell(record, featured, device) for device in DEVICES]
        rows.append((entry.id, commit[:12], str(len(featured)), *cells))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def _featured(wanted: list[str] | None, record: EntryLock | None) -> list[str]:
    if wanted:
        return wanted
    return [e.name for e in record.entrypoints] if record else []


def _device_cell(record: EntryLock | None, featured: list[str], device: str) -> str:
    if record is None or not record.entrypoints:
        reason = record.stale.reason if record and record.stale else "never built"
        return f"not verified ({reason[:60]})" if device == "cpu" else ""
    statuses = [ep.smoke[device].status for ep in record.entrypoints if ep.name in featured and device in ep.smoke]
    if not statuses:
        return "-"
    ok = statuses.count("ok")
    failed = statuses.count("failed")
    text = f"{ok}/{len(statuses)} ok" if ok or failed else "skipped"
    text += f", {failed} failed" if failed else ""
    return text + (" (stale)" if record.stale else "")


def unverified_entries(catalogue: Catalogue, lock: Lock) -> list[str]:
    """Ids of entries that --strict fails on: never verified, stale, or with a failed smoke load."""
    bad = []
    for entry in catalogue.models:
        record = lock.entries.get(entry.id)
        if record is None or not record.entrypoints or record.stale:
            bad.append(entry.id)
            continue
        featured = set(_featured(entry.entrypoints, record))
        if any(r.status == "failed" for e in record.entrypoints if e.name in featured for r in e.smoke.values()):
            bad.append(entry.id)
    return bad
