"""`python -m generator COMMAND`: the command line. Each module of generator/commands adds its commands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from generator.commands import COMMAND_MODULES
from generator.config import load_config
from generator.errors import GeneratorError


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (0 ok, 1 checks failed, 2 bad input or configuration)."""
    arguments = parser().parse_args(argv)
    try:
        config = load_config(arguments.root.resolve(), _resolved(arguments.catalogue), _resolved(arguments.site_dir))
        status: int = arguments.handler(config, arguments)
    except GeneratorError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyError as error:  # an unknown entry id; the message lists the known ones
        print(f"error: {error.args[0]}", file=sys.stderr)
        return 2
    return status


def parser() -> argparse.ArgumentParser:
    """The full argument parser (also used by tests that check the workflows' command lines)."""
    root = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    root.add_argument("--root", type=Path, default=Path.cwd(), help="project folder (holds mkdocs.yml)")
    root.add_argument("--catalogue", type=Path, help="catalogue file (default: catalogue/catalogue.yaml)")
    root.add_argument("--site-dir", type=Path, help="where to write the site (default: mkdocs.yml's site_dir)")
    commands = root.add_subparsers(required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(commands)
    return root


def _resolved(value: Path | None) -> Path | None:
    return value.resolve() if value else None
