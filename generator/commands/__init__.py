"""Command groups of `python -m generator`; each module has `register(subparsers)`."""

from generator.commands import build, maintain

COMMAND_MODULES = [build, maintain]
