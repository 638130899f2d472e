"""A process killed at any instant never leaves an unparseable store or loses a confirmed
edit; two processes writing at once never lose each other's writes.

The kills are placed, not hoped for: the writer kills itself just before each durable step
of a commit in turn (``writer.py``), so every state a crash can leave on disk is reached -
a temp file not yet renamed (a torn write), a journal with one month file written and the
other not (a half-done move) - and each test asserts it was reached."""

from __future__ import annotations

import itertools
import json
import os
import random
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pendulum

from flowday.domain.model import Block, Sphere
from flowday.store import Store, load_json_file, log_path_for

SRC = Path(__file__).resolve().parents[2] / "src"
WRITER = Path(__file__).with_name("writer.py")
# the adds of killed_run over a month with one line in its log, folded in after two lines
ADD_STEPS = [
    "fsync 2026-11.log.jsonl",  # a line appended
    "fsync .2026-11.json",  # the log folded in: the month written whole (its temp file)...
    "replace 2026-11.json",
    "fsync months",
    "unlink 2026-11.log.jsonl",  # ...then the log removed
    "fsync months",
    "fsync 2026-11.log.jsonl",  # a new log begun
    "fsync months",
]
# both month files prepared (an fsync each), the journal (3), both renames, the folder's fsync,
# dropping the journal (2)
MOVE_STEPS = 10
RANDOM_KILLS = 4  # the J-burst tests below kill at a random moment too
NOV = pendulum.date(2026, 11, 20)
NOW = pendulum.datetime(2026, 11, 20, 10, tz="UTC")
CONCURRENT_ADDS = 100  # each: enough to overlap (asserted), few enough to be quick


def start_writer(
    data_dir: Path, label: str, count: int, kill_at: int = 0, compact_after: int = 0
) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), str(SRC.parent)])}
    if compact_after:
        env["WRITER_COMPACT_AFTER"] = str(compact_after)
    return subprocess.Popen(
        [sys.executable, str(WRITER), str(data_dir), label, str(count), str(kill_at)],
        stdout=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip


def killed_run(
    data_dir: Path, label: str, kill_at: int, compact_after: int = 0
) -> tuple[list[str], str]:
    """The ids the writer confirmed, and the step it was killed before."""
    writer = start_writer(data_dir, label, 10_000, kill_at, compact_after)
    out, _ = writer.communicate(timeout=120)
    assert writer.returncode == -signal.SIGKILL, (kill_at, out[-500:])
    lines = out.split("\n")
    killed = [line for line in lines if line.startswith("KILLED ")]
    assert len(killed) == 1, (kill_at, out[-500:])  # the chosen step was reached
    return [line for line in lines if line and not line.startswith("KILLED ")], killed[0]


def temp_files(data_dir: Path) -> list[Path]:
    return [p for folder in (data_dir, data_dir / "months") for p in folder.glob(".*.tmp-*")]


def all_ids(data_dir: Path) -> list[str]:
    ids: list[str] = []
    for path in (data_dir / "months").glob("*.json"):
        data = load_json_file(path)  # raises if any file is not a valid store file
        assert data is not None
        ids.extend(doc["id"] for doc in data.get("blocks", {}).values())
    return ids


def test_a_kill_before_each_step_of_an_add_never_corrupts_or_loses(tmp_path: Path) -> None:
    # a month file with one line in its log, folded in after two: the adds reach every
    # kind of save - a line appended, the log folded into the file (a whole write, then the
    # log removed), a new log begun
    seed = tmp_path / "seed"
    with Store(seed).transaction() as txn:
        txn.put_block(Block.create(date=NOV, start=0, end=5, title="First", sphere=Sphere.WORK,
                                   now=NOW))  # fmt: skip
    with Store(seed).transaction() as txn:
        txn.put_block(Block.create(date=NOV, start=5, end=9, title="Second", sphere=Sphere.WORK,
                                   now=NOW))  # fmt: skip
    assert log_path_for(Store(seed).month_path(NOV)).exists()
    torn_writes = 0
    reached: list[str] = []
    for kill_at in range(1, len(ADD_STEPS) + 1):
        data_dir = tmp_path / f"run-{kill_at}"
        shutil.copytree(seed, data_dir)
        ids, killed = killed_run(data_dir, "crash", kill_at, compact_after=2)
        reached.append(killed.split(maxsplit=1)[1].split(".tmp-")[0])
        torn_writes += bool(temp_files(data_dir))
        stored = all_ids(data_dir)
        assert len(stored) == len(set(stored)), killed  # a log left beside is not replayed twice
        missing = set(ids) - set(stored)
        assert not missing, f"confirmed edits lost: {sorted(missing)[:5]} ({killed})"
        store = Store(data_dir)  # cleans the temp files the killed writer left
        assert temp_files(data_dir) == []
        with store.transaction() as txn:  # and saving goes on from whatever it found
            txn.put_block(Block.create(date=NOV, start=900, end=915, title="After",
                                       sphere=Sphere.WORK, now=NOW))  # fmt: skip
        assert len(set(all_ids(data_dir))) == len(stored) + 1 == len(all_ids(data_dir))
    assert reached == ADD_STEPS  # each step reached, in the order a save takes them
    assert torn_writes >= 1  # killed before the rename that folds the log in


def test_a_kill_before_each_step_of_a_move_across_months_never_duplicates_or_loses(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    replays = half_done = torn_writes = 0
    for kill_at in range(1, MOVE_STEPS + 1):
        (block_id, *_), step = killed_run(data_dir, "mover", kill_at)
        journal = (data_dir / ".journal.json").exists()
        copies = all_ids(data_dir).count(block_id)
        torn_writes += bool(temp_files(data_dir))
        if copies != 1:  # in both months or in neither: only ever while a journal is there
            assert journal, f"a half-done move without a journal ({step})"
            half_done += 1
        Store(data_dir)  # the next start finishes the move from the journal
        replays += journal and not (data_dir / ".journal.json").exists()
        assert all_ids(data_dir).count(block_id) == 1, f"copies of the moved block ({step})"
        assert temp_files(data_dir) == []
    # the windows that matter were hit: the journal was replayed, and at least once it was
    # needed (one month file written, the other not)
    assert half_done >= 1 and replays >= half_done and torn_writes >= 1


def test_sigkill_at_random_moments_never_corrupts_or_loses(tmp_path: Path) -> None:
    # a complement to the placed kills above: anywhere, in or out of a commit
    data_dir = tmp_path / "data"
    rng = random.Random(20261125)
    confirmed: set[str] = set()
    for _ in range(RANDOM_KILLS):
        writer = start_writer(data_dir, "crash", 10_000)
        assert writer.stdout is not None
        confirmed.add(writer.stdout.readline().strip())  # running: now kill it mid-stream
        time.sleep(rng.uniform(0, 0.03))
        writer.send_signal(signal.SIGKILL)
        rest, _ = writer.communicate()
        confirmed.update(line for line in rest.split() if line)
        missing = confirmed - set(all_ids(data_dir))
        assert not missing, f"confirmed edits lost: {sorted(missing)[:5]}"
    Store(data_dir)  # cleans the temp files the killed writers left
    assert temp_files(data_dir) == []
    assert len(confirmed) >= RANDOM_KILLS


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    Store(data_dir)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), str(SRC.parent)]),
           "WRITER_SIDE_BY_SIDE": "1"}  # fmt: skip
    command = [sys.executable, str(WRITER), str(data_dir)]
    writers = [
        subprocess.Popen(
            [*command, label, str(CONCURRENT_ADDS)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for label in ("alpha", "beta")
    ]
    for writer in writers:  # both loaded and waiting: then both go at once
        assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
    for writer in writers:
        assert writer.stdin is not None
        writer.stdin.write("go\n")
        writer.stdin.flush()
    outputs = [w.communicate(timeout=120)[0].split() for w in writers]
    assert [w.returncode for w in writers] == [0, 0]
    assert len(outputs[0]) == len(outputs[1]) == CONCURRENT_ADDS
    assert set(all_ids(data_dir)) == set(outputs[0]) | set(outputs[1])
    assert len(all_ids(data_dir)) == 2 * CONCURRENT_ADDS
    # the writes really were concurrent: in the order they were stored (TinyDB ids count
    # up), the two writers take turns rather than one finishing before the other began
    data = load_json_file(data_dir / "months" / "2026-11.json")
    assert data is not None
    order = [
        doc["title"].split()[0]
        for _, doc in sorted(data["blocks"].items(), key=lambda d: int(d[0]))
    ]
    turns = sum(1 for before, after in itertools.pairwise(order) if before != after)
    assert turns >= 10, order


def minutes(clock: str) -> int:
    hours, mins = clock.split(":")
    return int(hours) * 60 + int(mins)


def test_a_planner_killed_in_a_burst_of_j_presses_keeps_an_unbroken_prefix_of_them(
    tmp_path: Path,
) -> None:
    # J pressed again and again (what the key runs: Planner.edit_block, one transaction
    # each), the month's log folded into its file every few presses, SIGKILL at a random
    # moment: what is on disk is presses 1..k, k at least every press confirmed
    data_dir = tmp_path / "data"
    rng = random.Random(20261130)
    presser = start_writer(data_dir, "presser", 90, compact_after=5)
    assert presser.stdout is not None
    block_id = presser.stdout.readline().strip()
    confirmed = [int(presser.stdout.readline()) for _ in range(rng.randint(3, 12))]
    time.sleep(rng.uniform(0, 0.02))
    presser.send_signal(signal.SIGKILL)
    rest, _ = presser.communicate()
    confirmed += [int(start) for start in rest.split()]
    assert presser.returncode == -signal.SIGKILL and len(confirmed) < 90  # killed mid-burst
    # the positions on disk in the order they were saved: the month file's (presses folded
    # in), then each line of its log after it - never torn, never a press skipped
    month = data_dir / "months" / "2026-11.json"
    data = json.loads(month.read_text("utf-8"))  # whole, readable JSON
    (record,) = [r for r in data["blocks"].values() if r["id"] == block_id]
    positions = [minutes(record["start"])]
    log = log_path_for(month)
    for line in log.read_text("utf-8").splitlines() if log.exists() else ():
        entry = json.loads(line)  # every line whole: a kill never tears one
        if entry["seq"] > data["_meta"]["1"].get("log_seq", 0):
            (change,) = entry["changes"]
            positions.append(minutes(change["record"]["start"]))
    first = positions[0] // 15
    assert positions == [15 * press for press in range(first, first + len(positions))]
    saved = positions[-1] // 15
    assert len(confirmed) <= saved <= len(confirmed) + 1  # the one in flight, at most
    assert confirmed == [15 * press for press in range(1, len(confirmed) + 1)]
    found = Store(data_dir).find_block(block_id)
    assert found is not None and found.start == positions[-1]


def test_the_real_planner_killed_in_a_burst_of_j_presses_keeps_an_unbroken_prefix(
    tmp_path: Path,
) -> None:
    # the same, through the keys: the planner on a pty, J pressed as fast as a person
    # would hold it down, SIGKILL once some presses have been saved
    import pty

    from flowday.application.planner import Planner
    from flowday.config import from_mapping
    from flowday.domain.clock import FixedClock

    data_dir = tmp_path / "data"
    planner = Planner(
        Store(data_dir), from_mapping({"timezone": "Europe/Berlin"}),
        FixedClock(pendulum.datetime(2026, 11, 25, 9, tz="UTC")),
    )  # fmt: skip
    result = planner.add_block(
        pendulum.date(2026, 11, 25), title="Pressed", start=600, end=615, sphere=Sphere.BREAK
    )
    assert result.block is not None
    month = data_dir / "months" / "2026-11.json"
    log = log_path_for(month)
    master, slave = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(SRC), "FLOWDAY_DATA_DIR": str(data_dir),
           "FLOWDAY_NOW": "2026-11-25T10:00", "FLOWDAY_TZ": "Europe/Berlin",
           "TERM": "xterm-256color"}  # fmt: skip
    app = subprocess.Popen(
        [sys.executable, "-m", "flowday"], stdin=slave, stdout=slave, stderr=slave, env=env,
        start_new_session=True,
    )  # fmt: skip
    os.close(slave)
    output = b""

    def read_until(done: Callable[[], bool], seconds: float) -> None:
        """The app's output read all the while (a full pty would stall it)."""
        nonlocal output
        deadline = time.monotonic() + seconds
        while not done() and time.monotonic() < deadline:
            if select.select([master], [], [], 0.02)[0]:
                output += os.read(master, 65536)

    def saved() -> int:
        return log.read_bytes().count(b"\n") if log.exists() else 0

    try:
        read_until(lambda: b"Pressed" in output, 30)
        assert b"Pressed" in output, output[-300:]
        presses = 0
        while presses < 30 and saved() < 2:  # held down: J after J, each saved in turn
            os.write(master, b"J")
            presses += 1
            read_until(lambda: False, 0.02)
        read_until(lambda: saved() >= 2, 20)  # a slow machine: the presses are queued
        os.write(master, b"JJ")
        os.kill(app.pid, signal.SIGKILL)  # mid-burst: two presses just sent, others queued
        app.wait(timeout=10)
        presses += 2
    finally:
        if app.poll() is None:
            app.kill()
        os.close(master)
    data = json.loads(month.read_text("utf-8"))
    (record,) = list(data["blocks"].values())
    positions = [minutes(record["start"])]
    for line in log.read_text("utf-8").splitlines() if log.exists() else ():
        positions.append(minutes(json.loads(line)["changes"][-1]["record"]["start"]))
    assert positions == [600 + 15 * k for k in range(len(positions))], positions
    assert 3 <= len(positions) <= presses + 1
    found = Store(data_dir).find_block(result.block.id)
    assert found is not None and found.start == positions[-1]
