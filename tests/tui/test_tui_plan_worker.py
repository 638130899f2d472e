"""`p` plans in a worker: the planner says it is planning, keeps drawing and answering
keys, escape cancels with nothing changed, and a finished plan is stored (and undoable)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from flowday.application.planner import Planner
from flowday.domain import scheduler
from flowday.tui.screens.main import MainScreen
from flowday.tui.screens.working import WorkingScreen

from .conftest import TODAY


async def test_p_plans_in_a_worker_that_escape_cancels(
    seeded: Planner, make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_place = scheduler.place
    started = threading.Event()

    def slow_place(*args: Any, cancelled: Any = None, **kwargs: Any) -> Any:
        # long work, as 1,000 tasks would be: runs until cancelled (bounded: a stuck test ends)
        started.set()
        for _ in range(1000):
            if cancelled is not None and cancelled():
                raise scheduler.Cancelled
            threading.Event().wait(0.01)
        raise AssertionError("never cancelled")

    before = seeded.snapshot(TODAY)
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        monkeypatch.setattr(scheduler, "place", slow_place)
        await pilot.press("p")
        assert isinstance(app.screen, WorkingScreen)
        assert started.wait(10)
        await pilot.press("question_mark")  # the UI thread is free: keys are handled
        await pilot.pause()
        assert isinstance(app.screen, WorkingScreen)  # modal: other actions wait for it
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert seeded.snapshot(TODAY) == before  # cancelled: nothing changed
        assert any("Planning cancelled" in n.message for n in app._notifications)

        monkeypatch.setattr(scheduler, "place", real_place)
        await pilot.press("p")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert seeded.store.tasks() == []
        assert {"Write report", "Call mum"} <= {b.title for b in seeded.store.blocks_on(TODAY)}
        await pilot.press("u")  # stored through the history: undone as one change
        after_undo = seeded.snapshot(TODAY)
        assert after_undo.blocks == before.blocks
        assert sorted(after_undo.tasks or [], key=id_of) == sorted(before.tasks or [], key=id_of)


def id_of(task: Any) -> str:
    return str(task.id)
