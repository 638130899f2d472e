"""How long does `flowday sync` take against a local Radicale?

Run by hand (not in CI):  python bench/bench_sync.py [--blocks 2000] [--runs 3]

A Radicale started here on 127.0.0.1 (temporary storage). Cases, in one run:
  - baseline: a sync with nothing to do (listing by sync-token, nothing read or sent),
  - an incremental sync of one changed block (target: under 1 s),
  - an incremental pull of that change on a second device,
  - the first sync of --blocks blocks (one per half hour of the working days, from
    2016 on: ten years of plans is about 55,000; the default is smaller because the
    first sync sends one request per event) and its first pull on a second device.
Prints seconds (median of --runs for the incremental cases) and the ratio to the
baseline. The issue's targets: incremental under 1 s; the 55,000 case is for a later
session (sync.json grows with every event: see the notes).
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pendulum

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from flowday.application.planner import Planner  # noqa: E402
from flowday.config import from_mapping  # noqa: E402
from flowday.domain.clock import FixedClock  # noqa: E402
from flowday.domain.model import Block, Sphere  # noqa: E402
from flowday.store import Store  # noqa: E402
from flowday.sync.engine import run_sync  # noqa: E402
from flowday.sync.server import CalDavCollection  # noqa: E402

TZ = "Europe/Berlin"
NOW = pendulum.datetime(2026, 11, 25, 10, 0, tz=TZ)
TARGET_INCREMENTAL = 1.0


def start_radicale(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--server-hosts", f"127.0.0.1:{port}",
         "--storage-filesystem-folder", str(folder), "--auth-type", "none",
         "--auth-delay", "0", "--logging-level", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(600):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    return process, f"http://127.0.0.1:{port}/"


def device(root: Path, url: str) -> tuple[Planner, CalDavCollection]:
    planner = Planner(Store(root), from_mapping({"timezone": TZ}), FixedClock(NOW))
    return planner, CalDavCollection(url, "bench", "x", "bench")


def fill(planner: Planner, count: int) -> list[Block]:
    blocks: list[Block] = []
    day = pendulum.date(2016, 1, 4)
    while len(blocks) < count:
        if day.weekday() < 5:
            for slot in range(16):
                if len(blocks) == count:
                    break
                start = 9 * 60 + slot * 30 - (slot // 8) * 240  # mornings and afternoons
                blocks.append(Block.create(date=day, start=start, end=start + 25,
                                           title=f"Block {len(blocks)}", sphere=Sphere.WORK,
                                           now=NOW))  # fmt: skip
        day = day.add(days=1)
    with planner.store.transaction() as txn:
        txn.add_blocks(blocks)
    return blocks


def timed(action: object) -> float:
    begin = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - begin


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--blocks", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        server, url = start_radicale(folder / "radicale")
        try:
            laptop, laptop_dav = device(folder / "laptop", url)
            desktop, desktop_dav = device(folder / "desktop", url)
            blocks = fill(laptop, args.blocks)
            rows = [("first sync (send)", timed(lambda: run_sync(laptop, laptop_dav, yes=True)))]
            rows.append(("first pull, 2nd device",
                         timed(lambda: run_sync(desktop, desktop_dav, yes=True))))  # fmt: skip
            idle, change, pull = [], [], []
            for run in range(args.runs):
                idle.append(timed(lambda: run_sync(laptop, laptop_dav)))
                with laptop.store.transaction() as txn:
                    block = txn.find_block(blocks[run].id)
                    assert block is not None
                    txn.put_block(block.changed(NOW, title=f"Changed {run}"))
                change.append(timed(lambda: run_sync(laptop, laptop_dav)))
                pull.append(timed(lambda: run_sync(desktop, desktop_dav)))
            base = statistics.median(idle)
            rows = [("nothing to do (baseline)", base),
                    ("one change, sent", statistics.median(change)),
                    ("one change, pulled", statistics.median(pull)), *rows]  # fmt: skip
            print(f"{args.blocks} blocks, Radicale on 127.0.0.1, median of {args.runs}")
            print(f"{'case':<28}{'seconds':>9}{'× baseline':>12}")
            for name, seconds in rows:
                print(f"{name:<28}{seconds:>9.3f}{seconds / base:>12.1f}")
            sent = statistics.median(change)
            verdict = "holds" if sent < TARGET_INCREMENTAL else "MISSED"
            print(f"target: an incremental sync under {TARGET_INCREMENTAL:.0f} s — {verdict}")
        finally:
            server.kill()
            server.wait()


if __name__ == "__main__":
    main()
