"""The maintainers' commands: check-repo, add, update, lock-diff, entries, site.

Each command loads generator.maintain when it runs: the builds (`make site`) never need it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from generator import pipeline
from generator.catalogue import load_catalogue
from generator.catalogue.model import VerificationSetting
from generator.commands.build import print_site, progress_display
from generator.commands.types import Subparsers
from generator.config import ProjectConfig
from generator.files import write_text_atomic
from generator.lock import read_lock
from generator.settings import build_cache_dir

ACCELERATORS = ("cpu", "cuda-optional", "cuda")


def register(commands: Subparsers) -> None:
    """Add check-repo, add, update, lock-diff, reactions, entries and site."""
    command = commands.add_parser("check-repo", help="preflight a hub before proposing it: a checklist, exit 1 on ✗")
    command.add_argument("spec", metavar="PATH_OR_URL[@REF]", help="a folder, GitHub owner/name or git URL")
    command.add_argument("--subdir", default="", help="folder of hubconf.py inside the repository")
    command.add_argument("--offline", action="store_true", help="do not send HEAD requests to the weight URLs")
    command.add_argument("--timeout", type=float, default=120.0, metavar="S", help="seconds each load may take")
    command.add_argument(
        "--requirement",
        action="append",
        default=[],
        metavar="REQ",
        help="also install this PEP 508 requirement in the hub's environment, as an entry's requirements: (repeatable)",
    )
    command.set_defaults(handler=_check_repo)

    command = commands.add_parser("add", help="pin URL[@REF] and append a pre-filled entry to catalogue.yaml")
    command.add_argument("spec", metavar="URL[@REF]", help="GitHub owner/name, a git URL or a folder")
    command.add_argument("--id", dest="entry_id", default="", help="the entry's id (default: from the repo name)")
    command.add_argument("--subdir", default="", help="folder of hubconf.py inside the repository")
    command.add_argument("--category", default="", help="a declared category (default: the first one)")
    command.add_argument("--timeout", type=float, default=120.0, metavar="S", help="seconds each load may take")
    command.set_defaults(handler=_add)

    command = commands.add_parser("update", help="move entries that follow a branch or tag; report what changed")
    command.add_argument("ids", nargs="*", metavar="ID", help="entries to update (default: all that follow a ref)")
    command.add_argument("--dry-run", action="store_true", help="only say which pins would move")
    command.add_argument("--quiet", action="store_true", help="no progress display")
    command.set_defaults(handler=_update, exclusive=True)

    command = commands.add_parser("lock-diff", help="what newly fails, recovered or changed between two locks")
    command.add_argument("old", type=Path, help="the earlier lock (a missing file counts as empty)")
    command.add_argument("new", type=Path, help="the later lock")
    command.add_argument("--output", type=Path, metavar="PATH", help="also write the Markdown report here")
    command.set_defaults(handler=_lock_diff)

    command = commands.add_parser("reactions", help="record each model page's discussion reactions (giscus)")
    command.add_argument("--output", type=Path, metavar="PATH", help="default: catalogue/reactions.json")
    command.set_defaults(handler=_reactions)

    command = commands.add_parser("entries", help="list entry ids, e.g. for a CI job's --only options")
    command.add_argument("--changed-since", metavar="REV", help="only entries that differ from git revision REV")
    command.add_argument("--accelerator", action="append", choices=ACCELERATORS, default=[], help="repeatable")
    command.add_argument("--format", choices=("lines", "only", "json"), default="lines", help="only: --only ID ...")
    command.set_defaults(handler=_entries)

    command = commands.add_parser("site", help="render and build the website from catalogue + committed lock")
    command.set_defaults(handler=_site, exclusive=True)


def _check_repo(config: ProjectConfig, arguments: argparse.Namespace) -> int:
    from generator import maintain

    options = maintain.CheckOptions(
        subdir=arguments.subdir,
        offline=arguments.offline,
        smoke_timeout=arguments.timeout,
        verification=_verification(config),
        requirements=tuple(arguments.requirement),
    )
    report = maintain.check_repo(arguments.spec, build_cache_dir(), options)
    print(maintain.checklist_text(report))
    return 1 if report.failed else 0


def _verification(config: ProjectConfig) -> VerificationSetting:
    """The catalogue's verification pair (its default when there is no catalogue here: a model owner's checkout)."""
    if not config.catalogue.is_file():
        return VerificationSetting()
    return load_catalogue(config.catalogue).verification


def _add(config: ProjectConfig, arguments: argparse.Namespace) -> int:
    from generator import maintain

    options = maintain.AddOptions(
        entry_id=arguments.entry_id,
        subdir=arguments.subdir,
        category=arguments.category,
        smoke_timeout=arguments.timeout,
    )
    added = maintain.add_entry(config, arguments.spec, options, build_cache_dir())
    pin = f"{added.ref} = {added.commit}" if added.commit else "a folder of this project"
    print(f"added entry {added.entry_id!r} to {config.catalogue} ({added.repo}, {pin})")
    if added.probed is None:
        print(f"not fetched, so nothing was loaded: {added.fetch_error}")
        print("the entry is pinned; `lock` records it as unfetchable until its commit can be fetched")
    else:
        print(maintain.probe_text(added.probed))
        left_out = ", ".join(f"{name} ({why})" for name, why in added.left_out.items())
        print(f"featured: {', '.join(added.featured) or 'none'}" + (f"; left out: {left_out}" if left_out else ""))
    print(f"complete the fields marked TODO ({', '.join(added.to_complete)}), then verify it:")
    print(f"  python -m generator lock --only {added.entry_id}")
    return 0


def _update(config: ProjectConfig, arguments: argparse.Namespace) -> int:
    from generator import maintain

    with progress_display(arguments.quiet) as progress:
        report = maintain.update_entries(config, arguments.ids, arguments.dry_run, progress)
    print(maintain.update_text(report, arguments.dry_run), end="")
    return 1 if report.problems else 0


def _lock_diff(config: ProjectConfig, arguments: argparse.Namespace) -> int:
    from generator import maintain

    text = maintain.diff_markdown(maintain.diff_locks(read_lock(arguments.old), read_lock(arguments.new)))
    if arguments.output:
        write_text_atomic(arguments.output, text)
    print(text, end="")
    return 0


def _entries(config: ProjectConfig, arguments: argparse.Namespace) -> int:
    from generator import maintain

    catalogue = pipeline.read_catalogue(config)
    changed = maintain.changed_since(config.catalogue, arguments.changed_since) if arguments.changed_since else None
    ids = maintain.select_ids(catalogue, changed, arguments.accelerator)
    if arguments.format == "json":
        print(json.dumps(ids))
    elif arguments.format == "only":
        print(" ".join(f"--only {entry_id}" for entry_id in ids))
    else:
        print("\n".join(ids))
    return 0


def _site(config: ProjectConfig, _: argparse.Namespace) -> int:
    rendered = pipeline.render(config, pipeline.examples(config))
    built = pipeline.site(config)
    print(f"Pages: {rendered.summary}")
    print_site(built, f" (from {config.lock}, nothing re-verified)")
    return 0


def _reactions(config: ProjectConfig, arguments: argparse.Namespace) -> int:
    from generator.maintain import reactions

    if not (config.giscus_repo and config.giscus_category_id):
        print("giscus is not configured (mkdocs.yml: extra.giscus.repo and category_id): no reactions to record")
        return 0
    catalogue = pipeline.read_catalogue(config)
    found = reactions.discussions(
        config.giscus_repo,
        config.giscus_category_id,
        reactions.token_from_environment(),
        reactions.api_url_from_environment(),
    )
    counts = reactions.by_entry(found, [entry.id for entry in catalogue.models])
    path = arguments.output or config.reactions
    reactions.record_reactions(path, counts)
    print(f"{path}: reactions of {len(counts)} model pages")
    return 0
