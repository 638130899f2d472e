"""Each rule on its own: what it reports, what it lets pass, its parameters."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flowday.domain.model import Block, Sphere
from flowday.domain.modes import BALANCE, INTEGRATION, Mode
from flowday.domain.rules import RULES, SHARED, Severity, Violation, evaluate, new_hard_violations

from .days import FALL_BACK, SATURDAY, SPRING_FORWARD, WEDNESDAY, block, day


def rules_of(violations: list[Violation]) -> list[str]:
    return [v.rule for v in violations]


def hard(violations: list[Violation]) -> list[Violation]:
    return [v for v in violations if v.is_hard]


def only(rule_id: str, **params: int) -> Mode:
    return Mode("test", "one rule", (SHARED, RULES[rule_id].use(**params)))


def test_every_rule_has_an_id_severity_summary_and_is_in_a_mode() -> None:
    in_modes = {u.rule for m in (BALANCE, INTEGRATION) for u in m.rules}
    assert in_modes == set(RULES)
    for rule in RULES.values():
        assert rule.summary and isinstance(rule.severity, Severity)


def test_both_modes_start_with_no_overlap() -> None:
    assert BALANCE.rules[0].rule == INTEGRATION.rules[0].rule == "no-overlap"


def test_no_overlap_names_both_blocks() -> None:
    a, b = block("09:00-10:00", title="A"), block("09:30-11:00", title="B")
    (found,) = hard(evaluate(day(a, b)))
    assert found.rule == "no-overlap" and found.is_hard
    assert set(found.blocks) == {a.id, b.id}
    assert "'A' 09:00-10:00" in found.message and "'B' 09:30-11:00" in found.message
    assert hard(evaluate(day(block("09:00-10:00"), block("10:00-11:00")))) == []  # touching


def test_work_outside_the_window_message_reads_like_the_issue() -> None:
    emails = block("20:00-20:20", title="Emails")
    found = [v for v in evaluate(day(emails)) if v.rule == "work-inside-window"]
    assert [v.message for v in found] == [
        "Work block 'Emails' 20:00-20:20 is outside your work window 09:00-17:00 "
        "(balance keeps work inside working hours)"
    ]
    assert found[0].severity is Severity.ERROR and found[0].blocks == (emails.id,)


@pytest.mark.parametrize(
    ("span", "broken"),
    [("09:00-17:00", False), ("08:59-10:00", True), ("16:00-17:01", True), ("12:00-13:00", False)],
)
def test_work_inside_window_edges(span: str, broken: bool) -> None:
    assert ("work-inside-window" in rules_of(evaluate(day(block(span))))) is broken


def test_personal_may_not_overlap_the_window_but_breaks_may() -> None:
    dentist = block("12:30-13:15", "personal", "Dentist")
    lunch = block("12:00-12:30", "break", "Lunch")
    found = evaluate(day(dentist, lunch))
    assert rules_of(found) == ["personal-outside-window", "plan-evening"]
    found = hard(found)
    assert found[0].blocks == (dentist.id,)
    assert "breaks like lunch are fine" in found[0].message
    assert evaluate(day(block("17:00-18:00", "personal"), block("07:00-08:00", "personal"))) == []


def test_no_work_on_days_off_but_personal_time_in_the_window_is_fine() -> None:
    found = hard(evaluate(day(block("10:00-12:00", "work", "Deck"), date=SATURDAY)))
    assert rules_of(found) == ["no-work-on-days-off"]
    assert "Saturday is not a working day" in found[0].message
    assert evaluate(day(block("10:00-12:00", "personal"), date=SATURDAY)) == []


def test_fixed_hours_reports_a_moved_window_in_balance_only() -> None:
    work = block("10:00-11:00")
    (found,) = hard(evaluate(day(work, window="10:00-18:30")))
    assert found.rule == "fixed-hours" and found.blocks == ()
    assert "10:00-18:30 differs from your working hours 09:00-17:00" in found.message
    assert hard(evaluate(day(work, window="10:00-18:30", mode="integration"))) == []


def test_transition_buffer_after_the_last_work_block() -> None:
    report = block("15:00-17:00", title="Report")
    gym = block("17:05-18:00", "personal", "Gym")
    found = [v for v in evaluate(day(report, gym)) if v.rule == "transition-buffer"]
    assert len(found) == 1 and not found[0].is_hard
    assert found[0].message.startswith("Only 5m between work 'Report' ending 17:00")
    assert "at least 15m" in found[0].message
    ok = day(report, block("17:15-18:00", "personal"))
    assert "transition-buffer" not in rules_of(evaluate(ok))
    custom = only("transition-buffer", minutes=30)
    assert rules_of(evaluate(day(report, block("17:15-18:00", "personal"), mode=custom))) == [
        "transition-buffer"
    ]


def test_only_the_first_personal_block_after_work_needs_the_buffer() -> None:
    blocks = (
        block("16:00-17:00"),
        block("17:20-18:00", "personal"),
        block("18:00-19:00", "personal"),
    )
    assert "transition-buffer" not in rules_of(evaluate(day(*blocks)))


def test_evening_nudge_only_for_a_planned_day_without_evening_personal_time() -> None:
    assert evaluate(day()) == []  # nothing planned: nothing to nudge
    found = evaluate(day(block("09:00-10:00")))
    assert rules_of(found) == ["plan-evening"]
    assert "plan personal time in advance" in found[0].message
    assert evaluate(day(block("09:00-10:00"), block("19:00-20:00", "personal"))) == []
    late = only("plan-evening", start=20 * 60, end=23 * 60)
    assert rules_of(evaluate(day(block("18:00-19:00", "personal"), mode=late))) == ["plan-evening"]

    # the evening starts when the day's work ends (hours moved to 11:00-19:00 for the day)
    def nudges(*blocks: Block, window: str) -> list[str]:
        found = evaluate(day(*blocks, window=window))
        return [v.message for v in found if v.rule == "plan-evening"]

    [nudge] = nudges(block("11:00-12:00"), block("17:00-18:00", "personal"), window="11:00-19:00")
    assert "this evening (19:00-22:00)" in nudge
    assert (
        nudges(block("11:00-12:00"), block("19:30-20:00", "personal"), window="11:00-19:00") == []
    )
    assert nudges(block("14:00-15:00"), window="14:00-22:00") == []  # no evening left


def test_integration_allows_a_few_emails_outside_the_window() -> None:
    emails = block("20:00-20:30", title="Emails")
    assert evaluate(day(block("09:00-10:00"), emails, mode="integration")) == []
    more = block("07:30-07:45", title="Early")
    found = evaluate(day(emails, more, mode="integration"))
    assert rules_of(found) == ["work-outside-limit"]
    assert found[0].message.startswith("45m of work lies outside your work window 09:00-17:00")
    assert set(found[0].blocks) == {emails.id, more.id} and found[0].is_hard


def test_integration_counts_only_the_part_outside_the_window() -> None:
    straddle = block("16:00-17:20")  # 20 minutes outside
    assert evaluate(day(straddle, mode="integration")) == []
    assert rules_of(evaluate(day(straddle, mode="integration", window="09:00-16:40"))) == [
        "work-outside-limit"
    ]


def test_integration_caps_work_at_eight_hours() -> None:
    eight = (block("08:30-12:30"), block("13:00-17:00"))
    assert "max-work" not in rules_of(evaluate(day(*eight, mode="integration")))
    ten = (block("08:00-12:00"), block("12:30-17:30"), block("17:45-18:45"))
    found = [v for v in evaluate(day(*ten, mode="integration")) if v.rule == "max-work"]
    assert found and found[0].message.startswith("10h of work planned")


@pytest.mark.parametrize(
    ("span", "broken"),
    [("20:30-21:00", False), ("20:45-21:15", True), ("06:30-07:00", True), ("07:00-07:30", False),
     ("23:00-24:00", True)],
)  # fmt: skip
def test_protected_off_time_wraps_midnight(span: str, broken: bool) -> None:
    found = rules_of(evaluate(day(block(span), mode=only("protected-off-time"))))
    assert ("protected-off-time" in found) is broken


def test_long_stretch_without_a_break_warns() -> None:
    stretch = (block("09:00-11:00"), block("11:05-12:30"))  # a 5-minute gap is no break
    found = [v for v in evaluate(day(*stretch, mode="integration")) if v.rule == "max-stretch"]
    assert len(found) == 1 and not found[0].is_hard
    assert "runs 3h30 without a break of at least 10m" in found[0].message
    rested = (block("09:00-11:00"), block("11:10-12:30"))
    assert "max-stretch" not in rules_of(evaluate(day(*rested, mode="integration")))


def test_many_switches_blur_the_day() -> None:
    blocks = []
    for hour in range(9, 19):  # alternate work and personal every half hour: 19 switches
        blocks.append(block(f"{hour}:00-{hour}:30", "work"))
        blocks.append(block(f"{hour}:30-{hour + 1}:00", "personal"))
    found = [v for v in evaluate(day(*blocks, mode="integration")) if v.rule == "max-switches"]
    assert found and found[0].message.startswith("19 switches between work and personal")
    assert "blend, not blur" in found[0].message


def test_breaks_do_not_count_as_switches() -> None:
    blocks = [block(f"{h}:00-{h}:30", "work") for h in range(9, 19)]
    blocks += [block(f"{h}:30-{h + 1}:00", "break") for h in range(9, 19)]
    assert "max-switches" not in rules_of(evaluate(day(*blocks, mode="integration")))


def test_short_blocks_warn_in_integration() -> None:
    found = evaluate(day(block("10:00-10:05", title="Ping"), mode="integration"))
    assert rules_of(found) == ["min-block"]
    assert "'Ping' 10:00-10:05 is only 5m" in found[0].message


def test_real_durations_on_a_spring_forward_day() -> None:
    # 01:00-04:00 on the wall clock is two real hours on 29 March
    night = block("01:00-04:00", date=SPRING_FORWARD, title="Night")
    found = evaluate(day(night, mode=only("max-stretch", minutes=150), date=SPRING_FORWARD))
    assert found == []
    found = evaluate(day(night, mode=only("max-stretch", minutes=110), date=SPRING_FORWARD))
    assert "runs 2h without a break" in found[0].message


def test_real_durations_on_a_fall_back_day() -> None:
    night = block("01:00-04:00", date=FALL_BACK)  # four real hours on 25 October
    found = evaluate(day(night, mode=only("max-work", minutes=200), date=FALL_BACK))
    assert "4h of work planned" in found[0].message


def test_severity_and_parameters_come_from_the_mode() -> None:
    hard_stretch = Mode(
        "strict", "", (SHARED, RULES["max-stretch"].use(Severity.ERROR, minutes=60))
    )
    (found,) = evaluate(day(block("09:00-10:30"), mode=hard_stretch))
    assert found.is_hard and "at most 1h" in found.message


def test_new_hard_violations_ignore_old_ones_but_not_worse_ones() -> None:
    emails = block("20:00-20:30", title="Emails", block_id="emails")
    before = evaluate(day(emails, block("07:00-07:10", block_id="early"), mode="integration"))
    same = evaluate(day(emails, block("07:00-07:10", title="Renamed", block_id="early"),
                        mode="integration"))  # fmt: skip
    assert new_hard_violations(before, same) == []
    worse = evaluate(day(emails, block("07:00-07:20", block_id="early"), mode="integration"))
    assert rules_of(new_hard_violations(before, worse)) == ["work-outside-limit"]


SPHERE_NAMES = st.sampled_from(["work", "personal", "break"])


@st.composite
def shuffled_days(draw):
    blocks = []
    for index in range(draw(st.integers(0, 12))):
        start = draw(st.integers(0, 1430))
        end = draw(st.integers(start + 1, min(start + 300, 1440)))
        blocks.append(
            Block(id=f"p{index:02d}", date=WEDNESDAY, start=start, end=end, title=f"T{index}",
                  sphere=Sphere(draw(SPHERE_NAMES)))
        )  # fmt: skip
    order = draw(st.permutations(blocks))
    return blocks, order, draw(st.sampled_from(["balance", "integration"])), draw(st.booleans())


@settings(max_examples=80, deadline=None)
@given(shuffled_days())
def test_evaluate_does_not_depend_on_block_order(case) -> None:
    blocks, shuffled, mode, working = case
    assert evaluate(day(*blocks, mode=mode, working_day=working)) == evaluate(
        day(*shuffled, mode=mode, working_day=working)
    )
