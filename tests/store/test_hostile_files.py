"""Data files that are not what they seem: a FIFO, a directory, a link, a huge file or a
stray name in ``months/`` is refused with one line (exit 4) or left alone, never read
forever, never replaced by a save, and reported by ``doctor``."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

import pytest

import flowday.store as store_module
from flowday.store import Store, StoreError

SRC = Path(__file__).resolve().parents[2] / "src"

MONTH_FILE = {
    "_meta": {"1": {"schema_version": 2}},
    "blocks": {
        "1": {"id": "b1", "date": "2026-11-25", "start": "09:00", "end": "10:00",
              "title": "Kept", "sphere": "work"},
    },
}  # fmt: skip


class Hung(Exception):
    """A read that would block forever (a FIFO opened without O_NONBLOCK)."""


@pytest.fixture(autouse=True)
def _no_hang() -> Iterator[None]:
    # a regression blocks in open() or read(): fail the test instead of hanging the suite
    def hung(signum: int, frame: FrameType | None) -> None:
        raise Hung

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _fifo(path: Path, tmp_path: Path) -> None:
    os.mkfifo(path)


def _directory(path: Path, tmp_path: Path) -> None:
    path.mkdir()


def _link_to_a_file(path: Path, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.json"
    target.write_text(json.dumps(MONTH_FILE))
    path.symlink_to(target)


def _dangling_link(path: Path, tmp_path: Path) -> None:
    path.symlink_to(tmp_path / "gone.json")


MAKERS: dict[str, Callable[[Path, Path], None]] = {
    "fifo": _fifo,
    "directory": _directory,
    "link-to-a-file": _link_to_a_file,
    "dangling-link": _dangling_link,
}
KIND = {
    "fifo": "a named pipe",
    "directory": "a folder",
    "link-to-a-file": "a symbolic link",
    "dangling-link": "a symbolic link",
}


def what_is(path: Path) -> int:
    return stat.S_IFMT(os.lstat(path).st_mode)


@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_a_month_that_is_not_a_regular_file_is_refused_and_never_replaced(
    cli, tmp_path: Path, kind: str
) -> None:
    month = cli.data_dir / "months" / "2026-11.json"
    month.parent.mkdir(parents=True)
    MAKERS[kind](month, tmp_path)
    before = what_is(month)
    for args in (["list"], ["add", "Standup 9:00-9:15"], ["list", "--json"], ["stats"]):
        result = cli(*args)
        assert result.returncode == 4, (args, result.stdout, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "2026-11.json is not a regular file" in lines[0], lines
        assert f"({KIND[kind]})" in lines[0]
        assert what_is(month) == before
    if kind == "link-to-a-file":
        assert json.loads((tmp_path / "elsewhere.json").read_text()) == MONTH_FILE
    assert cli("list", "--date", "2026-12-01").returncode == 0  # the other months still work


@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_doctor_reports_a_non_regular_file_and_repair_moves_it_aside(
    cli, tmp_path: Path, kind: str
) -> None:
    month = cli.data_dir / "months" / "2026-11.json"
    month.parent.mkdir(parents=True)
    MAKERS[kind](month, tmp_path)
    before = what_is(month)
    check = cli("doctor")
    assert check.returncode == 4 and "2026-11.json is not a regular file" in check.stdout
    repaired = cli("doctor", "--repair")
    assert repaired.returncode == 0, repaired.stdout
    (kept,) = month.parent.glob("2026-11.json.corrupt-*")
    assert what_is(kept) == before  # moved by a rename: nothing read, written or unlinked
    assert cli("add", "Standup 9:00-9:15").returncode == 0
    assert stat.S_ISREG(os.lstat(month).st_mode)


@pytest.mark.parametrize("name", ["tasks.json", "state.json"])
def test_tasks_and_state_that_are_fifos_are_refused(store: Store, name: str) -> None:
    os.mkfifo(store.root / name)
    read = store.tasks if name == "tasks.json" else store.state
    with pytest.raises(StoreError, match=rf"{name} is not a regular file \(a named pipe\)"):
        read()
    with pytest.raises(StoreError, match="not a regular file"), store.transaction() as txn:
        txn.set_state(theme="dark") if name == "state.json" else txn.tasks()
    assert stat.S_ISFIFO(os.lstat(store.root / name).st_mode)


def test_a_journal_that_is_a_fifo_is_refused_and_doctor_keeps_it_aside(store: Store) -> None:
    os.mkfifo(store.journal_path)
    with pytest.raises(StoreError, match=r"journal\.json is not a regular file \(a named pipe\)"):
        Store(store.root)
    doctor = Store(store.root, recover=False)
    assert [p.name for p, _ in doctor.doctor()] == [".journal.json"]
    ((_, outcome),) = doctor.doctor(repair=True)
    assert outcome.startswith("kept as .journal.json.corrupt-")
    Store(store.root)  # usable again


def test_a_save_never_renames_over_a_link_or_fifo(store: Store, tmp_path: Path) -> None:
    link = store.root / "months" / "2026-11.json"
    target = tmp_path / "elsewhere.json"
    target.write_text("{}")
    link.symlink_to(target)
    fifo = store.root / "months" / "2026-12.json"
    os.mkfifo(fifo)
    for path in (link, fifo):
        with pytest.raises(StoreError, match="is not a regular file"):
            store_module.write_atomically(path, MONTH_FILE)
    assert link.is_symlink() and target.read_text() == "{}"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_an_oversized_month_is_refused_before_it_is_parsed(
    cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    month = cli.data_dir / "months" / "2026-11.json"
    month.parent.mkdir(parents=True)
    raw = json.dumps(MONTH_FILE).encode()
    month.write_bytes(raw)
    monkeypatch.setattr(store_module, "MAX_FILE_BYTES", len(raw))
    assert "Kept" in cli("list").stdout  # exactly at the limit: read
    month.write_bytes(raw + b" ")
    for args in (["list"], ["add", "Standup 9:00-9:15"]):
        result = cli(*args)
        assert result.returncode == 4, (args, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "2026-11.json is larger than" in lines[0], lines
    assert month.read_bytes() == raw + b" "
    assert cli("doctor").returncode == 4


def test_a_file_growing_past_the_limit_while_read_is_refused(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # fstat said small, the read finds more: only limit + 1 bytes are ever read
    path = store.root / "tasks.json"
    path.write_bytes(b" " * 100)
    monkeypatch.setattr(store_module, "MAX_FILE_BYTES", 10)
    real_fstat = os.fstat
    monkeypatch.setattr(
        store_module.os,
        "fstat",
        lambda fd: os.stat_result((*real_fstat(fd)[:6], 5, *real_fstat(fd)[7:])),
    )
    with pytest.raises(StoreError, match="larger than"):
        store.tasks()


STRAY = ["2026-13.json", "2026-00.json", "26-11.json", "0000-05.json", "2026-11.json.bak"]


def test_stray_month_names_never_crash_and_doctor_names_them(cli) -> None:
    assert cli("add", "Standup 9:00-9:15 #work").returncode == 0
    months = cli.data_dir / "months"
    empty = json.dumps({"_meta": {"1": {"schema_version": 2}}})
    for name in STRAY:
        (months / name).write_text(empty)
    for args in (["stats"], ["stats", "--json"], ["list"]):
        result = cli(*args)
        assert result.returncode == 0, (args, result.stderr)
    assert "Standup" in cli("list").stdout
    for args in (["doctor"], ["doctor", "--repair"]):
        found = cli(*args)
        assert found.returncode == 4, found.stdout
        named = [line for line in found.stdout.splitlines() if "not a flowday file" in line]
        assert sorted(Path(line.split(":")[0]).name for line in named) == sorted(
            name for name in STRAY if name.endswith(".json")
        )
    assert all((months / name).read_text() == empty for name in STRAY)  # left alone


def _limited_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def test_a_month_linked_to_dev_zero_is_refused_not_read(tmp_path: Path) -> None:
    # in a process of its own with 1 GB of address space: a regression that reads the link
    # fails with MemoryError in a moment instead of eating the machine's memory (an alarm
    # cannot interrupt a read from /dev/zero)
    data = tmp_path / "data"
    (data / "months").mkdir(parents=True)
    (data / "months" / "2026-11.json").symlink_to("/dev/zero")
    for args in (["list"], ["stats"], ["doctor"]):
        result = subprocess.run(
            [sys.executable, "-m", "flowday", *args],
            capture_output=True, text=True, timeout=60, preexec_fn=_limited_memory,
            env={**os.environ, "PYTHONPATH": str(SRC), "FLOWDAY_DATA_DIR": str(data),
                 "FLOWDAY_NOW": "2026-11-25T10:00", "FLOWDAY_TZ": "Europe/Berlin"},
        )  # fmt: skip
        assert result.returncode == 4, (args, result.stderr[-300:])
        assert (
            "2026-11.json is not a regular file (a symbolic link)" in result.stdout + result.stderr
        )


@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_a_lock_file_that_is_not_a_regular_file_is_refused_never_waited_on(
    cli, tmp_path: Path, kind: str
) -> None:
    cli.data_dir.mkdir()
    lock = cli.data_dir / ".lock"
    MAKERS[kind](lock, tmp_path)
    before = what_is(lock)
    for args in (["add", "Standup 9:00-9:15"], ["doctor"]):
        result = cli(*args)  # a FIFO opened for writing without O_NONBLOCK never returns
        assert result.returncode == 4, (args, result.stdout, result.stderr)
        (line,) = (result.stderr + result.stdout).strip().splitlines()
        assert f".lock is not a regular file ({KIND[kind]})" in line, line
        assert "nothing was changed" in line and what_is(lock) == before
    assert cli("list").returncode == 0  # reads take no lock
    assert not (tmp_path / "gone.json").exists()  # a dangling link created nothing
