"""A process killed at any instant never leaves an unparseable store or loses a confirmed
edit; two processes writing at once never lose each other's writes."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from flowday.store import Store, load_json_file

SRC = Path(__file__).resolve().parents[2] / "src"
WRITER = Path(__file__).with_name("writer.py")
KILLS = 100
MOVE_KILLS = 40


def start_writer(data_dir: Path, label: str, count: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), str(SRC.parent)])}
    return subprocess.Popen(
        [sys.executable, str(WRITER), str(data_dir), label, str(count)],
        stdout=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip


def all_ids(data_dir: Path) -> set[str]:
    ids: set[str] = set()
    for path in (data_dir / "months").glob("*.json"):
        data = load_json_file(path)  # raises if any file is not a valid store file
        assert data is not None
        ids.update(doc["id"] for doc in data.get("blocks", {}).values())
    return ids


def test_sigkill_at_random_moments_never_corrupts_or_loses(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    rng = random.Random(20261125)
    confirmed: set[str] = set()
    torn_writes: list[Path] = []  # temp files left by kills that landed mid-write
    for _ in range(KILLS):
        writer = start_writer(data_dir, "crash", 10_000)
        assert writer.stdout is not None
        confirmed.add(writer.stdout.readline().strip())  # running: now kill it mid-stream
        time.sleep(rng.uniform(0, 0.03))
        writer.send_signal(signal.SIGKILL)
        rest, _ = writer.communicate()
        confirmed.update(line for line in rest.split() if line)
        torn_writes.extend(p for p in (data_dir / "months").glob(".*.tmp-*"))
        missing = confirmed - all_ids(data_dir)
        assert not missing, f"confirmed edits lost: {sorted(missing)[:5]}"
    Store(data_dir)  # cleans the temp files the killed writers left
    assert not [p for p in (data_dir / "months").iterdir() if p.name.startswith(".")]
    assert len(confirmed) >= KILLS
    print(f"{KILLS} kills, {len(confirmed)} confirmed edits, {len(torn_writes)} torn writes")


def test_sigkill_during_moves_across_months_never_duplicates_or_loses(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    rng = random.Random(20261126)
    finished = 0  # kills that landed between the two month files (the journal finished them)
    for _ in range(MOVE_KILLS):
        writer = start_writer(data_dir, "mover", 10_000)
        assert writer.stdout is not None
        block_id = writer.stdout.readline().strip()
        time.sleep(rng.uniform(0, 0.03))
        writer.send_signal(signal.SIGKILL)
        writer.communicate()
        finished += (data_dir / ".journal.json").exists()
        Store(data_dir)  # the next start finishes a move the kill interrupted
        copies = [
            doc["id"]
            for path in (data_dir / "months").glob("*.json")
            for doc in (load_json_file(path) or {}).get("blocks", {}).values()
            if doc["id"] == block_id
        ]
        assert copies == [block_id], f"{len(copies)} copies of the moved block"
    print(f"{MOVE_KILLS} kills during moves, {finished} finished from the journal")


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    Store(data_dir)
    writers = [start_writer(data_dir, label, 200) for label in ("alpha", "beta")]
    outputs = [w.communicate(timeout=120)[0].split() for w in writers]
    assert [w.returncode for w in writers] == [0, 0]
    assert len(outputs[0]) == len(outputs[1]) == 200
    assert all_ids(data_dir) == set(outputs[0]) | set(outputs[1])
    assert len(all_ids(data_dir)) == 400
