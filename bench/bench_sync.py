"""How long does `flowday sync` take against a local Radicale?

Run by hand (not in CI):
    python bench/bench_sync.py [--blocks 1000] [--runs 3] [--latency-blocks 200]
    python bench/bench_sync.py --history [--years 10] [--recent-days 7] [--runs 3]

A Radicale started here on 127.0.0.1 (temporary storage, its default settings). Cases,
in one run:
  - incremental: a sync with nothing to do (the baseline: listing by sync-token, nothing
    read or sent), one changed block sent, that change pulled on a second device
    (target: under 1 s);
  - first sync of --blocks blocks (one per half hour of the working days from 2016 on;
    ten years of plans is about 55,000): sent one request at a time (before) and four at
    a time (after), each into a collection of its own; the first pull on a second device
    with one GET per event (before) and a hundred per calendar-multiget (after);
  - the same first send of --latency-blocks blocks through an emulated network round
    trip of --latency seconds per request (a server on the internet, not on this box).
--history: an incremental sync with ten years in the data folder (bench_store's history,
about 55,000 blocks), each sync in a fresh Store as a new `flowday sync` process would
start: nothing to do, one change sent, one change pulled on a second device; before (every
sync reads the whole history, as it did until the month identities) and after, in the
same run. A first sync of 55,000 events to Radicale takes days, so the collection holds
only the last --recent-days (really sent by a first sync); the older events are seeded into
the sync state as agreed with the server (href, ETag, fields), as a finished first sync
would have left them. The server's share is therefore that of a small collection.
Prints seconds and ratios measured in the same run. The time per event sent is taken
every hundred events; a straight line fitted to it gives the 55,000-block estimate
(Radicale checks a new event's UID against every event of the collection, so each new
event costs more than the one before: the total grows with the square of the count).
"""

from __future__ import annotations

import argparse
import math
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pendulum

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from flowday.application.planner import Planner  # noqa: E402
from flowday.config import from_mapping  # noqa: E402
from flowday.domain.clock import FixedClock  # noqa: E402
from flowday.domain.model import Block, Sphere  # noqa: E402
from flowday.store import Store  # noqa: E402
from flowday.sync import engine  # noqa: E402
from flowday.sync.engine import run_sync  # noqa: E402
from flowday.sync.items import local_fields, local_items  # noqa: E402
from flowday.sync.server import CalDavCollection, Listing  # noqa: E402
from flowday.sync.state import Saved, Synced, SyncState, read_state, write_state  # noqa: E402

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


class EachAlone(CalDavCollection):
    """Before multiget: one GET per event read."""

    def get_many(self, hrefs: list[str]) -> dict[str, tuple[str, str]]:
        return {}


def device(
    root: Path, url: str, calendar: str = "bench", kind: type[CalDavCollection] = CalDavCollection
) -> tuple[Planner, CalDavCollection]:
    planner = Planner(Store(root), from_mapping({"timezone": TZ}), FixedClock(NOW))
    return planner, kind(url, "bench", "x", calendar)


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


def timed(action: Callable[[], object]) -> float:
    begin = time.perf_counter()
    action()
    return time.perf_counter() - begin


class Distant:
    """The collection behind an emulated network round trip (each request waits first)."""

    def __init__(self, real: CalDavCollection, delay: float, parallel: int) -> None:
        self.real, self.url, self.delay, self.parallel = real, real.url, delay, parallel

    def listing(self, token: str | None) -> Listing:
        time.sleep(self.delay)
        return self.real.listing(token)

    def get(self, href: str) -> tuple[str, str] | None:
        time.sleep(self.delay)
        return self.real.get(href)

    def put(self, href: str, text: str, etag: str | None) -> str | None:
        time.sleep(self.delay)
        return self.real.put(href, text, etag)

    def delete(self, href: str, etag: str) -> None:
        time.sleep(self.delay)
        self.real.delete(href, etag)

    def href_for(self, uid: str) -> str:
        return self.real.href_for(uid)


def first_send(planner: Planner, collection: Any) -> tuple[float, list[tuple[int, float]]]:
    """Seconds for a first sync, and (events sent, seconds since the start) every 100."""
    marks: list[tuple[int, float]] = []
    begin = time.perf_counter()

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "sending" and (done % 100 == 0 or done == total):
            marks.append((done, time.perf_counter() - begin))

    run_sync(planner, collection, yes=True, progress=progress)
    return time.perf_counter() - begin, marks


def per_event(marks: list[tuple[int, float]]) -> list[tuple[float, float]]:
    """(events already there, seconds per event) for each stretch between two marks."""
    points, last = [], (0, 0.0)
    for done, at in marks:
        if done > last[0]:
            points.append(((done + last[0]) / 2, (at - last[1]) / (done - last[0])))
        last = (done, at)
    return points


def estimate(marks: list[tuple[int, float]], count: int) -> float:
    """Seconds to send ``count`` events if each costs what the fitted line says."""
    points = per_event(marks)
    if len(points) < 2:
        return points[0][1] * count if points else math.nan
    slope, intercept = statistics.linear_regression([p[0] for p in points],
                                                    [p[1] for p in points])  # fmt: skip
    return intercept * count + max(slope, 0.0) * count * count / 2


def state_saves(root: Path, count: int) -> None:
    """What saving the sync's state costs with ``count`` events remembered (no server):
    one file rewritten whole (version 1) against the month shards (version 2 on)."""
    items = {}
    for n in range(count):
        day = pendulum.date(2016, 1, 4).add(days=n // 15)
        fields = {"start": f"{day.to_date_string()} 09:00", "end": f"{day.to_date_string()} "
                  "09:25", "title": f"Block {n}", "sphere": "work", "notes": "",
                  "flexible": "false", "outcome": "planned", "actual": ""}  # fmt: skip
        href = f"http://127.0.0.1:5232/jane/c/b{n:07d}%40flowday.ics"  # as href_for names it
        items[f"b{n:07d}@flowday"] = Synced(href, f'"{n:032x}"', "", fields)
    state = SyncState("http://127.0.0.1:5232/jane/c/", "token", items)
    whole, sharded = Store(root / "whole"), Store(root / "sharded")
    record = {**state.to_record(), "version": 1,
              "items": {uid: item.to_record() for uid, item in items.items()}}  # fmt: skip

    def save_whole() -> None:
        with whole.transaction() as txn:
            txn.set_sync_state(record)

    saved = Saved()

    def save_sharded() -> None:
        with sharded.transaction() as txn:
            written = write_state(txn, state, saved)
        saved.take(written)

    first_whole, first_sharded = timed(save_whole), timed(save_sharded)
    uid = next(iter(items))
    state.items[uid] = replace(items[uid], etag='"changed"')
    record["items"][uid]["etag"] = '"changed"'
    again_whole, again_sharded = timed(save_whole), timed(save_sharded)
    # as a sync saves: the state read from disk (head and index), one event changed in it
    state, saved = read_state(sharded)
    state.items[uid] = replace(state.items[uid], etag='"again"')
    read_in_part = timed(save_sharded)
    size = whole.sync_path.stat().st_size
    largest = max(p.stat().st_size for p in sharded.sync_folder.iterdir())
    print(
        f"sync state of {count} events: one file {size / 1e6:.1f} MB; shards "
        f"{len(list(sharded.sync_folder.iterdir()))}, the largest {largest / 1e3:.0f} kB"
    )
    print(f"{'save':<52}{'seconds':>9}  ratio")
    print(f"{'first save, one file (before)':<52}{first_whole:>9.3f}  before")
    print(f"{'first save, shards':<52}{first_sharded:>9.3f}  "
          f"{first_sharded / first_whole:.2f} × before")  # fmt: skip
    print(f"{'one event changed, one file (before)':<52}{again_whole:>9.3f}  before")
    print(f"{'one event changed, shards':<52}{again_sharded:>9.3f}  "
          f"{again_sharded / again_whole:.3f} × before")  # fmt: skip
    print(f"{'one event changed, shards read on demand':<52}{read_in_part:>9.3f}  "
          f"{read_in_part / again_whole:.3f} × before")  # fmt: skip


def history(folder: Path, url: str, years: int, recent_days: int, runs: int) -> None:
    """An incremental sync with ``years`` of history here (see the module doc)."""
    from bench_store import build_history  # (bench/ is the script's folder: on sys.path)

    laptop_root, desktop_root = folder / "h-laptop", folder / "h-desktop"
    began = time.perf_counter()
    count = build_history(laptop_root, years)
    planner, dav = device(laptop_root, url, "bench-history")
    cutoff = NOW.date().subtract(days=recent_days - 1)
    local = local_items(planner.store)
    old = {uid: here for uid, here in local.items()
           if isinstance(here, list) and here[0].date < cutoff}  # fmt: skip
    token = dav.listing(None).token  # (the collection is made here)
    seeded = SyncState(dav.url, token, {
        uid: Synced(dav.href_for(uid), '"seeded"', "", local_fields(here))
        for uid, here in old.items()})  # fmt: skip
    with planner.store.transaction() as txn:
        write_state(txn, seeded, Saved())
    first = run_sync(planner, dav, yes=True)  # sends the recent days, reads everything
    run_sync(planner, dav)
    shutil.copytree(laptop_root, desktop_root)  # a second device, as far as the last sync
    run_sync(device(desktop_root, url, "bench-history")[0], dav)  # a copied folder: read whole
    print(f"history: {count} blocks over {years} years here, {first.pushed_new} sent to "
          f"Radicale (its blocks from {cutoff} on), {len(old)} seeded as agreed; set up in "
          f"{time.perf_counter() - began:.0f} s")  # fmt: skip
    recent = [b for here in local.values() if isinstance(here, list) and here[0].date >= cutoff
              for b in here]  # fmt: skip

    def fresh(root: Path) -> tuple[Planner, CalDavCollection]:
        return device(root, url, "bench-history")  # a new Store: nothing cached, a new process

    def whole_history(store: Store, scope: Any, plan: Any, *_: Any) -> Any:
        plan.months, plan.seen = None, {}
        return scope.items(store, None)

    cases: dict[str, dict[str, list[float]]] = {
        mode: {"idle": [], "sent": [], "pulled": []} for mode in ("before", "after")
    }
    real_read, real_settled = engine._read_here, engine._settled_months
    for run in range(runs):
        for mode in ("before", "after"):
            if mode == "before":  # as until now: every sync reads the whole history
                engine._read_here = whole_history  # type: ignore[assignment]
                engine._settled_months = lambda store, plan, state, before: before  # type: ignore[assignment]
            else:
                engine._read_here, engine._settled_months = real_read, real_settled
            cases[mode]["idle"].append(timed(lambda: run_sync(*fresh(laptop_root))))
            block = recent[(2 * run + (mode == "after")) % len(recent)]
            editor = fresh(laptop_root)[0]
            with editor.store.transaction() as txn:
                txn.put_block(block.changed(NOW, title=f"Changed {run} {mode}"))
            cases[mode]["sent"].append(timed(lambda: run_sync(*fresh(laptop_root))))
            cases[mode]["pulled"].append(timed(lambda: run_sync(*fresh(desktop_root))))
    engine._read_here, engine._settled_months = real_read, real_settled
    # the parts of an idle sync after: what the sync state and the month identities cost
    store = Store(laptop_root)
    state_read = timed(lambda: read_state(store))  # the head and its index
    whole_read = timed(lambda: read_state(store)[0].remembered.read_all())  # + every shard
    identities = timed(store.month_identities)
    print(f"incremental sync, {count} blocks here, each sync in a fresh Store; median of {runs}")
    print(f"{'case':<60}{'seconds':>9}  ratio")
    for name, label in (("idle", "nothing to do"), ("sent", "one change, sent"),
                        ("pulled", "one change, pulled (2nd device)")):  # fmt: skip
        before = statistics.median(cases["before"][name])
        after = statistics.median(cases["after"][name])
        print(f"{label + ', whole history (before)':<60}{before:>9.2f}  before")
        print(f"{label + ', changed months (after)':<60}{after:>9.2f}  "
              f"{after / before:.2f} × before")  # fmt: skip
    print(f"{'  of which: reading the sync state (head and index)':<60}{state_read:>9.2f}")
    print(f"{'  (reading the whole sync state: every shard)':<60}{whole_read:>9.2f}")
    print(f"{'  of which: month identities (lstat)':<60}{identities:>9.3f}")
    sent = statistics.median(cases["after"]["sent"])
    verdict = "holds" if sent < TARGET_INCREMENTAL else "MISSED"
    print(f"target: an incremental sync under {TARGET_INCREMENTAL:.0f} s — {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--blocks", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.03)
    parser.add_argument("--latency-blocks", type=int, default=200)
    parser.add_argument("--state-events", type=int, default=55_000)
    parser.add_argument("--state-only", action="store_true", help="no server: state saves")
    parser.add_argument("--history", action="store_true", help="incremental, years here")
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--recent-days", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        if args.history:
            server, url = start_radicale(folder / "radicale")
            try:
                history(folder, url, args.years, args.recent_days, args.runs)
            finally:
                server.kill()
                server.wait()
            return
        state_saves(folder / "state", args.state_events)
        if args.state_only:
            return
        server, url = start_radicale(folder / "radicale")
        try:
            rows: list[tuple[str, float, str]] = []
            laptop, laptop_dav = device(folder / "laptop", url)
            blocks = fill(laptop, args.blocks)
            sent, marks = first_send(laptop, laptop_dav)  # four at a time
            alone, alone_dav = device(folder / "alone", url, "bench-one-at-a-time")
            alone_dav.parallel = 1
            fill(alone, args.blocks)
            sent_alone, marks_alone = first_send(alone, alone_dav)
            rows += [(f"first sync, send {args.blocks}, one at a time", sent_alone, "before"),
                     (f"first sync, send {args.blocks}, 4 at a time", sent,
                      f"{sent / sent_alone:.2f} × before")]  # fmt: skip
            desktop, desktop_dav = device(folder / "desktop", url)
            each, each_dav = device(folder / "each", url, kind=EachAlone)
            pulled = timed(lambda: run_sync(desktop, desktop_dav, yes=True))
            pulled_each = timed(lambda: run_sync(each, each_dav, yes=True))  # a warm server
            rows += [(f"first pull {args.blocks}, GET each", pulled_each, "before"),
                     (f"first pull {args.blocks}, multiget 100", pulled,
                      f"{pulled / pulled_each:.2f} × before")]  # fmt: skip

            far = args.latency_blocks
            distant: dict[int, float] = {}
            for parallel in (1, 4):
                planner, real = device(folder / f"far{parallel}", url, f"bench-far-{parallel}")
                fill(planner, far)
                distant[parallel] = first_send(planner, Distant(real, args.latency, parallel))[0]
            trip = f"+{args.latency * 1000:.0f} ms/request"
            rows += [(f"first sync, send {far}, {trip}, 1 at a time", distant[1], "before"),
                     (f"first sync, send {far}, {trip}, 4 at a time", distant[4],
                      f"{distant[4] / distant[1]:.2f} × before")]  # fmt: skip

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
            rows = [("nothing to do (baseline)", base, "1.0 × baseline"),
                    ("one change, sent", statistics.median(change),
                     f"{statistics.median(change) / base:.1f} × baseline"),
                    ("one change, pulled", statistics.median(pull),
                     f"{statistics.median(pull) / base:.1f} × baseline"), *rows]  # fmt: skip
            print(f"{args.blocks} blocks, Radicale on 127.0.0.1; incremental: median of "
                  f"{args.runs}")  # fmt: skip
            print(f"{'case':<52}{'seconds':>9}  ratio")
            for name, seconds, ratio in rows:
                print(f"{name:<52}{seconds:>9.2f}  {ratio}")
            print("seconds per event sent (one at a time | 4 at a time), by events already there:")
            for (at, cost), (_, cost4) in zip(per_event(marks_alone), per_event(marks),
                                              strict=False):  # fmt: skip
                print(f"  {at:>7.0f}  {cost * 1000:7.1f} ms | {cost4 * 1000:7.1f} ms")
            for count in (5_500, 55_000):
                print(
                    f"estimated first send of {count}: one at a time "
                    f"{estimate(marks_alone, count) / 3600:.1f} h, 4 at a time "
                    f"{estimate(marks, count) / 3600:.1f} h (a line fitted to the above)"
                )
            sent_one = statistics.median(change)
            verdict = "holds" if sent_one < TARGET_INCREMENTAL else "MISSED"
            print(f"target: an incremental sync under {TARGET_INCREMENTAL:.0f} s — {verdict}")
        finally:
            server.kill()
            server.wait()


if __name__ == "__main__":
    main()
