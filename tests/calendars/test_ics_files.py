"""Calendar files that are not what they seem: export replaces regular files only (a
symbolic link is written through, devices, named pipes and folders are refused) and import
reads regular files only, never blocking on a pipe or reading a device without end."""

from __future__ import annotations

import contextlib
import os
import socket
import stat
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from flowday import safe_write

from .ics_samples import WriteIcs, vcalendar, vevent

CliRunner = Callable[..., subprocess.CompletedProcess[str]]  # the `cli` fixture
DAY = ("--from", "2026-11-26", "--to", "2026-11-26")
PROMPTLY = 10.0  # seconds; only stops a regression that would hang, not a speed test


def one_line_refusal(result: subprocess.CompletedProcess[str], *parts: str) -> None:
    assert result.returncode == 2, result
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    for part in parts:
        assert part in result.stderr, result.stderr


def add_block(cli: CliRunner) -> None:
    assert cli("add", "Focus 9:00-10:00 #work", "--date", "2026-11-26").returncode == 0


def promptly(
    run: Callable[[], subprocess.CompletedProcess[str]], fifo: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``run()`` in a thread; a run still going after PROMPTLY fails the test (a writer is
    attached to ``fifo`` first, so that a read blocked on it ends and the thread with it)."""
    results: list[subprocess.CompletedProcess[str]] = []
    thread = threading.Thread(target=lambda: results.append(run()), daemon=True)
    thread.start()
    thread.join(PROMPTLY)
    if thread.is_alive():
        if fifo is not None:
            with contextlib.suppress(OSError):
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            thread.join(PROMPTLY)
        pytest.fail(f"still running after {PROMPTLY} s (blocked?)")
    return results[0]


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "cal.ics"
    os.mkfifo(path)
    return path


@pytest.fixture
def short_dir() -> Iterator[Path]:
    # a socket's path must fit in ~100 bytes: pytest's tmp_path can be longer
    with tempfile.TemporaryDirectory(dir="/tmp") as name:
        yield Path(name)


# export and share --ics


def test_export_to_a_named_pipe_is_refused_and_it_stays_a_pipe(cli: CliRunner, fifo: Path) -> None:
    add_block(cli)
    result = cli("export", str(fifo), *DAY)
    one_line_refusal(
        result, f"cannot write {fifo}: not a regular file (a named pipe); nothing was written"
    )
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in fifo.parent.iterdir() if p.name != "cli-data") == ["cal.ics"]


def test_share_ics_to_a_named_pipe_is_refused_before_any_output(cli: CliRunner, fifo: Path) -> None:
    one_line_refusal(cli("share", "--ics", str(fifo)), "not a regular file (a named pipe)")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_dev_null_is_not_a_target() -> None:
    # checked without writing: a regression must not replace the machine's /dev/null
    with pytest.raises(safe_write.NotRegularFileError, match=r"\(a character device\)"):
        safe_write.regular_target(Path("/dev/null"))
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


def test_export_to_a_character_device_is_refused_and_it_stays_one(
    cli: CliRunner, tmp_path: Path
) -> None:
    node = tmp_path / "null"  # a /dev/null of the test's own: a regression replaces only it
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except OSError:
        pytest.skip("making a device node needs privileges this run does not have")
    one_line_refusal(
        cli("export", str(node), *DAY),
        f"cannot write {node}: not a regular file (a character device); nothing was written",
    )
    assert stat.S_ISCHR(os.lstat(node).st_mode)


def test_export_through_a_link_to_a_device_is_refused(cli: CliRunner, tmp_path: Path) -> None:
    link = tmp_path / "cal.ics"
    link.symlink_to("/dev/null")
    one_line_refusal(
        cli("export", str(link), *DAY),
        "a symbolic link to /dev/null, not a regular file (a character device)",
    )
    assert os.readlink(link) == "/dev/null"


def test_export_to_a_folder_or_a_socket_is_refused(
    cli: CliRunner, tmp_path: Path, short_dir: Path
) -> None:
    folder = tmp_path / "cal.ics"
    folder.mkdir()
    one_line_refusal(cli("export", str(folder), *DAY), "not a regular file (a folder)")
    assert folder.is_dir() and list(folder.iterdir()) == []
    path = short_dir / "s.ics"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        one_line_refusal(cli("export", str(path), *DAY), "not a regular file (a socket)")
        assert stat.S_ISSOCK(os.lstat(path).st_mode)


def test_export_through_a_link_updates_its_file_and_keeps_the_link(
    cli: CliRunner, tmp_path: Path
) -> None:
    # a calendar kept in a dotfiles folder and linked from home
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "cal.ics"
    real.write_bytes(b"old")
    link = tmp_path / "cal.ics"
    link.symlink_to(real)
    add_block(cli)
    result = cli("export", str(link), *DAY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"exported 1 event (2026-11-26..2026-11-26) to {link}"
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert (
        real.read_bytes().startswith(b"BEGIN:VCALENDAR") and b"SUMMARY:Focus" in real.read_bytes()
    )
    assert sorted(p.name for p in dotfiles.iterdir()) == ["cal.ics"]  # no temp file left


def test_export_to_a_dangling_or_looping_link_is_refused(cli: CliRunner, tmp_path: Path) -> None:
    dangling = tmp_path / "cal.ics"
    dangling.symlink_to(tmp_path / "gone" / "cal.ics")
    one_line_refusal(
        cli("export", str(dangling), *DAY),
        f"a symbolic link to {tmp_path / 'gone' / 'cal.ics'}, which does not exist",
        "nothing was written",
    )
    assert dangling.is_symlink() and not (tmp_path / "gone").exists()
    looping = tmp_path / "loop.ics"
    looping.symlink_to(looping)
    one_line_refusal(cli("export", str(looping), *DAY), "a symbolic link that loops")
    assert looping.is_symlink()


# import


def test_import_from_a_named_pipe_returns_at_once(cli: CliRunner, fifo: Path) -> None:
    result = promptly(lambda: cli("import", str(fifo)), fifo)
    one_line_refusal(result, f"cannot read {fifo}: not a regular file (a named pipe)")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_import_from_dev_zero_is_refused_without_reading_it(cli: CliRunner) -> None:
    result = promptly(lambda: cli("import", "/dev/zero"))
    one_line_refusal(result, "cannot read /dev/zero: not a regular file (a character device)")


def test_import_from_a_socket_names_it(cli: CliRunner, short_dir: Path) -> None:
    path = short_dir / "s.ics"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        result = promptly(lambda: cli("import", str(path)))
    one_line_refusal(result, f"cannot read {path}: not a regular file (a socket)")


def test_import_still_reads_a_regular_file_through_a_link(
    cli: CliRunner, write_ics: WriteIcs, tmp_path: Path
) -> None:
    real = write_ics(vcalendar(vevent("a", "DTSTART:20261126T080000Z", "DTEND:20261126T090000Z")))
    link = tmp_path / "linked.ics"
    link.symlink_to(real)
    result = cli("import", str(link), *DAY)
    assert result.returncode == 0, result.stderr
    assert "1 added" in result.stdout
