"""``python -m pinhub fetch REPO``: put a pinned repository into the cache without running its code."""

from __future__ import annotations

import argparse
import sys

from pinhub._dirs import set_dir
from pinhub._resolve import resolve
from pinhub._spec import ACCEPTED_SOURCES
from pinhub.errors import PinHubError


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m pinhub", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    fetch = commands.add_parser("fetch", help="download a repository at a commit into the cache")
    fetch.add_argument("repo", help="owner/name[:ref], a git URL[#ref], a directory, or a catalogue id")
    fetch.add_argument("--source", default="github", choices=ACCEPTED_SOURCES)
    fetch.add_argument("--commit", help="a commit SHA, full or abbreviated")
    fetch.add_argument("--subdir", help="the sub-directory that holds hubconf.py")
    fetch.add_argument("--hub-dir", help="the hub cache directory (default: torch.hub's rules)")
    fetch.add_argument("--force-reload", action="store_true", help="download again even if cached")
    args = parser.parse_args(argv)
    if args.hub_dir:
        set_dir(args.hub_dir)
    try:
        resolved = resolve(
            args.repo, source=args.source, commit=args.commit, subdir=args.subdir, force_reload=args.force_reload
        )
    except PinHubError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"{resolved}\t{resolved.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
