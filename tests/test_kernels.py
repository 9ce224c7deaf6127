"""Each compiled kernel gives what its numpy definition gives: bit for bit where it feeds the dynamics."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import kernels


def _numpy_block_sums(values: np.ndarray, cell: np.ndarray, width: int, height: int) -> np.ndarray:
    grid = np.zeros((width + 2, height + 2))
    grid[1:-1, 1:-1] = np.bincount(cell, weights=values, minlength=width * height).reshape(width, height)
    block = sum(grid[1 + dx:width + 1 + dx, 1 + dy:height + 1 + dy] for dx in (-1, 0, 1) for dy in (-1, 0, 1))
    return block.ravel()[cell]


def _numpy_deepest_recent(last_at_rung: np.ndarray, first_informed: int, first_deeper: int) -> np.ndarray:
    first = np.full((last_at_rung.shape[0] - 1, 1), first_deeper)
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
    last = np.random.default_rng(seed).integers(-40, 40, (6, n)).astype(np.int32)
    got = kernels.deepest_recent(last, first_informed, first_deeper)
    assert got.dtype == np.int8
    assert np.array_equal(got, _numpy_deepest_recent(last, first_informed, first_deeper))


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 500), st.integers(1, 8), st.integers(0, 2**32 - 1))
def test_cell_sums_and_counts_are_bincount_within_cells(n: int, n_cells: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    cell = rng.integers(0, n_cells, n).astype(np.int8)
    values = rng.random(n)
    np.testing.assert_allclose(kernels.cell_sums(values, cell, n_cells),
                               np.bincount(cell, weights=values, minlength=n_cells), rtol=1e-12)
    codes = rng.integers(0, 6, n).astype(np.int8)
    expected = np.zeros((6, n_cells))
    np.add.at(expected, (codes, cell), 1.0)
    assert np.array_equal(kernels.cell_counts(codes, cell, 6, n_cells), expected)
