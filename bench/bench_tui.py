"""How fast does the planner open, and how fast does it answer a key?

Run by hand (not in CI):  python bench/bench_tui.py [--runs 7] [--years 10] [--keys 40]

1. Launch to the first complete screen, in a real terminal (tmux, 100x30): the time from
   starting the command until ``tmux capture-pane`` shows the whole main screen (the side
   panel's "Figures" and the footer). Three programs, interleaved in the same run so noise
   hits all alike: a bare Textual app that shows one label (the baseline), flowday on an
   empty store, and flowday on ten years of history. Targets: flowday/bare <= 1.4 and
   history/empty <= 1.1.
2. Key to repaint: on a pseudo-terminal (80x24), the time from writing ``j`` (select the
   next block) or ``J`` (move it 15 minutes: a store write, a re-read and a redraw) until
   the last byte of the repaint arrives (the app then stays silent). Target: under 20 ms.
   tmux polling is too coarse for this, so the pty reads the app's own output.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import shlex
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_store import TODAY, build_history  # noqa: E402

PYTHON = sys.executable
BARE_APP = """
from textual.app import App
from textual.widgets import Label

class Bare(App):
    def compose(self):
        yield Label("Figures ready")

Bare().run()
"""


def env_for(data: Path) -> dict[str, str]:
    # The reflection prompt opens by itself over the history's unreflected yesterday: both
    # stores must open on the main screen for the same first complete screen to be timed.
    config = data.parent / "bench-config.toml"
    config.write_text("[reflection]\nenabled = false\n", encoding="utf-8")
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "FLOWDAY_CONFIG": str(config),
        "FLOWDAY_DATA_DIR": str(data),
        "FLOWDAY_NOW": f"{TODAY.to_date_string()}T10:00",
        "FLOWDAY_TZ": "Europe/Berlin",
        "TERM": "xterm-256color",
    }


# --- 1. launch to first complete screen (tmux) ---------------------------------------------


def time_launch_tmux(command: list[str], env: dict[str, str], marker: str) -> float:
    session = f"fdbench{os.getpid()}"
    exports = " ".join(
        f"{k}={shlex.quote(v)}"
        for k, v in env.items()
        if k.startswith(("FLOWDAY", "PYTHONPATH", "TERM"))
    )
    shell = f"env {exports} {shlex.join(command)}"
    start = time.perf_counter()
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "100", "-y", "30", shell],
                   check=True)  # fmt: skip
    try:
        while True:
            screen = subprocess.run(
                ["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True
            ).stdout
            if marker in screen and ("palette" in screen or "Figures ready" in screen):
                return time.perf_counter() - start
            if time.perf_counter() - start > 30:
                raise RuntimeError(f"no first screen for {command}:\n{screen}")
            time.sleep(0.002)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


# --- 2. key to repaint (pty) -----------------------------------------------------------------


class Pty:
    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.process = subprocess.Popen(
            command, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)
        self.master = master
        self.log: list[str] = []

    def read_until(self, needle: bytes, timeout: float = 30) -> bytes:
        seen = b""
        deadline = time.perf_counter() + timeout
        while needle not in seen:
            if time.perf_counter() > deadline:
                raise RuntimeError(f"timed out waiting for {needle!r}")
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                seen += os.read(self.master, 1 << 16)
        return seen

    def repaint_done(self, quiet: float = 0.15, timeout: float = 10) -> float:
        """When the last byte of the app's answer arrived: wait for the first output, then
        until it has been quiet for ``quiet`` seconds (the timestamp excludes that wait)."""
        deadline = time.perf_counter() + timeout
        last = None
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([self.master], [], [], quiet if last else 0.5)
            if not ready:
                if last is not None:
                    return last
                continue
            os.read(self.master, 1 << 16)
            last = time.perf_counter()
        raise RuntimeError(f"the app did not repaint (after {len(self.log)} keys: {self.log[-6:]})")

    def settle(self, quiet: float = 0.3) -> None:
        """Read until the app has been silent for ``quiet`` seconds."""
        try:
            while select.select([self.master], [], [], quiet)[0]:
                os.read(self.master, 1 << 16)
        except OSError:  # the app has gone and closed its side
            pass

    def close(self) -> None:
        self.process.terminate()
        deadline = time.perf_counter() + 10
        while self.process.poll() is None and time.perf_counter() < deadline:
            self.settle(0.05)  # keep reading, or the app blocks writing its goodbye
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        os.close(self.master)


BENCH_DAY = TODAY.end_of("month").add(days=1)  # after the generated history: only what is seeded
SEEDED_HOURS = range(6, 22, 2)


def time_keys(data: Path, keys: int) -> dict[str, list[float]]:
    """Alternate j (select the next block; k on the way back) with J and K (move the
    selected block 15 minutes later and back), so every press changes the screen."""
    command = [PYTHON, "-m", "flowday", "tui", "--date", BENCH_DAY.to_date_string()]
    term = Pty(command, env_for(data))
    try:
        term.read_until(b"Figures")
        term.settle(1.0)
        found: dict[str, list[float]] = {"j/k": [], "J/K": []}
        position, step = 0, 1
        for _ in range(keys):
            if not 0 <= position + step < len(SEEDED_HOURS):
                step = -step
            position += step
            for label, key in (("j/k", "j" if step > 0 else "k"), ("J/K", "J"), ("J/K", "K")):
                start = time.perf_counter()
                os.write(term.master, key.encode())
                term.log.append(key)
                found[label].append(term.repaint_done() - start)
        return found
    finally:
        term.close()


def seed_day(data: Path) -> None:
    """Short breaks two hours apart: j always has a next block, J/K never collide."""
    import pendulum

    from flowday.application.planner import Planner
    from flowday.config import from_mapping
    from flowday.domain.clock import FixedClock
    from flowday.domain.model import Sphere
    from flowday.store import Store

    now = pendulum.datetime(TODAY.year, TODAY.month, TODAY.day, 10, tz="Europe/Berlin")
    planner = Planner(Store(data), from_mapping({"timezone": "Europe/Berlin"}), FixedClock(now))
    for hour in SEEDED_HOURS:
        planner.add_block(
            BENCH_DAY, title=f"Pause {hour}", start=hour * 60, end=hour * 60 + 30,
            sphere=Sphere.BREAK, force=True,
        )  # fmt: skip


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:8.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--keys", type=int, default=40)
    parser.add_argument("--skip", choices=("launch", "keys"), help="leave one part out")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        empty, history = Path(folder) / "empty", Path(folder) / "history"
        empty.mkdir()
        blocks = build_history(history, options.years)
        bare = Path(folder) / "bare.py"
        bare.write_text(BARE_APP, encoding="utf-8")
        print(f"history: {blocks} blocks over {options.years} years; runs: {options.runs}")

        programs = {
            "bare Textual app": ([PYTHON, str(bare)], env_for(empty), "Figures ready"),
            "flowday, empty store": ([PYTHON, "-m", "flowday"], env_for(empty), "Figures"),
            "flowday, 10y history": ([PYTHON, "-m", "flowday"], env_for(history), "Figures"),
        }
        launch: dict[str, list[float]] = {name: [] for name in programs}
        if options.skip == "launch":
            programs = {}
        for command, env, marker in programs.values():  # warm the file caches
            time_launch_tmux(command, env, marker)
        for _ in range(options.runs):
            for name, (command, env, marker) in programs.items():
                launch[name].append(time_launch_tmux(command, env, marker))

        if programs:
            print("\nlaunch to first complete screen (tmux 100x30), median ms")
            for name, values in launch.items():
                print(f"  {name:<24}{ms(values)}   (min {min(values) * 1000:.1f})")
            bare_median = statistics.median(launch["bare Textual app"])
            empty_median = statistics.median(launch["flowday, empty store"])
            history_median = statistics.median(launch["flowday, 10y history"])
            print(
                f"  flowday empty / bare      {empty_median / bare_median:8.2f}   (target <= 1.4)"
            )
            print(
                f"  flowday history / bare    {history_median / bare_median:8.2f}   (target <= 1.4)"
            )
            print(
                f"  history / empty           {history_median / empty_median:8.2f}"
                "   (target <= 1.1)"
            )

        keyed = () if options.skip == "keys" else (("empty store", empty), ("10y history", history))
        for name, data in keyed:
            seed_day(data)
            timings = time_keys(data, options.keys)
            print(f"\nkey to repaint (pty 80x24, {name}), median ms over {options.keys} presses")
            for key, values in timings.items():
                p90 = sorted(values)[int(len(values) * 0.9)] * 1000
                print(f"  {key:<4}{ms(values)}   (p90 {p90:.1f})   (target < 20)")


if __name__ == "__main__":
    main()
