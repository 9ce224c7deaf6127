"""Tests wait on conditions, never on fixed sleeps: one polling helper for every test that waits."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_for(condition: Callable[[], object], timeout: float = 120, what: str = "condition",
             interval: float = 0.02) -> None:
    """Poll ``condition`` until it is true; fail the test, naming ``what``, after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(interval)
