"""`python -m generator COMMAND`: the command line. Each module of generator/commands adds its commands.

Every failure a user can meet is one line on stderr and exit status 2: an invalid input, an unknown
entry, a full disk (which file), a file that cannot be read or written. Commands that write the
project's outputs hold its build lock (generator/buildlock.py): a second one waits for the first.

Ctrl-C (SIGINT) or SIGTERM stops a command within two seconds: its child processes are killed at
once (generator/guardian.py; the guardian also kills them when the command itself is SIGKILLed),
files being written are dropped, finished ones kept, and one line says what had been written.
The exit status is then 128 + the signal's number (130 for Ctrl-C).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from generator import buildlock, files, guardian
from generator.commands import COMMAND_MODULES
from generator.config import ProjectConfig, load_config
from generator.errors import GeneratorError
from generator.settings import build_cache_dir

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
STOP_WITHIN_SECONDS = 1.5  # after Ctrl-C, what has not finished unwinding by then is cut short


def run() -> int:
    """`python -m generator`: `main` in a process whose child processes stop with it, however it ends."""
    with guardian.supervised():
        for number in STOP_SIGNALS:
            signal.signal(number, _STOP.handle)
        status = main()
        if _STOP.signum:  # worker threads may still be unwinding: do not wait for them
            _exit(status)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (0 ok, 1 checks failed, 2 bad input or configuration)."""
    arguments = parser().parse_args(argv)
    command = " ".join(["python -m generator", *(sys.argv[1:] if argv is None else argv)])
    _STOP.begin()
    try:
        config = load_config(arguments.root.resolve(), _resolved(arguments.catalogue), _resolved(arguments.site_dir))
        _STOP.config = config
        with files.record_writes() as _STOP.written:
            return _handle(config, arguments, command)
    except GeneratorError as error:
        return _failed(str(error))
    except OSError as error:
        return _failed(_os_error(error))
    except KeyboardInterrupt:
        if not _STOP.signum:  # not the command line's own handler (`main` called by a program): it is theirs to handle
            raise
        return _STOP.say()


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


def _handle(config: ProjectConfig, arguments: argparse.Namespace, command: str) -> int:
    """The command's handler, holding the project's build lock if the command writes its outputs."""
    if not getattr(arguments, "exclusive", False):
        status: int = arguments.handler(config, arguments)
        return status
    with buildlock.exclusive_build(config, command):
        status = arguments.handler(config, arguments)
        return status


def _resolved(value: Path | None) -> Path | None:
    return value.resolve() if value else None


def _failed(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def _os_error(error: OSError) -> str:
    """What a failed system call says, with the file it was about: one line, no traceback."""
    if files.is_no_space(error):
        return str(files.no_space_error(error, Path("(unknown file)")))
    where = f"{os.fsdecode(error.filename)}: " if error.filename else ""
    return f"{where}{error.strerror or error}"


class _Stop:
    """Ctrl-C or SIGTERM during a command: stop its children at once, then one line and the exit status."""

    def __init__(self) -> None:
        self.signum = 0
        self.config: ProjectConfig | None = None
        self.written: list[Path] = []
        self.said = threading.Lock()

    def begin(self) -> None:
        """A command starts: nothing written, no signal received."""
        self.signum, self.config, self.written = 0, None, []

    def handle(self, signum: int, _: FrameType | None) -> None:
        """The signal handler (main thread): kill the children, start the deadline, unwind the command."""
        if self.signum:
            return  # already stopping
        self.signum = signum
        guardian.stop_children()
        threading.Thread(target=self._deadline, name="stop-deadline", daemon=True).start()
        raise KeyboardInterrupt

    def say(self) -> int:
        """Print what the interrupted command had written (once); returns the exit status."""
        if self.said.acquire(blocking=False):
            print(self.message(), file=sys.stderr, flush=True)
        return 128 + self.signum

    def message(self) -> str:
        """'interrupted: nothing was written', or which outputs had been written completely."""
        what = "terminated" if self.signum == signal.SIGTERM else "interrupted"
        outputs = list(dict.fromkeys(self._shown(path) for path in self.written if self._is_output(path)))
        if not outputs:
            return f"{what}: nothing was written"
        return f"{what} after writing {', '.join(outputs)}; everything else is as it was"

    def _is_output(self, path: Path) -> bool:
        caches = [build_cache_dir(), *([self.config.cache_dir] if self.config else [])]
        return not any(path.is_relative_to(cache) for cache in caches)

    def _shown(self, path: Path) -> str:
        root = self.config.root if self.config else Path.cwd()
        return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)

    def _deadline(self) -> None:
        """Cut the command short if it has not finished unwinding in time (a folder swap is let finish)."""
        time.sleep(STOP_WITHIN_SECONDS)
        with files.swaps_held():
            _exit(self.say())


def _exit(status: int) -> None:
    """End the process now, without waiting for worker threads (their children are dead already)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


_STOP = _Stop()
