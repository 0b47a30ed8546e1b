"""What changed between two locks, for people: what newly fails, what recovered, what changed upstream.

`update` prints it after moving pins; the verify workflow's merge job puts it in the body of the pull
request that updates catalogue.lock (`python -m generator lock-diff OLD NEW`). Text that comes from a
hub (error messages, signatures) is shown as inline code, so it can neither format the page nor
mention anyone.

A load fails an entry only when the entrypoint is featured and its status is one of `FAILING` (the
lock's own rule); the statuses of names the catalogue does not feature (helpers) are other changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.environments.requirements import requirement_name
from generator.lock.records import (
    DEVICES,
    FAILING,
    EntryLock,
    EntrypointLock,
    Environment,
    Lock,
    SmokeResult,
    normalise_name,
)

MAX_TEXT = 160


@dataclass
class EntryDiff:
    """The changes of one entry, sorted into the report's sections (each a list of readable lines)."""

    failing: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)
    upstream: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.failing or self.recovered or self.upstream or self.other)


@dataclass
class LockDiff:
    """Every difference between an old and a new lock, entry by entry."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    entries: dict[str, EntryDiff] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)


def diff_locks(old: Lock, new: Lock, only: list[str] | None = None) -> LockDiff:
    """Compare two locks (limited to the entry ids in `only`, when given)."""
    ids = sorted(set(old.entries) | set(new.entries))
    result = LockDiff()
    for entry_id in ids if only is None else [i for i in ids if i in only]:
        before, after = old.entries.get(entry_id), new.entries.get(entry_id)
        if before is None and after is not None:
            result.added.append(entry_id)
            if failures := _failures(after):
                result.entries[entry_id] = EntryDiff(failing=failures)
        elif before is None or after is None:
            result.removed.append(entry_id)
        elif changes := diff_entry(before, after, old.environment(before), new.environment(after)):
            result.entries[entry_id] = changes
        else:
            result.unchanged.append(entry_id)
    return result


def diff_entry(
    old: EntryLock,
    new: EntryLock,
    old_environment: Environment | None = None,
    new_environment: Environment | None = None,
) -> EntryDiff:
    """How one entry's record changed: its pin, its hub's interface, its environment, its verification."""
    changes = EntryDiff()
    _pin(old, new, changes)
    _versions(new, old_environment, new_environment, changes)
    _interface(old, new, changes)
    _import(old, new, changes)
    for entrypoint in new.entrypoints:
        _smoke(old.entrypoint(entrypoint.name), entrypoint, changes)
    return changes


def _failures(record: EntryLock) -> list[str]:
    """What fails in a record that has no earlier one to compare with."""
    changes = EntryDiff()
    if record.stale is not None:
        changes.failing.append(f"cannot be fetched: {code(record.stale.reason)}")
    if record.environment_error:
        changes.failing.append(f"cannot install its requirements: {code(record.environment_error)}")
    if record.introspection_error:
        changes.failing.append(f"hubconf.py does not import: {code(record.introspection_error)}")
    for entrypoint in record.entrypoints:
        _smoke(None, entrypoint, changes)
    return changes.failing


def _pin(old: EntryLock, new: EntryLock, changes: EntryDiff) -> None:
    if old.commit != new.commit:
        changes.upstream.append(f"commit {_short(old.commit)} → {_short(new.commit)}")
    if old.stale is None and new.stale is not None:
        changes.failing.append(f"cannot be fetched: {code(new.stale.reason)}")
    elif old.stale is not None and new.stale is None:
        changes.recovered.append("can be fetched again")
    if old.on_ref is not False and new.on_ref is False:
        changes.upstream.append(f"commit {_short(new.commit)} is no longer on its ref")


def _versions(record: EntryLock, old: Environment | None, new: Environment | None, changes: EntryDiff) -> None:
    """torch, torchvision and each requirement whose verified version moved."""
    if old is None or new is None:
        return
    if old.python != new.python:
        changes.other.append(f"verified with Python {new.python} (was {old.python})")
    names = ["torch", "torchvision", *(_requirement_name(line) for line in record.requirements)]
    for name in sorted(set(names), key=names.index):
        before, after = old.version(name), new.version(name)
        if before and after and before != after:
            changes.other.append(f"verified with {code(name)} {code(after)} (was {code(before)})")


def _requirement_name(line: str) -> str:
    return normalise_name(requirement_name(line))


def _interface(old: EntryLock, new: EntryLock, changes: EntryDiff) -> None:
    before = {e.name: e for e in old.entrypoints}
    after = {e.name: e for e in new.entrypoints}
    changes.upstream += [f"entrypoint added: {code(name)}" for name in after if name not in before]
    changes.upstream += [f"entrypoint removed: {code(name)}" for name in before if name not in after]
    for name in [name for name in after if name in before]:
        if before[name].signature != after[name].signature:
            change = f"{code(before[name].signature)} → {code(after[name].signature)}"
            changes.upstream.append(f"signature of {code(name)}: {change}")
        if (before[name].docstring_sha256 or before[name].docstring) != (
            after[name].docstring_sha256 or after[name].docstring
        ):
            changes.upstream.append(f"docstring of {code(name)} changed")
    for dependency in sorted(set(new.dependencies) - set(old.dependencies)):
        changes.upstream.append(f"dependency added: {code(dependency)}")
    for dependency in sorted(set(old.dependencies) - set(new.dependencies)):
        changes.upstream.append(f"dependency removed: {code(dependency)}")
    for requirement in sorted(set(new.requirements) - set(old.requirements)):
        changes.other.append(f"requirement added: {code(requirement)}")
    for requirement in sorted(set(old.requirements) - set(new.requirements)):
        changes.other.append(f"requirement removed: {code(requirement)}")


def _import(old: EntryLock, new: EntryLock, changes: EntryDiff) -> None:
    if new.stale is not None:
        return  # the entry was not rebuilt: its import and smoke results are the old ones
    if new.environment_error and not old.environment_error:
        changes.failing.append(f"cannot install its requirements: {code(new.environment_error)}")
    elif old.environment_error and not new.environment_error:
        changes.recovered.append("its requirements install again")
    if new.introspection_error and not old.introspection_error:
        changes.failing.append(f"hubconf.py no longer imports: {code(new.introspection_error)}")
    elif old.introspection_error and not new.introspection_error:
        changes.recovered.append("hubconf.py imports again")


def _smoke(old: EntrypointLock | None, new: EntrypointLock, changes: EntryDiff) -> None:
    for device in DEVICES:
        before, after = old.smoke.get(device) if old else None, new.smoke.get(device)
        if after is None or (before is not None and before.status == after.status):
            continue
        where = f"{code(new.name)} on {device}"
        was = before.status if before else "new"
        if new.featured and after.status in FAILING:
            changes.failing.append(f"{where}: {was} → {after.status}: {code(after.reason)}")
        elif before is None:
            continue
        elif new.featured and before.status in FAILING and after.status == "ok":
            changes.recovered.append(f"{where}: {before.status} → ok{_took(after)}")
        else:
            reason = f": {code(after.reason)}" if after.reason else ""
            changes.other.append(f"{where}: {before.status} → {after.status}{reason}")


def _took(result: SmokeResult) -> str:
    return f" ({result.seconds:.1f} s)" if result.seconds is not None else ""


def _short(commit: str | None) -> str:
    return code(commit[:12]) if commit else "(none)"


def code(text: str) -> str:
    """Hub-provided text as one line of inline code (shortened; backticks cannot break out of it)."""
    line = " ".join(text.split())
    line = line if len(line) <= MAX_TEXT else line[: MAX_TEXT - 1] + "…"
    return f"`{line.replace('`', chr(39))}`" if line else "`(empty)`"


SECTIONS = (
    ("failing", "Newly failing"),
    ("recovered", "Recovered"),
    ("upstream", "Changed upstream"),
    ("other", "Other changes"),
)


def count_entries(count: int) -> str:
    """'1 entry', '2 entries'."""
    return f"{count} entr{'y' if count == 1 else 'ies'}"


def diff_markdown(diff: LockDiff, title: str = "Lock changes") -> str:
    """The diff as Markdown: a summary line, then one section per kind of change, entries in each."""
    counts = {key: sum(bool(getattr(d, key)) for d in diff.entries.values()) for key, _ in SECTIONS}
    compared = len({*diff.entries, *diff.unchanged, *diff.added, *diff.removed})
    summary = (
        f"{count_entries(compared)} compared: {counts['failing']} newly failing, {counts['recovered']} recovered, "
        f"{counts['upstream']} changed upstream, {len(diff.added)} added, {len(diff.removed)} removed, "
        f"{len(diff.unchanged)} unchanged."
    )
    lines = [f"## {title}", "", summary]
    for key, heading in SECTIONS:
        found = [(entry_id, getattr(d, key)) for entry_id, d in sorted(diff.entries.items()) if getattr(d, key)]
        if found:
            lines += ["", f"### {heading}", ""]
            for entry_id, items in found:
                lines.append(f"- **{entry_id}**")
                lines += [f"  - {item}" for item in items]
    for ids, heading in ((diff.added, "Added"), (diff.removed, "Removed")):
        if ids:
            lines += ["", f"### {heading}", "", *(f"- **{entry_id}**" for entry_id in ids)]
    return "\n".join(lines) + "\n"
