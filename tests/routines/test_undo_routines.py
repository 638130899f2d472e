"""Undo and redo of routine changes (what the planner's R and d make), without a terminal."""

from __future__ import annotations

import pendulum
import pytest

from flowday.application import routines as use
from flowday.application.history import History
from flowday.application.planner import Planner
from flowday.domain.errors import InputError
from flowday.domain.model import Outcome, Sphere

TODAY = pendulum.date(2026, 11, 25)


def test_a_routine_made_from_a_block_is_undone_and_redone(planner: Planner) -> None:
    block = planner.add_block(TODAY, title="Standup", start=540, end=555,
                              sphere=Sphere.WORK).block  # fmt: skip
    assert block is not None
    history = History(planner)
    made = history.record(
        "make routine", [TODAY], lambda: use.routine_from_block(planner, block.id, "weekdays")
    )
    assert made.routine is not None
    (occurrence,) = planner.store.blocks_on(TODAY)  # the block became the first occurrence
    assert occurrence.routine == made.routine.id and occurrence.span == "09:00-09:15"
    history.undo()
    assert planner.store.routines() == []
    assert planner.store.blocks_on(TODAY) == [block]
    assert planner.store.blocks_on(TODAY.add(days=1)) == []
    history.redo()
    assert [r.id for r in planner.store.routines()] == [made.routine.id]
    assert [b.routine for b in planner.store.blocks_on(TODAY)] == [made.routine.id]


def test_an_undone_skip_brings_the_occurrence_back_untouched(planner: Planner) -> None:
    routine = use.add_routine(planner, "Standup 9:00-9:15 #work", "weekdays").routine
    assert routine is not None
    history = History(planner)
    history.record("delete", [TODAY], lambda: planner.remove_block(f"{routine.id}@{TODAY}"))
    assert planner.store.blocks_on(TODAY) == []
    history.undo()
    (back,) = planner.store.routines()
    # the routine stands for that day again: not a block stored as edited by hand
    assert not back.skipped and not back.edited
    assert [b.routine for b in planner.store.blocks_on(TODAY)] == [routine.id]


def test_a_block_that_is_already_an_occurrence_is_not_made_a_routine(planner: Planner) -> None:
    routine = use.add_routine(planner, "Standup 9:00-9:15 #work", "weekdays").routine
    assert routine is not None
    with pytest.raises(InputError, match="already an occurrence"):
        use.routine_from_block(planner, f"{routine.id}@{TODAY}", "day")
    assert len(planner.store.routines()) == 1


@pytest.mark.parametrize("changes", [{"date": TODAY.add(days=1), "start": 600, "end": 615},
                                     {"start": 555, "end": 570}],
                         ids=["moved to the next day", "retimed"])  # fmt: skip
def test_an_undone_first_edit_of_an_occurrence_leaves_one_occurrence(
    planner: Planner, changes: dict[str, object]
) -> None:
    # the edit stored a copy and marked the date edited; undone, the copy goes and the
    # routine makes the occurrence again: never the copy and the occurrence both
    routine = use.add_routine(planner, "Standup 9:00-9:15 #work", "weekdays").routine
    assert routine is not None
    occurrence = f"{routine.id}@{TODAY}"
    days = [TODAY, TODAY.add(days=1)]
    history = History(planner)
    history.record("edit", days, lambda: planner.edit_block(occurrence, **changes))

    def shown() -> list[tuple[str, str]]:
        return [(b.id, b.span) for day in days for b in planner.store.blocks_on(day)]

    edited = shown()
    history.undo()
    assert shown() == [(occurrence, "09:00-09:15"), (f"{routine.id}@{days[1]}", "09:00-09:15")]
    (back,) = planner.store.routines()
    assert not back.edited and not back.skipped
    assert planner.store.find_block(occurrence) == planner.store.blocks_on(TODAY)[0]
    history.redo()
    assert shown() == edited


def test_a_done_block_made_a_routine_stays_done(planner: Planner) -> None:
    # its first occurrence is the block: what happened to it (done, when) is kept
    block = planner.add_block(TODAY, title="Focus", start=600, end=660,
                              sphere=Sphere.WORK).block  # fmt: skip
    assert block is not None
    planner.edit_block(block.id, outcome=Outcome.DONE, actual_start=610, actual_end=670)
    made = use.routine_from_block(planner, block.id, "weekdays").routine
    assert made is not None
    (first,) = planner.store.blocks_on(TODAY)
    assert first.routine == made.id and first.outcome is Outcome.DONE
    assert first.actual == (610, 670)
    (routine,) = planner.store.routines()
    assert routine.edited == {TODAY.to_date_string()}  # kept as a stored occurrence
    assert planner.store.blocks_on(TODAY.add(days=1))[0].outcome is Outcome.PLANNED


def test_a_block_whose_day_hides_the_new_routine_stays_on_its_day(planner: Planner) -> None:
    # R with modes the day is not in (or a work block on a day off): the routine's first
    # occurrence would be hidden there, so the block stays as it is, never vanishes
    pickup = planner.add_block(TODAY, title="Pickup", start=1050, end=1080,
                               sphere=Sphere.PERSONAL).block  # fmt: skip
    assert pickup is not None
    made = use.routine_from_block(planner, pickup.id, "weekdays", modes=["integration"])
    assert made.routine is not None
    assert planner.store.blocks_on(TODAY) == [pickup]
    planner.set_mode(TODAY, "integration")  # the day in its mode: both, the block and it
    assert {b.title for b in planner.store.blocks_on(TODAY)} == {"Pickup"}
    assert len(planner.store.blocks_on(TODAY)) == 2


def test_undoing_a_routine_crossed_anyway_takes_its_crossings(planner: Planner) -> None:
    # what the planner's R records its undo over: every judged day
    block = planner.add_block(TODAY, title="Review", start=600, end=660,
                              sphere=Sphere.WORK).block  # fmt: skip
    thursday = TODAY.add(days=1)
    planner.add_block(thursday, title="Other", start=630, end=690, sphere=Sphere.WORK)
    assert block is not None
    history = History(planner)
    days = use.judged_days(TODAY)

    def make() -> object:
        return use.routine_from_block(planner, block.id, "weekdays", force=True)

    history.record("make routine", days, make)
    assert planner.store.day(thursday).crossings
    history.undo()
    assert planner.store.routines() == [] and not planner.store.day(thursday).crossings
