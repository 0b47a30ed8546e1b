"""The build commands: validate, schema, lock, render, build."""

from __future__ import annotations

import argparse
import sys
import time

from generator import pipeline
from generator.catalogue import Catalogue
from generator.catalogue.schema import schema_text
from generator.commands.types import Subparsers
from generator.config import ProjectConfig
from generator.files import write_text_atomic
from generator.records import Lock
from generator.report import summary_table, unverified_entries
from generator.verify import Progress


def register(commands: Subparsers) -> None:
    """Add validate, schema, lock, build and render."""
    command = commands.add_parser("validate", help="check catalogue.yaml; print every problem with file:line")
    command.set_defaults(handler=_validate)

    command = commands.add_parser("schema", help="write catalogue/schema.json (--check: fail if out of date)")
    command.add_argument("--check", action="store_true", help="only check the committed schema is current")
    command.set_defaults(handler=_schema)

    for name, handler, text in (
        ("lock", _lock, "fetch, introspect and smoke-load entries; write catalogue.lock"),
        ("build", _build, "lock, render and build the website, end to end"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("--only", action="append", default=[], metavar="ID", help="only this entry (repeatable)")
        command.add_argument("--force", action="store_true", help="rebuild entries even when nothing changed")
        command.add_argument("--strict", action="store_true", help="exit 1 when any entry failed or is unverified")
        command.add_argument("--quiet", action="store_true", help="no progress lines")
        command.set_defaults(handler=handler)

    command = commands.add_parser("render", help="write the model pages and notebooks from catalogue + lock")
    command.set_defaults(handler=_render)


def _validate(config: ProjectConfig, _: argparse.Namespace) -> int:
    catalogue = pipeline.validate(config)
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


def _progress(quiet: bool) -> Progress | None:
    if quiet:
        return None
    started = time.monotonic()

    def show(entry_id: str, stage: str) -> None:
        print(f"[{time.monotonic() - started:6.1f}s] {entry_id}: {stage}", file=sys.stderr, flush=True)

    return show


def _lock(config: ProjectConfig, arguments: argparse.Namespace) -> int:
    options = pipeline.LockOptions(tuple(arguments.only), arguments.force, _progress(arguments.quiet))
    report = pipeline.lock(config, options)
    catalogue = pipeline.validate(config)
    print(summary_table(catalogue, report.lock))
    print(f"\n{config.lock}: {'updated' if report.written else 'unchanged'}; rebuilt {len(report.rebuilt)} entries")
    return _strict_status(arguments.strict, catalogue, report.lock)


def _build(config: ProjectConfig, arguments: argparse.Namespace) -> int:
    options = pipeline.LockOptions(tuple(arguments.only), arguments.force, _progress(arguments.quiet))
    report, rendered, site_dir = pipeline.build(config, options)
    catalogue = pipeline.validate(config)
    print(summary_table(catalogue, report.lock))
    print(f"\nLock: {config.lock} ({'updated' if report.written else 'unchanged'}, {len(report.rebuilt)} rebuilt)")
    print(f"Pages: {rendered.pages} pages and {rendered.notebooks} notebooks in {rendered.folder}")
    print(f"Site: {site_dir}/index.html")
    print("Serve it: make serve   (mkdocs serve, then open http://127.0.0.1:8000)")
    return _strict_status(arguments.strict, catalogue, report.lock)


def _render(config: ProjectConfig, _: argparse.Namespace) -> int:
    rendered = pipeline.render(config)
    print(f"wrote {rendered.pages} pages and {rendered.notebooks} notebooks to {rendered.folder}")
    return 0


def _strict_status(strict: bool, catalogue: Catalogue, lock: Lock) -> int:
    problems = unverified_entries(catalogue, lock)
    if strict and problems:
        print(
            f"\n--strict: {len(problems)} entries failed or are unverified: {', '.join(problems)}",
            file=sys.stderr,
        )
        return 1
    return 0
