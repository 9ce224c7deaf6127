"""Whether each parameter is measured, calibrated (to which targets) or assumed: the status column of
the ODD's parameter table (``sim.params.parameter_rows`` asks :func:`status`).

*Calibrated* is read from the shipped calibration files (``scenarios/calibration/*.toml``: their free
parameters and fitted targets), so the table follows the files. *Measured* is the short list below:
parameters set directly from a figure (the brief's, or a measured share from experiments). Every
other parameter is *assumed*; the ODD's source column says whether theory gives its shape and
whether it was set by hand.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

CALIBRATIONS = Path(__file__).resolve().parent.parent.parent / "scenarios" / "calibration"

# Set from a figure, not fitted: the brief's Guizhou West and Shanghai figures, and shares measured in
# public-goods experiments (Fischbacher & Gachter 2010).
MEASURED: frozenset[str] = frozenset({
    "neighbourhood.households",
    "neighbourhood.main_alleys",
    "population.shared_kitchen_share",
    "population.no_bathroom_share",
    "population.conditional_cooperator_share",
    "population.free_rider_share",
})


@cache
def calibrated() -> dict[str, tuple[str, tuple[str, ...]]]:
    """``section.key`` -> (calibration name, fitted targets) for every free parameter of a shipped calibration."""
    out: dict[str, tuple[str, tuple[str, ...]]] = {}
    for path in sorted(CALIBRATIONS.glob("*.toml")):
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        for key in data.get("parameters", {}):
            out[key] = (data.get("name", path.stem), tuple(data.get("fit", ())))
    return out


def status(section: str, key: str) -> str:
    """"calibrated to T1, T2 (calibration NAME)", "measured" or "assumed"."""
    found = calibrated().get(f"{section}.{key}")
    if found is not None:
        name, targets = found
        return f"calibrated to {', '.join(targets)} (calibration {name})"
    return "measured" if f"{section}.{key}" in MEASURED else "assumed"
