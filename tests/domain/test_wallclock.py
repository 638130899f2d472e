"""fmt_date writes dates as pendulum's ``format`` does, for every token flowday uses."""

from __future__ import annotations

import re
from pathlib import Path

import pendulum
from hypothesis import given, settings
from hypothesis import strategies as st

from flowday.domain.wallclock import fmt_date

SRC = Path(__file__).resolve().parents[2] / "src" / "flowday"


def patterns_in_use() -> set[str]:
    """Every literal pattern handed to fmt_date in the sources."""
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        found.update(re.findall(r"fmt_date\([^,]+, [\"']([^\"']+)[\"']", path.read_text("utf-8")))
    return found


def test_the_sources_use_fmt_date_and_not_pendulums_format() -> None:
    patterns = patterns_in_use()
    assert {"ddd D MMM YYYY", "YYYY-MM-DD[T]HH:mm:ss[Z]", "dddd D MMMM"} <= patterns
    pendulum_format = re.compile(r"\.format\([\"'][^\"'{]*(YYYY|ddd|MMM|HH:mm)")
    for path in SRC.rglob("*.py"):
        assert not pendulum_format.search(path.read_text("utf-8")), path


@settings(max_examples=60, deadline=None)
@given(
    moment=st.datetimes(
        min_value=pendulum.datetime(1000, 1, 1).naive(),
        max_value=pendulum.datetime(9999, 12, 31).naive(),
    )
)
def test_fmt_date_writes_what_pendulum_writes(moment) -> None:
    # (before 1000 pendulum writes YYYY as 999; fmt_date keeps ISO's four digits)
    value = pendulum.instance(moment, tz="UTC")
    for pattern in [*patterns_in_use(), "ddd D MMM" if moment.day % 2 else "ddd D", "DD MM ss"]:
        assert fmt_date(value, pattern) == value.format(pattern), pattern
        if not re.search(r"HH|mm|ss", pattern):
            assert fmt_date(value.date(), pattern) == value.date().format(pattern), pattern
