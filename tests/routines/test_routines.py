"""Routines through the planner: occurrences every reader sees, per-date exceptions, "this
and following" edits, removal, modes, the judge, and days off."""

from __future__ import annotations

import os
from pathlib import Path

import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flowday.application import routines as use
from flowday.application.planner import Planner
from flowday.application.week import set_days_off
from flowday.config import from_mapping
from flowday.domain.clock import FixedClock
from flowday.domain.errors import InputError, RefusedError
from flowday.domain.model import Sphere
from flowday.store import Store

TZ = "Europe/Berlin"
WED = pendulum.date(2026, 11, 25)


def planner_at(root: Path, date: pendulum.Date) -> Planner:
    """A planner on ``root`` whose today is ``date`` (time passes between two of them)."""
    clock = FixedClock(pendulum.datetime(date.year, date.month, date.day, 8, tz=TZ))
    return Planner(Store(root), from_mapping({"timezone": TZ}), clock)


def spans(planner: Planner, date: pendulum.Date) -> list[tuple[str, str, str]]:
    return [(b.span, b.title, b.routine) for b in planner.store.blocks_on(date)]


def test_every_reader_sees_occurrences_and_only_on_their_days(planner: Planner) -> None:
    routine = use.add_routine(planner, "Standup 9:00-9:15 #work", "weekdays").routine
    assert routine is not None
    assert spans(planner, WED) == [("09:00-09:15", "Standup", routine.id)]
    assert spans(planner, pendulum.date(2026, 11, 28)) == []  # a Saturday
    fri = pendulum.date(2026, 11, 27)
    ids = [b.id for b in planner.store.blocks_between(WED, fri)]
    assert ids == [f"{routine.id}@2026-11-2{d}" for d in (5, 6, 7)]
    assert planner.figures(fri).work == 15
    assert planner.store.find_block(ids[1]) == planner.store.blocks_on(WED.add(days=1))[0]
    # the judge sees them too: a block on top is refused like on any stored block
    with pytest.raises(RefusedError, match="overlap"):
        planner.add_block(fri, title="Call", start=9 * 60, end=10 * 60, sphere=Sphere.WORK)


def test_dst_days_keep_wall_clock_times_and_a_skipped_time_moves_past_the_gap(
    planner: Planner,
) -> None:
    early = use.add_routine(planner, "Bake 2:30-3:00 #personal", "weekends").routine
    late = use.add_routine(planner, "Read 21:00-22:00 #personal", "weekends").routine
    assert early is not None and late is not None
    spring, autumn = pendulum.date(2027, 3, 28), pendulum.date(2027, 10, 31)  # Berlin, Sundays
    assert spans(planner, spring) == [("03:30-04:00", "Bake", early.id),
                                      ("21:00-22:00", "Read", late.id)]  # fmt: skip
    assert spans(planner, autumn) == [("02:30-03:00", "Bake", early.id),
                                      ("21:00-22:00", "Read", late.id)]  # fmt: skip
    assert spans(planner, spring.subtract(days=1))[0][0] == "02:30-03:00"


def test_a_skipped_occurrence_never_comes_back(planner: Planner) -> None:
    routine = use.add_routine(planner, "Gym 18:00-19:00 #personal", "day").routine
    assert routine is not None
    thu = WED.add(days=1)
    planner.remove_block(f"{routine.id}@{thu}")
    assert spans(planner, thu) == []
    # a change of the routine from before that date carries the skip to the new one
    changed = use.edit_routine(planner, routine.id, text="Gym 18:30-19:30 #personal").routine
    assert changed is not None and spans(planner, thu) == []
    assert spans(planner, thu.add(days=1)) == [("18:30-19:30", "Gym", changed.id)]


def test_editing_one_occurrence_changes_that_day_only(planner: Planner) -> None:
    routine = use.add_routine(planner, "Lunch 12:00-13:00 #break", "day").routine
    assert routine is not None
    thu, fri = WED.add(days=1), WED.add(days=2)
    moved = planner.edit_block(f"{routine.id}@{thu}", start=12 * 60 + 30, end=13 * 60 + 30)
    assert moved.block is not None and moved.block.routine == routine.id
    assert spans(planner, thu) == [("12:30-13:30", "Lunch", routine.id)]
    assert spans(planner, fri) == [("12:00-13:00", "Lunch", routine.id)]
    # moved to another month: its date's occurrence stays gone, the block shows where it is
    planner.edit_block(f"{routine.id}@{thu}", date=pendulum.date(2026, 12, 5), start=15 * 60,
                       end=16 * 60)  # fmt: skip
    assert spans(planner, thu) == []
    assert ("15:00-16:00", "Lunch", routine.id) in spans(planner, pendulum.date(2026, 12, 5))


def test_modes_hide_and_restore_occurrences_as_they_were(planner: Planner) -> None:
    routine = use.add_routine(planner, "School run 15:00-15:30 #personal", "weekdays",
                              modes=["integration"]).routine  # fmt: skip
    assert routine is not None and spans(planner, WED) == []
    planner.set_mode(WED, "integration")
    planner.edit_block(f"{routine.id}@{WED}", start=15 * 60 + 15, end=15 * 60 + 45)
    planner.set_mode(WED, "balance")
    assert spans(planner, WED) == []  # the hand-edited one hides too
    planner.set_mode(WED, "integration")
    assert spans(planner, WED) == [("15:15-15:45", "School run", routine.id)]


def test_a_routine_breaking_hard_rules_is_refused_naming_days_unless_forced(
    planner: Planner,
) -> None:
    calls = [WED.add(days=offset) for offset in (0, 1, 2, 5, 6)]  # weekdays
    for date in calls:
        planner.add_block(date, title="Call", start=9 * 60, end=10 * 60, sphere=Sphere.WORK)
    with pytest.raises(RefusedError) as refused:
        use.add_routine(planner, "Standup 9:00-9:15 #work", "weekdays")
    message = str(refused.value)
    assert "on 5 days" in message and "Wed 2026-11-25" in message and "and 2 more days" in message
    assert "@" not in message  # its occurrences' ids name nothing: the routine was refused
    assert planner.store.routines() == []  # nothing written
    forced = use.add_routine(planner, "Standup 9:00-9:15 #work", "weekdays", force=True)
    assert sorted(forced.crossed) == calls
    assert [c.rule for c in planner.store.day(WED).crossings] == ["no-overlap"]


def test_past_days_are_never_changed_and_bad_changes_say_why(planner: Planner) -> None:
    yesterday = WED.subtract(days=1)
    with pytest.raises(InputError, match="in the past"):
        use.add_routine(planner, "Walk 12:00-12:30", "day", start=yesterday)
    routine = use.add_routine(planner, "Walk 12:00-12:30 #break", "day").routine
    assert routine is not None
    with pytest.raises(InputError, match="in the past"):
        use.edit_routine(planner, routine.id, text="Walk 13:00-13:30", start=yesterday)
    with pytest.raises(InputError, match="nothing to change"):
        use.edit_routine(planner, routine.id)
    with pytest.raises(InputError, match="unknown mode"):
        use.edit_routine(planner, routine.id, modes=["holiday"])
    with pytest.raises(InputError, match="no routine"):
        use.remove_routine(planner, "nope")


def test_days_off_hide_work_routines_and_refuse_planned_work(planner: Planner) -> None:
    use.add_routine(planner, "Standup 9:00-9:15 #work", "weekdays")
    use.add_routine(planner, "Walk 12:00-12:30 #break", "day")
    thu, fri = WED.add(days=1), WED.add(days=2)
    set_days_off(planner, thu, fri, note="Holiday in Lisbon")
    assert [t for _, t, _ in spans(planner, thu)] == ["Walk"]
    assert planner.store.day(thu).off_note == "Holiday in Lisbon"
    with pytest.raises(RefusedError, match="planned as a day off"):
        planner.add_block(thu, title="Report", start=14 * 60, end=15 * 60, sphere=Sphere.WORK)
    set_days_off(planner, thu, thu, clear=True)
    assert [t for _, t, _ in spans(planner, thu)] == ["Standup", "Walk"]
    planner.add_block(WED, title="Report", start=14 * 60, end=15 * 60, sphere=Sphere.WORK)
    with pytest.raises(RefusedError, match="1 day: Wed 2026-11-25"):
        set_days_off(planner, WED, WED)


@settings(max_examples=5, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    skip=st.integers(1, 20), edit=st.integers(1, 20), cut=st.integers(1, 25),
    later=st.integers(0, 6), spec=st.sampled_from(["day", "weekdays", "mon,thu", "2 weeks on fri"]),
)  # fmt: skip
def test_this_and_following_never_touches_the_past_nor_hand_edits(
    tmp_path_factory: pytest.TempPathFactory, skip: int, edit: int, cut: int, later: int,
    spec: str,
) -> None:  # fmt: skip
    root = tmp_path_factory.mktemp("routine")
    planner = planner_at(root, WED)
    routine = use.add_routine(planner, "Focus 19:00-20:00 #personal", spec).routine
    assert routine is not None
    last = WED.add(days=40)
    days = routine.dates(WED, last)
    skipped, edited = days[skip % len(days)], days[edit % len(days)]
    planner.remove_block(f"{routine.id}@{skipped}")
    if edited != skipped:
        planner.edit_block(f"{routine.id}@{edited}", title="Deep focus")
    # time passes: today is `cut` days on; the change starts `later` days after that
    today = WED.add(days=cut)
    planner = planner_at(root, today)
    before = {d: spans(planner, d) for d in (WED.add(days=i) for i in range(41))}
    use.edit_routine(planner, routine.id, text="Focus 20:00-21:00 #personal",
                     start=today.add(days=later))  # fmt: skip
    for date, shown in before.items():
        now_shown = spans(planner, date)
        if date < today.add(days=later) or date in (edited, skipped):
            assert [(s, t) for s, t, _ in now_shown] == [(s, t) for s, t, _ in shown], date
        else:
            assert all(s == "20:00-21:00" for s, _, _ in now_shown), date
    assert spans(planner, skipped) == []  # never back
    # removing it: the future's untouched occurrences go; the past and the hand edit stay
    current = next(r for r in planner.store.routines() if not r.until)
    use.remove_routine(planner, current.id)
    for date, shown in before.items():
        now_shown = [(s, t) for s, t, _ in spans(planner, date)]
        if date < today or date == edited:
            assert now_shown == [(s, t) for s, t, _ in shown], date
        elif date >= today.add(days=later):
            assert now_shown == [], date


class Crash(BaseException):
    """The process dying between two files (BaseException: no handler catches it)."""


def test_a_skip_is_one_change_with_its_routine_even_across_a_crash(
    planner: Planner, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flowday import safe_write

    routine = use.add_routine(planner, "Lunch 12:00-13:00 #break", "day").routine
    assert routine is not None
    thu = WED.add(days=1)
    planner.edit_block(f"{routine.id}@{thu}", start=12 * 60 + 30, end=13 * 60 + 30)
    real, landed = os.replace, []

    def dies_after_two(source: str | Path, destination: str | Path) -> None:
        if len(landed) == 2:  # the journal and one of the two files are in place
            raise Crash
        landed.append(Path(destination).name)
        real(source, destination)

    monkeypatch.setattr(safe_write.os, "replace", dies_after_two)
    with pytest.raises(Crash):  # the stored occurrence goes and its date is skipped
        planner.remove_block(f"{routine.id}@{thu}")
    assert landed[0] == ".journal.json" and len(landed) == 2
    monkeypatch.setattr(safe_write.os, "replace", real)
    reopened = Planner(Store(store.root), planner.config, planner.clock)  # the next start
    assert spans(reopened, thu) == []
    assert thu.to_date_string() in reopened.store.routines()[0].skipped


def test_changing_only_until_keeps_the_routine_and_its_past(tmp_path: Path) -> None:
    planner = planner_at(tmp_path, WED)
    routine = use.add_routine(planner, "Gym 18:00-19:00 #personal", "day").routine
    assert routine is not None
    later = planner_at(tmp_path, WED.add(days=10))
    result = use.edit_routine(later, routine.id, until=WED.add(days=20))
    assert result.ended is None and result.routine is not None
    assert result.routine.id == routine.id and result.routine.first == WED  # no split
    assert [r.id for r in later.store.routines()] == [routine.id]
    assert spans(later, WED.add(days=3)) == [("18:00-19:00", "Gym", routine.id)]  # the past
    assert spans(later, WED.add(days=21)) == []
    with pytest.raises(InputError, match="before"):
        use.edit_routine(later, routine.id, until=WED.add(days=5))
    # a change to what the occurrences look like still splits "this and following"
    split = use.edit_routine(later, routine.id, text="Gym 19:00-20:00 #personal")
    assert split.ended is not None and split.routine is not None
    assert split.routine.id != routine.id
