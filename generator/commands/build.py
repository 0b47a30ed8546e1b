"""The build commands: validate, schema, lock, merge, render, build.

`exclusive=True` marks the commands that write the project's outputs: they hold its build lock.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Collection
from pathlib import Path

from generator import pipeline
from generator.catalogue import Catalogue
from generator.catalogue.schema import schema_text
from generator.commands.types import Subparsers
from generator.config import ProjectConfig
from generator.files import write_text_atomic
from generator.lock import Shard
from generator.lock.records import DEVICES, Lock
from generator.report import LiveProgress, summary_table, unverified_entries
from generator.site import SiteBuild


def register(commands: Subparsers) -> None:
    """Add validate, schema, lock, merge, build and render."""
    command = commands.add_parser("validate", help="check catalogue.yaml; print every problem with file:line")
    command.set_defaults(handler=_validate)

    command = commands.add_parser("schema", help="write catalogue/schema.json (--check: fail if out of date)")
    command.add_argument("--check", action="store_true", help="only check the committed schema is current")
    command.set_defaults(handler=_schema)

    command = commands.add_parser("lock", help="fetch, introspect and smoke-load entries; write catalogue.lock")
    _verify_options(command)
    command.add_argument(
        "--shard", type=_shard, metavar="I/N", help="verify only the I-th of N slices (needs --output)"
    )
    command.add_argument("--output", type=Path, metavar="PATH", help="write a shard file here, not catalogue.lock")
    command.set_defaults(handler=_lock, exclusive=True)

    command = commands.add_parser("merge", help="combine shard files (lock --shard I/N --output) into catalogue.lock")
    command.add_argument("shard_files", nargs="+", type=Path, metavar="SHARD_FILE")
    command.add_argument("--strict", action="store_true", help="exit 1 when any entry failed or is unverified")
    command.set_defaults(handler=_merge, exclusive=True)

    command = commands.add_parser("build", help="lock, render and build the website, end to end")
    _verify_options(command)
    command.set_defaults(handler=_build, exclusive=True)

    command = commands.add_parser("render", help="write the model pages and notebooks from catalogue + lock")
    command.set_defaults(handler=_render, exclusive=True)


def _verify_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--only", action="append", default=[], metavar="ID", help="only this entry (repeatable)")
    command.add_argument("--force", action="store_true", help="rebuild entries even when nothing changed")
    command.add_argument("--strict", action="store_true", help="exit 1 when any entry failed or is unverified")
    command.add_argument("--quiet", action="store_true", help="no progress display")
    command.add_argument("--jobs", "-j", type=_positive, default=1, metavar="N", help="entries verified at once")
    command.add_argument(
        "--device",
        action="append",
        choices=DEVICES,
        help="smoke-load on this device only (repeatable; default: every device this machine has)",
    )
    command.add_argument(
        "--trust-hub-code",
        action="store_true",
        help="run hubs' code even where no sandbox (bubblewrap) is available: only for hubs you trust",
    )


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return int(text)


def _shard(text: str) -> Shard:
    try:
        return Shard.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _validate(config: ProjectConfig, _: argparse.Namespace) -> int:
    catalogue = pipeline.read_catalogue(config)
    print(f"{config.catalogue}: {len(catalogue.models)} entries in {len(catalogue.categories)} categories, valid")
    return 0


def _schema(config: ProjectConfig, arguments: argparse.Namespace) -> int:
    path = config.catalogue.parent / "schema.json"
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    if arguments.check:
        if current != schema_text():
            print(f"{path} is out of date: run `python -m generator schema`", file=sys.stderr)
            return 1
        return 0
    write_text_atomic(path, schema_text())
    print(f"wrote {path}")
    return 0


def progress_display(quiet: bool) -> contextlib.AbstractContextManager[LiveProgress | None]:
    """The live display on stderr, or nothing with --quiet (no redrawing thread either)."""
    return contextlib.nullcontext() if quiet else LiveProgress(sys.stderr)


def _options(
    arguments: argparse.Namespace, progress: LiveProgress | None, retry_unfetchable: bool = True
) -> pipeline.LockOptions:
    return pipeline.LockOptions(
        only=tuple(arguments.only),
        force=arguments.force,
        progress=progress,
        jobs=arguments.jobs,
        shard=getattr(arguments, "shard", None),
        output=getattr(arguments, "output", None),
        devices=tuple(dict.fromkeys(arguments.device)) if arguments.device else None,
        retry_unfetchable=retry_unfetchable,
        trusted=arguments.trust_hub_code,
    )


def _lock(config: ProjectConfig, arguments: argparse.Namespace) -> int:
    if arguments.shard and arguments.output is None:
        print("error: --shard needs --output PATH (the shard file that `merge` reads)", file=sys.stderr)
        return 2
    with progress_display(arguments.quiet) as progress:
        report = pipeline.lock(config, _options(arguments, progress))
    catalogue = report.catalogue or pipeline.read_catalogue(config)
    shown = _shown(catalogue, report.outcomes if arguments.shard else None)
    print(summary_table(shown, report.lock, report.outcomes))
    state = "updated" if report.written else "unchanged"
    print(f"\n{report.path}: {state}; rebuilt {len(report.rebuilt)} of {len(report.outcomes)} entries")
    return _strict_status(arguments.strict, catalogue, report.lock, report.outcomes if arguments.shard else None)


def _merge(config: ProjectConfig, arguments: argparse.Namespace) -> int:
    report, written = pipeline.merge(config, arguments.shard_files)
    catalogue = pipeline.read_catalogue(config)
    print(summary_table(catalogue, report.lock))
    print(f"\n{config.lock}: {'updated' if written else 'unchanged'}; {len(report.merged)} entries from shards")
    if report.kept:
        print(f"kept from the previous lock (in no shard): {', '.join(report.kept)}")
    if report.missing:
        print(f"in no shard and never built: {', '.join(report.missing)}", file=sys.stderr)
    return _strict_status(arguments.strict, catalogue, report.lock)


def _build(config: ProjectConfig, arguments: argparse.Namespace) -> int:
    with progress_display(arguments.quiet) as progress:
        # Entries that could not be fetched under their current key are tried again by `lock` only.
        report, rendered, built = pipeline.build(config, _options(arguments, progress, retry_unfetchable=False))
    catalogue = report.catalogue or pipeline.read_catalogue(config)
    print(summary_table(catalogue, report.lock, report.outcomes))
    print(f"\nLock: {config.lock} ({'updated' if report.written else 'unchanged'}, {len(report.rebuilt)} rebuilt)")
    print(f"Pages: {rendered.summary}")
    print(f"Reliability: {rendered.reliability}")
    broken = f"; failed: {', '.join(rendered.failed_examples)}" if rendered.failed_examples else ""
    print(f"Examples: {rendered.examples} executed notebooks shown on their pages{broken}")
    print_site(built)
    print("Serve it: make serve   (mkdocs serve, then open http://127.0.0.1:8000)")
    print("          (opened as a file, index.html has no search and its links show folders, not pages)")
    return _strict_status(arguments.strict, catalogue, report.lock)


def _render(config: ProjectConfig, _: argparse.Namespace) -> int:
    rendered = pipeline.render(config)
    print(rendered.summary)
    print(rendered.reliability)
    return 0


def print_site(built: SiteBuild, note: str = "") -> None:
    """Where the site is, and every generated page MkDocs rejected (published as a stand-in instead)."""
    print(f"Site: {built.site_dir}/index.html{note}")
    for page in built.replaced:
        print(
            f"warning: {page.path} could not be built and was replaced by a page saying so: {page.error}",
            file=sys.stderr,
        )


def _shown(catalogue: Catalogue, ids: Collection[str] | None) -> Catalogue:
    """The catalogue, or only the entries `ids` names (a shard's table shows its own entries)."""
    if ids is None:
        return catalogue
    return catalogue.model_copy(update={"models": [e for e in catalogue.models if e.id in ids]})


def _strict_status(strict: bool, catalogue: Catalogue, lock: Lock, ids: Collection[str] | None = None) -> int:
    problems = unverified_entries(catalogue, lock, ids)
    if strict and problems:
        print(
            f"\n--strict: {len(problems)} entries failed or are unverified: {', '.join(problems)}",
            file=sys.stderr,
        )
        return 1
    return 0
