"""A progress line on stderr: rows done, rate and time left."""

from __future__ import annotations

import sys
import time


class ProgressLine:
    def __init__(self, stream=None, *, label: str = ""):
        self.stream = stream or sys.stderr
        self.label = label
        self.started = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = done / elapsed
        left = (total - done) / rate if rate else 0
        width = 30
        filled = int(width * done / total) if total else width
        bar = "█" * filled + "·" * (width - filled)
        self.stream.write(f"\r{self.label}{bar} {done}/{total}  {rate * 60:,.0f}/min  "
                          f"{_clock(elapsed)} + {_clock(left)}")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def _clock(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    return f"{seconds // 60}:{seconds % 60:02d}"
