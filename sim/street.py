"""A street of many neighbourhoods: one street office, one budget shared by a rule, planners placed (and
moved) among the neighbourhoods.

A street file (TOML, ``scenarios/streets/``) lists its neighbourhoods, each with a scenario (its own
institutions) and a preset (its lilong), and the street office's budget and allocation rule; planners are
assigned to neighbourhoods for spans of weeks. The model is :class:`~sim.model.LilongModel` with one
member per neighbourhood: neighbourhoods do not interact except through the shared budget.

Allocation rules (each budget year, of the street's budget):

- ``equal``: by households (the same amount per household everywhere);
- ``need``: by residents' unmet need (largest need x what is not yet delivered, summed);
- ``complaints``: by recent voice (complaints, meetings, workshops: what the office hears);
- ``proposals``: by the cost of the projects waiting in each neighbourhood's pipeline (proposed or
  designed); by households when none wait.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sim.calibration.files import InputError, read_checked, relative
from sim.model import LilongModel
from sim.params import Params, ScenarioError, load_scenario, resolve_preset, scenario_path, scenarios_dir
from sim.paths import check_name
from sim.projects import Status

ALLOCATIONS = ("equal", "need", "complaints", "proposals")
MAX_NEIGHBOURHOODS = 2000


@dataclass(frozen=True)
class Assignment:
    """A planner in ``neighbourhood`` from week ``start`` to week ``end`` (inclusive)."""

    neighbourhood: str
    start: int = 1
    end: int = 10**9


@dataclass(frozen=True)
class Placement:
    """One way of placing the street's planners, compared by the street job."""

    name: str
    planners: tuple[Assignment, ...]


@dataclass(frozen=True)
class Street:
    name: str
    description: str
    source: Path
    neighbourhoods: tuple[tuple[str, Params], ...]
    budget_yuan_per_year: float
    allocation: str
    planners: tuple[Assignment, ...] = ()
    weeks: int = 312
    placements: tuple[Placement, ...] = ()
    budget_rules: tuple[str, ...] = ("equal",)
    inputs: tuple[Path, ...] = field(default=())

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(n for n, _ in self.neighbourhoods)

    @property
    def households(self) -> int:
        return sum(p.neighbourhood.households for _, p in self.neighbourhoods)


def street_path(name_or_path: str | Path) -> Path:
    p = Path(name_or_path)
    return p if p.suffix == ".toml" or len(p.parts) > 1 else scenarios_dir() / "streets" / f"{name_or_path}.toml"


def _assignments(items: list[dict], where: str, names: tuple[str, ...], weeks: int) -> tuple[Assignment, ...]:
    out = []
    for i, item in enumerate(items):
        at = f"{where} {i + 1}"
        nb = item["neighbourhood"]
        if nb not in names:
            raise InputError(f"{at}: neighbourhood = {nb!r}: not a neighbourhood of this street; "
                             f"allowed: {', '.join(names[:10])}{' ...' if len(names) > 10 else ''}")
        start, end = item.get("from_week", 1), item.get("until_week", 10**9)
        if start > weeks:
            raise InputError(f"{at}: from_week = {start} is out of range; allowed: 1 to {weeks} (the street's weeks)")
        if end < start:
            raise InputError(f"{at}: until_week = {end} is out of range; allowed: {start} (from_week) or later")
        out.append(Assignment(nb, start, end))
    return tuple(out)


def load_street(path: str | Path) -> Street:
    """Read and check a street file: its schema (sim/schemas.py) with the one validator, then what ties its keys
    together; every problem is one line naming the file and the key."""
    from sim.schemas import street as schema

    path = street_path(path)
    data, _ = read_checked(path, "street file", schema())
    name = data.get("name") or check_name(path.stem, f"{path}: name (from the file name)", InputError)
    weeks = data.get("weeks", 312)
    office = data["office"]
    allocation = office.get("allocation", "equal")
    neighbourhoods, inputs = [], [path]
    for item in data["neighbourhood"]:
        where = f"{path}: [[neighbourhood]] {item['name']}"
        if "scenario" in item:  # beside the street file, else a shipped scenario's name
            scenario = relative(path, item["scenario"])
            if not scenario.is_file():
                scenario = scenario_path(item["scenario"])
        else:
            scenario = scenario_path("top_down")
        preset = item.get("preset", "guizhou_west")
        try:
            params = load_scenario(scenario, preset)
        except ScenarioError as exc:  # the scenario's or preset's own file is named in the message
            raise InputError(f"{where}: scenario {str(item.get('scenario', scenario))!r} on preset {preset!r}: "
                             f"{exc}") from None
        try:
            if item.get("set"):
                params = params.replace(item["set"], origin=f"{where}: set")
        except ScenarioError as exc:
            raise InputError(str(exc)) from None
        if params.planner.enabled:
            raise InputError(f"{where}: scenario {scenario.name} has a planner in post; a street places its "
                             "planners with [[planner]] (use a scenario without one)")
        inputs += [scenario, resolve_preset(preset)]
        copies = item.get("copies", 1)
        for c in range(copies):
            neighbourhoods.append((item["name"] if copies == 1 else f"{item['name']}_{c + 1}", params))
    if len(neighbourhoods) > MAX_NEIGHBOURHOODS:
        raise InputError(f"{path}: {len(neighbourhoods)} neighbourhoods (copies included); at most "
                         f"{MAX_NEIGHBOURHOODS}")
    names = tuple(n for n, _ in neighbourhoods)
    if len(set(names)) != len(names):
        twice = sorted(n for n in names if names.count(n) > 1)[0]
        raise InputError(f"{path}: neighbourhood {twice!r} is named twice")
    planners = _assignments(data.get("planner", []), f"{path}: [[planner]]", names, weeks)
    compare = data.get("compare", {})
    rules = tuple(compare.get("budget_rules", [allocation]))
    placements = [Placement("no planner", ())]
    for item in compare.get("placement", []):
        for nb in item["planners"]:
            if nb not in names:
                raise InputError(f"{path}: [[compare.placement]] {item['name']}: planners: {nb!r} is not a "
                                 "neighbourhood of this street")
        placements.append(Placement(item["name"], tuple(Assignment(nb) for nb in item["planners"])))
    if len({p.name for p in placements}) != len(placements):
        raise InputError(f"{path}: [compare]: two placements have the same name")
    return Street(name=name, description=data.get("description", ""), source=path,
                  neighbourhoods=tuple(neighbourhoods), budget_yuan_per_year=float(office["budget_yuan_per_year"]),
                  allocation=allocation, planners=planners, weeks=weeks, placements=tuple(placements),
                  budget_rules=rules, inputs=tuple(dict.fromkeys(inputs)))


def neighbourhood_seeds(seed: int, n: int) -> list[int]:
    """Each neighbourhood's seed, spawned from the street's: the same neighbourhood gets the same numbers in
    every placement and budget rule compared on that seed (common random numbers)."""
    return [int(s.generate_state(1, np.uint64)[0] >> np.uint64(1)) for s in np.random.SeedSequence(seed).spawn(n)]


def allocation(model: LilongModel, rule: str, total: float) -> np.ndarray:
    """Each neighbourhood's share of the street's budget this year under ``rule`` (yuan)."""
    h, seg = model.households, model.hseg
    weight = seg.sizes.astype(float)
    if rule == "need":
        weight = seg.sums(model.largest_need * (1.0 - h.delivered))
    elif rule == "complaints":
        weight = seg.sums(h.voice_recent)
    elif rule == "proposals":
        pb = model.projects
        waiting = (pb.status == Status.PROPOSED) | (pb.status == Status.DESIGNED)
        weight = np.bincount(model.sseg.of[waiting], weights=pb.cost_yuan[waiting] + model.site_base_cost[waiting]
                             * (pb.cost_yuan[waiting] == 0), minlength=model.k)
    if weight.sum() <= 0:
        weight = seg.sizes.astype(float)
    return total * weight / weight.sum()


def build(street: Street, seed: int, planners: tuple[Assignment, ...] | None = None, rule: str | None = None,
          agents: bool = False) -> StreetRun:
    """The street as one model, its planners placed as at week 1, and the schedule of their moves."""
    planners = street.planners if planners is None else planners
    members = [p.replace({"run.weeks": street.weeks}) for _, p in street.neighbourhoods]
    index = {name: k for k, name in enumerate(street.names)}
    at_start = {index[a.neighbourhood] for a in planners if a.start <= 1 <= a.end}
    members = [p.replace({"planner.enabled": k in at_start}) for k, p in enumerate(members)]
    model = LilongModel(members, neighbourhood_seeds(seed, len(members)), agents=agents)
    rule = rule or street.allocation
    model.institutions.allocate = lambda: allocation(model, rule, street.budget_yuan_per_year)
    model.institutions.new_year()
    return StreetRun(street, model, tuple(planners), index)


class StreetRun:
    """A street model stepped with its planners' moves (a move takes effect at the start of its week)."""

    def __init__(self, street: Street, model: LilongModel, planners: tuple[Assignment, ...],
                 index: dict[str, int]) -> None:
        self.street, self.model, self.planners, self.index = street, model, planners, index

    def in_post(self, week: int) -> set[int]:
        return {self.index[a.neighbourhood] for a in self.planners if a.start <= week <= a.end}

    def step(self) -> None:
        week = self.model.week + 1
        now, before = self.in_post(week), self.in_post(week - 1)
        if now != before:
            for k in now ^ before:
                self.model.change_params({"planner.enabled": k in now}, members=[k])
        self.model.step()

    def run(self, weeks: int | None = None) -> LilongModel:
        for _ in range(self.street.weeks if weeks is None else weeks):
            self.step()
        return self.model
