"""Command groups of `python -m generator`; each module has `register(subparsers)`."""

from generator.commands import build

COMMAND_MODULES = [build]
