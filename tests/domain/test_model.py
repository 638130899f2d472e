from __future__ import annotations

import datetime as dt
from typing import Any

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from flowday.domain.errors import InputError
from flowday.domain.frozen import fields
from flowday.domain.model import (
    Block,
    Crossing,
    Day,
    ImportedNote,
    ModeSwitch,
    Reflection,
    Sphere,
    Task,
)
from flowday.domain.questions import PRESENT_CHOICES, STRESS_CHOICES, Answers
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
        reflection=Reflection(Answers("work", "rules", 4, 3, 2, "n"), "t", "balance", {"work": 60}),
        notes=("Holiday", "Sprint review"),
        imported_notes=(ImportedNote("ics:abc@example.com", "Sprint review"),),
        extra={"future_field": [1, 2]},
    )  # fmt: skip
    again = Day.from_dict(day.to_dict())
    assert again == day
    assert again.to_dict()["future_field"] == [1, 2]  # unknown fields survive a round trip


def test_task_validates_estimate_and_priority() -> None:
    with pytest.raises(InputError):
        Task.create(title="x", sphere=Sphere.WORK, estimate=0, now=NOW)
    with pytest.raises(InputError):
        Task.create(title="x", sphere=Sphere.WORK, priority=5, now=NOW)


texts = st.text(max_size=20)
answers = st.builds(
    Answers,
    present=st.sampled_from(PRESENT_CHOICES),
    stress=st.sampled_from(STRESS_CHOICES),
    energy=st.integers(1, 5),
    peace=st.integers(1, 5),
    meaning=st.integers(1, 5),
    note=texts,
)
reflections = st.builds(
    Reflection,
    answers=answers,
    at=texts,
    mode=texts,
    figures=st.dictionaries(texts, st.integers(0, 24 * 60), max_size=4),
)
window = st.integers(0, 24 * 60 - 1)
DAY_FIELDS = {f.name for f in fields(Day)}


@given(
    date=st.dates(min_value=DATE.subtract(years=5), max_value=DATE.add(years=5)),
    mode=st.none() | texts,
    start=st.none() | window,
    reflection=st.none() | reflections,
    skipped=st.booleans(),
    notes=st.lists(texts, max_size=3).map(tuple),
    imported=st.lists(st.builds(ImportedNote, texts, texts), max_size=3).map(tuple),
    extra=st.dictionaries(
        texts.filter(lambda k: k not in DAY_FIELDS), st.integers() | texts, max_size=2
    ),
)
def test_day_round_trips_through_its_dict(
    date: dt.date,
    mode: str | None,
    start: int | None,
    reflection: Reflection | None,
    skipped: bool,
    notes: tuple[str, ...],
    imported: tuple[ImportedNote, ...],
    extra: dict[str, Any],
) -> None:
    day = Day(
        date=pendulum.date(date.year, date.month, date.day),
        mode=mode,
        work_start=start,
        work_end=None if start is None else start + 1,
        reflection=reflection,
        reflection_skipped=skipped,
        notes=notes,
        imported_notes=imported,
        extra=extra,
    )
    assert Day.from_dict(day.to_dict()) == day
