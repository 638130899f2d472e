"""Shared fixtures: an injected clock, a throwaway data folder, and no leaking of the
developer's own config, data or time zone into tests."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pendulum
import pytest
from hypothesis import HealthCheck, settings

from flowday.application.planner import Planner
from flowday.config import Config, from_mapping
from flowday.domain.clock import FixedClock
from flowday.store import Store

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
    for name in ("FLOWDAY_DATA_DIR", "FLOWDAY_CONFIG", "FLOWDAY_NOW", "FLOWDAY_TZ", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)


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


@pytest.fixture
def cli(tmp_path: Path) -> CliRunner:
    """Run ``flowday`` in a subprocess against a fresh data folder with a pinned clock."""
    data = tmp_path / "cli-data"

    def run(
        *args: str,
        env: dict[str, str] | None = None,
        input: str | None = None,
        now: str = "2026-11-25T10:00",
    ) -> subprocess.CompletedProcess[str]:
        full_env = {
            **os.environ,
            "PYTHONPATH": str(SRC),
            "FLOWDAY_DATA_DIR": str(data),
            "FLOWDAY_NOW": now,
            "FLOWDAY_TZ": TZ_NAME,
            **(env or {}),
        }
        return subprocess.run(
            [sys.executable, "-m", "flowday", *args],
            capture_output=True, text=True, env=full_env, input=input, timeout=60,
        )  # fmt: skip

    run.data_dir = data  # type: ignore[attr-defined]
    return run
