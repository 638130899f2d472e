"""One judge for every change: the quick-add preview shows exactly the verdict the real add
gets (same refusal, same warnings), on a corpus of days and texts; and the change paths
(hours, a mode switch's fix, scheduling) are judged by it too."""

from __future__ import annotations

from pathlib import Path

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flowday.application.planner import Planner, Verdict
from flowday.config import from_mapping
from flowday.domain.clock import FixedClock
from flowday.domain.errors import InputError, RefusedError
from flowday.domain.model import Day, Sphere
from flowday.store import Store

NOW = pendulum.datetime(2026, 11, 25, 10, 0, tz="Europe/Berlin")
THU = pendulum.date(2026, 11, 26)  # balance by the weekly map
FRI = pendulum.date(2026, 11, 27)  # switched to integration below
SAT = pendulum.date(2026, 11, 28)  # a day off
SPRING_FORWARD = pendulum.date(2027, 3, 28)  # 02:00-03:00 does not exist in Berlin
DAYS = [THU, FRI, SAT, SPRING_FORWARD]


def seeded_planner(root: Path) -> Planner:
    planner = Planner(Store(root), from_mapping({"timezone": "Europe/Berlin"}), FixedClock(NOW))
    planner.set_mode(FRI, "integration")
    for date in DAYS:
        for title, start, end, sphere, flexible in [
            ("Deep work", 9 * 60, 12 * 60, Sphere.WORK, False),
            ("Lunch", 12 * 60, 12 * 60 + 45, Sphere.BREAK, False),
            ("Review", 14 * 60, 15 * 60, Sphere.WORK, True),
            ("Dinner", 19 * 60, 20 * 60, Sphere.PERSONAL, False),
        ]:
            planner.add_block(
                date, title=title, start=start, end=end, sphere=sphere, flexible=flexible,
                force=True,
            )  # fmt: skip
    return planner


def outcome_of_add(planner: Planner, date: pendulum.Date, text: str) -> tuple[str, object]:
    """What the real add (the quick-add bar's path) does with ``text``; what it stored is
    removed again, so every example starts from the same day."""
    try:
        day = planner.store.day(date)
        title, start, end, sphere, flexible = planner.parse_block_text(text, day=day)
        result = planner.add_block(
            date, title=title, start=start, end=end, sphere=sphere, flexible=flexible
        )
    except RefusedError as exc:
        return "refused", [(v.rule, v.message) for v in exc.violations]
    except InputError as exc:
        return "error", str(exc)
    assert result.block is not None
    planner.remove_block(result.block.id)
    unnamed = Verdict(violations=result.warnings).unnamed(result.block.id)
    return "added", [(v.rule, v.message) for v in unnamed.warnings]


def outcome_of_preview(planner: Planner, date: pendulum.Date, text: str) -> tuple[str, object]:
    try:
        preview = planner.preview_block(date, text)
    except InputError as exc:
        return "error", str(exc)
    if preview.refusal is not None:
        return "refused", [(v.rule, v.message) for v in preview.verdict.broken]
    return "added", [(v.rule, v.message) for v in preview.verdict.warnings]


clock_times = st.tuples(st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))


def quick_text(title: str, start: tuple[int, int], length: int, tag: str, flex: bool) -> str:
    end = start[0] * 60 + start[1] + length
    span = f"{start[0]}:{start[1]:02d}" + (f"-{end // 60}:{end % 60:02d}" if length else "")
    return f"{title} {span}{tag}" + (" ~" if flex else "")


texts = st.builds(
    quick_text,
    st.sampled_from(["Gym", "Emails", "Doctor", "School run"]),
    clock_times,
    st.sampled_from([0, 15, 30, 60, 120, 300]),
    st.sampled_from(["", " #work", " #personal", " #break"]),
    st.booleans(),
)

CORPUS = [
    "Gym 18:00-19:00",
    "Emails 21:00-21:45 #work",
    "Doctor 12:30-13:15 #personal",
    "Overlap 9:30-10:00 #work",
    "Night shift 23:00-24:00 #work",
    "Early 2:15-2:45",
    "Long 7:00-19:00 #work",
    "Nap 13:00-13:20 #personal ~",
    "Gym 15:00-15:30 #personal",
    "no time at all",
]


@pytest.fixture(scope="module")
def shared_planner(tmp_path_factory: pytest.TempPathFactory) -> Planner:
    # One seeded store for every example: each real add is removed again right away
    return seeded_planner(tmp_path_factory.mktemp("judge"))


@settings(max_examples=60)
@given(text=st.one_of(st.sampled_from(CORPUS), texts), date=st.sampled_from(DAYS))
def test_the_preview_and_the_real_add_give_the_same_verdict(
    shared_planner: Planner, text: str, date: pendulum.Date
) -> None:
    before = shared_planner.store.blocks_on(date)
    preview = outcome_of_preview(shared_planner, date, text)
    assert preview == outcome_of_add(shared_planner, date, text)
    assert shared_planner.store.blocks_on(date) == before


def test_the_corpus_reaches_every_kind_of_verdict(tmp_path: Path) -> None:
    # The property above proves little if every example lands on the same outcome.
    planner = seeded_planner(tmp_path)
    kinds = {outcome_of_preview(planner, d, t)[0] for d in DAYS for t in CORPUS}
    assert kinds == {"added", "refused", "error"}
    warned = [
        outcome_of_preview(planner, d, t)
        for d in DAYS
        for t in CORPUS
        if outcome_of_preview(planner, d, t)[0] == "added"
    ]
    assert any(warnings for _, warnings in warned)


def test_a_preview_names_no_id_and_writes_nothing(tmp_path: Path) -> None:
    planner = seeded_planner(tmp_path)
    before = planner.store.blocks_on(THU)
    preview = planner.preview_block(THU, "Doctor 12:30-13:15 #personal")
    assert preview.refusal is not None
    assert "(id preview)" not in preview.refusal.message
    assert planner.store.blocks_on(THU) == before


def test_a_time_the_clocks_skip_is_an_error_in_the_preview_as_in_the_add(
    tmp_path: Path,
) -> None:
    planner = seeded_planner(tmp_path)
    assert outcome_of_preview(planner, SPRING_FORWARD, "Early 2:15-2:45")[0] == "error"


def test_hours_are_judged_like_blocks(tmp_path: Path) -> None:
    planner = seeded_planner(tmp_path)
    with pytest.raises(RefusedError) as refused:
        planner.set_hours(THU, 10 * 60, 18 * 60)  # balance keeps fixed hours
    verdict = planner.judge(
        planner.store.day(THU),
        planner.store.blocks_on(THU),
        planner.store.blocks_on(THU),
        changed_day=Day(date=THU, work_start=10 * 60, work_end=18 * 60),
    )
    assert [v.rule for v in refused.value.violations] == [v.rule for v in verdict.broken]


def test_a_fix_that_would_break_another_rule_is_not_made(tmp_path: Path) -> None:
    # Found by the one judge: the fix moved an overlapping flexible block outside the work
    # window, past integration's 30-minute limit (45m became 60m), and said nothing.
    planner = Planner(Store(tmp_path), from_mapping({"timezone": "Europe/Berlin"}), FixedClock(NOW))
    planner.add_block(THU, title="Fixed", start=0, end=45, sphere=Sphere.WORK, force=True)
    flexible = planner.add_block(
        THU, title="Flex", start=0, end=15, sphere=Sphere.WORK, flexible=True, force=True
    ).block
    assert flexible is not None
    proposal = planner.set_mode(THU, "integration", fix=True)
    assert proposal.moves == []
    assert [b.id for b, _ in proposal.unfixable if b.id == flexible.id] == [flexible.id]
    stuck = {b.id: why for b, why in proposal.unfixable}
    assert stuck[flexible.id].startswith("moving it would break")
    assert {b.start for b in planner.store.blocks_on(THU)} == {0}  # nothing moved
