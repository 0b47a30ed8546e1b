"""`python -m generator`: the command line of the site generator."""

from generator.cli import run

raise SystemExit(run())
