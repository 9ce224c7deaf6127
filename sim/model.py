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
from collections.abc import Callable

import numpy as np
import pandas as pd
from mesa import Model
from mesa.datacollection import DataCollector
from mesa.discrete_space import OrthogonalMooreGrid
from threadpoolctl import threadpool_limits

from sim import kernels
from sim.agents import Planner, ResidentsCommittee, Site, StreetOffice
from sim.group_sums import household_cells
from sim.metrics import collect
from sim.params import IMPROVEMENT_TYPES, Params
from sim.population import CoopType, ExpectationSource, Resident, generate_households
from sim.projects import ProjectBook
from sim.space import ALLOWED_TYPES, SITE_KIND_NAMES, SiteKind, build_catchment, build_location_network, generate_lilong
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
STREAMS = ("space", "population", "turnover", *(c.__name__ for c in channels.CHANNELS), "invitations", "review",
           "announce", "ties", "upkeep", "heritage", "rules", "volunteering", "gatherings", "leaders")
# this week's flows, for rate metrics
FLOWS = ("completed", "completed_m2", "worn_out", "spent_yuan", "moved_in", "voice_answered", "voice_ignored")
METRICS_TABLE = "metrics"  # the DataCollector table with one row of every metric per week


class LilongModel(Model):
    """Residents, a planner (or none), the street office and the committee renewing shared space.

    Args:
        params: all parameters (see :mod:`sim.params`); defaults reproduce ``top_down`` at Guizhou West.
        seed: integer seed. Each mechanism draws from its own stream spawned from it, so that
            scenarios compared on the same seed share the same neighbourhood, population and
            (as far as their institutions allow) the same chance events.
    """

    def __init__(self, params: Params | None = None, seed: int = 0) -> None:
        if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
            raise TypeError(f"seed must be an integer, got {seed!r}")
        super().__init__(rng=int(seed))
        self.params = params = params or Params()
        self.seed = int(seed)
        self.streams = dict(zip(STREAMS, (np.random.default_rng(s) for s in
                                          np.random.SeedSequence(self.seed).spawn(len(STREAMS))), strict=True))
        self.week = 0
        self.events: list[dict] = []
        self.ledger = np.zeros((len(ExpectationSource), len(Ledger)))  # expectations by source (voice.Ledger)
        self.caches: dict[str, tuple[object, object]] = {}  # see cached()

        nb = params.neighbourhood
        self.lilong = lilong = generate_lilong(nb, self.streams["space"])
        self.households = h = generate_households(params.population, nb.households, self.streams["population"])
        lilong.add_house_sites(h.shared_kitchen, h.no_bathroom, nb.house_kitchen_m2, nb.house_bathroom_m2)
        self.projects = ProjectBook.empty(lilong.n_sites)
        self._build_space()

        self.office = StreetOffice(self, params.street_office)
        self.committee = ResidentsCommittee(self, params.committee, params.platform)
        self.planner: Planner | None = None
        centre = self.grid[(lilong.width // 2, lilong.height // 2)]
        if params.planner.enabled:
            self.planner = Planner(self, centre, params.planner)
        hx, hy = self.household_xy
        self.distance_to_planner = np.maximum(np.abs(hx - centre.coordinate[0]), np.abs(hy - centre.coordinate[1]))
        self.in_workstation_reach = np.zeros(h.n, dtype=bool)
        if self.planner is not None and params.planner.workstation:
            self.in_workstation_reach = self.distance_to_planner <= params.planner.workstation_reach_cells

        self.flows = dict.fromkeys(FLOWS, 0.0)
        self.exposure = np.zeros(h.n)
        self.site_engaged_share_seen = np.zeros(h.n)
        self.workshop_feedback = np.zeros(lilong.n_sites)
        self.workshop_attendees = np.zeros(0, dtype=np.int64)
        self.leader_invitees = np.zeros(0, dtype=np.int64)
        participation.update_ladder(self)
        h.satisfaction_overall = overall_satisfaction(h, params.behaviour.procedural_weight)
        upkeep.use_of_spaces(self, np.random.default_rng(0))  # nothing in use yet: sets the weekly caches
        self.metrics = collect(self)
        # One table row a week (Mesa's table rows append the floats as they are; model reporters
        # would deep-copy each of the ~150 values every week).
        self.datacollector = DataCollector(tables={METRICS_TABLE: ["week", *self.metrics]})
        self._record()

    def _build_space(self) -> None:
        """Mesa grid, property layer of cell kinds, agent handles, network and catchments."""
        lilong, h, nb = self.lilong, self.households, self.params.neighbourhood
        self.grid = OrthogonalMooreGrid((lilong.width, lilong.height), torus=False, random=self.random)
        self.grid.create_property_layer("cell_kind", default_value=0, dtype=int)
        self.grid.cell_kind.data[:] = lilong.cell_kind
        hx = lilong.house_x[lilong.household_house]
        hy = lilong.house_y[lilong.household_house]
        self.household_xy = (hx, hy)
        cells = {cell.coordinate: cell for cell in self.grid.all_cells}
        for i in range(h.n):
            Resident(self, cells[(int(hx[i]), int(hy[i]))], i)
        for s, (x0, _, y0, _) in enumerate(lilong.site_box):
            Site(self, cells[(int(x0), int(y0))], s)
        self.net_src, self.net_dst = build_location_network(lilong)
        self.loc_degree = self.house_block_sum(np.ones(h.n)) - 1.0
        users = {SiteKind.HOUSE_KITCHEN: h.shared_kitchen, SiteKind.HOUSE_BATHROOM: h.no_bathroom}
        self.catchment = c = build_catchment(lilong, users, nb.catchment_radius_cells)
        self.site_reach = np.maximum(to_sites(c, np.ones(h.n)), 1e-9)
        self.site_allowed = ALLOWED_TYPES[lilong.site_kind]
        self.site_base_cost = (lilong.site_m2 * self.params.projects.cost_yuan_per_m2
                               * np.where(lilong.site_protected, nb.heritage_cost_multiplier, 1.0))
        self.needs_version = 0
        self.households_changed(np.arange(h.n))

    def households_changed(self, rows: np.ndarray) -> None:
        """Refresh what is derived from households' fixed attributes after newcomers moved into ``rows``."""
        h = self.households
        if not hasattr(self, "largest_need"):
            self.largest_need = np.zeros(h.n)
            self.best_time = np.zeros(h.n)
            self.household_cell = np.zeros(h.n, dtype=np.int8)  # age group x tenure (metrics)
            self.is_conditional = np.zeros(h.n, dtype=bool)  # upkeep: conditional cooperators
            self.fixed_contribution = np.zeros(h.n)  # upkeep: chance of giving of the other types
        self.largest_need[rows] = h.need[rows].max(axis=1)
        self.best_time[rows] = np.maximum(h.time_weekday[rows], h.time_evening[rows])  # acts at one's convenience
        self.household_cell[rows] = household_cells(h.age_group[rows], h.renter[rows])
        pp = self.params.projects
        self.is_conditional[rows] = h.coop_type[rows] == CoopType.CONDITIONAL
        self.fixed_contribution[rows] = np.where(h.coop_type[rows] == CoopType.FREE_RIDER, pp.free_rider_base,
                                                 np.where(self.is_conditional[rows], 0.0, pp.other_contribution))
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

    def log(self, kind: str, site: int, detail: str = "") -> None:
        """Record a plain event for the event log (what happened where; ``detail`` qualifies it)."""
        t = int(self.projects.type[site])
        x = int(self.lilong.site_box[site, 0])
        self.events.append({"week": self.week, "event": kind, "site": site,
                            "site_kind": SITE_KIND_NAMES[int(self.lilong.site_kind[site])],
                            "improvement": IMPROVEMENT_TYPES[t] if t >= 0 else None,
                            "alley": int(x // self.lilong.strip_width) + 1, "detail": detail,
                            "cost_yuan": float(self.projects.cost_yuan[site])})

    def step(self) -> None:
        """Advance one week."""
        self.week += 1
        h, s = self.households, self.streams
        if self.week > 1 and (self.week - 1) % 52 == 0:  # weeks 1-52 are the first budget year
            self.office.new_year()
        h.acts_week[:] = 0
        h.work_hours_week[:] = 0.0
        h.voice[:] = 0.0
        self.flows = dict.fromkeys(FLOWS, 0.0)
        turnover.move(self, s["turnover"])
        participation.weekly_disposition(self)
        for channel in channels.CHANNELS:
            channel(self, s[channel.__name__])
        voice.aggregate_voice(self)
        decision.review(self, s["review"])
        decision.progress(self)
        upkeep.use_of_spaces(self, s["ties"])
        upkeep.upkeep(self, s["upkeep"])
        upkeep.wear_out(self)
        heritage.inspections(self, s["heritage"])
        upkeep.maintenance_rules(self, s["rules"])
        volunteering.recruit(self, s["volunteering"])
        gatherings.gatherings(self, s["gatherings"])
        satisfaction(self)
        feedback.responsiveness(self)
        feedback.leaders(self, s["leaders"])
        participation.update_ladder(self)
        h.work_hours_year += h.work_hours_week - h.work_hours_year / 52
        self.metrics = collect(self)
        self._record()

    def _record(self) -> None:
        self.datacollector.add_table_row(METRICS_TABLE, {"week": self.week, **self.metrics})

    def run_weeks(self, weeks: int) -> None:
        for _ in range(weeks):
            self.step()

    def dataframe(self) -> pd.DataFrame:
        """Per-week metrics as a pandas DataFrame (one row per week)."""
        return self.datacollector.get_table_dataframe(METRICS_TABLE)
