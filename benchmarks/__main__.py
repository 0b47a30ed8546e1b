"""Run every ``bench_*`` module of this package (or those named on the command line), one after another."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import cast

PACKAGE = Path(__file__).resolve().parent


def discover() -> list[str]:
    """The benchmark modules' short names (``bench_loader`` -> ``loader``), in name order."""
    names = (info.name for info in pkgutil.iter_modules([str(PACKAGE)]))
    return sorted(name.removeprefix("bench_") for name in names if name.startswith("bench_"))


def main(argv: list[str]) -> int:
    """Run the named benchmarks (all when none is named); return the exit status."""
    available = discover()
    chosen = argv or available
    unknown = [name for name in chosen if name not in available]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(available)}", file=sys.stderr)
        return 2
    for name in chosen:
        module = importlib.import_module(f"{__package__ or 'benchmarks'}.bench_{name}")
        print(f"== {name} ==", flush=True)
        cast(Callable[[], object], module.main)()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
