"""Generated documentation blocks: the ODD's parameter table and the metric glossary.

``python -m sim.docs`` rewrites every block between ``<!-- NAME:start -->`` and
``<!-- NAME:end -->`` in the files below; ``tests/test_docs.py`` fails when they are stale.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sim.metrics import glossary_markdown
from sim.params import parameter_table_markdown

ROOT = Path(__file__).resolve().parent.parent
def _targets() -> str:
    from sim.calibration.targets import targets_markdown

    return targets_markdown()


BLOCKS: dict[str, Callable[[], str]] = {"params": parameter_table_markdown, "metrics": glossary_markdown,
                                        "targets": _targets}
FILES = ("docs/ODD.md", "results/README.md", "docs/calibration.md")


def block(text: str, name: str) -> str | None:
    """The current content of block ``name`` in ``text`` (None if the file has no such block)."""
    start, end = f"<!-- {name}:start -->\n", f"<!-- {name}:end -->"
    if start not in text:
        return None
    return text.split(start, 1)[1].split(end, 1)[0]


def regenerate(text: str) -> str:
    """``text`` with every generated block it contains brought up to date."""
    for name, make in BLOCKS.items():
        old = block(text, name)
        if old is not None:
            text = text.replace(f"<!-- {name}:start -->\n{old}", f"<!-- {name}:start -->\n{make()}", 1)
    return text


def main() -> None:
    for rel in FILES:
        path = ROOT / rel
        text = path.read_text()
        new = regenerate(text)
        if new != text:
            path.write_text(new)
            print(f"updated {rel}")


if __name__ == "__main__":
    main()
