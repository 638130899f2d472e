"""The planner as a person sees it: first complete screen and key → visible repaint, in tmux.

Run by hand (not in CI):  python bench/bench_tmux.py [--launches 9] [--presses 40]
                          [--baseline ../main/src]  (before and after in the same run)
                          [--skip launch] [--keys ']/[,j/k']  (only those flowday keys;
                          the bare app's j/k always runs, as the reference)

Every figure is read from a real terminal: tmux runs the program, ``tmux capture-pane``
(through one control-mode client, ~0.3 ms a capture, so no fork per poll) shows what a
person would see. flowday and a bare Textual app (a Footer and a 40-row DataTable whose
cursor moves with j/k) run interleaved in the same run, so machine noise hits both alike,
on three stores:

- ``one day``: an empty store but for the day shown (15 half-hour breaks, an hour apart);
- ``busy month``: that day's month holds 450 blocks (15 a day);
- ``10 years``: ten years of such months (~55,000 blocks).

1. First complete screen (tmux 120x40): from asking tmux to start the program until the
   pane shows the whole screen: flowday's now-line, a block (none on the empty store),
   the Figures and the footer; the bare app's table and footer. Also counted: the distinct
   screens seen before the complete one (an extra frame, e.g. a timeline drawn from 00:00
   and then scrolled, shows up here). Target: flowday ≤ 1.4× the bare app.
2. Key → visible repaint (tmux 80x24): from sending the key until the pane first differs
   ("visible"), and until it last changed within 120 ms ("settled"). j/k select, J/K move a
   block 15 min (a store write), +/- resize it, ]/[ change the day; the bare app's j/k move
   its cursor. Targets: selection/view keys ≤ 15 ms median, edits ≤ 20 ms median, busy
   month / one day ≤ 1.1.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import json
import os
import random
import select
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import pendulum  # noqa: E402

from flowday.domain.model import Block, Sphere  # noqa: E402
from flowday.safe_write import write_atomically  # noqa: E402
from flowday.store import SCHEMA_VERSION, Store  # noqa: E402

PYTHON = sys.executable
TODAY = pendulum.date(2026, 11, 25)
NOW = f"{TODAY.to_date_string()}T10:00"
HOURS = range(6, 21)  # a half-hour break on each hour: 15 a day, J/K/+/- never collide
BARE_APP = """
from textual.app import App
from textual.binding import Binding
from textual.widgets import DataTable, Footer

class Table(DataTable):
    BINDINGS = [Binding("j", "cursor_down", "Down"), Binding("k", "cursor_up", "Up")]

class Bare(App):
    def compose(self):
        yield Table(cursor_type="row")
        yield Footer()

    def on_mount(self):
        table = self.query_one(Table)
        table.add_columns("row", "title", "start", "end")
        for n in range(40):
            table.add_row(f"row {n}", f"Block {n}", f"{6 + n // 4:02d}:{n % 4 * 15:02d}", "-")

Bare().run()
"""
BARE_COMMAND = [PYTHON]  # + the app's file, written in main()


# --- the stores ---------------------------------------------------------------------------


def day_blocks(day: pendulum.Date, now: pendulum.DateTime) -> list[Block]:
    return [
        Block.create(date=day, start=h * 60, end=h * 60 + 30, title=f"Pause {h}",
                     sphere=Sphere.BREAK, now=now)
        for h in HOURS
    ]  # fmt: skip


def write_month(root: Path, first: pendulum.Date, days: list[pendulum.Date]) -> int:
    now = pendulum.datetime(2026, 1, 1, tz="UTC")
    docs = {
        str(n): block.to_dict()
        for n, block in enumerate((b for d in days for b in day_blocks(d, now)), start=1)
    }
    data = {"_meta": {"1": {"schema_version": SCHEMA_VERSION}}, "blocks": docs}
    path = root / "months" / f"{first.year:04d}-{first.month:02d}.json"
    write_atomically(path, json.dumps(data).encode())
    return len(docs)


def build_store(root: Path, kind: str) -> int:
    Store(root)  # the folder, the meta file
    month = TODAY.start_of("month")
    if kind == "one day":
        return write_month(root, month, [TODAY])
    whole = [month.add(days=n) for n in range(month.days_in_month)]
    if kind == "busy month":
        return write_month(root, month, whole)
    count, first = 0, month.subtract(years=10)
    while first <= month:
        count += write_month(root, first, [first.add(days=n) for n in range(first.days_in_month)])
        first = first.add(months=1)
    return count


def env_for(data: Path, src: Path = ROOT / "src") -> dict[str, str]:
    # the reflection offer and reminders would paint toasts the timing mistakes for answers
    config = data.parent / f"{data.name}-config.toml"
    config.write_text("[reflection]\nenabled = false\n", encoding="utf-8")
    return {
        "PYTHONPATH": str(src),
        "FLOWDAY_CONFIG": str(config),
        "FLOWDAY_DATA_DIR": str(data),
        "FLOWDAY_NOW": NOW,
        "FLOWDAY_TZ": "Europe/Berlin",
        "TERM": "xterm-256color",
    }


# --- tmux, through one control-mode client ------------------------------------------------


class Tmux:
    def __init__(self) -> None:
        self.base = ["tmux", "-L", f"fdbench{os.getpid()}", "-f", "/dev/null"]
        subprocess.run([*self.base, "new-session", "-d", "-s", "ctl", "sleep 100000"], check=True)
        self.client = subprocess.Popen(
            [*self.base, "-C", "attach", "-t", "ctl"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0,
        )  # fmt: skip
        assert self.client.stdin is not None and self.client.stdout is not None
        self.out = self.client.stdout.fileno()
        self.buffer = b""
        self._reply()  # the attach's own reply
        self.command("refresh-client -f no-output")

    def _line(self) -> str:
        while b"\n" not in self.buffer:
            if not select.select([self.out], [], [], 10)[0]:
                raise RuntimeError("tmux stopped answering")
            chunk = os.read(self.out, 1 << 16)
            if not chunk:
                raise RuntimeError("tmux went away")
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line.decode("utf-8", "replace")

    def _reply(self) -> list[str]:
        while not self._line().startswith("%begin"):
            pass  # notifications between replies
        lines: list[str] = []
        while True:
            line = self._line()
            if line.startswith(("%end", "%error")):
                if line.startswith("%error"):
                    raise RuntimeError("tmux: " + "\n".join(lines))
                return lines
            lines.append(line)

    def command(self, text: str) -> list[str]:
        assert self.client.stdin is not None
        self.client.stdin.write(text.encode() + b"\n")
        return self._reply()

    def start(self, name: str, command: list[str], env: dict[str, str], size: str) -> None:
        width, height = size.split("x")
        shell = "exec env " + " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        shell += " " + shlex.join(command)
        self.command(f"new-session -d -s {name} -x {width} -y {height} {shlex.quote(shell)}")

    def screen(self, name: str, *, colours: bool = False) -> str:
        """The pane's text; ``colours``: with its colours (a moved cursor may change only them)."""
        return "\n".join(self.command(f"capture-pane -p {'-e ' if colours else ''}-t {name}"))

    def keys(self, name: str, key: str) -> None:
        self.command(f"send-keys -t {name} {shlex.quote(key)}")

    def kill(self, name: str) -> None:
        with contextlib.suppress(RuntimeError):
            self.command(f"kill-session -t {name}")

    def close(self) -> None:
        subprocess.run([*self.base, "kill-server"], capture_output=True)
        self.client.wait()


# --- 1. first complete screen -------------------------------------------------------------


def flowday_complete(blocks: bool) -> Callable[[str], bool]:
    def complete(screen: str) -> bool:
        return ("▶" in screen and "Figures" in screen and "palette" in screen
                and ("Pause" in screen or not blocks))  # fmt: skip

    return complete


def bare_complete(screen: str) -> bool:
    return "row 30" in screen and "Down" in screen


def time_launch(
    tmux: Tmux, command: list[str], env: dict[str, str], complete: Callable[[str], bool]
) -> tuple[float, int]:
    """Seconds to the complete screen, and how many other non-blank screens showed first."""
    start = time.perf_counter()
    tmux.start("launch", command, env, "120x40")
    seen: set[str] = set()
    try:
        while True:
            screen = tmux.screen("launch")
            if complete(screen):
                return time.perf_counter() - start, len(seen)
            if screen.strip():
                seen.add(screen)
            if time.perf_counter() - start > 30:
                raise RuntimeError(f"no complete screen for {command}:\n{screen}")
    finally:
        tmux.kill("launch")


# --- 2. key → visible repaint -------------------------------------------------------------


def time_key(tmux: Tmux, name: str, key: str, quiet: float = 0.12) -> tuple[float, float]:
    """(visible, settled): the first change after the key, the last within ``quiet`` s."""
    before = tmux.screen(name, colours=True)
    start = time.perf_counter()
    tmux.keys(name, key)
    visible: float | None = None
    settled = 0.0
    shown = before
    while True:
        screen = tmux.screen(name, colours=True)
        at = time.perf_counter()
        if screen != shown:
            shown = screen
            settled = at - start
            if visible is None:
                visible = settled
        if visible is not None and at - start - settled > quiet:
            return visible, settled
        if visible is None and at - start > 5:
            raise RuntimeError(f"{name}: no repaint after {key!r}:\n{screen}")


def wait_until(tmux: Tmux, name: str, ready: Callable[[str], bool]) -> None:
    deadline = time.perf_counter() + 30
    while not ready(tmux.screen(name)):
        if time.perf_counter() > deadline:
            raise RuntimeError(f"{name} never showed its screen:\n{tmux.screen(name)}")
        time.sleep(0.01)
    time.sleep(1.0)  # the first polls and timers settle


# what each press measures, and its way back (so the screen always changes, the day stays)
FLOWDAY_KEYS = [("j/k", "j", "k"), ("J/K", "J", "K"), ("+/-", "+", "-"), ("]/[", "]", "[")]


def time_keys(
    tmux: Tmux,
    stores: dict[str, tuple[Path, Path]],
    presses: int,
    keys: list[tuple[str, str, str]] = FLOWDAY_KEYS,
) -> dict[str, dict[str, list[tuple[float, float]]]]:
    """Alternate the programs press by press."""
    found: dict[str, dict[str, list[tuple[float, float]]]] = {}
    names: dict[str, str] = {}
    tmux.start("bare", BARE_COMMAND, {"TERM": "xterm-256color"}, "80x24")
    wait_until(tmux, "bare", lambda s: "row 10" in s)
    found["bare Textual app"] = {"j/k": []}
    for store, (data, src) in stores.items():
        name = "fd" + str(len(names))
        names[store] = name
        command = [PYTHON, "-m", "flowday", "tui", "--date", TODAY.to_date_string()]
        tmux.start(name, command, env_for(data, src), "80x24")
        wait_until(tmux, name, flowday_complete(True))
        found[store] = {label: [] for label, _, _ in keys}
    try:
        for press in range(presses):
            # j/k five blocks on, five back; each other pair goes forth and back at once
            select_key = "j" if press // 5 % 2 == 0 else "k"
            found["bare Textual app"]["j/k"].append(time_key(tmux, "bare", select_key))
            for store, name in names.items():
                for label, forth, back in keys:
                    for key in (select_key,) if label == "j/k" else (forth, back):
                        found[store][label].append(time_key(tmux, name, key))
                        time.sleep(random.uniform(0.01, 0.04))  # off any timer's beat
    finally:
        tmux.kill("bare")
        for name in names.values():
            tmux.kill(name)
    return found


# --- report -------------------------------------------------------------------------------


def ms(value: float) -> str:
    return f"{value * 1000:7.1f}"


def p50_p90(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--launches", type=int, default=9)
    parser.add_argument("--presses", type=int, default=40)
    parser.add_argument("--skip", choices=("launch", "keys"), help="leave one part out")
    labels = [label for label, _, _ in FLOWDAY_KEYS]
    parser.add_argument(
        "--keys",
        type=lambda text: text.split(","),
        default=labels,
        help=f"only these of flowday's keys, comma-separated (of {', '.join(labels)})",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="SRC",
        help="another checkout's src folder (e.g. main's), run interleaved "
        "as 'baseline, ...' on copies of the stores: before/after in one run",
    )
    options = parser.parse_args()
    unknown = set(options.keys) - set(labels)
    if unknown:
        parser.error(f"--keys: no such key {', '.join(sorted(unknown))}")
    keys = [entry for entry in FLOWDAY_KEYS if entry[0] in options.keys]

    # as installed: byte-compiled (PYTHONDONTWRITEBYTECODE, often set for tests, would
    # have each launch compile every changed module again)
    for src in (ROOT / "src", *([options.baseline] if options.baseline else [])):
        compileall.compile_dir(src, quiet=1)
    with tempfile.TemporaryDirectory() as folder:
        # a file: a newline would end the control client's command
        BARE_COMMAND.append(str(Path(folder) / "bare.py"))
        Path(BARE_COMMAND[-1]).write_text(BARE_APP, encoding="utf-8")
        stores: dict[str, Path] = {}
        for kind in ("one day", "busy month", "10 years"):
            stores[kind] = Path(folder) / kind.replace(" ", "-")
            blocks = build_store(stores[kind], kind)
            print(f"{kind}: {blocks} blocks")
        empty = Path(folder) / "empty"
        Store(empty)
        tmux = Tmux()
        try:
            if options.skip != "launch":
                report_launch(tmux, empty, stores, options.launches, options.baseline)
            if options.skip != "keys":
                report_keys(tmux, stores, options.presses, options.baseline, keys)
        finally:
            tmux.close()


def report_launch(
    tmux: Tmux, empty: Path, stores: dict[str, Path], runs: int, baseline: Path | None
) -> None:
    programs: dict[str, tuple[list[str], dict[str, str], Callable[[str], bool]]] = {
        "bare Textual app": (BARE_COMMAND, {"TERM": "xterm-256color"},
                             bare_complete),
        "flowday, empty store": ([PYTHON, "-m", "flowday"], env_for(empty),
                                 flowday_complete(False)),
    }  # fmt: skip
    for kind, data in stores.items():
        programs[f"flowday, {kind}"] = ([PYTHON, "-m", "flowday"], env_for(data),
                                        flowday_complete(True))  # fmt: skip
    if baseline is not None:  # reads only: the same stores do
        programs["baseline, empty store"] = (
            [PYTHON, "-m", "flowday"],
            env_for(empty, baseline),
            flowday_complete(False),
        )
        for kind, data in stores.items():
            programs[f"baseline, {kind}"] = (
                [PYTHON, "-m", "flowday"],
                env_for(data, baseline),
                flowday_complete(True),
            )
    for command, env, complete in programs.values():  # warm the file caches
        time_launch(tmux, command, env, complete)
    times: dict[str, list[float]] = {name: [] for name in programs}
    extra: dict[str, int] = dict.fromkeys(programs, 0)
    for _ in range(runs):
        for name, (command, env, complete) in programs.items():
            took, screens = time_launch(tmux, command, env, complete)
            times[name].append(took)
            extra[name] = max(extra[name], screens)
    bare = statistics.median(times["bare Textual app"])
    empty_median = statistics.median(times["flowday, empty store"])
    print(f"\nfirst complete screen (tmux 120x40), {runs} launches each, ms")
    print(f"  {'program':<27}{'p50':>7}{'p90':>8}  {'× bare':>6}  screens before")
    for name, values in times.items():
        p50, p90 = p50_p90(values)
        print(f"  {name:<27}{ms(p50)} {ms(p90)}  {p50 / bare:6.2f}  {extra[name]}")
    history = statistics.median(times["flowday, 10 years"])
    print(f"  10 years / empty store: {history / empty_median:.2f} (target <= 1.1); "
          "flowday / bare target <= 1.4")  # fmt: skip


def report_keys(
    tmux: Tmux,
    stores: dict[str, Path],
    presses: int,
    baseline: Path | None,
    keys: list[tuple[str, str, str]] = FLOWDAY_KEYS,
) -> None:
    programs = {f"flowday, {kind}": (data, ROOT / "src") for kind, data in stores.items()}
    if baseline is not None:  # its own copy of each store: both write
        for kind, data in stores.items():
            copy = data.with_name(data.name + "-baseline")
            shutil.copytree(data, copy)
            programs[f"baseline, {kind}"] = (copy, baseline)
    found = time_keys(tmux, programs, presses, keys)
    bare = statistics.median(v for v, _ in found["bare Textual app"]["j/k"])
    print(f"\nkey -> visible repaint (tmux 80x24), {presses} presses each, ms")
    print(f"  {'program, keys':<33}{'p50':>7}{'p90':>8}  {'× bare':>6}  settled p50/p90")
    medians: dict[tuple[str, str], float] = {}
    for program, keys in found.items():
        for key, pairs in keys.items():
            p50, p90 = p50_p90([v for v, _ in pairs])
            s50, s90 = p50_p90([s for _, s in pairs])
            medians[program, key] = p50
            print(f"  {program + ', ' + key:<33}{ms(p50)} {ms(p90)}  {p50 / bare:6.2f}"
                  f"  {ms(s50)} {ms(s90)}")  # fmt: skip
    print("  targets: j/k, ]/[ <= 15 ms; J/K, +/- <= 20 ms (medians)")
    for program in ("flowday", "baseline") if baseline else ("flowday",):
        for key in ("J/K", "+/-"):
            if (f"{program}, one day", key) not in medians:
                continue
            ratio = medians[f"{program}, busy month", key] / medians[f"{program}, one day", key]
            print(f"  {program}: {key} busy month / one day: {ratio:.2f} (target <= 1.1)")


if __name__ == "__main__":
    main()
