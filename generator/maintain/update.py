"""`update [ID...]`: move entries that follow a branch or tag to the commit it points at now.

Each moved entry is re-verified at its new commit (the lock stage, for those entries only), and the
lock records before and after are compared, so a pin bump comes with a reviewable report: entrypoints
added or removed, signatures, dependencies, smoke results.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator import pipeline
from generator.catalogue import Catalogue, Entry, load_catalogue
from generator.config import ProjectConfig
from generator.errors import GeneratorError
from generator.fetch import git_url
from generator.lock import read_lock
from generator.maintain.lock_diff import LockDiff, count_entries, diff_locks, diff_markdown
from generator.maintain.remote import resolve_ref
from generator.maintain.yaml_edit import CatalogueEditor
from generator.verify import Progress


@dataclass(frozen=True)
class Move:
    """Where an entry's ref pointed when it was pinned, and where it points now ('' when unresolved)."""

    entry_id: str
    ref: str
    old: str | None
    new: str = ""
    problem: str = ""

    @property
    def moved(self) -> bool:
        """The ref points at another commit than the pin."""
        return bool(self.new) and self.new != self.old


@dataclass
class UpdateReport:
    """Every entry looked at, and what the lock says changed for those that moved."""

    moves: list[Move] = field(default_factory=list)
    diff: LockDiff | None = None

    @property
    def problems(self) -> list[Move]:
        """Entries whose ref could not be resolved (the exit status is 1 when there is any)."""
        return [move for move in self.moves if move.problem]


def update_entries(
    config: ProjectConfig, ids: list[str], dry_run: bool = False, progress: Progress | None = None
) -> UpdateReport:
    """Resolve the refs of `ids` (default: every entry that follows one), re-pin and re-verify those that moved.

    Raises:
        UnknownEntryError: an id is not in the catalogue.
        GeneratorError: a named entry follows no ref, or the edited catalogue would be invalid.
    """
    catalogue = load_catalogue(config.catalogue)
    report = UpdateReport([_resolve(entry) for entry in _following(catalogue, ids)])
    moved = [move for move in report.moves if move.moved]
    if dry_run or not moved:
        return report
    editor = CatalogueEditor(config.catalogue)
    for move in moved:
        editor.set_value(move.entry_id, "commit", move.new, after=("ref", "repo"))
        editor.remove_value(move.entry_id, "awaiting_pin")  # pinned now
    editor.save()
    before = read_lock(config.lock)
    only = tuple(move.entry_id for move in moved)
    after = pipeline.lock(config, pipeline.LockOptions(only=only, progress=progress)).lock
    report.diff = diff_locks(before, after, only=list(only))
    return report


def _following(catalogue: Catalogue, ids: list[str]) -> list[Entry]:
    """The entries to resolve: those named, else every pinned entry with a ref (one awaiting a pin must be named)."""
    if not ids:
        return [entry for entry in catalogue.models if entry.ref and not entry.is_local and entry.commit]
    entries = [catalogue.entry(entry_id) for entry_id in ids]
    for entry in entries:
        if not entry.ref or entry.is_local:
            what = "is a folder of this project" if entry.is_local else "has no `ref` (branch or tag) to follow"
            raise GeneratorError(f"{entry.id} {what}; nothing to update")
    return entries


def _resolve(entry: Entry) -> Move:
    try:
        resolved = resolve_ref(git_url(entry.repo), entry.ref)
    except GeneratorError as error:
        return Move(entry.id, entry.ref, entry.commit, problem=str(error))
    return Move(entry.id, entry.ref, entry.commit, resolved.commit)


def update_text(report: UpdateReport, dry_run: bool = False) -> str:
    """One line per entry (moved, up to date, or why it could not be resolved), then the lock diff."""
    if not report.moves:
        return "No entry follows a branch or tag: nothing to update."
    follow = "follows" if len(report.moves) == 1 else "follow"
    lines = [f"{count_entries(len(report.moves))} {follow} a branch or tag:", ""]
    for move in report.moves:
        old = (move.old or "unpinned")[:12]
        if move.problem:
            lines.append(f"  ✗ {move.entry_id} ({move.ref}): {move.problem}")
        elif move.moved:
            verb = "would move" if dry_run else "moved"
            lines.append(f"  → {move.entry_id} ({move.ref}): {verb} {old} → {move.new[:12]}")
        else:
            lines.append(f"  ✓ {move.entry_id} ({move.ref}): up to date at {old}")
    if report.diff is not None:
        lines += ["", diff_markdown(report.diff, title="What changed in the lock").rstrip()]
    return "\n".join(lines) + "\n"
