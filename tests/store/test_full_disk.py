"""A write that fails part way through a change to several files (a full disk: ENOSPC,
EDQUOT; a failing device: EIO) leaves the store exactly as before, and says so, or the
change is whole and reported done. Nothing left behind ever applies a refused change later.

The failures are placed, not hoped for: every call of flowday's one safe write that touches
the disk (creating a temp file, writing, fsync, rename, unlink) fails in turn."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path
from typing import Any

import pendulum
import pytest

from flowday import safe_write
from flowday.domain.model import Block, Sphere, Task
from flowday.store import Store, StoreError

NOV = pendulum.date(2026, 11, 25)
DEC = pendulum.date(2026, 12, 2)
NOW = pendulum.datetime(2026, 11, 25, 10, tz="UTC")
DISK_CALLS = frozenset({"open", "write", "fsync", "replace", "unlink"})
NEED_SPACE = frozenset({"write", "open"})  # a disk that stays full fails only these


class FailingOS:
    """``safe_write``'s ``os``: counts the calls that touch the disk and fails some of them:
    the ``fail_at``-th, or from it on every one named in ``then`` (``NEED_SPACE``: a disk
    that fills up there and stays full; renames, syncs and unlinks still work on it)."""

    def __init__(
        self, fail_at: int = 0, *, then: frozenset[str] = frozenset(), code: int = errno.ENOSPC
    ) -> None:
        self.fail_at, self.then, self.code = fail_at, then, code
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        real = getattr(os, name)
        if name not in DISK_CALLS:
            return real

        def call(*args: Any, **kwargs: Any) -> Any:
            if name == "open" and not args[1] & os.O_CREAT:
                return real(*args, **kwargs)  # a folder opened to sync it: no disk change
            self.calls.append(name)
            k = len(self.calls)
            if self.then and k >= self.fail_at > 0:
                failing = name in self.then
            else:
                failing = k == self.fail_at
            if failing:
                raise OSError(self.code, os.strerror(self.code))
            if name == "fsync":
                return None  # what is tested is the order of the steps, not durability: fast
            return real(*args, **kwargs)

        return call


def files(root: Path) -> dict[str, bytes]:
    """Every file of the folder (temp files included), but the lock and the journal."""
    skip = {".lock", ".journal.json"}
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name not in skip
    }


def seeded(root: Path) -> tuple[Block, Task]:
    block = Block.create(date=NOV, start=600, end=660, title="Review", sphere=Sphere.WORK, now=NOW)
    task = Task.create(title="Report", sphere=Sphere.WORK, now=NOW)
    with Store(root).transaction() as txn:
        txn.put_block(block)
        txn.put_task(task)
    return block, task


def three_file_change(store: Store, block: Block, task: Task) -> None:
    """A block moved to a month with no file yet, and the inbox changed: three files."""
    with store.transaction() as txn:
        txn.put_block(block.changed(NOW, date=DEC), previous_date=NOV)
        txn.put_task(Task(id=task.id, title="Report v2", sphere=task.sphere, created=task.created))


def change_with(
    monkeypatch: pytest.MonkeyPatch, fake: FailingOS, root: Path, block: Block, task: Task
) -> StoreError | None:
    """The three-file change in a new process (a new ``Store``) seeing the disk as ``fake``."""
    monkeypatch.setattr(safe_write, "os", fake)
    try:
        three_file_change(Store(root), block, task)
    except StoreError as exc:
        return exc
    finally:
        monkeypatch.setattr(safe_write, "os", os)
    return None


def test_every_failing_step_of_a_three_file_change_leaves_it_whole_or_undone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = tmp_path / "base"
    block, task = seeded(base)
    before = files(base)
    done = tmp_path / "done"
    shutil.copytree(base, done)
    counting = FailingOS()
    assert change_with(monkeypatch, counting, done, block, task) is None
    after = files(done)
    assert after != before and not (done / ".journal.json").exists()
    steps = counting.calls
    assert steps.count("replace") == 4 and steps.count("write") == 4  # 3 files + the journal

    outcomes: dict[str, int] = {"undone": 0, "whole": 0}
    codes = (errno.ENOSPC, errno.EDQUOT, errno.EIO)
    cases = [(k, full) for full in (False, True) for k in range(1, len(steps) + 1)]
    for k, full in cases:
        root = tmp_path / f"run-{k}-{full}"
        shutil.copytree(base, root)
        fake = FailingOS(k, then=NEED_SPACE if full else frozenset(), code=codes[k % 3])
        refused = change_with(monkeypatch, fake, root, block, task)
        where = f"failing call {k} ({steps[k - 1]}), disk stays full: {full}"
        if refused is not None:
            message = str(refused)
            assert "nothing was changed" in message and len(message.splitlines()) == 1, where
            assert os.strerror(fake.code) in message, where
            assert files(root) == before, where
            assert not (root / ".journal.json").exists(), where  # nothing left to apply it
            outcomes["undone"] += 1
        else:
            assert files(root) == after, where
            outcomes["whole"] += 1
        # the next command, with room again, finds exactly what was reported
        Store(root).tasks()
        assert files(root) == (before if refused else after), where
        assert not (root / ".journal.json").exists(), where
    # A failure at any step up to the folders' sync undoes the change; only the journal's
    # removal (an unlink and a sync) fails after the change is whole. A disk that fills up
    # refuses the change while it still needs space (each file's temp, then the journal),
    # after which the renames and syncs need none.
    last_space = max(k for k, name in enumerate(steps, 1) if name in NEED_SPACE)
    whole = 2 + len(steps) - last_space
    assert outcomes == {"undone": len(cases) - whole, "whole": whole}, (outcomes, steps)


def test_a_move_refused_by_a_full_disk_is_not_applied_later(
    cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    block_id = cli("add", "Standup 9:00-9:15 #work").stdout.strip()
    # the disk fills up once the first month's new contents are written, and stays full
    monkeypatch.setattr(safe_write, "os", FailingOS(4, then=NEED_SPACE))
    moved = cli("edit", block_id, "--date", "2026-12-02", "--force")
    assert moved.returncode == 4 and moved.stdout == ""
    (line,) = moved.stderr.strip().splitlines()
    assert "No space left on device" in line and "nothing was changed" in line, line
    listed = cli("list")  # still full: reading works, and shows the block where it was
    assert listed.returncode == 0 and block_id in listed.stdout, listed.stderr
    monkeypatch.setattr(safe_write, "os", os)  # room again
    assert block_id in cli("list").stdout
    assert block_id not in cli("list", "--date", "2026-12-02").stdout
    assert not (cli.data_dir / ".journal.json").exists()


def test_a_change_that_cannot_be_undone_either_says_the_next_command_finishes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "data"
    block, task = seeded(root)
    counting = FailingOS()
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    change_with(monkeypatch, counting, copy, block, task)
    after = files(copy)
    # the device fails after the first file is replaced, and stays failing: no undo
    first_rename = counting.calls.index("replace") + 2
    fake = FailingOS(first_rename, then=DISK_CALLS, code=errno.EIO)
    refused = change_with(monkeypatch, fake, root, block, task)
    assert refused is not None and "could not be undone" in str(refused)
    assert "the next flowday command finishes it from .journal.json" in str(refused)
    Store(root)  # the next command, the device working again
    assert files(root) == after and not (root / ".journal.json").exists()


def test_a_crash_log_goes_where_there_is_room_or_says_where_it_could_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    from flowday.tui.app import write_crash_log

    data, cache, temp = tmp_path / "data", tmp_path / "cache", tmp_path / "tmp"
    monkeypatch.setenv("FLOWDAY_CACHE_DIR", str(cache))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        error = exc
    # the data folder's disk is full (its write fails): the log goes to the cache dir
    monkeypatch.setattr(safe_write, "os", FailingOS(2))  # call 2: writing the first log
    where = write_crash_log(data, error)
    assert where.startswith(f"details in {cache / 'flowday-crash.log'} (could not write ")
    assert f"{data / 'flowday-crash.log'} (No space left on device)" in where
    assert "RuntimeError: boom" in (cache / "flowday-crash.log").read_text()
    assert not data.exists() or list(data.iterdir()) == []  # no empty log left behind
    # no room anywhere: one line names each place and why
    monkeypatch.setattr(safe_write, "os", FailingOS(1, then=NEED_SPACE))
    (cache / "flowday-crash.log").unlink()
    where = write_crash_log(data, error)
    monkeypatch.setattr(safe_write, "os", os)
    assert where.startswith("the details could not be written: ") and "\n" not in where
    assert where.count("(No space left on device)") == 3 and str(temp) in where
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
