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

from sim.calibration.files import InputError, Table, read_toml
from sim.params import Params, ScenarioError, load_scenario, resolve_preset, scenario_path

TARGET_KEYS = ("name", "statistic", "value", "uncertainty", "scenario", "preset", "weeks", "overrides",
               "source", "note")


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
        return params.replace(changes, origin=f"setting {self.label}") if changes else params

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


def _setting(t: Table) -> Setting:
    from sim.sweep.experiment import metric_names

    if t.text("statistic") not in metric_names():
        raise InputError(f"{t.where}: statistic = {t.data['statistic']!r}: not a metric or group column "
                         "(see `sim metrics`; group columns are NAME__young, NAME__renter, ...)")
    scenario, preset = t.text("scenario"), t.text("preset", "guizhou_west")
    if not scenario_path(scenario).exists():
        raise InputError(f"{t.where}: scenario = {scenario!r}: no such scenario file "
                         f"({scenario_path(scenario)})")
    if not resolve_preset(preset).exists():
        raise InputError(f"{t.where}: preset = {preset!r}: no such preset ({resolve_preset(preset)})")
    weeks = t.number("weeks", 1, 1040, integer=True) if t.has("weeks") else None
    overrides = t.table("overrides")
    setting = Setting(scenario, preset, weeks, tuple(sorted(overrides.data.items())))
    try:
        setting.base  # noqa: B018 - validates the overrides against the schema now, before any run
    except ScenarioError as exc:
        raise InputError(f"{t.where}: overrides: {exc}") from None
    return setting


def load_targets(path: str | Path) -> list[Target]:
    """Read and validate a target file; raises InputError naming the file and the key."""
    path = Path(path)
    data, _ = read_toml(path, "target file")
    top = Table(data, str(path), ("description", "target"))
    entries = top.data.get("target")
    if not isinstance(entries, list) or not entries:
        raise InputError(f"{path}: [[target]]: a target file needs at least one [[target]] table")
    targets: list[Target] = []
    for i, entry in enumerate(entries):
        name = entry.get("name") if isinstance(entry, dict) else None
        where = f"{path}: [[target]] {name if isinstance(name, str) and name else f'number {i + 1}'}"
        t = Table(entry, where, TARGET_KEYS)
        value = t.number("value", -1e12, 1e12)
        targets.append(Target(name=t.text("name"), statistic=t.text("statistic"), value=value,
                              uncertainty=t.number("uncertainty", 0, 1e12, open_low=True),
                              setting=_setting(t), source=t.text("source"), note=t.text("note", ""),
                              file=str(path)))
    names = [t.name for t in targets]
    for name in names:
        if names.count(name) > 1:
            raise InputError(f"{path}: [[target]] {name}: name: used twice in this file")
    return targets


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
