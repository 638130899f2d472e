from __future__ import annotations

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from flowday.domain.errors import InputError
from flowday.domain.model import Sphere
from flowday.domain.timeparse import (
    DEFAULT_BLOCK_MINUTES,
    QuickAdd,
    day_length,
    instant,
    parse_date,
    parse_duration,
    parse_quick_add,
    parse_span,
    real_minutes,
)
from flowday.domain.wallclock import fmt_minutes, parse_clock

BERLIN = pendulum.timezone("Europe/Berlin")
SPRING_FORWARD = pendulum.date(2026, 3, 29)
FALL_BACK = pendulum.date(2026, 10, 25)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("9", 540), ("9:05", 545), ("09:05", 545), ("7am", 420), ("7:45pm", 1185),
     ("12am", 0), ("12pm", 720), ("23:59", 1439), ("0:00", 0)],
)  # fmt: skip
def test_parse_clock(text: str, minutes: int) -> None:
    assert parse_clock(text) == minutes


@pytest.mark.parametrize("text", ["25:99", "24:01", "9:60", "13pm", "0am", "", "nine", "9-", "-1"])
def test_parse_clock_refuses(text: str) -> None:
    with pytest.raises(InputError):
        parse_clock(text)


def test_midnight_is_only_an_end() -> None:
    assert parse_clock("24:00", allow_midnight_end=True) == 1440
    with pytest.raises(InputError, match="end"):
        parse_clock("24:00")


@pytest.mark.parametrize(
    ("text", "minutes"), [("45m", 45), ("1h", 60), ("1h30", 90), ("1h30m", 90), ("90min", 90)]
)
def test_parse_duration(text: str, minutes: int) -> None:
    assert parse_duration(text) == minutes


@pytest.mark.parametrize("text", ["0m", "0h", "h", "25h", "1.5h", "m"])
def test_parse_duration_refuses(text: str) -> None:
    with pytest.raises(InputError):
        parse_duration(text)


def test_parse_span_borrows_meridiem() -> None:
    assert parse_span("9-10pm") == (21 * 60, 22 * 60)
    assert parse_span("11-1pm") == (11 * 60, 13 * 60)
    assert parse_span("9am-5pm") == (540, 1020)
    assert parse_span("22:00-24:00") == (1320, 1440)
    assert parse_span("9-5") == (540, 1020)
    assert parse_span("11-1") == (660, 780)
    for backwards in ("17:00-9:00", "23:00-1:00", "9am-5am", "9:00-9:00"):
        with pytest.raises(InputError, match="not after"):
            parse_span(backwards)


def test_parse_date_words_and_weekdays() -> None:
    wednesday = pendulum.date(2026, 11, 25)
    assert parse_date("today", wednesday) == wednesday
    assert parse_date("tomorrow", wednesday) == pendulum.date(2026, 11, 26)
    assert parse_date("yesterday", wednesday) == pendulum.date(2026, 11, 24)
    assert parse_date("wednesday", wednesday) == wednesday  # today included
    assert parse_date("Monday", wednesday) == pendulum.date(2026, 11, 30)
    assert parse_date("fri", wednesday) == pendulum.date(2026, 11, 27)
    assert parse_date("2026-02-28", wednesday) == pendulum.date(2026, 2, 28)
    for bad in ("2026-02-30", "26-1-1", "someday", "2026/01/01"):
        with pytest.raises(InputError):
            parse_date(bad, wednesday)


@pytest.mark.parametrize(
    ("text", "title", "start", "end", "sphere"),
    [
        ("Standup 9:00-9:15 #work", "Standup", 540, 555, Sphere.WORK),
        ("Dentist 12:30 45m #personal", "Dentist", 750, 795, Sphere.PERSONAL),
        ("Lunch 12-12:45 #break", "Lunch", 720, 765, Sphere.BREAK),
        ("Run 7am-7:45am #personal", "Run", 420, 465, Sphere.PERSONAL),
        ("Deep work 9:00 1h30 #work", "Deep work", 540, 630, Sphere.WORK),
        ("Read 3 papers 14:00-15:00", "Read 3 papers", 840, 900, None),
        ("Late 23:00-24:00", "Late", 1380, 1440, None),
    ],
)
def test_quick_add_examples(
    text: str, title: str, start: int, end: int, sphere: Sphere | None
) -> None:
    parsed = parse_quick_add(text)
    assert (parsed.title, parsed.start, resolved_end(parsed), parsed.sphere) == (
        title, start, end, sphere,
    )  # fmt: skip


def test_quick_add_keeps_brackets_and_flags_flex() -> None:
    parsed = parse_quick_add("[bold]x 9-10 #flex")
    assert parsed.title == "[bold]x"
    assert parsed.flexible


@pytest.mark.parametrize(
    "text", ["25:99 x", "x 9-", "9:00-10:00", "x 17:00-16:00", "x 23:30 1h", "x #play 9-10",
             "x #work #break 9-10"],
)  # fmt: skip
def test_quick_add_refuses(text: str) -> None:
    with pytest.raises(InputError):
        parse_quick_add(text)


def resolved_end(quick: QuickAdd) -> int | None:
    """Where the typed block ends: its end, else start + duration (or the default length)."""
    if quick.end is not None:
        return quick.end
    if quick.start is None:
        return None
    return quick.start + (quick.duration or DEFAULT_BLOCK_MINUTES)


def format_quick_add(
    title: str, start: int, end: int, sphere: Sphere, flexible: bool = False
) -> str:
    """The quick-add line that parses back to the same block."""
    parts = [title, f"{fmt_minutes(start)}-{fmt_minutes(end)}", f"#{sphere.value}"]
    if flexible:
        parts.append("#flex")
    return " ".join(parts)


# --- properties ------------------------------------------------------------------------------

title_words = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp", "Cf")),
    min_size=1,
    max_size=12,
).filter(lambda w: not w[0].isdigit() and not w.startswith("#"))
titles = st.lists(title_words, min_size=1, max_size=5).map(" ".join)
spans = st.tuples(st.integers(0, 1439), st.integers(1, 1440)).filter(lambda s: s[0] < s[1])


@given(title=titles, span=spans, sphere=st.sampled_from(list(Sphere)), flexible=st.booleans())
def test_quick_add_round_trips(
    title: str, span: tuple[int, int], sphere: Sphere, flexible: bool
) -> None:
    text = format_quick_add(title, span[0], span[1], sphere, flexible)
    parsed = parse_quick_add(text)
    assert (parsed.title, parsed.start, resolved_end(parsed), parsed.sphere, parsed.flexible) == (
        title, span[0], span[1], sphere, flexible,
    )  # fmt: skip


@given(st.text(max_size=60))
def test_quick_add_either_parses_or_says_why(text: str) -> None:
    try:
        parsed = parse_quick_add(text)
    except InputError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    end = resolved_end(parsed)
    if parsed.start is not None:
        assert end is not None and 0 <= parsed.start < end


@given(st.integers(0, 1439), st.integers(1, 1440))
def test_clock_format_parse_round_trip(start: int, end: int) -> None:
    assert parse_clock(fmt_minutes(start)) == start
    assert parse_clock(fmt_minutes(end), allow_midnight_end=True) == end


# --- DST ----------------------------------------------------------------------------------------


def test_dst_day_lengths() -> None:
    assert day_length(SPRING_FORWARD, BERLIN) == 23 * 60
    assert day_length(FALL_BACK, BERLIN) == 25 * 60
    assert day_length(pendulum.date(2026, 11, 25), BERLIN) == 24 * 60


def test_block_across_spring_gap_is_one_real_hour() -> None:
    assert real_minutes(SPRING_FORWARD, 60, 180, BERLIN) == 60
    assert real_minutes(FALL_BACK, 60, 180, BERLIN) == 180


def test_time_inside_spring_gap_is_refused() -> None:
    with pytest.raises(InputError, match="does not exist"):
        instant(SPRING_FORWARD, 150, BERLIN)


@given(st.dates(min_value=pendulum.date(1990, 1, 1), max_value=pendulum.date(2100, 12, 31)),
       spans)  # fmt: skip
def test_real_length_is_positive_on_any_day(day: pendulum.Date, span: tuple[int, int]) -> None:
    date = pendulum.date(day.year, day.month, day.day)
    try:
        minutes = real_minutes(date, span[0], span[1], BERLIN)
    except InputError:
        return  # a time in a spring-forward gap: refused, never shifted
    assert 0 < minutes <= span[1] - span[0] + 60


# --- regressions found by trying the README's examples (were in tests/qa)


@pytest.mark.parametrize("span", ["10:00-9:00", "11:30-10:15", "09:00-05:00"])
def test_a_backwards_24_hour_range_is_refused_not_read_as_the_evening(span: str) -> None:
    # "9-5" is the afternoon as people say it; "10:00-9:00" is a 24-hour clock typo
    with pytest.raises(InputError, match="is not after start"):
        parse_span(span)


def test_the_afternoon_shorthand_still_works() -> None:
    assert parse_span("9-5") == (9 * 60, 17 * 60)
    assert parse_span("9-5:30") == (9 * 60, 17 * 60 + 30)
