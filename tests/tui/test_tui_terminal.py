"""The real app in a real pseudo-terminal: signals and crashes give the terminal back.

Each test starts ``python -m flowday`` on a pty (80x24), waits for the first screen, then
signals it or makes it fail, and checks the exit status, that the alternate screen was
left (``ESC[?1049l``) and that the data is still there.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from flowday.application.planner import Planner
from flowday.config import from_mapping
from flowday.domain.clock import FixedClock
from flowday.domain.model import Sphere
from flowday.store import Store

SRC = Path(__file__).resolve().parents[2] / "src"
LEAVE_ALT_SCREEN = b"\x1b[?1049l"
CRASH_SHIM = """
import flowday.tui.screens.main as main

def _boom(self):
    raise RuntimeError("boom")

main.MainScreen.action_edit_block = _boom
"""

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")


class Terminal:
    def __init__(self, data: Path, extra_path: Path | None = None) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        paths = [str(SRC)] + ([str(extra_path)] if extra_path else [])
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(paths),
            "FLOWDAY_DATA_DIR": str(data),
            "FLOWDAY_NOW": "2026-11-25T10:00",
            "FLOWDAY_TZ": "Europe/Berlin",
            "TERM": "xterm-256color",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flowday"],
            stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True,
        )  # fmt: skip
        os.close(slave)
        self.master = master
        self.output = b""

    def read_until(self, needle: bytes, timeout: float = 30) -> bool:
        deadline = time.monotonic() + timeout
        while needle not in self.output and time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                self.output += chunk
        return needle in self.output

    def finish(self, timeout: float = 30) -> int:
        """Wait for the exit, reading all the while: a pty whose reader stops fills up
        and blocks the app's last writes (the very ones that restore the terminal)."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            self.read_until(b"\x00never", timeout=0.1)
        code = self.process.wait(timeout=1)
        self.read_until(b"\x00never", timeout=0.5)  # drain what is left
        os.close(self.master)
        return code


@pytest.fixture
def data(tmp_path: Path, clock: FixedClock) -> Path:
    folder = tmp_path / "data"
    planner = Planner(Store(folder), from_mapping({"timezone": "Europe/Berlin"}), clock)
    planner.add_task("Write report 1h #work")
    return folder


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["TERM", "HUP"])
def test_signals_restore_the_terminal(data: Path, signum: int) -> None:
    terminal = Terminal(data)
    assert terminal.read_until(b"Inbox"), terminal.output[-500:]
    terminal.process.send_signal(signum)
    assert terminal.finish() == 128 + signum
    assert LEAVE_ALT_SCREEN in terminal.output
    assert [t.title for t in Store(data).tasks()] == ["Write report"]


def test_sighup_after_the_terminal_is_gone_still_exits(data: Path) -> None:
    terminal = Terminal(data)
    assert terminal.read_until(b"Inbox"), terminal.output[-500:]
    os.close(terminal.master)  # the terminal window was closed
    terminal.process.send_signal(signal.SIGHUP)
    assert terminal.process.wait(timeout=20) == 128 + signal.SIGHUP
    assert [t.title for t in Store(data).tasks()] == ["Write report"]


def test_an_unexpected_error_restores_the_terminal_and_keeps_the_data(
    data: Path, tmp_path: Path
) -> None:
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(CRASH_SHIM, encoding="utf-8")
    terminal = Terminal(data, extra_path=shim)
    assert terminal.read_until(b"Inbox"), terminal.output[-500:]
    os.write(terminal.master, b"e")
    assert terminal.finish() == 1
    tail = terminal.output.split(LEAVE_ALT_SCREEN)[-1].decode("utf-8", "replace")
    assert LEAVE_ALT_SCREEN in terminal.output
    assert "flowday: unexpected error: RuntimeError: boom" in tail
    assert "Traceback" not in tail  # the details go to the log, not over the terminal
    assert (data / "flowday-crash.log").read_text().count("RuntimeError: boom") == 1
    assert [t.title for t in Store(data).tasks()] == ["Write report"]


def test_a_kill_during_a_burst_of_moves_leaves_an_unbroken_prefix(
    tmp_path: Path, clock: FixedClock
) -> None:
    """The screen answers J and + before the store is written; the writes still follow
    the keys one by one: killed mid-burst, the store holds the first n presses exactly
    (never a later one without an earlier one) in a file that reads."""
    folder = tmp_path / "burst"
    planner = Planner(Store(folder), from_mapping({"timezone": "Europe/Berlin"}), clock)
    today = clock.now().date()
    planner.add_block(today, title="Pause", start=10 * 60, end=10 * 60 + 30, sphere=Sphere.BREAK)
    presses = "J+" * 8
    # after n presses: moved 15 min per J, 15 min longer per +
    prefixes = [
        (600 + 15 * ((n + 1) // 2), 630 + 15 * ((n + 1) // 2) + 15 * (n // 2))
        for n in range(len(presses) + 1)
    ]
    terminal = Terminal(folder)
    assert terminal.read_until(b"Pause"), terminal.output[-500:]
    shown = len(terminal.output)
    os.write(terminal.master, presses.encode())
    terminal.read_until(b"\x00never", timeout=0.3)  # a few presses in, likely not all
    assert len(terminal.output) > shown  # it was answering
    terminal.process.kill()
    terminal.finish()
    (block,) = Store(folder).blocks_on(today)
    assert (block.start, block.end) in prefixes
