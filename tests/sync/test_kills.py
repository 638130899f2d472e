"""Real kills: a `flowday sync` process SIGKILLed while it sends, and the Radicale server
killed while a sync talks to it. After each, what the data folder remembers is on the
server, and the next sync finishes the job: nothing lost, nothing sent twice (counted)."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.conftest import CLI_NOW, SRC, TZ_NAME
from tests.sync.conftest import Server, free_port, launch, radicale_argv
from tests.sync.devices import DAY, Device, server_objects, uids

from flowday.store import Store
from flowday.sync.engine import load_state
from flowday.sync.server import Collection, Listing, SyncError

BLOCKS = 10

# `flowday sync` as it runs, with two changes that only make the kill land where the test
# wants it: the state is saved every 2 sent, and every PUT after the 4th waits (a slow
# network) — the test kills the process once the server took 4, while others wait to go.
SLOW_SYNC = """
import itertools, sys, time
import flowday.sync.engine as engine, flowday.sync.server as server
engine.SAVE_EVERY = 2
real, started = server.CalDavCollection.put, itertools.count(1)
def put(self, href, text, etag):
    if next(started) > 4:
        time.sleep(10)
    answer = real(self, href, text, etag)
    sys.stdout.write("put\\n")
    sys.stdout.flush()
    return answer
server.CalDavCollection.put = put
from flowday.cli import main
sys.exit(main(["--config", sys.argv[1], "sync"]))
"""


def _fill(device: Device) -> None:
    for n in range(BLOCKS):
        device.add(f"Block {n}", 6 * 60 + n * 30, 6 * 60 + n * 30 + 25, date=DAY.add(days=n % 3))


def _consistent(device: Device) -> int:
    """What the device's state remembers is on the server with that ETag; the count."""
    items = load_state(device.planner).items.values()
    there = device.collection.get_many([item.href for item in items])
    assert sorted((item.href, item.etag) for item in items) == sorted(
        (href, etag) for href, (etag, _) in there.items()
    )
    return len(items)


def _finished(device: Device) -> None:
    """The next sync sends exactly what the server lacks, once; then all agree."""
    on_server = len(server_objects(device))
    report = device.sync()
    assert (report.pushed_new, report.pulled, report.conflicts, report.rounds) == (
        BLOCKS - on_server, 0, [], 1,
    )  # fmt: skip
    mine = sorted(f"{b.id}@flowday" for b in device.blocks())
    assert len(mine) == BLOCKS and uids(server_objects(device)) == mine  # none twice
    assert device.sync().summary() == "↑0 ↓0, 0 conflicts"


def test_a_sync_process_killed_while_sending(
    tmp_path: Path, radicale: Server, calendar_name: str
) -> None:
    data = tmp_path / "data"
    laptop = Device(data, radicale.url, calendar_name)
    _fill(laptop)
    config = tmp_path / "config.toml"
    config.write_text(f'[sync]\nurl = "{radicale.url}"\nuser = "jane"\npassword_cmd = "echo secret"'
                      f'\ncalendar = "{calendar_name}"\n')  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(SRC), "FLOWDAY_DATA_DIR": str(data),
           "FLOWDAY_NOW": CLI_NOW, "FLOWDAY_TZ": TZ_NAME}  # fmt: skip
    sync = subprocess.Popen(
        [sys.executable, "-c", SLOW_SYNC, str(config)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        assert sync.stdout is not None
        landed = 0
        while landed < 4 and sync.stdout.readline() == "put\n":
            landed += 1
        # a PUT is announced by its worker as the server answers; the main thread records
        # it and saves the state after it: kill once a save holds some (a loaded machine
        # can print all four before the first save), while the others wait to go
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline:
            if len(load_state(Device(data, radicale.url, calendar_name).planner).items) >= 2:
                break
            time.sleep(0.02)
        sync.send_signal(signal.SIGKILL)
        _, errors = sync.communicate(timeout=30)
    finally:
        sync.kill()
    assert (sync.returncode, landed) == (-signal.SIGKILL, 4), errors[-500:]
    on_server = len(server_objects(laptop))
    assert on_server == 4  # killed with some sent, the others waiting to go
    laptop = Device(data, radicale.url, calendar_name)  # the folder as the kill left it
    assert len(laptop.blocks()) == BLOCKS
    assert 2 <= _consistent(laptop) <= on_server  # saved every 2; sent since: not yet
    _finished(laptop)


class KillingServer:
    """The real collection; the server is SIGKILLed as the n-th PUT begins (the others
    sent at the same time are cut off mid-request)."""

    def __init__(self, real: Collection, server: subprocess.Popen[bytes], at: int) -> None:
        self.real, self.url, self.server, self.at = real, real.url, server, at
        self.parallel, self.puts = 4, itertools.count(1)  # count: several threads put

    def listing(self, token: str | None) -> Listing:
        return self.real.listing(token)

    def get(self, href: str) -> tuple[str, str] | None:
        return self.real.get(href)

    def put(self, href: str, text: str, etag: str | None) -> str | None:
        if next(self.puts) == self.at:
            self.server.kill()
            self.server.wait()
        return self.real.put(href, text, etag)

    def delete(self, href: str, etag: str) -> None:
        self.real.delete(href, etag)

    def href_for(self, uid: str) -> str:
        return self.real.href_for(uid)


def test_the_server_killed_mid_sync(tmp_path: Path) -> None:
    port = free_port()
    argv, log = radicale_argv(tmp_path / "radicale", port), tmp_path / "radicale.log"
    server = launch("radicale", argv, port, log)
    try:
        laptop = Device(tmp_path / "laptop", f"http://127.0.0.1:{port}/", "plan")
        _fill(laptop)
        with pytest.raises(SyncError, match=rf"of {BLOCKS} changes were sent and recorded"):
            laptop.sync(KillingServer(laptop.collection, server, at=5))
        assert server.returncode == -signal.SIGKILL
        recorded = len(load_state(laptop.planner).items)
        assert 1 <= recorded < BLOCKS
        server = launch("radicale", argv, port, log)  # the same storage, the same address
        laptop = Device(tmp_path / "laptop", f"http://127.0.0.1:{port}/", "plan")
        assert _consistent(laptop) == recorded
        _finished(laptop)
        assert Store(tmp_path / "laptop").doctor() == []  # the data folder is sound
    finally:
        server.kill()
        server.wait()
