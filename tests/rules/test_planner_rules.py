"""The planner with the full engine: enforcement, forced crossings, working hours, mode
switching with and without the fix, auto-scheduling, and the article's scenarios."""

from __future__ import annotations

import fcntl
import tempfile
from pathlib import Path

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flowday.application.intrusions import log_intrusion
from flowday.application.planner import Planner
from flowday.config import from_mapping
from flowday.domain.clock import FixedClock
from flowday.domain.errors import InputError, RefusedError
from flowday.domain.model import Sphere
from flowday.store import Store

WED = pendulum.date(2026, 11, 25)  # the fixture's today (10:00)
THU = pendulum.date(2026, 11, 26)
SAT = pendulum.date(2026, 11, 28)
NOW = pendulum.datetime(2026, 11, 25, 10, 0, tz="Europe/Berlin")


def add(planner: Planner, date, span: str, sphere: str, title: str = "x", **kw):
    start, end = (int(p[:2]) * 60 + int(p[3:]) for p in span.split("-"))
    return planner.add_block(
        date, title=title, start=start, end=end, sphere=Sphere(sphere), **kw
    ).block


def rules(violations) -> set[str]:
    return {v.rule for v in violations}


# --- enforcement -----------------------------------------------------------------------------


def test_a_fixed_nine_to_five_is_clean_in_balance(planner: Planner) -> None:
    add(planner, THU, "09:00-12:00", "work", "Deep work")
    add(planner, THU, "12:00-12:45", "break", "Lunch")
    add(planner, THU, "12:45-17:00", "work", "Meetings")
    add(planner, THU, "18:00-19:30", "personal", "Dinner with friends")
    day, violations = planner.check(THU)
    assert planner.mode_of(day) == "balance" and violations == []


def test_a_midday_appointment_is_refused_in_balance_and_fine_in_integration(planner) -> None:
    with pytest.raises(RefusedError, match="overlaps your work window"):
        add(planner, THU, "12:30-13:15", "personal", "Doctor")
    assert planner.store.blocks_on(THU) == []  # nothing stored
    planner.set_mode(THU, "integration")
    add(planner, THU, "12:30-13:15", "personal", "Doctor")
    assert rules(planner.check(THU)[1]) == set()


def test_a_forced_crossing_is_recorded_on_the_day(planner: Planner) -> None:
    kids = add(planner, THU, "15:30-16:30", "personal", "Pick up the children", force=True)
    day, violations = planner.check(THU)
    (crossing,) = day.crossings
    assert (crossing.rule, crossing.block) == ("personal-outside-window", kids.id)
    assert "Pick up the children" in crossing.message
    assert "personal-outside-window" in rules(violations)  # still reported, not hidden
    assert planner.figures(THU).crossings == 1


def test_a_few_emails_in_the_evening(planner: Planner) -> None:
    with pytest.raises(RefusedError) as refused:
        add(planner, THU, "20:00-20:20", "work", "Emails")
    assert "Work block 'Emails' 20:00-20:20 is outside your work window 09:00-17:00" in str(
        refused.value
    )
    planner.set_mode(THU, "integration")
    add(planner, THU, "20:00-20:20", "work", "Emails")
    with pytest.raises(RefusedError) as refused:
        add(planner, THU, "21:30-21:35", "work", "More emails")
    assert rules(refused.value.violations) == {"protected-off-time"}


def test_a_weekend_work_block(planner: Planner) -> None:
    with pytest.raises(RefusedError, match="day off"):
        add(planner, SAT, "10:00-12:00", "work", "Deck")
    add(planner, SAT, "10:00-12:00", "work", "Deck", force=True)
    assert planner.store.day(SAT).crossings[0].rule == "no-work-on-days-off"


def test_a_ten_hour_integration_day(planner: Planner) -> None:
    planner.set_mode(THU, "integration")
    planner.set_hours(THU, 8 * 60, 18 * 60)  # a long window, so only the day's total counts
    add(planner, THU, "08:00-12:00", "work")
    add(planner, THU, "12:30-16:30", "work")
    with pytest.raises(RefusedError, match="8h20 of work planned; integration allows at most 8h"):
        add(planner, THU, "16:40-17:00", "work")
    add(planner, THU, "16:40-18:40", "work", force=True)  # a 10-hour day, on purpose
    assert planner.figures(THU).work == 600 and planner.store.day(THU).crossings


def test_a_long_stretch_without_breaks_warns_but_is_allowed(planner: Planner) -> None:
    planner.set_mode(THU, "integration")
    add(planner, THU, "09:00-11:00", "work")
    result = planner.add_block(THU, title="y", start=660, end=780, sphere=Sphere.WORK)
    assert "max-stretch" in rules(result.warnings) and result.crossed == []


def test_editing_an_unrelated_title_on_a_crossed_day_is_not_refused(planner: Planner) -> None:
    emails = add(planner, THU, "20:00-20:20", "work", "Emails", force=True)
    planner.edit_block(emails.id, title="Emails (short)")
    with pytest.raises(RefusedError):
        planner.edit_block(emails.id, end=21 * 60)  # worse: more work outside


# --- working hours -----------------------------------------------------------------------------


def test_balance_keeps_fixed_hours_unless_forced(planner: Planner) -> None:
    with pytest.raises(RefusedError, match="fixed working hours"):
        planner.set_hours(THU, 600, 1110)
    assert planner.window_of(planner.store.day(THU)) == (540, 1020)
    result = planner.set_hours(THU, 600, 1110, force=True)
    assert [v.rule for v in result.crossed] == ["fixed-hours"]
    day = planner.store.day(THU)
    assert planner.window_of(day) == (600, 1110) and day.crossings[0].rule == "fixed-hours"


def test_integration_moves_the_window_to_fit_life(planner: Planner) -> None:
    planner.set_mode(THU, "integration")
    result = planner.set_hours(THU, 600, 1110)
    assert result.crossed == [] and planner.window_of(planner.store.day(THU)) == (600, 1110)
    planner.set_hours(THU, None, None)
    assert planner.store.day(THU).work_start is None


def test_bad_hours_are_input_errors(planner: Planner) -> None:
    with pytest.raises(InputError):
        planner.set_hours(THU, 600, None)
    with pytest.raises(InputError):
        planner.set_hours(THU, 700, 600)


# --- modes -------------------------------------------------------------------------------------


def test_modes_lists_builtins_and_config_modes(store, clock) -> None:
    config = from_mapping({"timezone": "Europe/Berlin", "modes": {"hybrid": {"rules": {}}}})
    assert Planner(store, config, clock).modes() == ["balance", "integration", "hybrid"]


def test_unknown_mode_is_an_input_error(planner: Planner) -> None:
    with pytest.raises(InputError, match="unknown mode 'holiday'"):
        planner.set_mode(THU, "holiday")


def test_switching_records_history_and_proposes_without_writing(planner: Planner) -> None:
    planner.set_mode(THU, "integration")
    add(planner, THU, "12:30-13:00", "personal", "Errand", flexible=True)
    add(planner, THU, "15:30-16:30", "personal", "Children")
    before = planner.store.blocks_on(THU)
    proposal = planner.propose_mode(THU, "balance")
    assert planner.store.blocks_on(THU) == before
    assert planner.mode_of(planner.store.day(THU)) == "integration"
    assert {"personal-outside-window"} <= rules(proposal.violations)
    ((old, new),) = proposal.moves
    assert old.title == "Errand" and not (540 <= new.start < 1020)
    ((stuck, reason),) = proposal.unfixable
    assert stuck.title == "Children" and reason.startswith("fixed block, never moved")
    switches = planner.store.day(THU).mode_switches
    assert [(s.from_mode, s.to_mode) for s in switches] == [("balance", "integration")]


def test_the_fix_moves_flexible_blocks_and_leaves_fixed_ones(planner: Planner) -> None:
    planner.set_mode(THU, "integration")
    errand = add(planner, THU, "12:30-13:00", "personal", "Errand", flexible=True)
    kids = add(planner, THU, "15:30-16:30", "personal", "Children")
    result = planner.set_mode(THU, "balance", fix=True)
    assert result.fixed and result.switched
    after = {b.id: b for b in planner.store.blocks_on(THU)}
    assert after[kids.id] == kids
    assert after[errand.id].span == result.moves[0][1].span != errand.span
    assert rules(planner.check(THU)[1]) & {"personal-outside-window"} == {
        "personal-outside-window"
    }  # only the fixed block still crosses
    remaining = [v for v in planner.check(THU)[1] if v.is_hard]
    assert all(v.blocks == (kids.id,) for v in remaining)


def test_switching_a_week_to_integration_and_back_changes_no_block(planner: Planner) -> None:
    week = [WED.add(days=n) for n in range(7)]
    for date in week:
        add(planner, date, "06:00-07:00", "personal", "Run", force=True)
        add(planner, date, "10:00-11:00", "work", "Focus", flexible=True, force=True)
    before = {d: planner.store.blocks_on(d) for d in week}
    for date in week:
        planner.set_mode(date, "integration")
    for date in week:
        planner.set_mode(date, "balance")
    assert {d: planner.store.blocks_on(d) for d in week} == before
    assert all(len(planner.store.day(d).mode_switches) == 2 for d in week)


# --- auto-scheduling ---------------------------------------------------------------------------


def test_plan_places_by_priority_and_empties_the_inbox(planner: Planner) -> None:
    low = planner.add_task("Tidy up 30m", priority=3)
    high = planner.add_task("Report 1h", priority=1)
    gym = planner.add_task("Gym 1h #personal")
    result = planner.plan(THU)
    placed = {t.id: b for t, b in result.placed}
    assert placed[high.id].span == "09:00-10:00" and placed[low.id].span == "10:00-10:30"
    assert placed[gym.id].start >= 17 * 60 and all(b.flexible for b in placed.values())
    assert planner.store.tasks() == []
    assert {b.id for b in planner.store.blocks_on(THU)} == {b.id for b in placed.values()}


@pytest.mark.parametrize(
    ("evening", "expected"),
    [
        (None, "17:15-17:35"),  # right after work and its 15-minute transition buffer
        ("18:00-21:00", "17:15-17:35"),  # evening personal time already planned: still before it
        ("17:15-22:00", "08:40-09:00"),  # the evening is full: the morning, as near as it gets
    ],
)
def test_balance_plans_personal_tasks_after_the_evening_buffer(
    planner: Planner, evening: str | None, expected: str
) -> None:
    """The README's promise: balance puts personal tasks after the evening buffer (a plan
    once put "Call mum" at 07:00, before the workday, while the evening was free)."""
    if evening:
        add(planner, THU, evening, "personal")
    planner.add_task("Call mum 20m #personal")
    ((_, block),) = planner.plan(THU, dry_run=True).placed
    assert block.span == expected
    planner.set_mode(THU, "integration")  # integration weaves: the earliest allowed slot
    ((_, block),) = planner.plan(THU, dry_run=True).placed
    assert block.start < 9 * 60


def test_a_refusal_offers_the_way_forward_the_mode_has(planner: Planner) -> None:
    add(planner, THU, "09:00-12:00", "work", "Work")
    add(planner, THU, "13:30-17:00", "work", "More work")
    with pytest.raises(RefusedError) as balance:
        add(planner, THU, "12:30-13:15", "personal", "Dentist")
    assert balance.value.hint == "take the nearest time the rules allow: 17:15-18:00"
    assert str(balance.value).endswith(", or take the nearest time the rules allow: 17:15-18:00")
    with pytest.raises(RefusedError) as clash:  # an appointment clashing: the person decides
        add(planner, THU, "10:00-11:00", "work", "Meeting")
    assert clash.value.hint == ""
    planner.set_mode(SAT, "integration")
    with pytest.raises(RefusedError) as integration:
        add(planner, SAT, "22:00-23:30", "work", "Emails")
    assert "move this day's work window (integration lets it)" in integration.value.hint


def test_plan_today_starts_from_now_and_dry_run_writes_nothing(planner: Planner) -> None:
    planner.add_task("Report 1h")
    result = planner.plan(WED, dry_run=True)
    ((_, block),) = result.placed
    assert block.start >= 10 * 60
    assert planner.store.blocks_on(WED) == [] and len(planner.store.tasks()) == 1


def test_plan_lists_what_does_not_fit(planner: Planner) -> None:
    add(planner, THU, "09:00-17:00", "work", "Workshop")
    task = planner.add_task("Report 2h")
    result = planner.plan(THU)
    ((left, reason),) = result.unplaced
    assert left.id == task.id and reason.startswith("work-inside-window:")
    assert [t.id for t in planner.store.tasks()] == [task.id]


def test_schedule_task_places_one_task(planner: Planner) -> None:
    first = planner.add_task("A 30m")
    second = planner.add_task("B 30m")
    result = planner.schedule_task(second.id, THU)
    assert [t.id for t, _ in result.placed] == [second.id]
    assert [t.id for t in planner.store.tasks()] == [first.id]


def test_plan_is_worked_out_without_the_lock_and_never_loses_another_write(
    planner: Planner,
) -> None:
    for title in ("Report 1h", "Review 1h"):
        planner.add_task(title, priority=1)
    lock = planner.store.root / ".lock"
    held_while_planning = []

    def cancelled() -> bool:  # asked between tasks, while the plan is being worked out
        with lock.open("a+b") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            except BlockingIOError:
                held_while_planning.append(True)
        return False

    draft = planner.draft_plan(THU, cancelled=cancelled)
    assert [b.span for _, b in draft.result.placed] == ["09:00-10:00", "10:00-11:00"]
    # meanwhile another process takes the first slot and adds a task
    other = Planner(Store(planner.store.root), planner.config, planner.clock)
    meeting = add(other, THU, "09:00-10:00", "work", "Meeting")
    late = other.add_task("Late 30m", priority=1)
    result = planner.commit_plan(draft, cancelled=cancelled)
    assert held_while_planning == []
    stored = planner.store.blocks_on(THU)
    assert meeting in stored  # the other write is kept, and the plan was worked out again
    assert [b.span for b in stored] == ["09:00-10:00", "10:00-11:00", "11:00-12:00", "12:00-12:30"]
    assert {t.id for t, _ in result.placed} >= {late.id} and planner.store.tasks() == []


def test_planning_the_past_is_refused(planner: Planner) -> None:
    with pytest.raises(InputError, match="in the past"):
        planner.plan(WED.subtract(days=1))


def test_figures(planner: Planner) -> None:
    planner.set_mode(THU, "integration")
    add(planner, THU, "08:30-12:00", "work")
    add(planner, THU, "12:00-13:00", "personal")
    add(planner, THU, "13:00-13:30", "break")
    add(planner, THU, "13:30-16:00", "work")
    add(planner, THU, "20:00-20:15", "work", force=True)  # 45m outside: over the limit
    log_intrusion(planner, THU, at=19 * 60)  # evening: work reached into personal time
    figures = planner.figures(THU).to_dict()
    assert figures == {
        "work": 210 + 150 + 15, "personal": 60, "break": 30, "work_outside_window": 45,
        "switches": 2, "crossings": 1, "mode_switches": 1, "work_span": 20 * 60 + 15 - 510,
        "longest_off": 510,  # midnight to 08:30
        # nothing marked: what happened is the plan
        "actual_work": 210 + 150 + 15, "overruns": 0, "done": 0, "skipped": 0,
        # 12:00 is abrupt after 3½ hours of work (15m wanted); lunch covers the 5m at 13:30
        "abrupt_switches": 1, "buffers_kept": 1, "buffers_short": 1,
        "intrusions_from_work": 1, "intrusions_from_personal": 0,
    }  # fmt: skip


# --- properties --------------------------------------------------------------------------------

SPANS = st.tuples(st.integers(0, 95), st.integers(1, 16)).map(
    lambda p: (p[0] * 15, min(p[0] * 15 + p[1] * 15, 1440))
)


@st.composite
def changes(draw):
    return [
        (draw(SPANS), draw(st.sampled_from(list(Sphere))), draw(st.booleans()), draw(st.booleans()))
        for _ in range(draw(st.integers(1, 6)))
    ]


def fresh_planner(tmp: str) -> Planner:
    config = from_mapping({"timezone": "Europe/Berlin"})
    return Planner(Store(Path(tmp)), config, FixedClock(NOW))


@settings(max_examples=30, deadline=None)
@given(changes(), st.sampled_from(["balance", "integration"]))
def test_a_forced_crossing_always_appears_in_the_record(steps, mode) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        planner = fresh_planner(tmp)
        planner.set_mode(THU, mode)
        expected = 0
        for (start, end), sphere, flexible, force in steps:
            try:
                result = planner.add_block(
                    THU, title="b", start=start, end=end, sphere=sphere, flexible=flexible,
                    force=force,
                )  # fmt: skip
            except RefusedError as refused:
                assert not force and refused.violations
                continue
            expected += len(result.crossed)
            for violation in result.crossed:
                assert violation.is_hard and force
        day = planner.store.day(THU)
        assert len(day.crossings) == expected


@settings(max_examples=25, deadline=None)
@given(changes(), st.sampled_from(["balance", "integration"]))
def test_switching_there_and_back_is_lossless_and_the_fix_never_moves_fixed_blocks(
    steps, other
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        planner = fresh_planner(tmp)
        for (start, end), sphere, flexible, _ in steps:
            planner.add_block(
                THU, title="b", start=start, end=end, sphere=sphere, flexible=flexible, force=True
            )
        original = planner.mode_of(planner.store.day(THU))
        before = planner.store.blocks_on(THU)
        planner.set_mode(THU, other)
        planner.set_mode(THU, original)
        assert planner.store.blocks_on(THU) == before
        hard_before = [v for v in planner.check(THU)[1] if v.is_hard]
        target = "integration" if original == "balance" else "balance"
        proposal = planner.set_mode(THU, target, fix=True)
        after = {b.id: b for b in planner.store.blocks_on(THU)}
        for block in before:
            if not block.flexible:
                assert after[block.id] == block
        assert all(old.flexible for old, _ in proposal.moves)
        assert len(after) == len(before) and hard_before is not None


def test_figures_use_real_minutes_on_a_dst_day(planner: Planner) -> None:
    spring = pendulum.date(2027, 3, 28)  # a Sunday: 02:00-03:00 is skipped in Berlin
    add(planner, spring, "01:00-04:00", "work", force=True)
    figures = planner.figures(spring)
    assert (figures.work, figures.work_span) == (120, 120)
    assert figures.longest_off == 23 * 60 - 180  # 04:00 (3 real hours in) to midnight
