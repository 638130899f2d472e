"""Two syncs of one data folder never run at once (the planner's periodic sync and a
`flowday sync` from cron, say): the second says so, does nothing and can run again later."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from flowday.application.planner import Planner
from flowday.config import from_mapping
from flowday.domain.clock import FixedClock
from flowday.store import Store
from flowday.sync.everything import sync_everything
from flowday.sync.server import Collection

from .devices import NOW

SETTINGS = {"url": "http://127.0.0.1:9/", "user": "jane", "password_cmd": "echo secret"}


class Reached(Exception):
    """The sync got past its turn and asked for the server."""


def reach(name: str, create: bool) -> Collection:
    raise Reached(name)


def test_a_second_sync_of_a_folder_waits_its_turn(tmp_path: Path) -> None:
    config = from_mapping({"sync": SETTINGS})
    assert config.sync is not None
    planner = Planner(Store(tmp_path / "data"), config, FixedClock(NOW))
    with pytest.raises(Reached):
        sync_everything(planner, config.sync, reach)
    with pytest.raises(Reached):  # the turn was given back though that sync failed
        sync_everything(planner, config.sync, reach)
    with planner.store.sync_turn() as ours:  # another sync running (its own open file)
        assert ours
        with Store(tmp_path / "data").sync_turn() as theirs:
            assert not theirs
        with pytest.raises(Exception, match="another flowday sync of this data folder"):
            sync_everything(planner, config.sync, reach)  # never reaches the server
    with pytest.raises(Reached):
        sync_everything(planner, config.sync, reach)


def test_the_command_says_so_with_exit_6_and_a_killed_sync_gives_its_turn_back(
    cli: object, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[sync]\n" + "".join(f'{k} = "{v}"\n' for k, v in SETTINGS.items()))
    data = Path(cli.data_dir)  # type: ignore[attr-defined]
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(data)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")},
    )  # a sync in another process, holding its turn
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        busy = cli("--config", str(config), "sync")  # type: ignore[operator]
        assert busy.returncode == 6 and busy.stdout == ""
        assert busy.stderr.count("\n") == 1 and "another flowday sync" in busy.stderr
    finally:
        holder.kill()
        holder.wait()
    unreachable = cli("--config", str(config), "sync")  # type: ignore[operator]
    assert unreachable.returncode == 6 and "another flowday sync" not in unreachable.stderr


HOLD = """
import sys, time
from pathlib import Path
from flowday.store import Store
with Store(Path(sys.argv[1])).sync_turn() as ours:
    assert ours
    print("held", flush=True)
    time.sleep(60)
"""
