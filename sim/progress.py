"""A one-line progress report on stderr: runs done, failed, rate, time left."""

from __future__ import annotations

import sys
import time


class Progress:
    """Redraws one line on a terminal; elsewhere prints a line per tenth of the work."""

    def __init__(self, total: int, done: int = 0, enabled: bool = True) -> None:
        self.total, self.count, self.failed = total, done, 0
        self.start_count = done
        self.start = time.perf_counter()
        self.enabled = enabled
        self.live = sys.stderr.isatty()

    def tick(self, runs: int = 1, failed: bool | int = False) -> None:
        """``runs`` more finished (``failed`` of them failed)."""
        before = self.count - self.start_count
        self.count += runs
        self.failed += int(failed)
        if not self.enabled:
            return
        new = self.count - self.start_count
        step = max(1, (self.total - self.start_count) // 10)
        if not self.live and new // step == before // step and self.count != self.total:
            return  # not live: a line each time another tenth of the work is done
        elapsed = time.perf_counter() - self.start
        rate = new / elapsed if elapsed > 0 else 0.0
        left = (self.total - self.count) / rate if rate > 0 else float("nan")
        line = (f"  runs {self.count}/{self.total}  failed {self.failed}  {rate:5.1f}/s  "
                f"elapsed {elapsed:6.1f}s  left ~{left:6.1f}s")
        sys.stderr.write(("\r" + line) if self.live else line + "\n")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled and self.live:
            sys.stderr.write("\n")
