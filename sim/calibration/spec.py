"""Calibration files: ``scenarios/calibration/*.toml``.

A calibration names its target files, which targets are fitted (the others are held out and
checked posterior-predictively), the free parameters and the ABC-SMC settings. Each free
parameter's prior is uniform over its range in ``sim/params.py``; a calibration file may
narrow that range, and must then say why (``source``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sim.calibration.files import InputError, prior_range, read_checked, relative
from sim.calibration.targets import Setting, Target, load_targets
from sim.params import ScenarioError

NORMS = ("euclidean", "max")
SCHEMA_SOURCE = "range in sim/params.py"
MAX_CORNER_CHECKS = 4096


@dataclass(frozen=True)
class Prior:
    """A uniform prior over [low, high] for one parameter, and where the range comes from."""

    key: str
    low: float
    high: float
    source: str = SCHEMA_SOURCE


@dataclass(frozen=True)
class AbcSettings:
    population_size: int = 200
    max_generations: int = 12
    tolerance: float = 1.0  # stop once the fitted targets are matched within tolerance (in units of uncertainty)
    norm: str = "euclidean"  # how the targets' scaled errors combine: Euclidean length, or the largest
    quantile: float = 0.5  # each generation's threshold: this quantile of the last generation's distances
    min_acceptance_rate: float = 0.005
    master_seed: int = 0
    predictive_draws: int = 100  # posterior draws for the predictive checks
    weeks: int | None = None  # cap on every setting's horizon (quick runs only)


@dataclass(frozen=True)
class Calibration:
    name: str
    source: Path
    text: str
    targets: tuple[Target, ...]
    fit: tuple[str, ...]
    priors: tuple[Prior, ...]
    abc: AbcSettings = field(default_factory=AbcSettings)
    quick: AbcSettings | None = None
    description: str = ""
    is_quick: bool = False

    @property
    def fit_targets(self) -> tuple[Target, ...]:
        return tuple(t for t in self.targets if t.name in self.fit)

    @property
    def held_out(self) -> tuple[Target, ...]:
        return tuple(t for t in self.targets if t.name not in self.fit)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(p.key for p in self.priors)

    @property
    def digest(self) -> str:
        """Identifies the calibration as run: its file, its target files and whether it is the quick variant."""
        files = "".join(sorted({Path(t.file).read_text() for t in self.targets}))
        return hashlib.sha256((self.text + files + repr(self.is_quick)).encode()).hexdigest()[:16]

    def reduced(self) -> Calibration:
        """The quick variant: the file's [quick] settings (small population, few generations, short runs)."""
        quick = self.quick or AbcSettings(population_size=max(12, 2 * len(self.priors)), max_generations=2,
                                          predictive_draws=4, weeks=60)
        return dataclasses.replace(self, abc=quick, is_quick=True)

    def horizon(self, setting: Setting) -> Setting:
        """The setting as run: its horizon capped by the settings' ``weeks`` (quick runs)."""
        cap = self.abc.weeks
        if cap is None or setting.base_weeks <= cap:
            return setting
        return dataclasses.replace(setting, weeks=cap)


def settings_of(targets: tuple[Target, ...]) -> tuple[Setting, ...]:
    """The distinct settings (model runs) the targets need, in order of first use."""
    return tuple(dict.fromkeys(t.setting for t in targets))


def _abc(t: dict, defaults: AbcSettings) -> AbcSettings:
    """ABC settings from an ``[abc]`` or ``[quick]`` table (checked by the schema), over ``defaults``."""
    values = {k: (float(v) if isinstance(getattr(defaults, k), float) else v) for k, v in t.items()}
    return dataclasses.replace(defaults, **values)


def _priors(params: dict, origin: str) -> tuple[Prior, ...]:
    if not params:
        raise InputError(f"{origin}: [parameters]: name at least one free parameter, e.g. "
                         '[parameters."behaviour.base_logit"]')
    priors = []
    for key, spec in params.items():
        low, high, source = prior_range(spec, key, f'{origin}: [parameters."{key}"]')
        priors.append(Prior(key, low, high, source or SCHEMA_SOURCE))
    return tuple(priors)


def _check_corners(priors: tuple[Prior, ...], settings: tuple[Setting, ...], origin: str) -> None:
    """Every combination of prior bounds must make valid parameters in every setting (e.g. shares that must
    not add up to more than 1), so that no particle can fail validation mid-run."""
    corners = itertools.product(*((p.low, p.high) for p in priors))
    if 2 ** len(priors) > MAX_CORNER_CHECKS:
        rng = np.random.default_rng(0)
        corners = ([p.low + (p.high - p.low) * u for p, u in zip(priors, rng.integers(0, 2, len(priors)), strict=True)]
                   for _ in range(MAX_CORNER_CHECKS))
    for corner in corners:
        values = dict(zip((p.key for p in priors), corner, strict=True))
        for setting in settings:
            try:
                setting.params(values)
            except ScenarioError as exc:
                raise InputError(f"{origin}: [parameters]: the prior box reaches invalid parameters "
                                 f"({exc}); narrow a range") from None


def load_calibration(path: str | Path) -> Calibration:
    """Read and validate a calibration file and its target files; raises InputError naming file and key."""
    from sim.schemas import calibration

    path = Path(path)
    origin = str(path)
    data, text = read_checked(path, "calibration file", calibration())
    targets: list[Target] = []
    for name in data["targets"]:
        file = relative(path, name)
        if not file.exists():
            raise InputError(f"{origin}: targets: {name!r}: no such target file ({file})")
        targets += load_targets(file)
    seen: dict[str, str] = {}
    for t in targets:
        if t.name in seen:
            raise InputError(f"{origin}: targets: target {t.name!r} is defined in {seen[t.name]} and in {t.file}")
        seen[t.name] = t.file
    fit = tuple(data["fit"])
    for name in fit:
        if name not in seen:
            raise InputError(f"{origin}: fit: unknown target {name!r}; the target files define "
                             + ", ".join(seen))
    priors = _priors(data.get("parameters", {}), origin)
    abc = _abc(data.get("abc", {}), AbcSettings())
    quick = _abc(data["quick"], AbcSettings(population_size=12, max_generations=2, predictive_draws=4,
                                             weeks=60)) if "quick" in data else None
    cal = Calibration(name=data["name"], source=path.resolve(), text=text, targets=tuple(targets), fit=fit,
                      priors=priors, abc=abc, quick=quick, description=data.get("description", ""))
    for where, settings in (("[abc]", cal.abc), ("[quick]", cal.quick)):
        if settings is not None and settings.population_size < 2 * len(priors):
            raise InputError(f"{origin}: {where}: population_size = {settings.population_size}: at least twice the "
                             f"number of free parameters ({2 * len(priors)}), or the perturbation kernel degenerates")
    _check_corners(priors, settings_of(cal.targets), origin)
    return cal
