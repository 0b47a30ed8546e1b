"""`python -m generator COMMAND`: validate, schema, lock, render, build."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from generator import pipeline
from generator.catalogue import Catalogue
from generator.catalogue.schema import schema_text
from generator.config import ProjectConfig, load_config
from generator.errors import GeneratorError
from generator.files import write_text_atomic
from generator.records import Lock
from generator.report import summary_table, unverified_entries
from generator.verify import Progress


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the process exit status (0 ok, 1 failed checks, 2 bad input)."""
    parser = _parser()
    arguments = parser.parse_args(argv)
    try:
        config = load_config(arguments.root.resolve(), _path(arguments.catalogue), _path(arguments.site_dir))
        status: int = arguments.command(config, arguments)
        return status
    except GeneratorError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyError as error:
        print(f"error: {error.args[0]}", file=sys.stderr)
        return 2


def _path(value: Path | None) -> Path | None:
    return value.resolve() if value else None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="project folder (holds mkdocs.yml)")
    parser.add_argument("--catalogue", type=Path, help="catalogue file (default: catalogue/catalogue.yaml)")
    parser.add_argument("--site-dir", type=Path, help="where to write the site (default: mkdocs.yml's site_dir)")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    command = commands.add_parser("validate", help="check catalogue.yaml; print every problem with file:line")
    command.set_defaults(command=_validate)

    command = commands.add_parser("schema", help="write catalogue/schema.json (--check: fail if out of date)")
    command.add_argument("--check", action="store_true", help="only check the committed schema is current")
    command.set_defaults(command=_schema)

    for name, handler, text in (
        ("lock", _lock, "fetch, introspect and smoke-load entries; write catalogue.lock"),
        ("build", _build, "lock, render and build the website, end to end"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("--only", action="append", default=[], metavar="ID", help="only this entry (repeatable)")
        command.add_argument("--force", action="store_true", help="rebuild entries even when nothing changed")
        command.add_argument("--strict", action="store_true", help="exit 1 when any entry failed or is unverified")
        command.add_argument("--quiet", action="store_true", help="no progress lines")
        command.set_defaults(command=handler)

    command = commands.add_parser("render", help="write the model pages and notebooks from catalogue + lock")
    command.set_defaults(command=_render)
    return parser


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
