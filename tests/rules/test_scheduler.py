"""The scheduler: earliest allowed slots, soft rules respected where possible, reasons for
what does not fit — and, whatever the day, never a hard violation."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from flowday.domain import intervals, scheduler
from flowday.domain.frozen import replace
from flowday.domain.model import Block, Sphere
from flowday.domain.rules import evaluate, new_hard_violations
from flowday.domain.scheduler import Request, place

from .days import SATURDAY, SPRING_FORWARD, WEDNESDAY, block, day


def task(minutes: int, sphere: str = "work", title: str = "Task", task_id: str = "") -> Request:
    template = Block(
        id=task_id or f"t-{title}", date=WEDNESDAY, start=0, end=min(minutes, 1440),
        title=title, sphere=Sphere(sphere), flexible=True,
    )  # fmt: skip
    return Request(template, minutes)


def spans(outcome) -> list[str]:
    return [b.span for _, b in outcome.placed]


def test_balance_puts_work_in_the_window_earliest_first() -> None:
    ctx = day(block("09:00-10:00", title="Standup"))
    outcome = place(ctx, [task(60, title="A"), task(30, title="B")], earliest=420, latest=1320)
    assert spans(outcome) == ["10:00-11:00", "11:00-11:30"]


def test_balance_puts_personal_time_in_the_evening_after_the_buffer() -> None:
    ctx = day(block("09:00-17:00", title="Work"))
    outcome = place(ctx, [task(60, "personal", "Gym")], earliest=420, latest=1320)
    # 07:00 would leave the evening unplanned (a soft rule); 17:00 would skip the buffer
    assert spans(outcome) == ["17:15-18:15"]


def test_integration_may_weave_personal_time_into_the_window() -> None:
    ctx = day(block("09:00-12:00", title="Work"), mode="integration")
    outcome = place(ctx, [task(60, "personal", "Errand")], earliest=420, latest=1320)
    assert spans(outcome) == ["07:00-08:00"]
    outcome = place(ctx, [task(60, "personal", "Errand")], earliest=540, latest=1320)
    # after three hours of work, integration keeps 15 minutes free before personal time
    assert spans(outcome) == ["12:15-13:15"]


def test_integration_takes_a_break_before_a_long_stretch() -> None:
    ctx = day(block("09:00-11:00"), mode="integration")
    outcome = place(ctx, [task(90)], earliest=540, latest=1320)
    # right after 11:00 would make a 3h30 stretch: the scheduler leaves a 10-minute break
    assert spans(outcome) == ["11:10-12:40"]


def test_a_task_that_does_not_fit_says_which_rule_and_how_much_room_is_missing() -> None:
    ctx = day(block("09:00-12:00"), block("12:30-17:00"))
    outcome = place(ctx, [task(45, title="Report")], earliest=420, latest=1320)
    ((request, reason),) = outcome.unplaced
    assert request.template.title == "Report"
    assert reason.startswith("work-inside-window:")
    assert "the longest slot that fits is 30m, 15m short" in reason


def test_no_work_is_planned_on_a_day_off() -> None:
    outcome = place(day(date=SATURDAY), [task(30)], earliest=420, latest=1320)
    assert outcome.placed == [] and outcome.unplaced[0][1].startswith("no-work-on-days-off:")


def test_a_full_day_is_reported_as_no_free_slot() -> None:
    ctx = day(block("07:00-22:00", "personal"), mode="integration")
    (unplaced,) = place(ctx, [task(30)], earliest=420, latest=1320).unplaced
    assert unplaced[1].startswith("no-overlap: no free slot of 30m between 07:00-22:00")


def test_prefer_places_nearest_the_old_start() -> None:
    ctx = day(block("09:00-10:00"), block("10:30-17:00"))
    moved = place(ctx, [replace(task(30), prefer=16 * 60)], earliest=420, latest=1320)
    assert spans(moved) == ["10:00-10:30"]


def test_a_dst_day_gets_real_minutes() -> None:
    ctx = day(mode="integration", date=SPRING_FORWARD, working_day=True, window="00:00-09:00")
    outcome = place(ctx, [task(120, "personal")], earliest=60, latest=600)
    (block_placed,) = [b for _, b in outcome.placed]
    assert block_placed.span == "01:00-04:00"  # two real hours across the skipped one


SPHERES = st.sampled_from(["work", "personal", "break"])


@st.composite
def days_and_tasks(draw):
    mode = draw(st.sampled_from(["balance", "integration"]))
    working = draw(st.booleans())
    existing = []
    for index in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, 22 * 12)) * 5
        length = draw(st.integers(1, 24)) * 5
        existing.append(
            Block(id=f"e{index}", date=WEDNESDAY, start=start, end=min(start + length, 1440),
                  title="Fixed", sphere=Sphere(draw(SPHERES)), flexible=draw(st.booleans()))
        )  # fmt: skip
    requests = [
        task(draw(st.integers(1, 36)) * 5, draw(SPHERES), task_id=f"t{index}")
        for index in range(draw(st.integers(1, 5)))
    ]
    return day(*existing, mode=mode, working_day=working), requests


@settings(max_examples=60, deadline=None)
@given(days_and_tasks())
def test_the_scheduler_never_adds_a_hard_violation(case) -> None:
    ctx, requests = case
    outcome = place(ctx, requests, earliest=420, latest=1320)
    before = evaluate(ctx)
    after = evaluate(replace(ctx, blocks=outcome.blocks))
    assert new_hard_violations(before, after) == []
    # no placement takes away a buffer a switch keeps, or makes a missing one worse
    unbuffered = {v.key(): v.amount for v in before if v.rule == "transition-buffer"}
    for violation in after:
        if violation.rule == "transition-buffer":
            assert violation.amount <= unbuffered.get(violation.key(), 0), violation.message
    assert len(outcome.placed) + len(outcome.unplaced) == len(requests)
    for request, placed in outcome.placed:
        assert placed.id == request.template.id and 420 <= placed.start < placed.end <= 1320
    for _, reason in outcome.unplaced:
        assert reason.split(":")[0] in {v.rule for v in after} | {
            "no-overlap", "work-inside-window", "personal-outside-window", "no-work-on-days-off",
            "work-outside-limit", "max-work", "protected-off-time", "transition-buffer",
        }  # fmt: skip


def test_a_placement_keeps_the_buffer_before_personal_time_free() -> None:
    # work until 12:00, lunch with family from 12:30: a 25-minute work task would fit at
    # 12:00 but leave only 5 minutes to switch; the scheduler keeps the seam free
    ctx = day(block("09:00-12:00"), block("12:30-13:30", "personal"), mode="integration")
    outcome = place(ctx, [task(25, title="Mail")], earliest=720, latest=900)
    assert spans(outcome) == ["13:35-14:00"]
    outcome = place(ctx, [task(25, title="Mail")], earliest=720, latest=780)
    assert outcome.unplaced[0][1].startswith("transition-buffer: Only")


@st.composite
def tight_days(draw):
    """Blocks of both spheres with short gaps between them: the gaps are where buffers
    live, and tasks small enough to fit in them."""
    existing, cursor = [], 9 * 60
    for index in range(draw(st.integers(1, 6))):
        length = draw(st.integers(2, 18)) * 5
        sphere = draw(st.sampled_from(["work", "personal"]))
        existing.append(
            Block(
                id=f"e{index}",
                date=WEDNESDAY,
                start=cursor,
                end=cursor + length,
                title="Fixed",
                sphere=Sphere(sphere),
            )
        )
        cursor += length + draw(st.integers(0, 8)) * 5
    requests = [
        task(draw(st.integers(1, 6)) * 5, draw(SPHERES), task_id=f"t{index}")
        for index in range(draw(st.integers(2, 6)))
    ]
    return day(*existing, mode="integration", window="07:00-21:00"), requests, cursor


@settings(max_examples=20, deadline=None, derandomize=True)
@given(tight_days())
def test_no_placement_ever_removes_a_required_buffer(case) -> None:
    ctx, requests, end = case
    outcome = place(ctx, requests, earliest=9 * 60, latest=end)
    before = {v.key(): v.amount for v in evaluate(ctx) if v.rule == "transition-buffer"}
    for violation in evaluate(replace(ctx, blocks=outcome.blocks)):
        if violation.rule == "transition-buffer":
            assert violation.amount <= before.get(violation.key(), 0), violation.message


def test_nothing_is_placed_after_the_planning_hours() -> None:
    outcome = place(day(), [task(30)], earliest=22 * 60 + 5, latest=22 * 60)
    assert outcome.placed == []
    assert outcome.unplaced[0][1] == "no time left: planning ends at 22:00"


def test_a_task_too_long_for_the_window_names_the_window_not_the_gaps() -> None:
    ctx = day(block("09:00-10:00", title="Standup"))
    (unplaced,) = place(ctx, [task(9 * 60, title="Marathon")], earliest=420, latest=1320).unplaced
    assert unplaced[1].startswith("work-inside-window:")
    assert "the longest slot that fits is 7h, 2h short" in unplaced[1]


# --- the fast scheduler places exactly what the plain one would ------------------------------


def reference_place(ctx, requests, earliest, latest):
    """The placement the scheduler's docstring describes, done the plain way: for each
    request every candidate evaluated on the whole day with every rule, the fewest soft
    violations winning (then the order of preference); the reason from a fresh day."""
    blocks, placed, unplaced = list(ctx.blocks), {}, {}
    for request in requests:
        current = ctx.with_blocks(tuple(blocks))
        before = evaluate(current)
        points = scheduler._points(current) | ({request.prefer} - {None})
        minutes, found = request.minutes, {}
        for gap_start, gap_end in intervals.gaps(
            [(b.start, b.end) for b in blocks], earliest, latest
        ):
            if gap_end - gap_start < minutes // 2:
                continue
            grid = range(-(-gap_start // scheduler.GRID) * scheduler.GRID, gap_end, scheduler.GRID)
            starts = {gap_start, *grid, *points, *(p - minutes for p in points), gap_end - minutes}
            for start in starts:
                if gap_start <= start < gap_end and start not in found:
                    end = scheduler._fit(current, start, minutes)
                    if end is not None and end <= gap_end:
                        found[start] = end
        prefer = request.prefer
        ordered = sorted(
            found.items(), key=lambda s: (0 if prefer is None else abs(s[0] - prefer), s[0])
        )
        options = []
        for rank, (start, end) in enumerate(ordered):
            candidate = scheduler._at(request.template, current, start, end)
            after = evaluate(current.with_blocks((*blocks, candidate)))
            if not new_hard_violations(before, after):
                options.append((sum(1 for v in after if not v.is_hard), rank, candidate))
        if options:
            chosen = min(options, key=lambda option: option[:2])[2]
            blocks.append(chosen)
            placed[request.template.id] = chosen.span
        else:
            fresh = scheduler._State(current, earliest, latest)
            unplaced[request.template.id] = scheduler._explained(fresh, request)
    return placed, unplaced


@st.composite
def days_and_alike_tasks(draw):
    """Days as above, and tasks of few shapes (the same sphere and length, other titles),
    so the answers the scheduler keeps per shape are asked again."""
    ctx, _ = draw(days_and_tasks())
    requests = []
    for index in range(draw(st.integers(1, 6))):
        minutes = draw(st.sampled_from([30, 60, 95, 240]))
        prefer = draw(st.none() | st.integers(0, 23 * 12).map(lambda n: n * 5))
        request = task(minutes, draw(SPHERES), title=f"Task {index}", task_id=f"t{index}")
        requests.append(replace(request, prefer=prefer))
    return ctx, requests


@settings(max_examples=20, deadline=None)
@given(days_and_alike_tasks())
def test_the_scheduler_places_what_the_plain_placement_would(case) -> None:
    ctx, requests = case
    outcome = place(ctx, requests, earliest=420, latest=1320)
    placed = {request.template.id: block.span for request, block in outcome.placed}
    unplaced = {request.template.id: reason for request, reason in outcome.unplaced}
    assert (placed, unplaced) == reference_place(ctx, requests, 420, 1320)
