"""The Mesa model: builds the lilong and its people, then runs the weekly schedule.

Schedule (docs/ODD.md, "Process overview and scheduling"), each week:
 1. budget year     the street office's budget renews every 52 weeks
 2. turnover        households move out; newcomers take their rooms
 3. channels        disposition to take part (start-of-week state), then notices, complaints,
                    initiatives, survey, meeting, visits, workshops, platform, leaders
 4. voice           this week's voice joins recent voice; speaking creates an expectation
 5. decision        review (propose, announce), design, approval, construction, completion
 6. use and upkeep  use of spaces and ties, upkeep, wear, heritage inspections, maintenance
                    rules, volunteering, self-organised activities (thresholds)
 7. satisfaction    expectation-disconfirmation and procedure
 8. feedback        promises kept or broken: efficacy and trust; leaders emerge
 9. ladder          rungs from recent activity; social exposure for next week
10. metrics         DataCollector
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from mesa import Model
from mesa.datacollection import DataCollector
from mesa.discrete_space import OrthogonalMooreGrid
from threadpoolctl import threadpool_limits

from sim import kernels
from sim.agents import Institutions, Planner, ResidentsCommittee, Site, StreetOffice
from sim.decisions import Decisions
from sim.group_sums import N_CELLS, household_cells
from sim.metrics import collect, metric_columns
from sim.neighbourhoods import ParamColumns, PerEntry, Segments, Streams
from sim.params import IMPROVEMENT_TYPES, Params
from sim.population import DRAWS, CoopType, ExpectationSource, Households, Resident, generate_households
from sim.projects import ProjectBook
from sim.space import (
    ALLOWED_TYPES,
    SITE_KIND_NAMES,
    SiteKind,
    build_catchment,
    build_location_network,
    combine_catchments,
    combine_lilongs,
    generate_lilong,
)
from sim.submodels import (
    channels,
    decision,
    feedback,
    gatherings,
    heritage,
    participation,
    turnover,
    upkeep,
    voice,
    volunteering,
)
from sim.submodels.common import to_sites
from sim.submodels.satisfaction import overall_satisfaction, satisfaction
from sim.submodels.voice import Ledger

# The model's matrix products are small: a second BLAS thread costs more than it saves (it doubled
# the weekly group means at 20,000 households, 0.17 against 0.08 ms, when they were a matrix
# product), its spinning takes the other core, and parallel work is done by processes, whose BLAS
# threads would otherwise compete for the cores.
# One BLAS thread in any process that imports the model, unless the user asked for a number.
BLAS_THREAD_SETTINGS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")
if not set(BLAS_THREAD_SETTINGS) & set(os.environ):
    threadpool_limits(limits=1, user_api="blas")

# One random stream per mechanism, spawned from the seed in this fixed order (common random numbers:
# a mechanism an institution does not touch draws the same numbers in every scenario).
STREAMS = ("space", "population", "turnover", "newcomers", *(c.__name__ for c in channels.CHANNELS), "invitations",
           "review", "announce", "ties", "upkeep", "heritage", "rules", "volunteering", "gatherings", "leaders")
# this week's flows, for rate metrics
FLOWS = ("completed", "completed_m2", "worn_out", "spent_yuan", "moved_in", "voice_answered", "voice_ignored")
METRICS_TABLE = "metrics"  # the DataCollector table with one row of every metric per week


class LilongModel(Model):
    """Residents, a planner (or none), the street office and the committee renewing shared space, in one
    neighbourhood or in several stepped as one set of arrays.

    Args:
        params: all parameters (see :mod:`sim.params`); defaults reproduce ``top_down`` at Guizhou West. A
            sequence of them makes a model of that many neighbourhoods (a batch, or a street), each with
            its own lilong, households, institutions and parameters.
        seed: integer seed (one per neighbourhood for several). Each mechanism draws from its own stream
            spawned from it, so that scenarios compared on the same seed share the same neighbourhood,
            population and (as far as their institutions allow) the same chance events, and a neighbourhood
            in a batch draws exactly what it draws alone.
        agents: create the Mesa agents (a handle per household, site and institution, on a Mesa grid);
            by default for one neighbourhood, not for several (the numbers are the same either way).
    """

    def __init__(self, params: Params | Sequence[Params] | None = None, seed: int | Sequence[int] = 0,
                 agents: bool | None = None) -> None:
        members = [params or Params()] if params is None or isinstance(params, Params) else list(params)
        seeds = _seeds(seed, len(members))
        super().__init__(rng=seeds[0])
        self.members, self.seeds, self.k = members, seeds, len(members)
        self.params, self.seed = members[0], seeds[0]
        self.columns = ParamColumns(members)
        self.streams = Streams(seeds, STREAMS)
        self.week = 0
        self._events: list[dict] = []
        self._event_chunks: list[tuple] = []  # logged, not yet turned into rows (see events)
        self.ledger = np.zeros((self.k, len(ExpectationSource), len(Ledger)))  # expectations (voice.Ledger)
        self.caches: dict[str, tuple[object, object]] = {}  # see cached()
        self.flows = {name: np.zeros(self.k) for name in FLOWS}
        self.institutions = Institutions(self.columns, self.flows)

        lilongs, households = [], []
        for k, p in enumerate(members):
            nb = p.neighbourhood
            lil = generate_lilong(nb, self.streams.generator("space", k))
            draws = self.streams.generator("population", k).random((nb.households, len(DRAWS)), dtype=np.float32)
            hh = generate_households(p.population, draws)
            lil.add_house_sites(hh.shared_kitchen, hh.no_bathroom, nb.house_kitchen_m2, nb.house_bathroom_m2)
            lilongs.append(lil)
            households.append(hh)
        self.lilongs = lilongs
        self.lilong, self.origin_x, self.origin_y = combine_lilongs(lilongs)
        self.households = h = Households.concat(households)
        self.hseg = Segments([x.n for x in households])  # households by neighbourhood
        self.sseg = Segments([x.n_sites for x in lilongs])  # sites by neighbourhood
        self.local_index = np.arange(h.n) - self.hseg.start[self.hseg.of]  # position within its neighbourhood
        self.per_household = PerEntry(self.columns, self.hseg)
        self.per_site = PerEntry(self.columns, self.sseg)
        self.projects = ProjectBook.empty(self.lilong.n_sites)
        self._build_space(households)
        per_site = ("review", "heritage", "rules")
        per_edge = ("invitations", "leaders_recruit")
        self.streams.plan({name: self.sseg.sizes if name in per_site else self.edge_seg.sizes if name in per_edge
                           else self.link_seg.sizes if name == "announce"
                           else self.hseg.sizes * len(DRAWS) // 8 if name == "newcomers"  # an eighth move at most
                           else self.hseg.sizes for name in STREAMS})

        hx, hy = self.household_xy
        centre_x = self.origin_x + np.array([lil.width // 2 for lil in lilongs])
        centre_y = self.origin_y + np.array([lil.height // 2 for lil in lilongs])
        self.distance_to_planner = np.maximum(np.abs(hx - centre_x[self.hseg.of]), np.abs(hy - centre_y[self.hseg.of]))
        self._derive_from_params()

        self.decisions = Decisions(h.n, self.lilong.n_sites)  # what people in a workshop room decide
        self.exposure = np.zeros(h.n)
        self.site_engaged_share_seen = np.zeros(h.n)
        self.workshop_feedback = np.zeros(self.lilong.n_sites)
        self.workshop_attendees = np.zeros(0, dtype=np.int64)
        self.leader_invitees = np.zeros(0, dtype=np.int64)
        participation.update_ladder(self)
        h.satisfaction_overall = overall_satisfaction(h, self.per_household.behaviour.procedural_weight)
        upkeep.use_of_spaces(self, first=True)  # nothing in use yet: sets the weekly caches
        self.metric_names = metric_columns()
        self.recorded: list[np.ndarray] = []
        self.planner = self.office = self.committee = None
        self.datacollector: DataCollector | None = None
        if agents if agents is not None else self.k == 1:
            self.add_agents()
        self._record()

    def _build_space(self, households: list[Households]) -> None:
        """Network, catchments, costs and the per-household quantities derived from fixed attributes."""
        lilong, h = self.lilong, self.households
        self.household_xy = (lilong.house_x[lilong.household_house], lilong.house_y[lilong.household_house])
        nets, catchments = [], []
        for k, (lil, hh) in enumerate(zip(self.lilongs, households, strict=True)):
            nets.append(build_location_network(lil))
            users = {SiteKind.HOUSE_KITCHEN: hh.shared_kitchen, SiteKind.HOUSE_BATHROOM: hh.no_bathroom}
            catchments.append(build_catchment(lil, users, self.members[k].neighbourhood.catchment_radius_cells))
        offsets = self.hseg.start
        self.net_src = np.concatenate([src + offsets[k] for k, (src, _) in enumerate(nets)])
        self.net_dst = np.concatenate([dst + offsets[k] for k, (_, dst) in enumerate(nets)])
        self.edge_seg = Segments([len(src) for src, _ in nets])  # network edges by neighbourhood
        self.loc_degree = self.house_block_sum(np.ones(h.n)) - 1.0
        self.catchment = c = combine_catchments(catchments, offsets, self.sseg.start)
        self.link_seg = Segments(np.bincount(self.hseg.of[c.household], minlength=self.k))  # links, by household
        self.site_reach = np.maximum(to_sites(c, np.ones(h.n)), 1e-9)
        self.site_allowed = ALLOWED_TYPES[lilong.site_kind]
        self.needs_version = 0

    def _derive_from_params(self) -> None:
        """What follows from the parameters alone: costs, workstations' reach, upkeep types."""
        lilong, sp, pl = self.lilong, self.per_site, self.per_household.planner
        self.site_base_cost = (lilong.site_m2 * sp.projects.cost_yuan_per_m2
                               * np.where(lilong.site_protected, sp.neighbourhood.heritage_cost_multiplier, 1.0))
        self.in_workstation_reach = (pl.enabled & pl.workstation
                                     & (self.distance_to_planner <= pl.workstation_reach_cells))
        self.planner_here = pl.enabled.astype(bool)  # households of neighbourhoods with a planner
        self.households_changed(np.arange(self.households.n))

    def change_params(self, overrides: dict[str, object], members: Sequence[int] | None = None) -> None:
        """Change parameters during a run (``{"section.key": value}``, validated as a scenario's), in every
        neighbourhood or in ``members``: a policy that changes mid-way. This year's budget left stays; a
        new budget applies from the next budget year. The structure of a neighbourhood (its layout and
        size) is fixed once built."""
        for k in range(self.k) if members is None else members:
            changed = self.members[k].replace(overrides, origin="change_params")
            if changed.neighbourhood != self.members[k].neighbourhood:
                raise ValueError("change_params: the neighbourhood section is fixed once the model is built")
            self.members[k] = changed
        self.params = self.members[0]
        old = self.institutions
        self.columns = ParamColumns(self.members)
        self.per_household = PerEntry(self.columns, self.hseg)
        self.per_site = PerEntry(self.columns, self.sseg)
        self.institutions = Institutions(self.columns, self.flows)
        self.institutions.budget_left_yuan, self.institutions.spent_yuan = old.budget_left_yuan, old.spent_yuan
        self.institutions.allocate = old.allocate
        self._derive_from_params()
        if self.office is not None:
            self.office.params = self.members[0].street_office
            self.committee.params, self.committee.platform = self.members[0].committee, self.members[0].platform

    def add_agents(self) -> None:
        """The Mesa side: a grid with a ``cell_kind`` property layer, a handle per household and site, and
        the institutions of each neighbourhood (``model.planner``, ``office``, ``committee``: the first's)."""
        lilong = self.lilong
        self.grid = OrthogonalMooreGrid((lilong.width, lilong.height), torus=False, random=self.random)
        self.grid.create_property_layer("cell_kind", default_value=0, dtype=int)
        self.grid.cell_kind.data[:] = lilong.cell_kind
        cells = {cell.coordinate: cell for cell in self.grid.all_cells}
        hx, hy = self.household_xy
        for i in range(self.households.n):
            Resident(self, cells[(int(hx[i]), int(hy[i]))], i)
        for s, (x0, _, y0, _) in enumerate(lilong.site_box):
            Site(self, cells[(int(x0), int(y0))], s)
        planners = {}
        for k in np.flatnonzero(self.institutions.planner_on):
            lil = self.lilongs[k]
            centre = (int(self.origin_x[k]) + lil.width // 2, int(self.origin_y[k]) + lil.height // 2)
            planners[int(k)] = Planner(self, cells[centre], int(k))
        offices = [StreetOffice(self, k) for k in range(self.k)]
        committees = [ResidentsCommittee(self, k) for k in range(self.k)]
        self.planner, self.office, self.committee = planners.get(0), offices[0], committees[0]
        if self.k == 1:  # one neighbourhood: its weekly metrics also in Mesa's DataCollector
            self.datacollector = DataCollector(tables={METRICS_TABLE: ["week", *self.metric_names]})
            for week, row in enumerate(self.recorded):
                self._collect_row(week, row[0])

    def households_changed(self, rows: np.ndarray) -> None:
        """Refresh what is derived from households' fixed attributes after newcomers moved into ``rows``."""
        h = self.households
        if not hasattr(self, "largest_need"):
            self.largest_need = np.zeros(h.n)
            self.best_time = np.zeros(h.n)
            self.household_cell = np.zeros(h.n, dtype=np.int32)  # neighbourhood x age group x tenure (metrics)
            self.is_conditional = np.zeros(h.n, dtype=bool)  # upkeep: conditional cooperators
            self.fixed_contribution = np.zeros(h.n)  # upkeep: chance of giving of the other types
        self.largest_need[rows] = h.need[rows].max(axis=1)
        self.best_time[rows] = np.maximum(h.time_weekday[rows], h.time_evening[rows])  # acts at one's convenience
        self.household_cell[rows] = household_cells(h.age_group[rows], h.renter[rows]) + N_CELLS * self.hseg.of[rows]
        pp = self.per_household.projects
        self.is_conditional[rows] = h.coop_type[rows] == CoopType.CONDITIONAL
        self.fixed_contribution[rows] = np.where(h.coop_type[rows] == CoopType.FREE_RIDER, pp.free_rider_base[rows],
                                                 np.where(self.is_conditional[rows], 0.0, pp.other_contribution[rows]))
        self.needs_version += 1

    def cached[T](self, name: str, key: object, compute: Callable[[], T]) -> T:
        """``compute()``, kept in ``self.caches[name]`` until ``key`` changes: for what changes rarely
        (the links to spaces in use, the works' disruption, needs between moves)."""
        entry = self.caches.get(name)
        if entry is None or entry[0] != key:
            entry = self.caches[name] = (key, compute())
        return entry[1]

    def site_mean_need(self) -> np.ndarray:
        """(sites, types): catchment-weighted mean need of each site's households (cached between moves)."""
        return self.cached("site_mean_need", self.needs_version,
                           lambda: to_sites(self.catchment, self.households.need) / self.site_reach[:, None])

    def house_block_sum(self, values: np.ndarray) -> np.ndarray:
        """For each household: the sum of ``values`` over households in its own and the 8 adjacent cells."""
        lilong = self.lilong
        return kernels.block_sums(values, lilong.household_house, lilong.house_x, lilong.house_y, lilong.width,
                                  lilong.height)

    def log(self, kind: str, sites: np.ndarray, detail: np.ndarray | str = "") -> None:
        """Record plain events for the event log: ``kind`` happened at ``sites`` (``detail`` qualifies it,
        one for all or one per site). Kept as arrays; ``events`` turns them into rows when read."""
        if len(sites):
            self._event_chunks.append((self.week, kind, np.asarray(sites), np.broadcast_to(detail, len(sites)),
                                       self.projects.type[sites].copy(), self.projects.cost_yuan[sites].copy()))

    @property
    def events(self) -> list[dict]:
        """Every event so far, in order: week, event, site (numbered within its neighbourhood), site kind,
        improvement, alley, detail, cost in yuan, and the neighbourhood (``member``)."""
        for week, kind, sites, details, types, costs in self._event_chunks:
            nb = self.sseg.of[sites]
            local = sites - self.sseg.start[nb]
            x = self.lilong.site_box[sites, 0] - self.origin_x[nb]
            strip = np.array([lil.strip_width for lil in self.lilongs])[nb]
            for s, k, site, alley, detail, t, cost in zip(sites.tolist(), nb.tolist(), local.tolist(),
                                                          (x // strip + 1).tolist(), details.tolist(),
                                                          types.tolist(), costs.tolist(), strict=True):
                self._events.append({"week": week, "event": kind, "site": site,
                                     "site_kind": SITE_KIND_NAMES[int(self.lilong.site_kind[s])],
                                     "improvement": IMPROVEMENT_TYPES[t] if t >= 0 else None, "alley": alley,
                                     "detail": detail, "cost_yuan": cost, "member": k})
        self._event_chunks.clear()
        return self._events

    def step(self) -> None:
        """Advance one week."""
        self.week += 1
        h = self.households
        if self.week > 1 and (self.week - 1) % 52 == 0:  # weeks 1-52 are the first budget year
            self.institutions.new_year()
        h.acts_week[:] = 0
        h.work_hours_week[:] = 0.0
        h.voice[:] = 0.0
        for flow in self.flows.values():
            flow[:] = 0.0
        turnover.move(self)
        participation.weekly_disposition(self)
        for channel in channels.CHANNELS:
            channel(self)
        voice.aggregate_voice(self)
        decision.review(self)
        decision.progress(self)
        upkeep.use_of_spaces(self)
        upkeep.upkeep(self)
        upkeep.wear_out(self)
        heritage.inspections(self)
        upkeep.maintenance_rules(self)
        volunteering.recruit(self)
        gatherings.gatherings(self)
        satisfaction(self)
        feedback.responsiveness(self)
        feedback.leaders(self)
        participation.update_ladder(self)
        h.work_hours_year += h.work_hours_week - h.work_hours_year / 52
        self._record()

    def _record(self) -> None:
        rows = collect(self)  # (neighbourhoods, metrics)
        self.recorded.append(rows)
        if self.datacollector is not None:
            self._collect_row(self.week, rows[0])

    def _collect_row(self, week: int, row: np.ndarray) -> None:
        self.datacollector.add_table_row(METRICS_TABLE, {"week": week, **dict(zip(self.metric_names,
                                                                                  row.tolist(), strict=True))})

    @property
    def metrics(self) -> dict[str, float]:
        """This week's metrics of the first neighbourhood (of neighbourhood k: ``metrics_of(k)``)."""
        return self.metrics_of(0)

    def metrics_of(self, k: int) -> dict[str, float]:
        return dict(zip(self.metric_names, self.recorded[-1][k].tolist(), strict=True))

    def run_weeks(self, weeks: int) -> None:
        for _ in range(weeks):
            self.step()

    def dataframe(self, k: int = 0) -> pd.DataFrame:
        """Per-week metrics of neighbourhood ``k`` as a pandas DataFrame (one row per week)."""
        table = np.stack([row[k] for row in self.recorded])
        frame = pd.DataFrame(table, columns=list(self.metric_names))
        frame.insert(0, "week", np.arange(len(table)))
        return frame

    def weekly_table(self) -> np.ndarray:
        """(neighbourhoods, weeks + 1, metric_columns()): every neighbourhood's weekly metrics."""
        return np.stack(self.recorded, axis=1)

    def events_by_member(self) -> list[list[dict]]:
        """The event log split by neighbourhood (each with its own site numbers, no ``member`` key)."""
        out: list[list[dict]] = [[] for _ in range(self.k)]
        for e in self.events:
            out[e["member"]].append({key: v for key, v in e.items() if key != "member"})
        return out

    def events_of(self, k: int) -> list[dict]:
        """The event log of neighbourhood ``k`` (its own site numbers)."""
        return [{key: v for key, v in e.items() if key != "member"} for e in self.events if e["member"] == k]


def _seeds(seed: int | Sequence[int], k: int) -> list[int]:
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        if k > 1:
            raise TypeError(f"{k} neighbourhoods need {k} seeds, got one: {seed!r}")
        return [int(seed)]
    if isinstance(seed, (str, bytes, bool)) or not isinstance(seed, Sequence):
        raise TypeError(f"seed must be an integer, got {seed!r}")
    seeds = list(seed)
    if len(seeds) != k or not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) for s in seeds):
        raise TypeError(f"{k} neighbourhoods need {k} integer seeds, got {seed!r}")
    return [int(s) for s in seeds]
