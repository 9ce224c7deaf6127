"""Lilong generation: main alleys, branch alleys, house rows and candidate sites.

Layout: the lilong is ``main_alleys`` vertical strips side by side. Each strip has a
main alley down its centre column and, on each side, ``houses_per_branch_side``
house columns. Rows repeat in blocks of three: two house rows, then a branch alley.
Candidate sites replace some house cells (activity rooms, attics, 2x2 open plots),
take the outer ends of branch alleys (corners) or are segments of a main alley.
Everything is computed with numpy; the Mesa grid and its property layer only mirror
it for visualisation and users' scripts.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
from scipy import sparse

from sim.params import IMPROVEMENT_TYPES, Neighbourhood


class CellKind(IntEnum):
    HOUSE = 0
    MAIN_ALLEY = 1
    BRANCH_ALLEY = 2
    SITE = 3
    OUTSIDE = 4  # between neighbourhoods laid side by side (a street of several)


class SiteKind(IntEnum):
    ACTIVITY_ROOM = 0
    ATTIC = 1
    OPEN_PLOT = 2
    CORNER = 3
    ALLEY_SEGMENT = 4
    HOUSE_KITCHEN = 5  # the shared kitchen of one house, used by its sharing households
    HOUSE_BATHROOM = 6  # the shared washroom of one house, used by its households without a bathroom


HOUSE_SITE_KINDS = (SiteKind.HOUSE_KITCHEN, SiteKind.HOUSE_BATHROOM)


SITE_KIND_NAMES = {k: k.name.lower() for k in SiteKind}

# Which improvement types fit which kind of site (rows: SiteKind, columns: IMPROVEMENT_TYPES).
_ALLOWED = {
    SiteKind.ACTIVITY_ROOM: ("shared_kitchen", "sanitation", "living_room", "reading_room", "elder_care"),
    SiteKind.ATTIC: ("reading_room", "living_room"),
    SiteKind.OPEN_PLOT: ("plaza", "greenery", "childrens_play", "drying_space"),
    SiteKind.CORNER: ("drying_space", "greenery", "childrens_play"),
    SiteKind.ALLEY_SEGMENT: ("living_room", "greenery", "drying_space", "elder_care"),
    SiteKind.HOUSE_KITCHEN: ("shared_kitchen",),
    SiteKind.HOUSE_BATHROOM: ("sanitation",),
}
ALLOWED_TYPES = np.array([[t in _ALLOWED[k] for t in IMPROVEMENT_TYPES] for k in SiteKind])

ALLEY_SEGMENT_ROWS = 15  # a main alley is split into segments of at most this many rows


@dataclass
class Lilong:
    """The generated neighbourhood as arrays."""

    width: int
    height: int
    cell_kind: np.ndarray  # (width, height) CellKind
    house_x: np.ndarray  # (n_houses,) residential cells
    house_y: np.ndarray
    site_kind: np.ndarray  # (n_sites,) SiteKind
    site_box: np.ndarray  # (n_sites, 4) x0, x1, y0, y1 inclusive
    site_m2: np.ndarray
    site_protected: np.ndarray  # bool: heritage protection (works need approval and cost more)
    household_house: np.ndarray  # (n_households,) index into house arrays
    strip_width: int  # columns per main-alley strip
    site_house: np.ndarray  # (n_sites,) the house a house site belongs to; -1 for neighbourhood sites

    @property
    def n_sites(self) -> int:
        return len(self.site_kind)

    def add_house_sites(self, shared_kitchen: np.ndarray, no_bathroom: np.ndarray, kitchen_m2: float,
                        bathroom_m2: float) -> None:
        """A shared kitchen in every house with a sharing household, a washroom in every house lacking one."""
        n_houses = len(self.house_x)
        kinds, houses, sizes = [], [], []
        for kind, uses, m2 in ((SiteKind.HOUSE_KITCHEN, shared_kitchen, kitchen_m2),
                               (SiteKind.HOUSE_BATHROOM, no_bathroom, bathroom_m2)):
            with_site = np.flatnonzero(np.bincount(self.household_house[uses], minlength=n_houses) > 0)
            kinds.append(np.full(len(with_site), kind, dtype=np.int8))
            houses.append(with_site)
            sizes.append(np.full(len(with_site), m2))
        houses_all = np.concatenate(houses)
        x, y = self.house_x[houses_all], self.house_y[houses_all]
        self.site_kind = np.concatenate([self.site_kind, *kinds])
        self.site_box = np.concatenate([self.site_box, np.stack([x, x, y, y], axis=1).astype(np.int32)])
        self.site_m2 = np.concatenate([self.site_m2, *sizes])
        self.site_protected = np.concatenate([self.site_protected, np.zeros(len(houses_all), bool)])
        self.site_house = np.concatenate([self.site_house, houses_all])


def _counts(per_1000: float, households: int) -> int:
    return int(round(per_1000 * households / 1000))


def generate_lilong(nb: Neighbourhood, rng: np.random.Generator) -> Lilong:
    """Generate a lilong of ``nb.households`` households."""
    side = nb.houses_per_branch_side
    strips = nb.main_alleys
    strip_w = 2 * side + 1
    n_houses_needed = int(np.ceil(nb.households / nb.households_per_house))
    n_indoor = _counts(nb.activity_rooms_per_1000, nb.households) + _counts(nb.attics_per_1000, nb.households)
    n_plots = _counts(nb.open_plots_per_1000, nb.households)
    cells_per_block = strips * 4 * side
    blocks = int(np.ceil((n_houses_needed + n_indoor + 4 * n_plots) / cells_per_block)) + 1
    width, height = strips * strip_w, blocks * 3

    xs, ys = np.meshgrid(np.arange(width), np.arange(height), indexing="ij")
    col_in_strip = xs % strip_w
    kind = np.full((width, height), CellKind.HOUSE, dtype=np.int8)
    kind[(ys % 3) == 2] = CellKind.BRANCH_ALLEY
    kind[col_in_strip == side] = CellKind.MAIN_ALLEY

    boxes: list[tuple[int, int, int, int]] = []
    kinds: list[int] = []

    # Open plots: 2x2 blocks of house cells beside a main alley (largest open space).
    plot_w = min(2, side)
    slots = [(s, b, d) for s in range(strips) for b in range(blocks) for d in (0, 1)]
    for idx in rng.choice(len(slots), size=min(n_plots, len(slots)), replace=False):
        s, b, d = slots[idx]
        x0 = s * strip_w + (side - plot_w if d == 0 else side + 1)
        boxes.append((x0, x0 + plot_w - 1, 3 * b, 3 * b + 1))
        kinds.append(SiteKind.OPEN_PLOT)
        kind[x0:x0 + plot_w, 3 * b:3 * b + 2] = CellKind.SITE

    # Indoor sites: single house cells (activity rooms, then attics).
    free = np.flatnonzero(kind.ravel() == CellKind.HOUSE)
    chosen = rng.choice(free, size=min(n_indoor, len(free)), replace=False)
    n_rooms = _counts(nb.activity_rooms_per_1000, nb.households)
    for i, flat in enumerate(chosen):
        x, y = np.unravel_index(flat, kind.shape)
        boxes.append((x, x, y, y))
        kinds.append(SiteKind.ACTIVITY_ROOM if i < n_rooms else SiteKind.ATTIC)
        kind[x, y] = CellKind.SITE

    # Corners: outer ends of branch alleys.
    ends = np.argwhere((kind == CellKind.BRANCH_ALLEY) & ((col_in_strip == 0) | (col_in_strip == strip_w - 1)))
    n_corners = min(_counts(nb.corners_per_1000, nb.households), len(ends))
    for x, y in ends[rng.choice(len(ends), size=n_corners, replace=False)]:
        boxes.append((x, x, y, y))
        kinds.append(SiteKind.CORNER)
        kind[x, y] = CellKind.SITE

    # Alley segments: each main alley, cut into pieces of at most ALLEY_SEGMENT_ROWS rows.
    for s in range(strips):
        x = s * strip_w + side
        for y0 in range(0, height, ALLEY_SEGMENT_ROWS):
            boxes.append((x, x, y0, min(height, y0 + ALLEY_SEGMENT_ROWS) - 1))
            kinds.append(SiteKind.ALLEY_SEGMENT)

    site_kind = np.array(kinds, dtype=np.int8)
    size_by_kind = np.array([nb.activity_room_m2, nb.attic_m2, nb.open_plot_m2, nb.corner_m2,
                             nb.alley_segment_m2])
    protected = rng.random(len(kinds)) < nb.heritage_protected_share

    house_x, house_y = np.nonzero(kind == CellKind.HOUSE)
    # Occupy exactly enough houses, chosen at random, `households_per_house` to a house (the rest of
    # the grid's house cells stand vacant); households are sorted by house.
    occupied = rng.permutation(len(house_x))[:min(n_houses_needed, len(house_x))]
    household_house = np.sort(occupied[np.arange(nb.households) % len(occupied)])

    lilong = Lilong(width=width, height=height, cell_kind=kind, house_x=house_x, house_y=house_y,
                    site_kind=site_kind, site_box=np.array(boxes, dtype=np.int32).reshape(-1, 4),
                    site_m2=size_by_kind[site_kind], site_protected=protected,
                    household_house=household_house, strip_width=strip_w,
                    site_house=np.full(len(kinds), -1, dtype=np.int64))
    return lilong


def chebyshev_to_boxes(x: np.ndarray, y: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Grid (king-move) distance from points to rectangles; shape (len(x), len(boxes))."""
    dx = np.maximum(0, np.maximum(boxes[None, :, 0] - x[:, None], x[:, None] - boxes[None, :, 1]))
    dy = np.maximum(0, np.maximum(boxes[None, :, 2] - y[:, None], y[:, None] - boxes[None, :, 3]))
    return np.maximum(dx, dy)


@dataclass
class Catchment:
    """Sparse household-site weights: who lives within walking distance of which site.

    Links are sorted by household. ``matrix`` (sites x households) aggregates household values
    over each site's catchment in one sparse product; ``links_of_sites`` finds the links of a few
    sites without scanning every link.
    """

    household: np.ndarray  # (n_links,)
    site: np.ndarray
    weight: np.ndarray  # float, 1 at the door, 0 at the radius
    n_households: int
    n_sites: int

    def __post_init__(self) -> None:
        shape = (self.n_sites, self.n_households)
        self.matrix = sparse.csr_matrix((self.weight, (self.site, self.household)), shape=shape)
        self.by_site = np.argsort(self.site, kind="stable")
        self._site_sorted = self.site[self.by_site]

    def links_of_sites(self, sites: np.ndarray) -> np.ndarray:
        """Positions of the links of ``sites`` (indices, ascending), grouped by site."""
        from sim.submodels.common import positions_of  # a leaf helper; avoids an import cycle
        return self.by_site[positions_of(self._site_sorted, sites)]


def build_catchment(lilong: Lilong, house_site_users: dict[SiteKind, np.ndarray], radius: float) -> Catchment:
    """Links from households to sites, sorted by household (and, for each household, neighbourhood sites
    in site order, then its house's kitchen, then its washroom).

    Neighbourhood sites: every household within ``radius`` cells, weight falling linearly to 0 (each site
    looks only at the houses in a window around it, so the cost grows with the number of households).
    House sites: the households of that house who use that kind of site (``house_site_users``: per kind, a
    bool per household), weight 1.
    """
    hh_house = lilong.household_house
    n_houses = len(lilong.house_x)
    house_at = np.full((lilong.width, lilong.height), -1, dtype=np.int64)
    house_at[lilong.house_x, lilong.house_y] = np.arange(n_houses)
    first_of_house = np.searchsorted(hh_house, np.arange(n_houses + 1))  # households are sorted by house
    reach = int(np.ceil(radius)) - 1  # the farthest whole distance still under the radius
    hh_parts, site_parts, w_parts = [], [], []
    for s in np.flatnonzero(lilong.site_house < 0):
        x0, x1, y0, y1 = (int(v) for v in lilong.site_box[s])
        xa, xb = max(0, x0 - reach), min(lilong.width, x1 + reach + 1)
        ya, yb = max(0, y0 - reach), min(lilong.height, y1 + reach + 1)
        houses = house_at[xa:xb, ya:yb].ravel()
        houses = houses[houses >= 0]
        d = chebyshev_to_boxes(lilong.house_x[houses], lilong.house_y[houses], lilong.site_box[s:s + 1])[:, 0]
        near = d < radius
        houses, d = houses[near], d[near]
        counts = first_of_house[houses + 1] - first_of_house[houses]
        hh_parts.append(np.repeat(first_of_house[houses], counts) + _ranges(counts))
        site_parts.append(np.full(int(counts.sum()), s))
        w_parts.append(np.repeat(1.0 - d / radius, counts))
    hh, site, w = (np.concatenate(p) if p else np.zeros(0, t) for p, t in
                   ((hh_parts, np.int64), (site_parts, np.int64), (w_parts, float)))
    order = np.lexsort((site, hh))
    hh_parts, site_parts, w_parts = [hh[order]], [site[order]], [w[order]]
    house_sites = np.flatnonzero(lilong.site_house >= 0)
    site_of_house = {kind: np.full(n_houses, -1) for kind in HOUSE_SITE_KINDS}
    for kind in HOUSE_SITE_KINDS:
        mine = house_sites[lilong.site_kind[house_sites] == kind]
        site_of_house[kind][lilong.site_house[mine]] = mine
    for kind in HOUSE_SITE_KINDS:
        site = site_of_house[kind][hh_house]
        hh = np.flatnonzero((site >= 0) & house_site_users[kind])
        hh_parts.append(hh)
        site_parts.append(site[hh])
        w_parts.append(np.ones(len(hh)))
    hh, site, w = np.concatenate(hh_parts), np.concatenate(site_parts), np.concatenate(w_parts)
    order = np.argsort(hh, kind="stable")
    return Catchment(hh[order], site[order], w[order], len(hh_house), lilong.n_sites)


def _ranges(counts: np.ndarray) -> np.ndarray:
    """0, 1, ..., c - 1 for each count c, concatenated."""
    ends = np.cumsum(counts)
    return np.arange(int(ends[-1]) if len(ends) else 0) - np.repeat(ends - counts, counts)


def combine_catchments(parts: list[Catchment], household_offsets: np.ndarray, site_offsets: np.ndarray) -> Catchment:
    """One catchment of several neighbourhoods' (households and sites renumbered by the offsets)."""
    if len(parts) == 1:
        return parts[0]
    return Catchment(np.concatenate([c.household + o for c, o in zip(parts, household_offsets, strict=False)]),
                     np.concatenate([c.site + o for c, o in zip(parts, site_offsets, strict=False)]),
                     np.concatenate([c.weight for c in parts]), int(household_offsets[-1]), int(site_offsets[-1]))


def combine_lilongs(parts: list[Lilong]) -> tuple[Lilong, np.ndarray, np.ndarray]:
    """One grid holding several neighbourhoods side by side, in rows of about sqrt(K), one empty
    (OUTSIDE) cell apart so no two are neighbours; returns it and each neighbourhood's origin (x, y)."""
    if len(parts) == 1:
        return parts[0], np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64)
    per_row = int(np.ceil(np.sqrt(len(parts))))
    ox, oy = np.zeros(len(parts), dtype=np.int64), np.zeros(len(parts), dtype=np.int64)
    x = y = row_height = width = 0
    for k, part in enumerate(parts):
        if k and k % per_row == 0:
            x, y, row_height = 0, y + row_height + 1, 0
        ox[k], oy[k] = x, y
        x += part.width + 1
        width, row_height = max(width, x - 1), max(row_height, part.height)
    height = y + row_height
    kind = np.full((width, height), CellKind.OUTSIDE, dtype=np.int8)
    for k, part in enumerate(parts):
        kind[ox[k]:ox[k] + part.width, oy[k]:oy[k] + part.height] = part.cell_kind
    houses = np.concatenate([[0], np.cumsum([len(p.house_x) for p in parts])])
    shift = np.array([1, 1, 0, 0])  # site boxes are x0, x1, y0, y1
    boxes = [p.site_box + (ox[k] * shift + oy[k] * (1 - shift)).astype(np.int32) for k, p in enumerate(parts)]
    site_house = [np.where(p.site_house >= 0, p.site_house + houses[k], -1) for k, p in enumerate(parts)]
    combined = Lilong(
        width=width, height=height, cell_kind=kind,
        house_x=np.concatenate([p.house_x + ox[k] for k, p in enumerate(parts)]),
        house_y=np.concatenate([p.house_y + oy[k] for k, p in enumerate(parts)]),
        site_kind=np.concatenate([p.site_kind for p in parts]), site_box=np.concatenate(boxes),
        site_m2=np.concatenate([p.site_m2 for p in parts]),
        site_protected=np.concatenate([p.site_protected for p in parts]),
        household_house=np.concatenate([p.household_house + houses[k] for k, p in enumerate(parts)]),
        strip_width=parts[0].strip_width, site_house=np.concatenate(site_house))
    return combined, ox, oy


def build_location_network(lilong: Lilong) -> tuple[np.ndarray, np.ndarray]:
    """Directed edges between households in the same or a Moore-adjacent house, sorted by source."""
    hh_house = lilong.household_house
    n_houses = len(lilong.house_x)
    counts = np.bincount(hh_house, minlength=n_houses)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])  # households are sorted by house
    index = np.full(lilong.cell_kind.shape, -1, dtype=np.int64)
    index[lilong.house_x, lilong.house_y] = np.arange(n_houses)
    hx, hy = lilong.house_x[hh_house], lilong.house_y[hh_house]
    me = np.arange(len(hh_house))
    src_parts, dst_parts = [], []
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            nx, ny = hx + dx, hy + dy
            ok = (nx >= 0) & (nx < lilong.width) & (ny >= 0) & (ny < lilong.height)
            other = np.full(len(me), -1)
            other[ok] = index[nx[ok], ny[ok]]
            for k in range(int(counts.max())):
                valid = (other >= 0) & (k < counts[np.maximum(other, 0)])
                j = starts[np.maximum(other, 0)] + k
                valid &= j != me
                src_parts.append(me[valid])
                dst_parts.append(j[valid])
    src, dst = np.concatenate(src_parts), np.concatenate(dst_parts)
    order = np.argsort(src, kind="stable")  # sorted by source: a household's edges are one run
    return src[order], dst[order]
