"""Transitions: switches between work and personal, their gaps, and the buffers a mode keeps."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from flowday.domain.charts import heatmap
from flowday.domain.model import Sphere
from flowday.domain.modes import BALANCE, INTEGRATION
from flowday.domain.rules import count_switches, day_switches, evaluate
from flowday.domain.transitions import PERSONAL_TO_WORK, WORK_TO_PERSONAL, Buffers, find_switches

from ..rules.days import FALL_BACK, block, day


def test_switches_have_direction_gap_and_abruptness() -> None:
    blocks = [
        block("09:00-12:00", "work"),
        block("12:00-12:30", "personal"),  # abrupt
        block("12:40-13:00", "work"),  # 10 minutes before work
    ]
    found = find_switches(blocks, INTEGRATION.buffers)
    assert [s.direction for s in found] == [WORK_TO_PERSONAL, PERSONAL_TO_WORK]
    assert [(s.at, s.gap, s.abrupt) for s in found] == [(720, 0, True), (760, 10, False)]
    # three hours of work is a long run: 15 minutes after it; 5 before work
    assert [(s.required, s.kept) for s in found] == [(15, False), (5, True)]


def test_a_break_never_ends_a_sphere_and_counts_as_buffer() -> None:
    blocks = [
        block("09:00-12:00", "work"),
        block("12:00-13:00", "break"),
        block("13:00-17:00", "work"),  # no switch: lunch does not end work
        block("17:00-17:20", "break"),  # the walk home lies in the gap
        block("17:20-19:00", "personal"),
    ]
    [switch] = find_switches(blocks, BALANCE.buffers)
    assert (switch.left.start, switch.at, switch.gap, switch.kept) == (780, 1040, 20, True)
    assert switch.run_work == 7 * 60


def test_balance_keeps_its_fifteen_minutes_after_work_and_nothing_before() -> None:
    assert BALANCE.buffers == Buffers(after_work=15)
    ctx = day(block("07:30-08:50", "personal"), block("09:00-17:00"),
              block("17:10-18:00", "personal"))  # fmt: skip
    [warning] = [v for v in evaluate(ctx) if v.rule == "transition-buffer"]
    assert "Only 10m between work" in warning.message and "at least 15m" in warning.message
    assert warning.amount == 5


def test_integration_warns_at_an_abrupt_switch_either_way() -> None:
    ctx = day(block("09:00-10:00", "personal"), block("10:00-11:00"), mode="integration")
    [warning] = [v for v in evaluate(ctx) if v.rule == "transition-buffer"]
    assert "from home to work" in warning.message and warning.amount == 5


def test_a_long_work_run_asks_for_more_than_a_short_one() -> None:
    buffers = INTEGRATION.buffers
    assert buffers.required(Sphere.WORK, 60) == 5
    assert buffers.required(Sphere.WORK, 120) == 15
    assert buffers.required(Sphere.PERSONAL, 600) == 5
    assert "15m after 2h+ of work" in buffers.describe()


def test_gaps_are_real_minutes_on_a_dst_day() -> None:
    # 02:00-03:00 happens twice on FALL_BACK: the wall-clock hour is two real hours
    ctx = day(block("01:00-02:00"), block("03:00-04:00", "personal"), date=FALL_BACK,
              working_day=True)  # fmt: skip
    [switch] = day_switches(ctx)
    assert switch.gap == 120


SPHERES = st.sampled_from(list(Sphere))


def clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@st.composite
def days(draw: st.DrawFn) -> list:
    """Blocks that do not overlap (the no-overlap rule's job), some touching."""
    blocks, cursor = [], draw(st.integers(0, 12)) * 5
    for _ in range(draw(st.integers(0, 8))):
        length = draw(st.integers(1, 24)) * 5
        if cursor + length > 1440:
            break
        blocks.append(block(f"{clock(cursor)}-{clock(cursor + length)}", draw(SPHERES).value))
        cursor += length + draw(st.sampled_from([0, 0, 5, 10, 15, 30, 60]))
    return blocks


@settings(max_examples=30, deadline=None)
@given(days(), st.integers(0, 60), st.integers(0, 60), st.integers(0, 90), st.integers(0, 300))
def test_switch_properties(blocks, after, before, after_long, long_work) -> None:
    buffers = Buffers(after, before, after_long, long_work)
    found = find_switches(blocks, buffers)
    spheres = [b.sphere for b in blocks if b.sphere is not Sphere.BREAK]
    # one switch per change of sphere, breaks aside (the max-switches rule counts the same)
    assert len(found) == sum(1 for a, b in itertools.pairwise(spheres) if a != b)
    assert count_switches(blocks) == len(found)
    for switch in found:
        assert switch.left.sphere is not switch.entered.sphere
        assert Sphere.BREAK not in (switch.left.sphere, switch.entered.sphere)
        assert switch.gap == max(0, switch.entered.start - switch.left.end)
        assert switch.abrupt == (switch.gap == 0)
        assert switch.kept == (switch.gap >= switch.required)
        assert switch.required >= (after if switch.leaving is Sphere.WORK else before)
        # no block of either sphere lies inside the gap (a break may)
        assert not any(
            b.sphere is not Sphere.BREAK and b.start < switch.at and b.end > switch.left.end
            for b in blocks
            if b not in (switch.left, switch.entered)
        )
    # switches come in time order and alternate direction
    assert [s.at for s in found] == sorted(s.at for s in found)
    assert all(a.direction != b.direction for a, b in itertools.pairwise(found))


def test_the_intrusion_heatmap_is_plain_text_day_by_hour() -> None:
    counts = [0] * 24
    counts[19], counts[20] = 1, 5
    lines = heatmap([("Wed 25", counts), ("Thu 26", [0] * 24)])
    assert lines[0].split() == ["0", "3", "6", "9", "12", "15", "18", "21"]
    assert lines[1] == f"{'Wed 25':<10}{'··' * 19}░░██{'··' * 3}"
    assert set(lines[2][10:]) == {"·"} and len(lines[2]) == 10 + 48
    assert lines[-1].endswith("█ 4+") and all(len(line) <= 78 for line in lines)
    assert heatmap([]) == []
