"""`merge`: combine the shard files of a CI matrix into one lock.

Shards of one entry from different runners (CPU shard and GPU shard) must agree on everything but
the devices they ran: the same key, the same introspection. Their device results are combined. Two
shards that hold results for the same device must hold identical ones. Every problem of every file
is reported at once; nothing is written unless the whole merge is consistent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import InvalidInputError, Problem
from generator.lock.devices import carry_over, mark_not_run, results_on
from generator.lock.records import DEVICES, EntryLock, Lock, ShardLock
from generator.lock.shards import Shard, shard_of

# What may differ between runners that built the same entry under the same key.
PER_RUNNER = {"verified_at", "isolation", "device_keys", "environments"}

Piece = tuple[Path, EntryLock]


@dataclass
class MergeReport:
    """The merged lock; which entries came from shards, which were kept from the previous lock, which from neither."""

    lock: Lock
    merged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def merge_shards(previous: Lock, shards: Sequence[tuple[Path, ShardLock]], catalogue_ids: Sequence[str]) -> MergeReport:
    """The lock made of the shards' records, and the previous lock's for entries no shard holds.

    Raises:
        InvalidInputError: a shard file holds entries it should not, or shards disagree about an entry.
    """
    problems = [problem for path, shard in shards for problem in validate_shard(path, shard, catalogue_ids)]
    report = MergeReport(Lock())
    for entry_id in catalogue_ids:
        pieces = [(path, shard.entries[entry_id]) for path, shard in shards if entry_id in shard.entries]
        if not pieces:
            _keep(report, previous, entry_id)
            continue
        problems += conflicts(entry_id, pieces)
        report.lock.entries[entry_id] = _combined(pieces, previous.entries.get(entry_id))
        report.merged.append(entry_id)
    if problems:
        raise InvalidInputError(problems)
    known = {**previous.environments, **{i: e for _, shard in shards for i, e in shard.environments.items()}}
    used = sorted({i for record in report.lock.entries.values() for i in record.environments.values()})
    report.lock.environments = {i: known[i] for i in used if i in known}
    return report


def validate_shard(path: Path, shard: ShardLock, catalogue_ids: Sequence[str]) -> list[Problem]:
    """Problems with one shard file: a bad I/N, entries the catalogue lacks or that belong to another shard."""
    try:
        spec = Shard.parse(shard.shard)
    except ValueError as error:
        return [Problem(str(path), None, "shard", str(error))]
    known = set(catalogue_ids)
    problems = []
    for entry_id, record in shard.entries.items():
        where = f"entries.{entry_id}"
        if entry_id not in known:
            problems.append(Problem(str(path), None, where, "not in the catalogue (is the shard from another commit?)"))
        elif not spec.contains(entry_id):
            other = Shard(shard_of(entry_id, spec.count), spec.count)
            problems.append(Problem(str(path), None, where, f"belongs to shard {other}, not {spec}"))
        if record.id != entry_id:
            problems.append(Problem(str(path), None, f"{where}.id", f"expected {entry_id!r}, got {record.id!r}"))
    return problems


def conflicts(entry_id: str, pieces: Sequence[Piece]) -> list[Problem]:
    """Where the shards' records of one entry disagree (beyond the devices each ran)."""
    (first_path, first), *others = pieces
    problems = []
    for path, record in others:
        differing = sorted(key for key, value in _shared(record).items() if _shared(first)[key] != value)
        if differing:
            message = f"differs from {first_path.name} in {', '.join(differing)} (built from other inputs?)"
            problems.append(Problem(str(path), None, f"entries.{entry_id}", message))
    for device in DEVICES:
        holders = [(path, results_on(record, device)) for path, record in pieces if device in record.device_keys]
        for path, results in holders[1:]:
            if results != holders[0][1]:
                message = f"holds other {device} results than {holders[0][0].name}: one device, one runner"
                problems.append(Problem(str(path), None, f"entries.{entry_id}", message))
    return problems


def _shared(record: EntryLock) -> dict[str, Any]:
    data = record.model_dump(mode="json", exclude=PER_RUNNER)
    for entrypoint in data["entrypoints"]:
        entrypoint.pop("smoke")
    return data


def _combined(pieces: Sequence[Piece], previous: EntryLock | None) -> EntryLock:
    """The first CPU piece (else the first), with every piece's device results and the previous lock's others."""
    cpu_first = sorted(pieces, key=lambda piece: "cpu" not in piece[1].device_keys)
    record = cpu_first[0][1].model_copy(deep=True)
    for _, piece in cpu_first[1:]:
        for device, key in piece.device_keys.items():
            for name, result in results_on(piece, device).items():
                entrypoint = record.entrypoint(name)
                if entrypoint is not None:
                    entrypoint.smoke[device] = result
            record.device_keys[device] = key
            if device in piece.environments:
                record.environments[device] = piece.environments[device]
    record.verified_at = max(piece.verified_at for _, piece in pieces)
    absent = [device for device in DEVICES if device not in record.device_keys]
    carried = carry_over(record, previous, absent)
    for device in absent:
        if device not in carried:
            mark_not_run(record, device, f"not verified on {device}: no shard in the merge ran on one")
    return record


def _keep(report: MergeReport, previous: Lock, entry_id: str) -> None:
    if entry_id in previous.entries:
        report.lock.entries[entry_id] = previous.entries[entry_id]
        report.kept.append(entry_id)
    else:
        report.missing.append(entry_id)
