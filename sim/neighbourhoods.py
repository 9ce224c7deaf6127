"""Neighbourhoods as a dimension: segments of the model's arrays, parameters per neighbourhood, and random
streams per neighbourhood.

A model holds one or more neighbourhoods. Every household array is the concatenation of the neighbourhoods'
households (neighbourhood 0 first), every site array likewise, so a neighbourhood is a contiguous *segment*.
Each neighbourhood has its own parameters (a :class:`~sim.params.Params`; :class:`ParamColumns` holds them
as one array per parameter) and its own random streams, spawned from its own seed, so a member of a batch
draws exactly the numbers it draws when run alone: batching is an execution choice, not a change of results.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from types import SimpleNamespace

import numba
import numpy as np

from sim.kernels import select
from sim.params import IMPROVEMENT_TYPES, SECTIONS, Params


class Segments:
    """Contiguous segments of an array, one per neighbourhood (``sizes`` entries each, in order)."""

    def __init__(self, sizes: Sequence[int]) -> None:
        self.sizes = np.asarray(sizes, dtype=np.int64)
        self.start = np.concatenate([[0], np.cumsum(self.sizes)])
        self.of = np.repeat(np.arange(len(self.sizes)), self.sizes)  # each entry's segment
        self.n = int(self.start[-1])
        self.k = len(self.sizes)

    def slice(self, k: int) -> slice:
        return slice(int(self.start[k]), int(self.start[k + 1]))

    def bounds(self, sorted_idx: np.ndarray) -> np.ndarray:
        """(K+1,): where each segment's entries begin in ``sorted_idx`` (sorted indices into the array)."""
        return np.searchsorted(sorted_idx, self.start)

    def split(self, sorted_idx: np.ndarray) -> list[np.ndarray]:
        """``sorted_idx`` split by segment."""
        b = self.bounds(sorted_idx)
        return [sorted_idx[b[k]:b[k + 1]] for k in range(self.k)]

    def sums(self, values: np.ndarray) -> np.ndarray:
        """Per segment: the sum of ``values`` (one per entry), added in order within each segment."""
        return np.bincount(self.of, weights=values, minlength=self.k)

    def counts(self, mask: np.ndarray) -> np.ndarray:
        """Per segment: how many entries of the bool ``mask`` are set."""
        return np.bincount(self.of[mask], minlength=self.k)

    def counts_of(self, idx: np.ndarray) -> np.ndarray:
        """Per segment: how many of the indices ``idx`` fall in it."""
        return np.bincount(self.of[idx], minlength=self.k)


class ParamColumns:
    """Every parameter as an array over neighbourhoods: ``columns.behaviour.weight_time`` is (K,);
    dict-valued parameters (the office's priorities) are (K, improvement types); choices are object arrays."""

    def __init__(self, members: Sequence[Params]) -> None:
        self.members = list(members)
        for section in SECTIONS:
            values = [dataclasses.asdict(getattr(p, section)) for p in self.members]
            columns = {}
            for key in values[0]:
                column = [v[key] for v in values]
                if isinstance(column[0], dict):
                    columns[key] = np.array([[c[t] for t in IMPROVEMENT_TYPES] for c in column], dtype=float)
                elif isinstance(column[0], str):
                    columns[key] = np.array(column, dtype=object)
                else:
                    columns[key] = np.array(column)
            setattr(self, section, SimpleNamespace(**columns))

    def same(self, section: str, key: str) -> bool:
        """Whether every neighbourhood has the same value."""
        column = getattr(getattr(self, section), key)
        return bool((column == column[0]).all())


def expand(column: np.ndarray, segments: Segments) -> np.ndarray:
    """A per-neighbourhood column as one value per entry of ``segments`` (per household, or per site).
    With one neighbourhood it is a read-only view of the one value (no memory to read per entry)."""
    if segments.k == 1:
        return np.broadcast_to(column[:1], (segments.n, *column.shape[1:]))  # the column's own dtype
    return column[segments.of]


# Streams whose draws are not uniform float32 numbers (their counts and kinds depend on what they
# generate): drawn directly from each neighbourhood's generator, never buffered.
DIRECT = frozenset({"space", "population"})


class Streams:
    """Each neighbourhood's random streams, one per mechanism, spawned from its own seed in ``names`` order.

    Uniform float32 draws come from buffers filled ahead in blocks, one region per neighbourhood: a
    generator gives the same numbers in one block as in many calls, so a neighbourhood's numbers are those
    it would draw one call at a time, alone, and a week's draws for all neighbourhoods are one gather.
    Buffers are laid out by :meth:`plan` (before the first uniform draw) from the largest draw each stream
    makes at once.
    """

    def __init__(self, seeds: Sequence[int], names: Sequence[str]) -> None:
        self.names = tuple(names)
        self.k = len(seeds)
        spawned = [np.random.SeedSequence(int(s)).spawn(len(self.names)) for s in seeds]
        self.generators = {name: [np.random.default_rng(spawned[k][i]) for k in range(self.k)]
                           for i, name in enumerate(self.names)}
        self._buffers: dict[str, np.ndarray] = {}

    def plan(self, largest: dict[str, np.ndarray]) -> None:
        """Lay out the buffered streams: ``largest[name]`` is, per neighbourhood, the most numbers the stream
        draws at once."""
        self._capacity, self._offset, self._pos, self._used = {}, {}, {}, {}
        for name in self.names:
            if name in DIRECT:
                continue
            size = np.asarray(largest[name], dtype=np.int64)
            blocks = int(np.clip(2_000_000 // max(1, int(size.sum())), 2, 32))  # draws each region holds
            # One neighbourhood draws straight from its generator (nothing to gather): no buffer.
            capacity = size * blocks + 64 if self.k > 1 else np.zeros(1, dtype=np.int64)
            self._capacity[name] = capacity
            self._offset[name] = np.concatenate([[0], np.cumsum(capacity)])
            self._buffers[name] = np.empty(int(capacity.sum()), np.float32)
            self._pos[name] = capacity.copy()  # nothing drawn ahead yet
            self._used[name] = np.zeros(self.k, dtype=np.int64)

    def drawn(self, name: str) -> np.ndarray:
        """(K,): how many numbers each neighbourhood has taken from stream ``name`` so far."""
        return self._used[name].copy()

    def generator(self, name: str, k: int) -> np.random.Generator:
        """Neighbourhood ``k``'s generator of a direct stream."""
        if name not in DIRECT:
            raise ValueError(f"stream {name!r} is buffered: draw from it with uniform()")
        return self.generators[name][k]

    def _refill(self, name: str, k: int) -> None:
        """Move neighbourhood ``k``'s numbers not yet used to the front of its region; draw the rest."""
        buffer, pos = self._buffers[name], self._pos[name]
        start, capacity = int(self._offset[name][k]), int(self._capacity[name][k])
        left = capacity - int(pos[k])
        buffer[start:start + left] = buffer[start + int(pos[k]):start + capacity]
        buffer[start + left:start + capacity] = self.generators[name][k].random(capacity - left, dtype=np.float32)
        pos[k] = 0

    def uniform(self, name: str, counts: np.ndarray | Sequence[int]) -> np.ndarray:
        """``counts[k]`` uniform [0, 1) float32 numbers from neighbourhood k's stream ``name``, concatenated."""
        counts = np.asarray(counts, dtype=np.int64)
        pos, capacity = self._pos[name], self._capacity[name]
        self._used[name] += counts
        if self.k == 1:  # one neighbourhood: straight from its generator (the same numbers; no buffer, see plan)
            return self.generators[name][0].random(int(counts[0]), dtype=np.float32)
        if (counts > capacity).any():
            return self._uniform_large(name, counts)
        for k in np.flatnonzero(pos + counts > capacity):
            self._refill(name, int(k))
        out = _gather(self._buffers[name], self._offset[name][:-1] + pos, counts)
        pos += counts
        return out

    def _uniform_large(self, name: str, counts: np.ndarray) -> np.ndarray:
        """A draw larger than a buffer: what is left in the buffer, then straight from the generator (the same
        sequence), leaving the buffer empty."""
        parts = []
        pos, capacity, offset = self._pos[name], self._capacity[name], self._offset[name]
        for k, c in enumerate(counts.tolist()):
            if c == 0:
                continue
            left = int(capacity[k] - pos[k])
            if c <= left:
                parts.append(self._buffers[name][offset[k] + pos[k]:offset[k] + pos[k] + c].copy())
                pos[k] += c
                continue
            head = self._buffers[name][offset[k] + pos[k]:offset[k + 1]]
            parts.append(np.concatenate([head, self.generators[name][k].random(c - left, dtype=np.float32)]))
            pos[k] = capacity[k]
        return np.concatenate(parts) if parts else np.empty(0, np.float32)

    def uniform_over(self, name: str, segments: Segments, active: np.ndarray | None = None) -> np.ndarray:
        """One number per entry of ``segments`` (per household, or per site) from each neighbourhood's
        stream; neighbourhoods not ``active`` draw nothing and get 2.0 (above any probability)."""
        if active is None or active.all():
            return self.uniform(name, segments.sizes)
        out = np.full(segments.n, 2.0, dtype=np.float32)
        out[active[segments.of]] = self.uniform(name, segments.sizes * active)
        return out

    def uniform_each(self, name: str, active: np.ndarray) -> np.ndarray:
        """(K,): one number for each ``active`` neighbourhood (2.0 for the others)."""
        out = np.full(self.k, 2.0)
        out[active] = self.uniform(name, active.astype(np.int64))
        return out


@numba.njit(cache=True, nogil=True)
def _gather(buffer: np.ndarray, first: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """``counts[k]`` entries of ``buffer`` from ``first[k]`` on, for each k, concatenated."""
    out = np.empty(counts.sum(), dtype=buffer.dtype)
    at = 0
    for k in range(len(counts)):
        out[at:at + counts[k]] = buffer[first[k]:first[k] + counts[k]]
        at += counts[k]
    return out


def segment_top(keys: np.ndarray, segment: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """Positions (into ``keys``) of the ``limit[s]`` smallest keys within each segment ``s`` (``segment``:
    each key's segment, ascending, so each segment's keys are contiguous); all of a segment's positions if it
    has no more than its limit; ties go to the earlier position. Sorted ascending."""
    if len(keys) == 0:
        return np.zeros(0, dtype=np.int64)
    bounds = np.searchsorted(segment, np.arange(len(limit) + 1))
    return _segment_top(np.asarray(keys, dtype=np.float64), bounds, np.asarray(limit, dtype=np.int64))


@numba.njit(cache=True, nogil=True)
def _before(key: float, pos: int, other_key: float, other_pos: int) -> bool:
    """Whether (key, pos) comes before (other_key, other_pos): smaller key, ties to the earlier position."""
    return key < other_key or (key == other_key and pos < other_pos)


@numba.njit(cache=True, nogil=True)
def _sift_down(heap_key: np.ndarray, heap_pos: np.ndarray, size: int, i: int) -> None:
    """Restore the max-heap (by key, then position) below entry ``i``."""
    while True:
        largest, left = i, 2 * i + 1
        for child in (left, left + 1):
            if child < size and _before(heap_key[largest], heap_pos[largest], heap_key[child], heap_pos[child]):
                largest = child
        if largest == i:
            return
        heap_key[i], heap_key[largest] = heap_key[largest], heap_key[i]
        heap_pos[i], heap_pos[largest] = heap_pos[largest], heap_pos[i]
        i = largest


@numba.njit(cache=True, nogil=True)
def _keep_smallest_by_heap(keys: np.ndarray, a: int, b: int, limit: int, keep: np.ndarray) -> None:
    """Mark in ``keep`` the ``limit`` smallest of ``keys[a:b]`` (ties to the earlier position), holding the
    best so far in a max-heap: one comparison for most keys when the limit is small against the segment."""
    heap_key, heap_pos = keys[a:a + limit].copy(), np.arange(a, a + limit)
    for i in range(limit // 2 - 1, -1, -1):
        _sift_down(heap_key, heap_pos, limit, i)
    for j in range(a + limit, b):
        if keys[j] < heap_key[0]:  # a later position loses a tie: only a smaller key enters
            heap_key[0], heap_pos[0] = keys[j], j
            _sift_down(heap_key, heap_pos, limit, 0)
    for t in range(limit):
        keep[heap_pos[t]] = True


@numba.njit(cache=True, nogil=True)
def _segment_top(keys: np.ndarray, bounds: np.ndarray, limit: np.ndarray) -> np.ndarray:
    keep = np.zeros(len(keys), dtype=np.bool_)
    for s in range(len(limit)):
        a, b = bounds[s], bounds[s + 1]
        if b - a <= limit[s]:
            keep[a:b] = True
        elif 0 < limit[s] and 16 * limit[s] < b - a:
            _keep_smallest_by_heap(keys, a, b, limit[s], keep)
        elif limit[s] > 0:  # the limit smallest, ties to the earlier position (as a stable sort takes them)
            kth = select(keys[a:b].copy(), limit[s] - 1)
            taken = 0
            for j in range(a, b):
                if keys[j] < kth:
                    keep[j] = True
                    taken += 1
            for j in range(a, b):
                if taken >= limit[s]:
                    break
                if keys[j] == kth:
                    keep[j] = True
                    taken += 1
    return np.flatnonzero(keep)


class _Section:
    def __init__(self, columns: SimpleNamespace, segments: Segments, dense: bool = False) -> None:
        self._columns, self._segments, self._dense = columns, segments, dense

    def __getattr__(self, key: str) -> np.ndarray:
        value = expand(getattr(self._columns, key), self._segments)
        if self._dense:
            value = np.ascontiguousarray(value)
        setattr(self, key, value)  # cached: parameters do not change during a run
        return value

    @property
    def dense(self) -> _Section:
        """The same values as contiguous arrays, for compiled kernels (which loop slower over a view of one
        value than over memory)."""
        if self._dense or self._segments.k > 1:  # already contiguous
            return self
        if "_dense_section" not in self.__dict__:
            self._dense_section = _Section(self._columns, self._segments, dense=True)
        return self._dense_section


class PerEntry:
    """Every parameter as one value per entry of ``segments``: ``per_household.behaviour.weight_time`` is
    (households,). Computed on first use and kept (parameters are fixed during a run)."""

    def __init__(self, columns: ParamColumns, segments: Segments) -> None:
        for section in SECTIONS:
            setattr(self, section, _Section(getattr(columns, section), segments))
