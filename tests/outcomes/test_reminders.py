"""Reminders decided at injected minutes (no waiting): lead per sphere, off per block,
done blocks, quiet hours, the end of the window on balance days, work running into the
protected off-time on integration days; the [reminders] settings checked."""

from __future__ import annotations

import pendulum
import pytest

from flowday.application.planner import Planner
from flowday.config import ConfigError, from_mapping
from flowday.domain.frozen import replace
from flowday.domain.model import Block, Day, Outcome, Sphere
from flowday.domain.reminders import due_reminders
from flowday.domain.settings import ReminderSettings

WED = pendulum.date(2026, 11, 25)


def block(start: int, end: int, sphere: Sphere = Sphere.WORK, **more: object) -> Block:
    return Block(id=f"b{start}", date=WED, start=start, end=end, title="Call",
                 sphere=sphere, **more)  # type: ignore[arg-type]  # fmt: skip


def keys(planner: Planner, blocks: list[Block], minute: int, settings: ReminderSettings,
         mode: str | None = None, said: tuple[str, ...] = ()) -> list[str]:  # fmt: skip
    ctx = planner.context(Day(date=WED, mode=mode), blocks)
    return [r.key for r in due_reminders(ctx, minute, settings, said)]


def test_before_a_block_per_sphere_off_per_block_and_when_done(planner: Planner) -> None:
    default = ReminderSettings()
    work, walk = block(600, 660), block(720, 750, Sphere.PERSONAL)
    assert keys(planner, [work], 594, default) == []  # 6 minutes ahead: not yet
    assert keys(planner, [work], 595, default) == ["start:b600"]
    assert keys(planner, [work], 600, default) == []  # started: too late to remind
    assert keys(planner, [work], 596, default, said=("start:b600",)) == []  # said once
    per_sphere = replace(default, by_sphere=(("personal", 15), ("work", 0)))
    assert keys(planner, [work, walk], 705, per_sphere) == ["start:b720"]
    assert keys(planner, [work], 599, per_sphere) == []  # work reminders off
    assert keys(planner, [replace(work, remind=False)], 597, default) == []
    assert keys(planner, [replace(work, outcome=Outcome.SKIPPED)], 597, default) == []
    quiet = block(6 * 60 + 30, 7 * 60)  # inside the default quiet hours (22:00-07:00)
    assert keys(planner, [quiet], 6 * 60 + 27, default) == []
    assert keys(planner, [quiet], 6 * 60 + 27, replace(default, quiet=None)) == ["start:b390"]
    assert keys(planner, [work], 597, replace(default, enabled=False)) == []


def test_window_end_on_balance_and_off_time_on_integration(planner: Planner) -> None:
    default = replace(ReminderSettings(), quiet=None)
    assert keys(planner, [block(600, 660)], 17 * 60 + 5, default) == ["window-end:2026-11-25"]
    assert keys(planner, [], 17 * 60 + 5, default) == []  # no work today: nothing to end
    late = block(20 * 60 + 30, 21 * 60 + 30)
    assert "off-time:b1230" in keys(planner, [late], 21 * 60 + 2, default, mode="integration")
    assert "off-time:b1230" not in keys(planner, [late], 20 * 60 + 40, default, "integration")


def test_reminder_settings_are_checked() -> None:
    config = from_mapping({"reminders": {"before": 10, "work": 0, "quiet": "23:00-06:30"}})
    settings = config.reminders
    assert (settings.lead("work"), settings.lead("break"), settings.quiet) == (0, 10, (1380, 390))
    assert from_mapping({"reminders": {"quiet": ""}}).reminders.quiet is None
    for bad in ({"before": -1}, {"before": True}, {"quiet": "late"}, {"loud": 1}):
        with pytest.raises(ConfigError, match="reminders"):
            from_mapping({"reminders": bad})


def test_doctor_says_reminders_are_in_app_only_without_notify_send(cli, monkeypatch) -> None:
    import shutil

    real = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None if name == "notify-send"
                        else real(name, *a, **k))  # fmt: skip
    assert "reminders are in-app only" in cli("doctor").stdout
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: "/usr/bin/notify-send")
    assert "in-app only" not in cli("doctor").stdout


def test_a_reminder_said_is_remembered_across_restarts_one_day_kept(
    planner: Planner, clock
) -> None:
    """A planner restarted inside a block's lead time does not say it again (the keys are
    kept in the store's state); the state keeps one day, so it never grows."""
    from flowday.application.reminders import STATE_KEY, Reminders

    planner.add_block(WED, title="Call", start=600, end=660, sphere=Sphere.WORK)
    object.__setattr__(clock, "at", pendulum.datetime(2026, 11, 25, 9, 56, tz="Europe/Berlin"))
    assert [r.title for r in Reminders(planner).due()] == ["Starting soon"]
    object.__setattr__(clock, "at", pendulum.datetime(2026, 11, 25, 9, 57, tz="Europe/Berlin"))
    assert Reminders(planner).due() == []  # a new planner (a restart): not said twice
    assert planner.store.state()[STATE_KEY]["date"] == "2026-11-25"
    thu = WED.add(days=1)
    planner.add_block(thu, title="Call", start=600, end=660, sphere=Sphere.WORK)
    object.__setattr__(clock, "at", pendulum.datetime(2026, 11, 26, 9, 56, tz="Europe/Berlin"))
    assert len(Reminders(planner).due()) == 1  # another day, another block
    state = planner.store.state()[STATE_KEY]
    assert state["date"] == "2026-11-26" and len(state["said"]) == 1  # Wednesday's pruned
