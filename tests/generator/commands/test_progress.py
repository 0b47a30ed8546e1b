"""The live progress display: a table redrawn in place on a terminal, plain lines elsewhere."""

from __future__ import annotations

import io
import re
import threading
import time

from generator.report import LiveProgress


class Terminal(io.StringIO):
    """A text stream that says it is a terminal, and understands just enough ECMA-48 to show the screen."""

    def isatty(self) -> bool:
        return True

    def screen(self) -> list[str]:
        lines: list[str] = []
        for chunk in re.split(r"(\x1b\[\d+F\x1b\[J)", self.getvalue()):
            moved = re.fullmatch(r"\x1b\[(\d+)F\x1b\[J", chunk)
            if moved:
                del lines[len(lines) - int(moved.group(1)) :]
            else:
                lines += chunk.splitlines()
        return lines


def test_a_terminal_shows_the_entries_in_progress_and_the_finished_ones_above() -> None:
    terminal = Terminal()
    with LiveProgress(terminal, interval=0.01) as progress:
        progress.begin(3)
        progress.stage("alpha", "fetch")
        progress.stage("beta", "smoke tiny (cpu)")
        progress.stage("alpha", "introspect")
        progress.finished("gamma", "reused", 0.0)
        time.sleep(0.05)  # a few redraws of the elapsed times
        screen = terminal.screen()
        assert screen[0] == "= gamma: reused (0.0 s)"
        assert re.fullmatch(r"\[ +\d+\.\ds\] 1/3 entries done \(1 reused\)", screen[1])
        assert [line.split()[:2] for line in screen[2:]] == [["alpha", "introspect"], ["beta", "smoke"]]
        progress.finished("alpha", "verified", 1.5)
        progress.finished("beta", "failed", 2.0)
    assert terminal.screen() == ["= gamma: reused (0.0 s)", "✓ alpha: verified (1.5 s)", "✗ beta: failed (2.0 s)"]


def test_a_log_gets_one_line_per_step_and_no_control_codes() -> None:
    log = io.StringIO()
    with LiveProgress(log) as progress:
        progress.begin(1)
        progress.stage("alpha", "fetch")
        progress.finished("alpha", "unfetchable", 0.3)
    lines = log.getvalue().splitlines()
    assert [line.split("] ", 1)[1] for line in lines] == ["alpha: fetch", "! alpha: unfetchable (0.3 s)"]
    assert "\x1b" not in log.getvalue()


def test_steps_reported_from_many_threads_all_arrive() -> None:
    log = io.StringIO()
    with LiveProgress(log) as progress:

        def steps(worker: int) -> None:
            for step in range(50):
                progress.stage(f"e{worker}", f"step {step}")

        workers = [threading.Thread(target=steps, args=(n,)) for n in range(8)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    assert len(log.getvalue().splitlines()) == 400
