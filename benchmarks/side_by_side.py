"""Side-by-side benchmarks of two checkouts: the median table both print."""

from __future__ import annotations

import statistics


def median_table(measured: dict[str, list[float]], what: str, faster_when_smaller: bool) -> str:
    """Markdown: each case's median [lowest, highest] of ``what`` and how many times the case named "old"."""
    old = statistics.median(measured["old"])
    lines = [f"| code | {what}: median [lowest, highest] | x old |", "|---|---|---|"]
    for name, values in measured.items():
        m = statistics.median(values)
        ratio = old / m if faster_when_smaller else m / old
        lines.append(f"| {name} | {m:,.1f} [{min(values):,.1f}, {max(values):,.1f}] | {ratio:.2f} |")
    return "\n".join(lines)
