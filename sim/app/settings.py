"""What the app's controls set, where its files live, and how its inputs are checked.

Settings -> validated parameters -> model. Scenario and preset lists are read from the files in
``scenarios/`` each time a page opens, so a new scenario file shows up without code changes.
Typed input is parsed here, before it reaches the model; a bad value raises :class:`InputError`
with a message key the page shows translated, in place.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlencode

from sim.app.i18n import LANGUAGES
from sim.integrity import claim_file, write_atomic
from sim.model import LilongModel
from sim.params import SECTIONS, Params, load_scenario, resolve_preset, scenario_path, scenarios_dir
from sim.paths import PROJECT, relative_to_project

SEED_MAX = 2**63 - 1  # as `sim run --seed`
# Known scenarios first, in the order of the argument they make; any other file follows by name.
SCENARIO_ORDER = ("top_down", "consultation", "planner", "planner_platform")


def results_dir() -> Path:
    """Where the app reads comparisons and writes workshop files: the repository's ``results/``.

    Resolved from the package, not the working directory; ``SIM_APP_RESULTS`` overrides it
    (the browser tests point it at a scratch folder).
    """
    override = os.environ.get("SIM_APP_RESULTS")
    return Path(override) if override else Path(__file__).resolve().parents[2] / "results"


def _description(path: Path) -> str:
    try:
        with path.open("rb") as fh:
            text = tomllib.load(fh).get("description", "")
    except (OSError, tomllib.TOMLDecodeError):
        return ""
    return " ".join(str(text).split())


def scenario_files() -> dict[str, str]:
    """Scenario files in ``scenarios/`` (not presets or experiments): file stem -> description."""
    stems = sorted(p.stem for p in scenarios_dir().glob("*.toml"))
    ordered = [s for s in SCENARIO_ORDER if s in stems] + [s for s in stems if s not in SCENARIO_ORDER]
    return {s: _description(scenario_path(s)) for s in ordered}


def preset_files() -> dict[str, str]:
    """Neighbourhood presets in ``scenarios/presets/``: file stem -> description."""
    return {p.stem: _description(p) for p in sorted((scenarios_dir() / "presets").glob("*.toml"))}


# ---------------------------------------------------------------- typed input


class InputError(ValueError):
    """A typed value the model cannot take; ``key`` names the translated message, ``values`` fill it."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class Field:
    """A number the user types: its parameter's range and whether it must be whole."""

    lo: float
    hi: float
    whole: bool

    def parse(self, text: str) -> float | int:
        """The value of ``text``, or InputError("need_whole" / "need_number") naming the range."""
        key = "need_whole" if self.whole else "need_number"
        lo, hi = _plain(self.lo), _plain(self.hi)
        cleaned = str(text).strip().replace(",", "")
        if self.whole:
            if not re.fullmatch(r"\+?\d+", cleaned):
                raise InputError(key, lo=lo, hi=hi)
            value: float | int = int(cleaned)
        else:
            try:
                value = float(cleaned)
            except ValueError:
                raise InputError(key, lo=lo, hi=hi) from None
            if not math.isfinite(value):
                raise InputError(key, lo=lo, hi=hi)
        if not self.lo <= value <= self.hi:
            raise InputError(key, lo=lo, hi=hi)
        return value


def _plain(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else f"{x:g}"


SEED = Field(0, SEED_MAX, whole=True)


def parameter_field(section: str, key: str) -> Field:
    """The typed-input rule for a model parameter, from its declared range."""
    f = {f.name: f for f in dataclasses.fields(SECTIONS[section])}[key]
    default = f.default
    return Field(f.metadata["lo"], f.metadata["hi"], whole=isinstance(default, int) and not isinstance(default, bool))


# ---------------------------------------------------------------- settings


@dataclass(frozen=True)
class Settings:
    """The controls of the app: one typed object that builds the model (and a scenario file)."""

    scenario: str = "planner_platform"
    preset: str = "guizhou_west"
    planner_on: bool = True
    planner_hours: float = 16.0
    outreach_strategy: str = "least_heard"
    budget_yuan: float = 600_000.0
    seed: int = 0

    @classmethod
    def from_scenario(cls, scenario: str, preset: str = "guizhou_west", seed: int = 0) -> Settings:
        """The settings a scenario file gives on a preset (what the controls show after choosing it)."""
        p = load_scenario(scenario_path(scenario), preset)
        return cls(scenario, preset, p.planner.enabled, p.planner.hours_per_week, p.planner.outreach_strategy,
                   p.street_office.budget_yuan_per_year, seed)

    def overrides(self) -> dict[str, object]:
        return {"planner.enabled": self.planner_on, "planner.hours_per_week": float(self.planner_hours),
                "planner.outreach_strategy": self.outreach_strategy,
                "street_office.budget_yuan_per_year": float(self.budget_yuan)}

    def params(self) -> Params:
        base = load_scenario(scenario_path(self.scenario), self.preset)
        return base.replace(self.overrides(), origin="app settings")

    def model(self) -> LilongModel:
        SEED.parse(str(self.seed))  # a seed `sim run` would refuse never reaches a model
        return LilongModel(self.params(), int(self.seed))


# ---------------------------------------------------------------- the workshop in the address

HORIZON = Field(1, 52 * 100, whole=True)  # the week Play stops at: up to a century
WEEK = Field(0, 52 * 100, whole=True)
SPEED_CHOICES = (1, 2, 4, 10, 20)  # weeks per second offered by the speed buttons


@dataclass(frozen=True)
class PageState:
    """What a facilitator has chosen on the workshop page, as the address keeps it (``?left=...&week=12``).

    The address survives a reload and the browser's Back; :meth:`from_query` reads it back,
    dropping any value the page could not have written (an unknown scenario, a bad seed) for
    the default, so a hand-edited address never reaches a model.
    """

    left: str = "top_down"
    right: str = "planner_platform"
    preset: str = "guizhou_west"
    seed: int = 0
    week: int = 0
    stop: int | None = None  # the facilitator's horizon; None: the scenarios' own
    presenter: bool = False
    speed: int = 4
    lang: str = "en"

    def sides(self) -> list[Settings]:
        return [Settings.from_scenario(self.left, self.preset, self.seed),
                Settings.from_scenario(self.right, self.preset, self.seed)]

    def query(self) -> str:
        values = {"left": self.left, "right": self.right, "preset": self.preset, "seed": self.seed,
                  "week": self.week, "stop": self.stop, "view": "presenter" if self.presenter else None,
                  "speed": self.speed, "lang": self.lang}
        return urlencode({k: v for k, v in values.items() if v is not None})

    @classmethod
    def from_query(cls, search: str | None) -> PageState | None:
        """The state an address holds, or None when it holds none (the page then keeps what it had)."""
        raw = {k: v[-1] for k, v in parse_qs(search or "").items()}
        if not raw.keys() & {"left", "right", "preset", "seed", "week"}:
            return None
        default, scenarios, presets = cls(), scenario_files(), preset_files()

        def number(key: str, field: Field, fallback: int | None) -> int | None:
            try:
                return int(field.parse(raw[key])) if key in raw else fallback
            except InputError:
                return fallback

        speed = number("speed", Field(1, 20, whole=True), default.speed)
        return cls(left=raw.get("left") if raw.get("left") in scenarios else default.left,
                   right=raw.get("right") if raw.get("right") in scenarios else default.right,
                   preset=raw.get("preset") if raw.get("preset") in presets else default.preset,
                   seed=number("seed", SEED, default.seed), week=number("week", WEEK, 0),
                   stop=number("stop", HORIZON, None), presenter=raw.get("view") == "presenter",
                   speed=speed if speed in SPEED_CHOICES else default.speed,
                   lang=raw.get("lang") if raw.get("lang") in LANGUAGES else default.lang)


# ---------------------------------------------------------------- saved scenarios


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {value!r} to TOML")


def _preset_keys(preset: str) -> set[tuple[str, str]]:
    """Every (section, key) the preset file sets."""
    with resolve_preset(preset).open("rb") as fh:
        data = tomllib.load(fh)
    return {(s, k) for s, table in data.items() if isinstance(table, dict) for k in table}


def scenario_toml(settings: Settings, name: str, comment: str = "") -> str:
    """A self-contained scenario file that reproduces ``settings`` exactly.

    It extends nothing: every value that differs from the defaults is written out, and so is every
    key the preset sets, so ``sim run FILE`` gives the same parameters with or without
    ``--preset`` of the session's neighbourhood (`check_saved` verifies both).
    """
    params, defaults = settings.params().to_dict(), Params().to_dict()
    keep = _preset_keys(settings.preset)
    lines = [f"# {line}" for line in comment.splitlines()]
    lines += [f"name = {_toml_value(name)}",
              f"description = {_toml_value(f'Saved from the workshop app: {settings.scenario} on the '
                                            f'{settings.preset} neighbourhood, seed {settings.seed}.')}",
              f"preset = {_toml_value(settings.preset)}",
              f"seed = {settings.seed}"]
    for section in SECTIONS:
        changed = {k: v for k, v in params[section].items()
                   if v != defaults[section][k] or (section, k) in keep}
        if changed:
            lines += ["", f"[{section}]"] + [f"{k} = {_toml_value(v)}" for k, v in changed.items()]
    return "\n".join(lines) + "\n"


def check_saved(path: Path, settings: Settings) -> None:
    """The saved file loads, on its own and on its preset, to exactly the session's parameters."""
    want = settings.params()
    for preset in (None, settings.preset):
        got = load_scenario(path, preset)
        if dataclasses.replace(got, name=want.name, seed=want.seed) != want or got.seed != settings.seed:
            raise RuntimeError(f"{path} does not reproduce the session (preset {preset})")


def shown_path(path: Path | str) -> str:
    """A path as the room sees it: relative to the project, never the machine's absolute path.

    Inside the repository, relative to it (``results/workshop/x.toml``); a results folder set
    elsewhere (``SIM_APP_RESULTS``) shows as ``results/...`` under its own name; anything else by
    its file name only.
    """
    resolved = Path(path).resolve()
    if resolved.is_relative_to(PROJECT):
        return relative_to_project(resolved)
    if resolved.is_relative_to(results_dir().resolve().parent):
        return resolved.relative_to(results_dir().resolve().parent).as_posix()
    return resolved.name


def run_command(path: Path, settings: Settings) -> str:
    """The command that re-runs a saved side, its path as :func:`shown_path` shows it."""
    return f"sim run {shown_path(path)}"  # the file names its preset and seed


def save_scenarios(sides: Sequence[Settings], folder: Path, stamp: str) -> list[Path]:
    """One scenario file per side (``workshop-STAMP-left-SCENARIO.toml`` ...), each checked to reproduce it.

    A name another page saved to (the same second) is never replaced: the file takes the next free
    one (``...-2.toml``), and its ``name`` says so.
    """
    versus = " vs ".join(s.scenario for s in sides)
    paths = []
    for position, settings in zip(("left", "right"), sides, strict=True):
        path = claim_file(folder / f"workshop-{stamp}-{position}-{settings.scenario}.toml")
        comment = (f"Saved from the workshop app: the {position} side of {versus}, neighbourhood "
                   f"{settings.preset}, seed {settings.seed}.\nRe-run: {run_command(path, settings)}")
        write_atomic(path, scenario_toml(settings, path.stem, comment).encode("utf-8"))
        check_saved(path, settings)
        paths.append(path)
    return paths
