"""Modes from config.toml: tuning the built-ins, composing your own, and clear errors that
name the line."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from flowday.config import ConfigError, from_mapping
from flowday.domain.modes import BALANCE, build_modes
from flowday.domain.rules import Severity, evaluate
from flowday.domain.transitions import Buffers

from .days import block, day


def modes_from(text: str) -> dict:
    config = from_mapping(tomllib.loads(text), source=Path("config.toml"), text=text)
    return build_modes(config.modes)


def error_of(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        modes_from(text)
    return str(caught.value)


def test_without_config_there_are_the_two_built_in_modes() -> None:
    assert list(modes_from("")) == ["balance", "integration"]


def test_tuning_a_built_in_mode_keeps_its_other_rules() -> None:
    modes = modes_from("[modes.balance.rules]\ntransition-buffer = { minutes = 30 }\n")
    balance = modes["balance"]
    assert [u.rule for u in balance.rules] == [u.rule for u in BALANCE.rules]
    assert balance.use("transition-buffer").params["minutes"] == 30
    assert balance.buffers.after_work == 30


def test_a_custom_mode_composes_rules_with_parameters() -> None:
    text = """
[modes.school-run]
description = "A little boundary here, a little flexibility there"
extends = "balance"
planning_hours = "06:30-21:00"

[modes.school-run.rules]
personal-outside-window = false
work-outside-limit = { minutes = "1h" }
min-block = true
max-stretch = { minutes = 120, severity = "error" }
protected-off-time = { start = "22:00", end = "06:00" }

[week]
friday = "school-run"
"""
    mode = modes_from(text)["school-run"]
    rules = [u.rule for u in mode.rules]
    assert rules[0] == "no-overlap" and "personal-outside-window" not in rules
    assert {"work-inside-window", "work-outside-limit", "min-block", "max-stretch"} <= set(rules)
    assert mode.use("work-outside-limit").params == {"minutes": 60}
    assert mode.use("max-stretch").severity is Severity.ERROR
    assert mode.use("protected-off-time").params == {"start": 22 * 60, "end": 6 * 60}
    assert (mode.planning_start, mode.planning_end) == (390, 1260)
    pickup = block("15:30-16:30", "personal", "Children")
    assert [
        v.rule for v in evaluate(day(pickup, block("18:00-19:00", "personal"), mode=mode))
    ] == []


def test_a_mode_without_extends_has_only_its_own_rules() -> None:
    mode = modes_from("[modes.light.rules]\nmax-work = { minutes = 360 }\n")["light"]
    assert [u.rule for u in mode.rules] == ["no-overlap", "max-work"]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("[modes.x.rules]\nno-such-rule = true\n", 2, "unknown rule 'no-such-rule'"),
        ("[modes.x.rules]\nmax-work = { hours = 3 }\n", 2, "unknown parameter 'hours'"),
        ("[modes.x.rules]\nmax-work = { minutes = -5 }\n", 2, "is not a number of minutes"),
        ('[modes.x.rules]\nmax-work = { minutes = "lots" }\n', 2, "is not a number of minutes"),
        ('[modes.x.rules]\nprotected-off-time = { start = "25:00" }\n', 2, "a time of day"),
        ('[modes.x.rules]\nmax-work = { severity = "fatal" }\n', 2, '"error" or "warning"'),
        ("[modes.x.rules]\nmax-work = 3\n", 2, "use true, false or a table"),
        ("[modes.x.rules]\nno-overlap = false\n", 2, "part of every mode"),
        ('[modes.x.rules]\nno-overlap = { severity = "warning" }\n', 2, "always an error"),
        ('[modes.x]\ncolour = "red"\n', 2, "unknown setting 'colour'"),
        ('[modes.x]\nextends = "nowhere"\n', 2, "extends names no mode"),
        ('[modes.x]\nextends = "y"\n[modes.y]\nextends = "x"\n', None, "goes round in a circle"),
        ('[modes.x]\nplanning_hours = "late"\n', 2, "planning_hours"),
        ('[week]\nfriday = "holiday"\n', 2, "unknown mode 'holiday'"),
    ],
)
def test_config_mistakes_are_one_clear_line(text: str, line: int | None, words: str) -> None:
    message = error_of(text)
    assert words in message
    assert "\n" not in message and message.startswith("config.toml")
    if line is not None:
        assert f"line {line}" in message


def test_the_error_names_the_line_in_the_right_mode() -> None:
    text = """[modes.a.rules]
max-work = { minutes = 300 }

[modes.b.rules]
max-work = { minutes = "x" }
"""
    assert "line 5" in error_of(text)


def test_a_stored_day_with_a_mode_the_config_dropped_keeps_only_no_overlap(planner) -> None:
    mode = planner.mode_named("gone")
    assert [u.rule for u in mode.rules] == ["no-overlap"]


def test_buffers_are_tuned_per_mode_as_the_readme_shows() -> None:
    modes = modes_from(
        "[modes.balance.rules]\n"
        'transition-buffer = { minutes = 15, after-long-work = 30, long-work = "3h" }\n'
        "[modes.integration.rules]\n"
        "transition-buffer = { minutes = 10, before-work = 5 }\n"
    )
    assert modes["balance"].buffers == Buffers(15, 0, 30, 180)
    assert modes["integration"].buffers == Buffers(10, 5, 15, 120)  # the rest kept
    assert (
        modes_from("[modes.integration.rules]\ntransition-buffer = false\n")["integration"].buffers
        == Buffers()
    )
