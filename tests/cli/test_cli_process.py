"""What only a real ``python -m flowday`` process shows: the entry point hands main's status
to the shell, Ctrl+C and a reader that leaves a pipe end it quietly. Everything else about
the command line runs in-process (the ``cli`` fixture), which is much faster."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

CliRunner = Callable[..., subprocess.CompletedProcess[str]]  # the `cli_process` fixture
SRC = Path(__file__).resolve().parents[2] / "src"


def flowday_env(data: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(SRC), "FLOWDAY_DATA_DIR": str(data),
            "FLOWDAY_NOW": "2026-11-25T10:00", "FLOWDAY_TZ": "Europe/Berlin"}  # fmt: skip


def test_the_entry_point_passes_the_exit_status_to_the_shell(cli_process: CliRunner) -> None:
    added = cli_process("add", "Standup 9:00-9:15 #work")
    assert added.returncode == 0 and len(added.stdout.strip()) == 8, added.stderr
    refused = cli_process("add", "Clash 9:10-9:30")
    assert refused.returncode == 3 and "Standup" in refused.stderr
    version = cli_process("--version")
    assert version.returncode == 0 and version.stdout.startswith("flowday ")
    bad = cli_process("add", "x 25:99")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_at_a_question_exits_130_and_saves_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    process = subprocess.Popen(
        [sys.executable, "-m", "flowday", "reflect"], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=flowday_env(data),
        # as in a terminal: a pytest-xdist worker ignores SIGINT, and a child inherits that
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    assert process.stderr is not None
    # the first question is printed before flowday waits on stdin: it is waiting now
    while "most present" not in (line := process.stderr.readline()):
        assert line, "flowday ended before asking"
    process.send_signal(signal.SIGINT)
    _, rest = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "Traceback" not in rest
    months = data / "months"
    assert not months.exists() or not any(months.iterdir())


def test_a_reader_that_leaves_the_pipe_is_not_an_error(tmp_path: Path) -> None:
    # `flowday list | true`: the read end is closed before flowday writes a byte
    process = subprocess.Popen(
        [sys.executable, "-m", "flowday", "list"], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, env=flowday_env(tmp_path / "data"),
    )  # fmt: skip
    assert process.stdout is not None
    process.stdout.close()
    _, errors = process.communicate(timeout=60)
    assert process.returncode == 0 and errors == b""


def test_the_in_process_runner_never_opens_the_planner(cli: CliRunner) -> None:
    # the TUI would take over pytest's terminal: `cli` stops there (with the date already
    # checked), the pty tests in tests/tui/test_tui_terminal.py run the real one
    for args in (["tui"], []):
        with pytest.raises(AssertionError, match="cannot run inside pytest's process"):
            cli(*args)
    assert cli("tui", "--date", "someday").returncode == 2


def test_start_up_objects_are_kept_from_the_collector_only_in_a_flowday_process(
    tmp_path: Path, cli: CliRunner
) -> None:
    # a flowday process freezes what its start-up made (gc.freeze: ~10 ms of `list`) and
    # collects again after it; main() called inside a longer process (as here) freezes nothing
    probe = ("import gc, sys; from flowday.cli import main; sys.argv[1:] = ['list']; "
             "status = main(); print(status, gc.get_freeze_count(), gc.isenabled())")  # fmt: skip
    shown = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                           env=flowday_env(tmp_path / "data"), timeout=60)  # fmt: skip
    status, frozen, collecting = shown.stdout.split()[-3:]
    assert (status, collecting) == ("0", "True") and int(frozen) > 10_000, shown.stderr
    before = gc.get_freeze_count()
    assert cli("list").returncode == 0 and gc.get_freeze_count() == before and gc.isenabled()
