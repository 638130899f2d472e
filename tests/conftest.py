"""Shared fixtures: an injected clock, a throwaway data folder, and no leaking of the
developer's own config, data or time zone into tests."""

from __future__ import annotations

import sys

# Cache compiled bytecode even where PYTHONDONTWRITEBYTECODE is set (this sandbox sets it):
# otherwise every xdist worker and every flowday subprocess a test starts compiles the
# package and pytest rewrites the tests afresh, several seconds of a run on two cores.
sys.dont_write_bytecode = False

import contextlib
import gc
import io
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from unittest import mock

import pendulum
import pytest
from hypothesis import HealthCheck, settings

from flowday.application.planner import Planner
from flowday.config import Config, from_mapping
from flowday.domain.clock import FixedClock
from flowday.store import Store

if TYPE_CHECKING:
    from textual.pilot import Pilot

# The suite is CI's gate: the same examples on every run, and no clock in a verdict (machines
# are noisy; speed is measured in bench/). `pytest --hypothesis-profile=explore` searches
# afresh, with many more examples, when hunting for new failures.
settings.register_profile(
    "default", deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "explore", deadline=None, max_examples=500, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("default")


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto`` (in addopts): two workers per core, at most 8. The planner's tests mostly
    wait (Textual's pilot waits for the app to go idle after every key), so one worker per
    core leaves the cores half idle: measured on 2 cores, 78 s with 4 workers, 90 s with 2."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return min(2 * (cores or 1), 8)


# Tests that spend seconds in a subprocess of their own (mypy, a wheel build, SIGKILLed
# writers, import probes) or in many hypothesis examples: queued first, so a parallel run
# overlaps them with the rest instead of ending on one of them.
LONG_FIRST = (
    "tests/test_lint.py",
    "tests/themes/test_wheel.py",
    "tests/store/test_crash_and_concurrency.py",
    "tests/test_architecture.py",
    "tests/calendars/test_ics_export.py::test_property",
    "tests/calendars/test_ics_hostile.py::test_property",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: not item.nodeid.startswith(LONG_FIRST))  # stable sort


def pytest_collection_finish(session: pytest.Session) -> None:
    # What collection made (modules, Textual, the tests) lives until the session ends:
    # kept from the garbage collector, later collections stop rescanning it (~10% of the
    # suite's CPU), as a flowday process does with its start-up (flowday.cli._start_up).
    gc.collect()
    gc.freeze()


def _share_parsed_css() -> None:
    """Each app a test starts parses the same CSS again (a Stylesheet caches only its own
    parses): ~250 starts, 7% of the suite's CPU. Here a parse is kept for the whole worker,
    keyed as Textual keys it plus the theme's variables; a parse that fails is not kept,
    so broken CSS still fails every test that loads it. Tests only: a flowday process
    starts one app."""
    from textual.css.stylesheet import Stylesheet

    parse = Stylesheet._parse_rules
    shared: dict[tuple[Any, ...], Any] = {}

    def parse_once(
        self: Stylesheet, css: str, read_from: Any, is_default_rules: bool = False,
        tie_breaker: int = 0, scope: str = "",
    ) -> Any:  # fmt: skip
        key = (css, read_from, is_default_rules, tie_breaker, scope,
               tuple(sorted(self._variables.items())))  # fmt: skip
        if key not in shared:
            shared[key] = parse(self, css, read_from, is_default_rules, tie_breaker, scope)
        return shared[key]

    Stylesheet._parse_rules = parse_once  # type: ignore[method-assign]


_share_parsed_css()


SRC = Path(__file__).resolve().parents[1] / "src"
TZ_NAME = "Europe/Berlin"
# A Wednesday; tests never read the real date.
NOW = pendulum.datetime(2026, 11, 25, 10, 0, tz=TZ_NAME)


@pytest.fixture(autouse=True)
def _isolated_environment(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local/share"))
    for name in ("FLOWDAY_DATA_DIR", "FLOWDAY_CONFIG", "FLOWDAY_NOW", "FLOWDAY_TZ", "NO_COLOR",
                 "FLOWDAY_CACHE_DIR"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _no_disk_flush(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process tests do not flush to the disk: an fsync is a real disk flush (ms each,
    serialised across the workers), and what the tests check is the order of the steps and
    what each leaves behind, which a flush cannot change. The durability tests that need the
    real thing run flowday in processes of its own (SIGKILLed writers, ``cli_process``), and
    the failure tests put their own failing fsync in place over this one."""
    monkeypatch.setattr(os, "fsync", _no_flush)


def _no_flush(fd: int) -> None:
    os.fstat(fd)  # a closed or bad descriptor still fails, as the real fsync would


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def config() -> Config:
    return from_mapping({"timezone": TZ_NAME})


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "data")


@pytest.fixture
def planner(store: Store, config: Config, clock: FixedClock) -> Planner:
    return Planner(store, config, clock)


CliRunner = Callable[..., subprocess.CompletedProcess[str]]
CLI_NOW = "2026-11-25T10:00"


def _cli_env(data: Path, now: str, env: Mapping[str, str | None] | None) -> dict[str, str | None]:
    """What a run sees on top of the isolated environment; ``None`` removes a variable."""
    return {"FLOWDAY_DATA_DIR": str(data), "FLOWDAY_NOW": now, "FLOWDAY_TZ": TZ_NAME, **(env or {})}


def _text_stream() -> io.TextIOWrapper:
    # a text stream with a .buffer, like a pipe: `export -` writes bytes to sys.stdout.buffer;
    # isatty() is False, as it is on a pipe
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)


def _captured(stream: io.TextIOWrapper) -> str:
    # decoded as subprocess.run(text=True) does: universal newlines (\r\n and \r become \n)
    stream.flush()
    raw = stream.buffer.getvalue()  # type: ignore[attr-defined]
    return raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def _refuse_tui(*args: object, **kwargs: object) -> int:
    raise AssertionError("the TUI cannot run inside pytest's process: use the cli_process fixture")


def run_in_process(
    argv: list[str], env: Mapping[str, str | None], input: str | None
) -> subprocess.CompletedProcess[str]:
    """``flowday ARGV`` in this process, as ``python -m flowday`` would run it: environment
    set and restored, stdin/stdout/stderr replaced, ``SystemExit`` turned into the status.
    An uncaught exception propagates (the test fails with its traceback)."""
    import flowday.cli
    import flowday.cli.parsing

    real_run_tui = flowday.cli.parsing.run_tui

    def run_tui(args: Any, context: Any) -> int:
        # the real checks (a bad --date is a one-line error), but never the real terminal app
        import flowday.tui.app

        with mock.patch.object(flowday.tui.app, "run_app", _refuse_tui):
            return real_run_tui(args, context)

    stdout, stderr = _text_stream(), _text_stream()
    saved_env = dict(os.environ)
    os.environ.update({k: v for k, v in env.items() if v is not None})
    for name in [k for k, v in env.items() if v is None]:
        os.environ.pop(name, None)
    try:
        with (
            mock.patch.object(flowday.cli.parsing, "run_tui", run_tui),
            mock.patch.object(sys, "stdin", io.StringIO(input or "")),  # no input: end of file
            contextlib.redirect_stdout(stdout),
            contextlib.redirect_stderr(stderr),
        ):
            try:
                code = flowday.cli.main(argv)
            except SystemExit as exc:  # argparse (--help, bad usage) exits
                if exc.code is None or isinstance(exc.code, int):
                    code = exc.code or 0
                else:  # SystemExit("message"): Python prints it and exits 1
                    print(exc.code, file=sys.stderr)
                    code = 1
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
    return subprocess.CompletedProcess(argv, code, _captured(stdout), _captured(stderr))


@pytest.fixture
def cli(tmp_path: Path) -> CliRunner:
    """Run ``flowday`` in this process against a fresh data folder with a pinned clock (a
    subprocess per call cost the suite minutes; ``cli_process`` is for what needs one)."""
    data = tmp_path / "cli-data"

    def run(
        *args: str,
        env: Mapping[str, str | None] | None = None,
        input: str | None = None,
        now: str = CLI_NOW,
    ) -> subprocess.CompletedProcess[str]:
        return run_in_process(list(args), _cli_env(data, now, env), input)

    run.data_dir = data  # type: ignore[attr-defined]
    return run


@pytest.fixture
def cli_process(tmp_path: Path) -> CliRunner:
    """``python -m flowday`` in a subprocess, the same folder and clock as ``cli``: only for
    what needs a real process (the entry point, exit statuses from the top, the TUI)."""
    data = tmp_path / "cli-data"

    def run(
        *args: str,
        env: Mapping[str, str | None] | None = None,
        input: str | None = None,
        now: str = CLI_NOW,
    ) -> subprocess.CompletedProcess[str]:
        full_env = {**os.environ, "PYTHONPATH": str(SRC)}
        for name, value in _cli_env(data, now, env).items():
            if value is None:
                full_env.pop(name, None)
            else:
                full_env[name] = value
        return subprocess.run(
            [sys.executable, "-m", "flowday", *args],
            capture_output=True, text=True, env=full_env, input=input, timeout=60,
        )  # fmt: skip

    run.data_dir = data  # type: ignore[attr-defined]
    return run


WaitFor = Callable[..., Awaitable[None]]


async def wait_until(
    pilot: Pilot[Any], predicate: Callable[[], object], timeout: float = 10.0
) -> None:
    """Let the app run until ``predicate()`` holds (a worker finished, a poll came round).
    A fixed pause is too short on a loaded machine and wasted on an idle one; the timeout
    only stops a test that would otherwise hang, it is not a speed requirement."""
    deadline = time.monotonic() + timeout
    await pilot.pause()
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"not true after {timeout} s: {predicate.__qualname__}")
        await pilot.pause(0.02)


@pytest.fixture
def wait_for() -> WaitFor:
    """:func:`wait_until` for tests in any folder (a fixture needs no import path)."""
    return wait_until


Paste = Callable[..., Awaitable[None]]


async def paste_text(pilot: Pilot[Any], text: str) -> None:
    """Put ``text`` into the focused input as one paste, the way a terminal delivers pasted
    text. Where the text is only the means of a test, this replaces typing it key by key:
    each key is a wait for the app to go idle, and typing is tested on its own (the live
    preview test types every key)."""
    from textual import events

    focused = pilot.app.focused
    assert focused is not None, "nothing has focus to paste into"
    focused.post_message(events.Paste(text))
    await pilot.pause()


@pytest.fixture
def paste() -> Paste:
    """:func:`paste_text` for tests in any folder."""
    return paste_text
