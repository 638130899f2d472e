from __future__ import annotations

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from flowday.domain.errors import InputError
from flowday.domain.model import Block, Crossing, Day, ModeSwitch, Sphere, Task
from flowday.domain.text import TITLE_LIMIT, clean_title

DATE = pendulum.date(2026, 11, 25)
NOW = pendulum.datetime(2026, 11, 25, 10, 0, tz="Europe/Berlin")


def make(start: int = 540, end: int = 600, title: str = "Standup") -> Block:
    return Block.create(date=DATE, start=start, end=end, title=title, sphere=Sphere.WORK, now=NOW)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("[bold]x", "[bold]x"),
        ("[link=http://e]y", "[link=http://e]y"),
        ("a [/italic] b", "a [/italic] b"),
        ("\x1b]0;pwned\x07", "]0;pwned"),
        ("tab\there", "tab here"),
        ("bidi\u202eevil\u2066", "bidievil"),
        ("c1\x9bcontrol\x7f", "c1control"),
        ("  many   spaces  ", "many spaces"),
    ],
)
def test_titles_are_data(raw: str, clean: str) -> None:
    assert clean_title(raw) == clean


def test_title_is_capped_and_never_empty() -> None:
    assert len(clean_title("x" * 1000)) == TITLE_LIMIT
    for empty in ("", "   ", "\x00\x1b\x07"):
        with pytest.raises(InputError, match="empty"):
            clean_title(empty)


@given(st.text(min_size=1))
def test_clean_title_has_no_control_characters(raw: str) -> None:
    try:
        title = clean_title(raw)
    except InputError:
        return
    assert title and len(title) <= TITLE_LIMIT
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in title)
    assert not any(c in title for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def test_block_refuses_bad_spans() -> None:
    with pytest.raises(InputError, match="cannot cross midnight"):
        make(600, 540)
    with pytest.raises(InputError):
        make(600, 600)
    with pytest.raises(InputError):
        make(0, 1441)
    assert make(1380, 1440).span == "23:00-24:00"


def test_block_round_trips_through_dict() -> None:
    block = make(title="[b]Plan[/b]")
    assert Block.from_dict(block.to_dict()) == block
    assert block.to_dict()["start"] == "09:00"


def test_task_and_day_round_trip() -> None:
    task = Task.create(
        title="Report", sphere=Sphere.WORK, estimate=90, priority=1, due=DATE, now=NOW
    )
    assert Task.from_dict(task.to_dict()) == task
    day = Day(
        date=DATE, mode="integration", work_start=600, work_end=1110,
        crossings=(Crossing("work-window", "abc", "t", "m"),),
        mode_switches=(ModeSwitch("balance", "integration", "t"),),
        reflection={"energy": 4}, notes=("Holiday",), extra={"future_field": [1, 2]},
    )  # fmt: skip
    again = Day.from_dict(day.to_dict())
    assert again == day
    assert again.to_dict()["future_field"] == [1, 2]  # unknown fields survive a round trip


def test_task_validates_estimate_and_priority() -> None:
    with pytest.raises(InputError):
        Task.create(title="x", sphere=Sphere.WORK, estimate=0, now=NOW)
    with pytest.raises(InputError):
        Task.create(title="x", sphere=Sphere.WORK, priority=5, now=NOW)
