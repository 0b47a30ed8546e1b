"""Maintainers' and model owners' tools: check a hub, add it, move pins, and say what changed.

check_repo  the preflight a model owner runs before proposing a model (a checklist and an exit code)
hub_probe   import and load a hub in a verification environment made as the build makes one
add         pin a repository's ref to a commit and append a pre-filled entry to catalogue.yaml
prefill     what add reads from a repository's files: its licence's SPDX id, the arXiv ids it cites
update      move entries that follow a branch or tag to its current commit, re-verify, report
lock_diff   what newly fails, what recovered, what changed upstream, between two locks
selection   which entries a CI job verifies (changed by a pull request, able to use a GPU)
yaml_edit   round-trip edits of catalogue.yaml that leave the rest of the file byte-identical
"""

from generator.maintain.add import Added, AddOptions, add_entry
from generator.maintain.check_repo import Check, CheckOptions, RepoReport, check_repo, checklist_text, run_checks
from generator.maintain.hub_probe import ProbedHub, ProbeSettings, probe_hub, probe_text
from generator.maintain.lock_diff import LockDiff, diff_locks, diff_markdown
from generator.maintain.remote import RemoteError, RepoSpec, ResolvedRef, parse_spec, resolve_ref
from generator.maintain.selection import changed_since, select_ids
from generator.maintain.update import Move, UpdateReport, update_entries, update_text
from generator.maintain.yaml_edit import CatalogueEditError, CatalogueEditor

__all__ = [
    "AddOptions",
    "Added",
    "CatalogueEditError",
    "CatalogueEditor",
    "Check",
    "CheckOptions",
    "LockDiff",
    "Move",
    "ProbeSettings",
    "ProbedHub",
    "RemoteError",
    "RepoReport",
    "RepoSpec",
    "ResolvedRef",
    "UpdateReport",
    "add_entry",
    "changed_since",
    "check_repo",
    "checklist_text",
    "diff_locks",
    "diff_markdown",
    "parse_spec",
    "probe_hub",
    "probe_text",
    "resolve_ref",
    "run_checks",
    "select_ids",
    "update_entries",
    "update_text",
]
