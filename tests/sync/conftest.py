"""Real CalDAV servers for the sync tests: Radicale and Xandikos (from the test extra),
each started once per test process on 127.0.0.1 on a free port, with its storage in a
temporary folder, and stopped at teardown. Each test syncs its own calendar collection
(named after the test), so tests never see each other's events."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from flowday.application.planner import Planner
from flowday.config import Config
from flowday.domain.clock import FixedClock
from flowday.store import Store

START_TIMEOUT = 30.0  # seconds: a loaded two-core machine starts Xandikos slowly


@dataclass(frozen=True)
class Server:
    name: str
    url: str


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def launch(name: str, argv: list[str], port: int, log: Path) -> subprocess.Popen[bytes]:
    """Start a server and wait until it takes connections on ``port``."""
    with log.open("ab") as output:
        process = subprocess.Popen(argv, stdout=output, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None:
            pytest.fail(f"{name} stopped at start: {log.read_text(errors='replace')[-500:]}")
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", port), timeout=0.2),
        ):
            return process
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"{name} did not open port {port}")
        time.sleep(0.05)


def radicale_argv(folder: Path, port: int) -> list[str]:
    return [
        sys.executable, "-m", "radicale", "--config", "", "--server-hosts", f"127.0.0.1:{port}",
        "--storage-filesystem-folder", str(folder / "collections"), "--auth-type", "none",
        "--auth-delay", "0", "--logging-level", "warning",
    ]  # fmt: skip


def _started(name: str, argv: list[str], port: int, log: Path) -> Iterator[Server]:
    process = launch(name, argv, port, log)
    try:
        yield Server(name, f"http://127.0.0.1:{port}/")
    finally:
        # its storage is thrown away with the temporary folder: no graceful shutdown
        # needed (Xandikos takes most of a second for one)
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("radicale")
    port = free_port()
    yield from _started("radicale", radicale_argv(folder, port), port, folder / "log")


@pytest.fixture(scope="session")
def xandikos(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("xandikos")
    port = free_port()
    argv = [
        sys.executable, "-m", "xandikos", "serve", "-d", str(folder / "data"),
        "-l", "127.0.0.1", "-p", str(port), "--defaults", "--state-dir", str(folder / "state"),
    ]  # fmt: skip
    yield from _started("xandikos", argv, port, folder / "log")


@pytest.fixture(params=["radicale", "xandikos"])
def server(request: pytest.FixtureRequest) -> Server:
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


@pytest.fixture
def calendar_name(request: pytest.FixtureRequest) -> str:
    """A collection of the test's own (its name, unique per test and parameter)."""
    return "t-" + "".join(c if c.isalnum() else "-" for c in request.node.name)[:80]


def make_planner(root: Path, config: Config, clock: FixedClock) -> Planner:
    return Planner(Store(root), config, clock)
