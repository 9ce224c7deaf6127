"""Each compiled kernel gives what its numpy definition gives: bit for bit where it feeds the dynamics."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import kernels
from sim.group_sums import _cell_sums
from sim.neighbourhoods import segment_top
from sim.population import N_RUNGS, Rung
from sim.submodels.decision import _best_of_each
from sim.submodels.gatherings import _organised_views
from sim.submodels.participation import SOCIAL_STEEPNESS, _exposure, propensity, weekly_disposition
from sim.submodels.satisfaction import (
    BELONGING_ACTIVITY,
    BELONGING_BASE,
    BELONGING_ENGAGED,
    BELONGING_TIES,
    BELONGING_USE,
    TIES_FOR_FULL_BELONGING,
    satisfaction,
)
from sim.submodels.upkeep import _hours_and_givers_by_site, _upkeep_by_links, _use_by_links
from sim.submodels.voice import HEARD_LEVEL


def _numpy_block_sums(values: np.ndarray, cell: np.ndarray, width: int, height: int) -> np.ndarray:
    grid = np.zeros((width + 2, height + 2))
    grid[1:-1, 1:-1] = np.bincount(cell, weights=values, minlength=width * height).reshape(width, height)
    block = sum(grid[1 + dx:width + 1 + dx, 1 + dy:height + 1 + dy] for dx in (-1, 0, 1) for dy in (-1, 0, 1))
    return block.ravel()[cell]


def _numpy_deepest_recent(last_at_rung: np.ndarray, first_informed: np.ndarray, first_deeper: np.ndarray) -> np.ndarray:
    first = np.tile(first_deeper, (last_at_rung.shape[0] - 1, 1))
    first[0] = first_informed
    recent = last_at_rung[1:] >= first
    return (recent * np.arange(1, last_at_rung.shape[0])[:, None]).max(axis=0)


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 12), st.integers(1, 12), st.integers(1, 300), st.integers(0, 2**32 - 1))
def test_block_sums_are_bincount_and_nine_shifted_slices_bit_for_bit(width: int, height: int, n: int,
                                                                      seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_houses = int(rng.integers(1, width * height + 1))
    house_x, house_y = rng.integers(0, width, n_houses), rng.integers(0, height, n_houses)
    house = rng.integers(0, n_houses, n)
    values = rng.random(n) * rng.choice([1e-3, 1.0, 1e6], n)  # magnitudes that round differently by order
    cell = house_x[house] * height + house_y[house]
    assert np.array_equal(kernels.block_sums(values, house, house_x, house_y, width, height),
                          _numpy_block_sums(values, cell, width, height))


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 200), st.integers(-30, 30), st.integers(-30, 30), st.integers(0, 2**32 - 1))
def test_deepest_recent_is_the_deepest_rung_with_a_recent_act(n: int, first_informed: int, first_deeper: int,
                                                              seed: int) -> None:
    rng = np.random.default_rng(seed)
    last = rng.integers(-40, 40, (6, n)).astype(np.int32)
    # each household its own window (its neighbourhood's)
    first_informed = first_informed + rng.integers(0, 3, n)
    first_deeper = first_deeper + rng.integers(0, 3, n)
    got = kernels.deepest_recent(last, first_informed, first_deeper)
    assert got.dtype == np.int8
    assert np.array_equal(got, _numpy_deepest_recent(last, first_informed, first_deeper))


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 500), st.integers(1, 8), st.integers(0, 2**32 - 1))
def test_cell_sums_and_counts_are_bincount_within_cells(n: int, n_cells: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    cell = rng.integers(0, n_cells, n).astype(np.int8)
    values = (rng.random(n), rng.random(n))
    lane = np.arange(n) - np.repeat([0, n // 2], [n // 2, n - n // 2])  # two neighbourhoods
    rung = rng.integers(0, N_RUNGS, n).astype(np.int8)
    acts = rng.integers(0, 3, (N_RUNGS, n)).astype(np.int16)
    ladder, act_sums, value_sums = _cell_sums(rung, acts, 2, values, cell, lane, n_cells)
    expected = np.zeros((N_RUNGS, n_cells))
    np.add.at(expected, (rung, cell), 1.0)
    assert np.array_equal(ladder, expected)
    for got, plain in ((act_sums, acts[2:]), (value_sums, values)):
        for row, column in zip(got, plain, strict=True):
            np.testing.assert_allclose(row, np.bincount(cell, weights=column, minlength=n_cells), rtol=1e-12)


def _per_household(behaviour: SimpleNamespace) -> SimpleNamespace:
    """A model's per-household parameters as the mechanisms read them (``.dense``: the same, contiguous)."""
    behaviour.dense = behaviour
    return SimpleNamespace(behaviour=behaviour)


def _numpy_satisfaction(h: dict[str, np.ndarray], b: SimpleNamespace) -> dict[str, np.ndarray]:
    """The satisfaction update as array expressions (how it was written before it was compiled)."""
    h = {k: v.copy() for k, v in h.items()}
    h["expectation"] += b.expectation_adapt_rate * (h["delivered"] - h["expectation"])
    living = (h["baseline_living"] + b.delivery_weight * h["delivered"]
              + b.disconfirmation_weight * (h["delivered"] - h["expectation"]) - b.disruption_penalty * h["disruption"])
    h["satisfaction_living"] += b.satisfaction_rate * (np.clip(living, 0, 1) - h["satisfaction_living"])
    process = (b.process_base + b.process_heard * (h["voice_recent"] > HEARD_LEVEL)
               + b.process_answered * h["answered_recent"] - b.process_ignored * h["ignored_recent"])
    h["satisfaction_process"] += b.satisfaction_rate * (np.clip(process, 0, 1) - h["satisfaction_process"])
    weight = b.procedural_weight * h["trust_government"]
    h["satisfaction_overall"] = (1 - weight) * h["satisfaction_living"] + weight * h["satisfaction_process"]
    belonging = (BELONGING_BASE + BELONGING_TIES * np.minimum(1.0, h["meeting_ties"] / TIES_FOR_FULL_BELONGING)
                 + BELONGING_USE * np.minimum(1.0, h["use"]) + BELONGING_ENGAGED * (h["rung"] >= Rung.CONSULTED)
                 + BELONGING_ACTIVITY * h["in_activity"])
    h["belonging"] += b.belonging_rate * (belonging - h["belonging"])
    return h


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 300), st.integers(0, 2**32 - 1))
def test_compiled_satisfaction_update_is_the_array_expressions_bit_for_bit(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    floats = ("expectation", "satisfaction_living", "satisfaction_process", "satisfaction_overall", "belonging",
              "delivered", "baseline_living", "disruption", "voice_recent", "answered_recent", "ignored_recent",
              "trust_government", "use")
    h = {name: rng.random(n) * rng.choice([0.5, 1.0, 3.0], n) for name in floats}
    h |= {"meeting_ties": rng.integers(0, 30, n).astype(np.int32), "rung": rng.integers(0, 6, n).astype(np.int8),
          "in_activity": rng.random(n) < 0.3}
    b = SimpleNamespace(**{name: rng.choice(rng.random(2), n) for name in (  # two neighbourhoods' values
        "expectation_adapt_rate", "delivery_weight", "disconfirmation_weight", "disruption_penalty",
        "satisfaction_rate", "process_base", "process_heard", "process_answered", "process_ignored",
        "procedural_weight", "belonging_rate")})
    expected = _numpy_satisfaction(h, b)
    model = SimpleNamespace(households=SimpleNamespace(**h), per_household=_per_household(b))
    satisfaction(model)
    for name, values in expected.items():
        assert np.array_equal(getattr(model.households, name), values), name


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 400), st.integers(1, 60), st.integers(1, 30), st.integers(0, 2**32 - 1))
def test_link_weighted_mean_is_bincount_over_the_weight_bit_for_bit(n_links: int, n: int, n_sites: int,
                                                                     seed: int) -> None:
    rng = np.random.default_rng(seed)
    hh, site = np.sort(rng.integers(0, n, n_links)), rng.integers(0, n_sites, n_links)
    weight = rng.random(n_links) * rng.choice([1e-3, 1.0, 1e3], n_links)
    site_value = rng.random(n_sites)
    household_weight = np.where(rng.random(n) < 0.3, 0.0, rng.random(n))
    total = np.bincount(hh, weights=weight * site_value[site], minlength=n)
    expected = np.divide(total, household_weight, out=np.zeros(n), where=household_weight > 0)
    assert np.array_equal(kernels.link_weighted_mean(hh, site, weight, site_value, household_weight), expected)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 300), st.integers(0, 2**32 - 1))
def test_compiled_social_exposure_is_the_array_expressions_bit_for_bit(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    engaged = (rng.random(n) < 0.4).astype(float)
    degree = rng.integers(0, 12, n).astype(float)
    block = engaged + rng.integers(0, 12, n) * rng.random(n)
    ties, met_share = rng.integers(0, 40, n).astype(np.int32), rng.random(n)
    near_share = np.divide(block - engaged, degree, out=np.zeros(n), where=degree > 0)
    w = ties.astype(float) / (ties.astype(float) + degree + 1e-9)
    expected = (1 - w) * near_share + w * met_share
    assert np.array_equal(_exposure(block, engaged, degree, ties, met_share), expected)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 300), st.integers(0, 2**32 - 1))
def test_compiled_disposition_is_the_array_expressions_bit_for_bit(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    h = SimpleNamespace(**{name: rng.random(n) for name in (
        "delivered", "threshold", "health", "interest", "external_efficacy", "internal_efficacy")})
    b = SimpleNamespace(**{name: rng.choice(rng.normal(0, 3, 2), n) for name in (
        "base_logit", "weight_health", "weight_need", "weight_interest", "weight_efficacy",
        "weight_internal_efficacy", "weight_social")})
    model = SimpleNamespace(households=h, per_household=_per_household(b), exposure=rng.random(n),
                            largest_need=rng.random(n))
    unmet = model.largest_need * (1.0 - h.delivered)
    above = 1.0 / (1.0 + np.exp(-((model.exposure - h.threshold) / SOCIAL_STEEPNESS)))
    expected = (b.base_logit + b.weight_health * h.health + b.weight_need * unmet + b.weight_interest * h.interest
                + b.weight_efficacy * h.external_efficacy + b.weight_internal_efficacy * h.internal_efficacy
                + b.weight_social * above)
    weekly_disposition(model)
    assert np.array_equal(model.disposition, expected)


def _numpy_propensity(model: SimpleNamespace, depth: int, trust: np.ndarray, invited: np.ndarray | float,
                      evening_share: np.ndarray | None, rows: np.ndarray) -> np.ndarray:
    h, b = model.households, model.per_household.behaviour
    invited = invited[rows] if isinstance(invited, np.ndarray) else invited
    z = (model.disposition[rows] + b.weight_trust[rows] * trust[rows] + b.weight_invitation[rows] * invited
         - b.depth_cost[rows] * max(0, depth - Rung.CONSULTED))
    w_time = b.weight_time[rows] * (b.shallow_time_share[rows] if depth <= Rung.CONSULTED else 1.0)
    if evening_share is not None:
        evening_share = evening_share[model.hseg.of[rows]]
    sigmoid = lambda x: 1.0 / (1.0 + np.exp(-x))  # noqa: E731
    if evening_share is None:
        return sigmoid(z + w_time * np.maximum(h.time_weekday[rows], h.time_evening[rows]))
    return ((1 - evening_share) * sigmoid(z + w_time * h.time_weekday[rows])
            + evening_share * sigmoid(z + w_time * h.time_evening[rows]))


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 300), st.sampled_from(list(Rung)), st.booleans(), st.sampled_from([None, 0.0, 0.4, 1.0]),
       st.booleans(), st.integers(0, 2**32 - 1))
def test_compiled_propensity_is_the_array_expressions_bit_for_bit(n: int, depth: Rung, invited_array: bool,
                                                                   evening_share: float | None, subset: bool,
                                                                   seed: int) -> None:
    rng = np.random.default_rng(seed)
    h = SimpleNamespace(time_weekday=rng.random(n), time_evening=rng.random(n))
    nb = np.sort(rng.integers(0, 2, n))  # two neighbourhoods, each with its own parameters
    b = SimpleNamespace(**{name: rng.normal(0, 2, 2)[nb] for name in (
        "weight_trust", "weight_invitation", "depth_cost", "weight_time", "shallow_time_share")})
    model = SimpleNamespace(households=h, per_household=_per_household(b), disposition=rng.normal(0, 3, n),
                            best_time=np.maximum(h.time_weekday, h.time_evening), hseg=SimpleNamespace(of=nb))
    if evening_share is not None:
        evening_share = np.array([evening_share, rng.random()])
    trust = rng.random(n)
    invited = (rng.random(n) < 0.3).astype(float) if invited_array else float(rng.choice([0.0, 0.5, 1.0]))
    who = np.flatnonzero(rng.random(n) < 0.5) if subset else None
    got = propensity(model, depth, trust, invited, evening_share=evening_share, who=who)
    expected = _numpy_propensity(model, depth, trust, invited, evening_share, slice(None) if who is None else who)
    assert np.array_equal(got, expected)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 300), st.integers(1, 40), st.integers(1, 20), st.integers(0, 2**32 - 1))
def test_upkeep_hours_by_site_are_the_bincounts_bit_for_bit(n_links: int, n: int, n_sites: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    hh, site = np.sort(rng.integers(0, n, n_links)), rng.integers(0, n_sites, n_links)
    use = rng.random(n_links) * rng.choice([1e-3, 1.0, 10.0], n_links)
    public = rng.random(n_links) < 0.5
    core, gives = rng.random(n) < 0.3, rng.random(n) < 0.5
    hours = gives * rng.choice([1.5, 4.0], n)
    public_use = np.bincount(hh, weights=use * public, minlength=n)
    spread_over = np.where((core & (public_use > 0))[hh], use * public, use)
    total = np.bincount(hh, weights=spread_over, minlength=n)[hh]
    share_of_use = np.divide(spread_over, total, out=np.zeros(n_links), where=total > 0)
    expected_hours = np.bincount(site, weights=share_of_use * hours[hh], minlength=n_sites)
    expected_given = np.bincount(site, weights=use * gives[hh], minlength=n_sites)
    got_hours, got_given = _hours_and_givers_by_site(hh, site, use, public, core, hours, gives, n, n_sites)
    assert np.array_equal(got_hours, expected_hours) and np.array_equal(got_given, expected_given)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-5, 5, allow_nan=False), max_size=200))
def test_positive_values_are_the_boolean_selection(values: list[float]) -> None:
    values = np.array(values, dtype=float)
    assert np.array_equal(kernels.positive_values(values), values[values > 0])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 50, allow_nan=False), st.sampled_from([0.0, 0.0, 0.5, 3.0, 7.25])),
                max_size=100))
def test_ratio_is_the_division_where_the_denominator_is_positive(pairs: list[tuple[float, float]]) -> None:
    both = np.array(pairs, dtype=float).reshape(-1, 2)
    num, den = both[:, 0].copy(), both[:, 1].copy()
    expected = np.divide(num, den, out=np.zeros(len(num)), where=den > 0)
    assert np.array_equal(kernels.ratio(num, den), expected)


def _stable_top(keys: np.ndarray, segment: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """segment_top by its definition: each segment's first ``limit`` positions in a stable sort of its keys."""
    taken = [np.flatnonzero(segment == s)[np.argsort(keys[segment == s], kind="stable")][:limit[s]]
             for s in range(len(limit))]
    return np.sort(np.concatenate([np.zeros(0, dtype=np.int64), *taken]))


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 4), st.integers(0, 400), st.integers(0, 60), st.booleans(), st.integers(0, 2**32 - 1))
def test_segment_top_is_each_segments_smallest_with_ties_to_the_earlier(k: int, n: int, most: int, ties: bool,
                                                                        seed: int) -> None:
    """Both ways of selecting (a heap for small limits, a partition for large ones) give the definition."""
    rng = np.random.default_rng(seed)
    segment = np.sort(rng.integers(0, k, n))
    keys = rng.choice([-np.inf, -3.0, 0.0, 1.0, 2.5], n) if ties else rng.random(n)
    limit = rng.integers(0, most + 1, k)
    assert np.array_equal(segment_top(keys, segment, limit), _stable_top(keys, segment, limit))


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3)), max_size=40))
def test_best_of_each_household_is_what_a_stable_sort_picks(entries: list[tuple[int, int]]) -> None:
    """Each household's best value (ties to the later entry) from one pass, against the lexsort it replaced."""
    household = np.sort(np.array([e[0] for e in entries], dtype=np.int64))
    value = np.array([e[1] for e in entries], dtype=float)
    order = np.lexsort((value, household))
    last = np.r_[household[order][1:] != household[order][:-1], True] if len(order) else np.zeros(0, bool)
    assert np.array_equal(_best_of_each(household, value), order[last])


def _random_links(seed: int, n: int = 60, n_sites: int = 12) -> SimpleNamespace:
    """Catchment-like links (sorted by household) with this week's values, and household and site states."""
    rng = np.random.default_rng(seed)
    hh = np.sort(rng.integers(0, n, 4 * n))
    site = rng.integers(0, n_sites, len(hh))
    value = rng.random(len(hh)) * (rng.random(len(hh)) < 0.7)
    return SimpleNamespace(rng=rng, n=n, n_sites=n_sites, hh=hh, site=site, value=value,
                           time=rng.random(n), rung=rng.integers(0, 5, n).astype(np.int8),
                           flag=rng.random(n) < 0.3, other=rng.random(n) < 0.4, site_flag=rng.random(n_sites) < 0.5)


def _bit_equal(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.tobytes() == b.tobytes()


@given(st.integers(0, 2**32 - 1))
@settings(max_examples=40, deadline=None)
def test_use_by_links_is_its_bincounts_bit_for_bit(seed: int) -> None:
    x = _random_links(seed)
    log_left = np.log1p(-np.minimum(x.value, 0.999))
    use, household_use, site_use, log_sum, seen = _use_by_links(x.hh, x.site, x.value, log_left, x.time, x.rung,
                                                                int(Rung.CONSULTED), x.n, x.n_sites)
    expected_use = x.value * (0.3 + 0.7 * x.time[x.hh])
    expected_household = np.bincount(x.hh, weights=expected_use, minlength=x.n)
    expected_site = np.bincount(x.site, weights=expected_use, minlength=x.n_sites)
    engaged = np.bincount(x.site, weights=expected_use * (x.rung[x.hh] >= Rung.CONSULTED), minlength=x.n_sites)
    share = np.divide(engaged, expected_site, out=np.zeros(x.n_sites), where=expected_site > 0)
    for got, expected in ((use, expected_use), (household_use, expected_household), (site_use, expected_site),
                          (log_sum, np.bincount(x.hh, weights=log_left, minlength=x.n)),
                          (seen, kernels.link_weighted_mean(x.hh, x.site, expected_use, share, expected_household))):
        assert _bit_equal(got, expected)


@given(st.integers(0, 2**32 - 1))
@settings(max_examples=40, deadline=None)
def test_organised_views_are_their_bincounts_bit_for_bit(seed: int) -> None:
    x = _random_links(seed)
    use, site_users = x.value, np.bincount(x.site, weights=x.value, minlength=x.n_sites)
    core, in_activity, in_use = x.flag, x.other, x.site_flag
    use_of_organised, seen = _organised_views(x.hh, x.site, use, core, in_activity, in_use, site_users, x.n)
    organised = (np.bincount(x.site, weights=use * core[x.hh], minlength=x.n_sites) > 0) & in_use
    took_part = np.bincount(x.site, weights=use * in_activity[x.hh], minlength=x.n_sites)
    share = np.divide(took_part, site_users, out=np.zeros(x.n_sites), where=site_users > 0)
    organised_use = use * organised[x.site]
    expected = np.bincount(x.hh, weights=organised_use, minlength=x.n)
    assert _bit_equal(use_of_organised, expected)
    assert _bit_equal(seen, kernels.link_weighted_mean(x.hh, x.site, organised_use, share, expected))


@given(st.integers(0, 2**32 - 1))
@settings(max_examples=40, deadline=None)
def test_upkeep_by_links_is_its_array_expressions_bit_for_bit(seed: int) -> None:
    x = _random_links(seed)
    rng, n, hh, site, use = x.rng, x.n, x.hh, x.site, x.value
    household_use = np.bincount(hh, weights=use, minlength=n)
    site_use = np.bincount(site, weights=use, minlength=x.n_sites)
    public, rules, conditional, core = rng.random(len(hh)) < 0.5, x.site_flag, x.other, x.flag
    boost, match, fixed, core_hours, user_hours = (rng.random(n) for _ in range(5))
    belief, draw = rng.random(n), rng.random(n).astype(np.float32)
    got_belief = belief.copy()
    gives, hours, collaborating, upkeep_hours = _upkeep_by_links(
        hh, site, use, public, rules, household_use, site_use, conditional, got_belief, boost, match, fixed,
        core_hours, user_hours, x.time, core, draw, 0.05, 0.9, 1 - 0.9)
    # the array expressions upkeep() used before the kernel
    users = np.flatnonzero(household_use > 0.05)
    rules_seen = kernels.link_weighted_mean(hh, site, use, rules.astype(float), household_use)[users]
    p = conditional[users] * (match[users] * belief[users]) + fixed[users] + boost[users] * rules_seen
    p = np.clip(p, 0, 1) * (0.4 + 0.6 * x.time[users])
    user_gives = (draw[users] < p) | core[users]
    expected_gives = np.zeros(n, dtype=bool)
    expected_gives[users] = user_gives
    expected_hours = np.zeros(n)
    expected_hours[users] = user_gives * np.where(core[users], core_hours[users], user_hours[users])
    expected_upkeep, given = _hours_and_givers_by_site(hh, site, use, public, core, expected_hours, expected_gives,
                                                       n, x.n_sites)
    seen = kernels.link_weighted_mean(hh, site, use, np.divide(given, site_use, out=np.zeros(x.n_sites),
                                                               where=site_use > 0), household_use)
    updating = users[conditional[users]]
    belief[updating] = 0.9 * belief[updating] + (1 - 0.9) * seen[updating]
    assert _bit_equal(gives, expected_gives) and _bit_equal(hours, expected_hours)
    assert np.array_equal(np.flatnonzero(collaborating), users[user_gives & core[users]])
    assert _bit_equal(upkeep_hours, expected_upkeep) and _bit_equal(got_belief, belief)
