"""domain.intervals: the one union and free-gap arithmetic behind scheduling, figures,
shared availability and free/busy."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from flowday.domain.intervals import Interval, gaps, merge

DAY = 1440
spans = st.lists(
    st.tuples(st.integers(0, DAY), st.integers(0, DAY)).map(lambda p: (min(p), max(p))),
    max_size=12,
)


def covered(intervals: list[Interval]) -> set[int]:
    """The minutes the intervals cover (end exclusive)."""
    return {m for start, end in intervals for m in range(start, end)}


def test_merge_joins_overlapping_and_touching_intervals_in_time_order() -> None:
    assert merge([(600, 660), (540, 600), (700, 720), (710, 730)]) == [(540, 660), (700, 730)]


def test_merge_leaves_out_empty_intervals() -> None:
    assert merge([(600, 600), (700, 650)]) == []
    assert merge([]) == []


def test_merge_keeps_a_contained_interval_inside_its_container() -> None:
    assert merge([(480, 1020), (540, 600)]) == [(480, 1020)]


def test_gaps_are_the_uncovered_parts_of_the_range_clipped_to_it() -> None:
    busy = [(420, 540), (600, 660), (1000, 1200)]
    assert gaps(busy, 480, 1080) == [(540, 600), (660, 1000)]


def test_gaps_of_an_empty_day_is_the_whole_range() -> None:
    assert gaps([], 480, 1260) == [(480, 1260)]
    assert gaps([], 600, 600) == []


def test_gaps_shorter_than_min_length_are_left_out() -> None:
    busy = [(540, 600), (610, 700)]
    assert gaps(busy, 480, 720, min_length=15) == [(480, 540), (700, 720)]
    assert gaps(busy, 480, 720) == [(480, 540), (600, 610), (700, 720)]


def test_busy_intervals_outside_the_range_leave_it_free() -> None:
    assert gaps([(0, 60), (1300, 1440)], 480, 1260) == [(480, 1260)]


@given(spans)
def test_property_merged_intervals_are_sorted_disjoint_and_cover_exactly_the_union(
    intervals: list[Interval],
) -> None:
    merged = merge(intervals)
    assert all(start < end for start, end in merged)
    # strictly apart: touching intervals would have been joined
    assert all(a_end < b_start for (_, a_end), (b_start, _) in pairwise(merged))
    assert covered(merged) == covered(intervals)


@given(spans, st.integers(0, DAY), st.integers(0, DAY))
def test_property_gaps_and_busy_partition_the_range(
    busy: list[Interval], start: int, end: int
) -> None:
    free = gaps(busy, start, end)
    window = set(range(start, end))
    assert all(start <= a < b <= end for a, b in free)
    assert all(a_end < b_start for (_, a_end), (b_start, _) in pairwise(free))
    assert covered(free) & covered(busy) == set()
    assert covered(free) | (covered(busy) & window) == window


@given(spans, st.integers(0, DAY), st.integers(0, DAY), st.integers(0, 120))
def test_property_min_length_only_drops_short_gaps(
    busy: list[Interval], start: int, end: int, min_length: int
) -> None:
    assert gaps(busy, start, end, min_length) == [
        (a, b) for a, b in gaps(busy, start, end) if b - a >= min_length
    ]
