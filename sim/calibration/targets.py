"""Empirical targets as data: ``scenarios/targets/*.toml``.

Each ``[[target]]`` names a figure (value, uncertainty, source), the model statistic it is
compared with (a metric or group column, over the final year of the run) and the setting
in which the model produces it: a scenario, a preset, a horizon and any parameter overrides
(e.g. a 52-week engagement window for a "took part in the last year" measure). The
uncertainty is the half-width of the interval within which the model counts as agreeing
with the figure: the calibration scales every distance by it and stops at that tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from sim.calibration.files import InputError, read_checked
from sim.params import Params, ScenarioError, load_scenario, resolve_preset, scenario_path


@dataclass(frozen=True)
class Setting:
    """Where a statistic comes from: scenario, preset, horizon and overrides (one model run)."""

    scenario: str
    preset: str
    weeks: int | None = None
    overrides: tuple[tuple[str, Any], ...] = ()

    @cached_property
    def base(self) -> Params:
        """The setting's parameters before any calibrated value is applied."""
        params = load_scenario(scenario_path(self.scenario), self.preset)
        changes = dict(self.overrides) | ({"run.weeks": self.weeks} if self.weeks else {})
        origin = f"setting {self.scenario} / {self.preset}"  # not the label: it needs the horizon, from here
        return params.replace(changes, origin=origin) if changes else params

    def params(self, values: dict[str, float] | None = None) -> Params:
        """The setting's parameters with calibrated ``{"section.key": value}`` applied."""
        return self.base.replace(values, origin=f"setting {self.label}") if values else self.base

    @property
    def label(self) -> str:
        extra = ", ".join(f"{k} = {v}" for k, v in self.overrides)
        return f"{self.scenario} / {self.preset} / {self.base_weeks} weeks" + (f" ({extra})" if extra else "")

    @property
    def base_weeks(self) -> int:
        return self.weeks or self.base.run.weeks


@dataclass(frozen=True)
class Target:
    name: str
    statistic: str
    value: float
    uncertainty: float
    setting: Setting
    source: str
    note: str = ""
    file: str = ""

    @property
    def interval(self) -> tuple[float, float]:
        return self.value - self.uncertainty, self.value + self.uncertainty


def _setting(entry: dict, where: str) -> Setting:
    scenario, preset = entry["scenario"], entry.get("preset", "guizhou_west")
    if not scenario_path(scenario).exists():
        raise InputError(f"{where}: scenario = {scenario!r}: no such scenario file ({scenario_path(scenario)})")
    if not resolve_preset(preset).exists():
        raise InputError(f"{where}: preset = {preset!r}: no such preset ({resolve_preset(preset)})")
    setting = Setting(scenario, preset, entry.get("weeks"), tuple(sorted(entry.get("overrides", {}).items())))
    try:
        setting.base  # noqa: B018 - the overrides make consistent parameters in this setting, checked now
    except ScenarioError as exc:
        raise InputError(f"{where}: overrides: {exc}") from None
    return setting


def _check_value(entry: dict, where: str) -> None:
    """A figure must be a value its statistic can take (a share within 0 to 1, a count not negative)."""
    from sim.metrics import REGISTRY
    from sim.validation import number

    metric = REGISTRY[entry["statistic"].partition("__")[0]]
    lo, hi = metric.lo, metric.hi
    value = entry["value"]
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        allowed = (f"{number(lo)} to {number(hi)}" if lo is not None and hi is not None
                   else f"at least {number(lo)}" if lo is not None else f"at most {number(hi)}")
        raise InputError(f"{where}: value = {value!r} is out of range; allowed: {allowed} ({entry['statistic']}: "
                         f"{metric.unit})")


def load_targets(path: str | Path) -> list[Target]:
    """Read and validate a target file; raises InputError naming the file and the key."""
    from sim.schemas import targets as schema

    path = Path(path)
    data, _ = read_checked(path, "target file", schema())
    found: list[Target] = []
    for entry in data["target"]:
        where = f"{path}: [[target]] {entry['name']}"
        _check_value(entry, where)
        found.append(Target(name=entry["name"], statistic=entry["statistic"], value=float(entry["value"]),
                            uncertainty=float(entry["uncertainty"]), setting=_setting(entry, where),
                            source=entry["source"], note=entry.get("note", ""), file=str(path)))
    names = [t.name for t in found]
    for name in names:
        if names.count(name) > 1:
            raise InputError(f"{path}: [[target]] {name}: name: used twice in this file")
    return found


def targets_markdown() -> str:
    """Every shipped target, and its role in each shipped calibration, as a Markdown table (docs/calibration.md)."""
    from sim.calibration.spec import load_calibration
    from sim.params import scenarios_dir

    roles: dict[str, list[str]] = {}
    for path in sorted((scenarios_dir() / "calibration").glob("*.toml")):
        cal = load_calibration(path)
        for t in cal.targets:
            roles.setdefault(t.name, []).append(f"{'fitted' if t.name in cal.fit else 'held out'} ({cal.name})")
    lines = ["| target | file | statistic | value ± uncertainty | setting | role | source | note |",
             "|---|---|---|---|---|---|---|---|"]
    for path in sorted((scenarios_dir() / "targets").glob("*.toml")):
        for t in load_targets(path):
            lines.append(f"| `{t.name}` | {path.name} | `{t.statistic}` | {t.value:g} ± {t.uncertainty:g} | "
                         f"{t.setting.label} | {'; '.join(roles.get(t.name, ['not used']))} | "
                         f"{' '.join(t.source.split())} | {' '.join(t.note.split())} |")
    return "\n".join(lines) + "\n"
