"""A progress bar for management commands: redrawn in place on a terminal, a line per
tenth otherwise (a log file or CI), always on standard error."""

from __future__ import annotations

import sys
import time

from django.core.management.base import OutputWrapper


class ProgressBar:
    WIDTH = 30

    def __init__(self, label: str, stream=None):
        self.label = label
        # A command's self.stderr adds a line end to what it writes, unless told not to.
        self.stream = stream or sys.stderr
        self._write = (
            (lambda text: self.stream.write(text, ending=""))
            if isinstance(self.stream, OutputWrapper)
            else self.stream.write
        )
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.shown = -1
        self.started = time.monotonic()

    def __call__(self, percent: int) -> None:
        percent = max(0, min(100, int(percent)))
        if self.tty:
            if percent != self.shown:
                filled = self.WIDTH * percent // 100
                bar = "#" * filled + "-" * (self.WIDTH - filled)
                self._write(f"\r{self.label} [{bar}] {percent:3d}%")
                self.stream.flush()
        elif percent // 10 > self.shown // 10 or self.shown < 0:
            self._write(f"{self.label}: {percent}%\n")
        self.shown = percent

    def done(self) -> float:
        """Finish the bar; the seconds it took."""
        if self.shown < 100:
            self(100)
        if self.tty:
            self._write("\n")
        return time.monotonic() - self.started


def took(bar: ProgressBar | None) -> str:
    """Finish `bar` (if any) and say how long it took, for a command's last line:
    " (12.3 s)", or "" without a bar."""
    seconds = bar.done() if bar else 0
    return f" ({seconds:.1f} s)" if seconds else ""
