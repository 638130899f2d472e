from __future__ import annotations

import datetime as dt
from typing import Any

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from flowday.domain.errors import InputError
from flowday.domain.frozen import fields, replace
from flowday.domain.model import (
    Block,
    Crossing,
    Day,
    ImportedNote,
    ModeSwitch,
    Outcome,
    Reflection,
    Sphere,
    Task,
    _plain_block,
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


BLOCK_KEYS = ["id", "date", "start", "end", "title", "sphere", "flexible", "notes", "created",
              "updated", "source", "remind", "status", "actual_start", "actual_end",
              "routine"]  # fmt: skip
STORED_VALUES = st.sampled_from(
    ["", "x", "ab12cd34", "2026-11-25", "2026-02-30", "25-11-2026", "09:00", "9", "7pm", "24:00",
     "00:00", "25:00", "09:60", "work", "personal", "break", "Work", "done", "skipped",
     "planned", 0, 1, 540, 1.5, True, False, None, [], {}]
)  # fmt: skip


@given(
    st.sampled_from([(540, 600), (0, 1440), (1439, 1440), (60, 61)]),
    st.dictionaries(st.sampled_from(BLOCK_KEYS), STORED_VALUES, max_size=4),
    st.sets(st.sampled_from(BLOCK_KEYS), max_size=3),
)
def test_a_plain_stored_block_reads_as_the_checked_path_reads_it(
    span: tuple[int, int], changes: dict[str, Any], removed: set[str]
) -> None:
    # the fast path (_plain_block) gives the checked path's block, or leaves it the record
    stored = {**make(*span).to_dict(), **changes}
    for key in removed:
        stored.pop(key, None)
    try:
        checked: Block | None = Block._checked(stored)
    except (InputError, ValueError, TypeError, KeyError):
        checked = None
    fast = _plain_block(stored)
    assert fast is None or (fast == checked and repr(fast) == repr(checked)), stored
    assert Block.from_dict(stored) == checked if checked else True


def test_the_plain_path_reads_every_common_block() -> None:
    done = make().changed(NOW, outcome=Outcome.DONE)
    for block in (
        make(),
        make(0, 1440, "Away"),
        done,
        replace(make(), flexible=True, remind=False),
    ):
        assert _plain_block(block.to_dict()) == block  # taken, not left to the checked path
    timed = replace(done, actual_start=550, actual_end=610)
    assert _plain_block(timed.to_dict()) is None and Block.from_dict(timed.to_dict()) == timed


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
