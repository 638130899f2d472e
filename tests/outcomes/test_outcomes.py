"""What happened to the plan: done (at other times), skipped, undone; overruns recorded
apart from planned crossings; carrying unfinished flexible work over. Domain-level and
the in-process CLI; the clock is injected (2026-11-25, a Wednesday, Europe/Berlin)."""

from __future__ import annotations

import json
from typing import Any

import pendulum
import pytest

from flowday.application import outcomes
from flowday.application.planner import Planner
from flowday.domain.errors import InputError
from flowday.domain.model import Block, Outcome, Sphere
from flowday.domain.timeparse import parse_span

CliRunner = Any  # the `cli` fixture (tests/conftest.py)
WED = pendulum.date(2026, 11, 25)


def add(planner: Planner, span: str, title: str = "Report", *, flexible: bool = False,
        sphere: Sphere = Sphere.WORK, date: pendulum.Date = WED) -> Block:  # fmt: skip
    start, end = parse_span(span)
    result = planner.add_block(
        date, title=title, start=start, end=end, sphere=sphere, flexible=flexible
    )
    assert result.block is not None
    return result.block


def test_done_at_other_times_keeps_the_plan_and_records_an_overrun(planner: Planner) -> None:
    block = add(planner, "16:00-17:00")
    result = outcomes.mark_done(planner, block.id, at=parse_span("16:00-17:45"))
    stored = planner.store.find_block(block.id)
    assert stored is not None and stored.outcome is Outcome.DONE
    assert (stored.start, stored.end, stored.actual) == (960, 1020, (960, 1065))
    assert [v.rule for v in result.overruns] == ["work-inside-window"]
    day = planner.store.day(WED)
    assert [(c.rule, c.kind, c.block) for c in day.crossings] == [
        ("work-inside-window", "overrun", block.id)
    ]
    figures = planner.figures(WED)
    assert (figures.work, figures.actual_work, figures.done) == (60, 105, 1)
    assert (figures.crossings, figures.overruns) == (0, 1)  # counted apart
    # recorded again at other times: the old overrun goes, never doubled
    outcomes.mark_done(planner, block.id, at=parse_span("16:00-17:30"))
    assert len(planner.store.day(WED).crossings) == 1
    # undone: as planned again, the overrun gone with it, the record's shape as before
    outcomes.mark_planned(planner, block.id)
    back = planner.store.find_block(block.id)
    assert back is not None and back.outcome is Outcome.PLANNED and back.actual_start is None
    assert planner.store.day(WED).crossings == ()
    assert "status" not in back.to_dict() and "actual_start" not in back.to_dict()


def test_a_planned_crossing_is_no_overrun(planner: Planner) -> None:
    # planned past the window (forced): doing it as planned overruns nothing more
    block = add(planner, "16:00-16:40")
    late = planner.add_block(
        WED, title="Late", start=17 * 60 + 30, end=18 * 60 + 30, sphere=Sphere.WORK, force=True
    ).block
    assert late is not None
    assert outcomes.mark_done(planner, late.id).overruns == []
    skipped = outcomes.mark_skipped(planner, block.id).block
    assert skipped.outcome is Outcome.SKIPPED and skipped.actual_start is None
    figures = planner.figures(WED)
    assert figures.skipped == 1 and figures.overruns == 0 and figures.crossings >= 1
    assert figures.actual_work == 60 and figures.work == 100  # the skipped block did not happen


def test_an_occurrence_marked_done_becomes_a_stored_block(planner: Planner) -> None:
    from flowday.application.routines import add_routine

    routine = add_routine(planner, "Standup 9:00-9:15 #work", every="weekdays").routine
    assert routine is not None
    occurrence = f"{routine.id}@2026-11-25"
    outcomes.mark_done(planner, occurrence, at=parse_span("9:00-9:30"))
    (stored,) = planner.store.blocks_on(WED)
    assert stored.id == occurrence and stored.outcome is Outcome.DONE
    assert stored.actual == (540, 570)
    assert "2026-11-25" in next(r for r in planner.store.routines()).edited
    thursday = planner.store.blocks_on(WED.add(days=1))
    assert thursday[0].outcome is Outcome.PLANNED  # only that date materialized


def test_bad_actual_times_are_refused(planner: Planner) -> None:
    block = add(planner, "10:00-11:00")
    with pytest.raises(InputError):
        Block(id="x", date=WED, start=60, end=120, title="t", sphere=Sphere.WORK,
              outcome=Outcome.SKIPPED, actual_start=60, actual_end=90)  # fmt: skip
    with pytest.raises(InputError):  # 02:30 on the day clocks spring forward would be checked
        outcomes.mark_done(planner, block.id, at=(600, 600 + 1441))


def test_carry_offers_only_unfinished_flexible_work(planner: Planner, clock: Any) -> None:
    done = add(planner, "09:00-09:30", "Done", flexible=True)
    open_ = add(planner, "09:30-10:00", "Open", flexible=True)
    add(planner, "09:00-09:30", "Fixed", date=WED.add(days=-1))
    later = add(planner, "15:00-15:30", "Later", flexible=True)  # not over at 10:00
    outcomes.mark_done(planner, done.id)
    assert [b.id for b in outcomes.unfinished(planner, WED)] == [open_.id]
    dry = outcomes.carry(planner, WED, to="tomorrow", dry_run=True)
    assert [old.id for old, _ in dry.placed] == [open_.id]
    assert {b.id for b in planner.store.blocks_on(WED)} == {done.id, open_.id, later.id}
    moved = outcomes.carry(planner, WED, to="tomorrow")
    ((_, new),) = moved.placed
    assert new.date == WED.add(days=1) and new.flexible and new.title == "Open"
    assert open_.id not in {b.id for b in planner.store.blocks_on(WED)}
    assert planner.check(new.date)[1] == [] or all(
        not v.is_hard for v in planner.check(new.date)[1]
    )  # placed where tomorrow's mode allows
    # to the inbox: a task of the block's length
    inbox_block = add(planner, "07:00-07:45", "Inbox me", flexible=True, sphere=Sphere.PERSONAL)
    result = outcomes.carry(planner, WED, to="inbox", ids=[inbox_block.id])
    ((_, task),) = result.inboxed
    assert task.title == "Inbox me" and task.estimate == 45 and task.sphere is Sphere.PERSONAL
    assert planner.store.find_block(inbox_block.id) is None
    with pytest.raises(InputError, match="not unfinished"):
        outcomes.carry(planner, WED, to="inbox", ids=[later.id])


def test_cli_done_skip_undone_list_check_stats(cli: CliRunner) -> None:
    block = cli("add", "Report 16:00-17:00 #work").stdout.strip()
    flex = cli("add", "Emails 14:00-14:30 #work #flex").stdout.strip()
    done = cli("done", block, "--at", "16:00-17:45")
    assert done.returncode == 0 and "ran 16:00-17:45, planned 16:00-17:00" in done.stdout
    assert "overrun (work-inside-window)" in done.stderr
    assert cli("skip", flex).returncode == 0
    listed = cli("list").stdout
    assert "✓ Report (ran 16:00-17:45)" in listed and "✗ Emails" in listed
    rows = {b["id"]: b for b in json.loads(cli("list", "--json").stdout)}
    assert rows[block]["status"] == "done" and rows[block]["actual_end"] == "17:45"
    assert rows[flex] | {"status": "skipped", "actual_start": None} == rows[flex]
    check = cli("check")
    assert "recorded: 0 planned crossings, 1 overrun" in check.stdout
    assert "overrun  work-inside-window" in check.stdout
    checked = json.loads(cli("check", "--json").stdout)
    assert checked["planned_crossings"] == [] and checked["overruns"][0]["kind"] == "overrun"
    stats = json.loads(cli("stats", "--json", "--days", "1").stdout)["days"][0]["figures"]
    assert (stats["overruns"], stats["done"], stats["skipped"], stats["actual_work"]) == (
        1, 1, 1, 105,
    )  # fmt: skip
    assert "overrun" in cli("stats", "--days", "1").stdout
    undone = cli("undone", block)
    assert undone.returncode == 0 and "planned" in undone.stdout
    assert (
        "status"
        not in json.loads((cli.data_dir / "months/2026-11.json").read_text())["blocks"]["1"]
    )  # the record's shape as it was before anything happened
    missing = cli("done", "nope")
    assert missing.returncode != 0 and "no block with id 'nope'" in missing.stderr
    bad = cli("done", block, "--at", "18-17")
    assert bad.returncode == 2 and "not after start" in bad.stderr


def test_cli_carry(cli: CliRunner) -> None:
    env = {"FLOWDAY_NOW": "2026-11-25T18:00"}
    first = cli("add", "Write 10:00-11:00 #work #flex", env=env).stdout.strip()
    cli("add", "Read 11:00-11:30 #work #flex", env=env)
    dry = cli("carry", "--dry-run", env=env)
    assert dry.returncode == 0 and "would move 'Write' 10:00-11:00 → 2026-11-26" in dry.stdout
    assert first in cli("list", env=env).stdout  # nothing moved
    carried = json.loads(cli("carry", first, "--json", env=env).stdout)
    assert carried["placed"][0]["block"] == first and carried["placed"][0]["date"] == "2026-11-26"
    assert first not in cli("list", env=env).stdout
    inbox = cli("carry", "--to", "inbox", env=env)
    assert "'Read' 11:00-11:30 → inbox" in inbox.stdout
    assert "Read" in cli("task", "list", env=env).stdout
    assert "no unfinished flexible work" in cli("carry", env=env).stdout


def test_next_says_the_block_now_or_next_in_one_line(cli: CliRunner) -> None:
    report = cli("add", "Report 10:00-11:00 #work").stdout.strip()
    cli("add", "Lunch 12:00-13:00 #break")
    assert cli("next", env={"FLOWDAY_NOW": "2026-11-25T10:20"}).stdout == (
        "■ Report · 40m left · balance\n"
    )
    later = json.loads(cli("next", "--json", env={"FLOWDAY_NOW": "2026-11-25T11:05"}).stdout)
    assert later["text"] == "◌ Lunch · in 55m · balance"
    assert (later["state"], later["minutes"], later["block"]["start"]) == ("next", 55, "12:00")
    cli("done", report)  # done: over, the next one is what is left
    assert cli("next", env={"FLOWDAY_NOW": "2026-11-25T10:20"}).stdout.startswith("◌ Lunch")
    cli("add", "Late 20:00-21:00 #work", "--force")  # a hard rule broken: the bar marks it
    evening = cli("next", env={"FLOWDAY_NOW": "2026-11-25T23:05"})
    assert evening.stdout == "free · balance !\n" and evening.returncode == 0


def test_next_answers_from_todays_snapshot_until_what_it_read_changes(
    cli: CliRunner, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The status bar's fast path: a plain `next` answers from the snapshot the previous
    one left, with the minutes of now; a change to the day, the config, or another day
    computes it again (the same answers either way)."""
    from flowday.application import status

    computed: list[str] = []
    real = status.snapshot_of
    monkeypatch.setattr(status, "snapshot_of", lambda p: computed.append("x") or real(p))
    report = cli("add", "Report 10:00-11:00 #work").stdout.strip()
    at = {"FLOWDAY_NOW": "2026-11-25T10:20"}
    assert cli("next", env=at).stdout == "■ Report · 40m left · balance\n"
    assert computed == ["x"]  # no snapshot yet: computed, and one left
    later = {"FLOWDAY_NOW": "2026-11-25T10:45"}
    assert cli("--data-dir", str(tmp_path / "cli-data"), "next", env=later).stdout == (
        "■ Report · 15m left · balance\n"
    )
    assert json.loads(cli("next", "--json", env=later).stdout)["block"]["id"] == report
    assert computed == ["x"]  # answered from the snapshot, twice
    cli("done", report)
    assert cli("next", env=later).stdout == "free · balance\n" and len(computed) == 2
    config = tmp_path / "config.toml"
    config.write_text('[week]\nwed = "integration"\n')
    assert cli("next", env={**later, "FLOWDAY_CONFIG": str(config)}).stdout == (
        "free · integration\n"
    )
    assert cli("next", env={"FLOWDAY_NOW": "2026-11-26T09:00"}).stdout == "free · balance\n"
    assert len(computed) == 4
    assert cli("next", "--jsn", env=later).returncode == 2  # not plain: the parser says why


def test_reflect_in_a_terminal_follows_the_shutdown_steps(cli: CliRunner) -> None:
    env = {"FLOWDAY_NOW": "2026-11-25T19:00"}
    cli("add", "Write 10:00-11:00 #work #flex", env=env)
    read = cli("add", "Read 11:00-11:30 #work #flex", env=env).stdout.strip()
    cli("add", "Standup 9:00-9:15 #work", "--date", "tomorrow", env=env)
    ran = cli("reflect", input="t\nd\n1\n2\n3\n4\n5\nfine\n", env=env)
    assert ran.returncode == 0 and "saved the reflection" in ran.stdout
    steps = ran.stderr
    assert steps.index("The day at a glance") < steps.index("Unfinished:") < steps.index(
        "What stressed you today?"
    ) < steps.index("Tomorrow at a glance")  # fmt: skip
    assert "work planned 1h30, ran 1h30 · 0 of 2 blocks done" in steps
    assert "first: 09:00-09:15 Standup" in steps
    assert "~ Write" in cli("list", "--date", "tomorrow", env=env).stdout  # carried
    listed = [line.split() for line in cli("list", env=env).stdout.splitlines()]
    assert ["11:00-11:30", "work", "~", "✗", "Read", read] in listed  # dropped: skipped, kept
    # completed: on today's timeline as a short break block, done, ending when it was done
    assert "shutdown: 18:50-19:00 added as done (break)" in steps
    assert ["18:50-19:00", "break", "✓", "Shutdown"] in [line[:4] for line in listed]
    # an earlier day is asked about by name; flags alone stay a silent script
    cli("add", "Old 10:00-11:00 #work", "--date", "2026-11-23", env=env)
    earlier = cli("reflect", "--date", "2026-11-23", input="1\n2\n3\n4\n5\n\n", env=env)
    assert "What stressed you on Monday?" in earlier.stderr
    silent = cli("reflect", "--date", "2026-11-24", "--present", "work", "--stress", "neither",
                 "--energy", "3", "--peace", "3", "--meaning", "3", env=env)  # fmt: skip
    assert silent.returncode == 0 and silent.stderr == ""


def test_the_completed_shutdown_is_a_short_done_block_ending_now_never_forced(
    planner: Planner, clock: Any
) -> None:
    """Today only, once, ending when it was completed (never moved, never over a block's
    plan or what really ran), a break on fenced days and personal on woven ones; a planned
    "Shutdown" is marked done instead."""
    from flowday.application.shutdown import record_shutdown
    from flowday.domain.frozen import replace

    today = clock.now().date()  # 10:00
    call = planner.add_block(today, title="Call", start=555, end=585, sphere=Sphere.WORK).block
    assert call is not None
    assert record_shutdown(planner, today.subtract(days=1)) == ""  # an earlier day: nothing
    outcomes.mark_done(planner, call.id, at=(555, 598))  # planned to 09:45, ran to 09:58
    refused = "shutdown: not added: 'Call' holds that time (blocks never overlap)"
    assert record_shutdown(planner, today) == refused
    outcomes.mark_done(planner, call.id, at=(555, 593))  # it ended at 09:53
    assert record_shutdown(planner, today) == "shutdown: 09:53-10:00 added as done (break)"
    shut = next(b for b in planner.store.blocks_on(today) if b.title == "Shutdown")
    assert (shut.outcome, shut.sphere) == (Outcome.DONE, Sphere.BREAK)
    assert record_shutdown(planner, today) == ""  # once a day
    tomorrow = today.add(days=1)
    object.__setattr__(clock, "at", clock.at.add(days=1))
    with planner.store.transaction() as txn:
        txn.put_day(replace(planner.store.day(tomorrow), mode="integration"))
    assert record_shutdown(planner, tomorrow) == "shutdown: 09:50-10:00 added as done (personal)"
    planned = planner.add_block(tomorrow.add(days=1), title="shutdown", start=1100, end=1110,
                                sphere=Sphere.PERSONAL).block  # fmt: skip
    assert planned is not None
    object.__setattr__(clock, "at", clock.at.add(days=1))
    assert record_shutdown(planner, tomorrow.add(days=1)).endswith("18:20-18:30 marked done")
    assert planner.store.find_block(planned.id).outcome is Outcome.DONE  # type: ignore[union-attr]


def test_the_shutdown_block_can_be_turned_off(planner: Planner, clock: Any) -> None:
    from flowday.application.shutdown import record_shutdown
    from flowday.config import ConfigError, from_mapping
    from flowday.domain.frozen import replace

    off = from_mapping({"timezone": "Europe/Berlin", "reflection": {"shutdown_block": False}})
    assert not off.reflection.shutdown_block
    with pytest.raises(ConfigError, match="shutdown_block"):
        from_mapping({"reflection": {"shutdown_block": "yes"}})
    quiet = Planner(planner.store, replace(planner.config, reflection=off.reflection), clock)
    assert record_shutdown(quiet, clock.now().date()) == ""
    assert planner.store.blocks_on(clock.now().date()) == []
