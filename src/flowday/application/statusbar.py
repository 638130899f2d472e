"""``flowday next``'s answer as plain data, and today's snapshot kept for it.

A status bar calls ``flowday next`` every few seconds; loading the planner (pendulum, the
rules, the store) costs far more than the 60 ms a bar can spend. So the full command
(:mod:`flowday.application.status`) leaves a snapshot of today in the user cache folder —
the open blocks with their real start and end instants, the mode, the hard rules broken —
and ``flowday next`` answers from it while nothing it was computed from changed (see
:func:`fingerprint`); else it computes again and leaves a new one. Light on purpose: the
standard library and flowday's lightest modules only. Derived data, safe to delete."""

from __future__ import annotations

import contextlib
import json
import os
import zlib
from datetime import datetime
from pathlib import Path

from flowday import __version__, safe_write
from flowday.domain.clockface import fmt_duration
from flowday.domain.text import shown
from flowday.places import cache_root

TYPE_CHECKING = False  # typing itself costs `flowday next` ~3 ms: mypy reads this as True
if TYPE_CHECKING:
    from typing import Any, Literal

BROKEN_MARK = "!"
FORMAT = 1  # the snapshot's shape: a new one ignores every snapshot written before
SNAPSHOT_LIMIT = 1 << 20
CONTENTS_LIMIT = 64 << 20  # past the store's own limits: what is read is what it reads
BLOCK_KEYS = ("id", "title", "sphere", "glyph", "start", "end")  # as `next --json` says them


class Status:
    """The block under way (minutes left), the next one today (minutes until), or none.
    (A plain class: dataclasses and typing.NamedTuple cost the fast path ~15 and ~3 ms.)"""

    __slots__ = ("block", "broken", "minutes", "mode", "state")

    def __init__(
        self,
        state: Literal["now", "next", "free"],
        mode: str,
        block: dict[str, Any] | None = None,  # BLOCK_KEYS
        minutes: int = 0,  # left (now) or until (next), in real minutes
        broken: int = 0,  # hard rules the day breaks now
    ) -> None:
        self.state, self.mode, self.block = state, mode, block
        self.minutes, self.broken = minutes, broken

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Status) and self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        return (
            f"Status({self.state!r}, {self.mode!r}, {self.block!r}, {self.minutes}, {self.broken})"
        )

    def line(self) -> str:
        mark = f" {BROKEN_MARK}" if self.broken else ""
        if self.block is None:
            return f"free · {self.mode}{mark}"
        title = shown(self.block["title"])
        when = (
            f"{fmt_duration(self.minutes)} left"
            if self.state == "now"
            else f"in {fmt_duration(self.minutes)}"
        )
        return f"{self.block['glyph']} {title} · {when} · {self.mode}{mark}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.line(),
            "state": self.state,
            "mode": self.mode,
            "minutes": self.minutes,
            "broken": self.broken,
            "block": self.block,
        }


def status_from(snapshot: dict[str, Any], now: datetime) -> Status:
    """The status at ``now`` (aware, in the day's zone) from a day's snapshot: done and
    skipped blocks are left out of it (they are over)."""
    mode, broken, minute = snapshot["mode"], snapshot["broken"], now.hour * 60 + now.minute
    moment = now.timestamp()
    for block in snapshot["blocks"]:
        if block["from"] <= minute < block["to"]:
            left = max(0, int((block["end_ts"] - moment) // 60))
            return Status("now", mode, _said(block), left, broken)
    for block in snapshot["blocks"]:
        if block["from"] > minute:
            until = max(0, -int(-(block["start_ts"] - moment) // 60))
            return Status("next", mode, _said(block), until, broken)
    return Status("free", mode, broken=broken)


def _said(block: dict[str, Any]) -> dict[str, Any]:
    return {key: block[key] for key in BLOCK_KEYS}


# --- the snapshot in the user cache folder -------------------------------------------------
def snapshot_file(data_root: Path) -> Path:
    """One file per data folder. Named by a CRC of its path (hashlib's OpenSSL costs ~4 ms
    to load); the snapshot also holds the path itself, so two folders never share one."""
    digest = zlib.crc32(str(data_root.resolve()).encode("utf-8", "surrogateescape"))
    return cache_root() / "status" / f"{digest:08x}.json"


def fingerprint(data_root: Path, config: Path, date: str) -> list[Any] | None:
    """What a snapshot of ``date`` was computed from: the contents (size and CRC-32: a
    few KB, read in well under a millisecond) of every file it reads — the day's month file
    and its log, the routines, the app state (a trial's modes), the config file — and the
    zone from the environment. Contents, not modification times: a file's time ticks
    coarsely (a few ms), and two writes inside a tick must not leave a stale answer. None
    while a journal waits to be replayed (the full command does that)."""
    if (data_root / ".journal.json").exists():
        return None
    # a month is its file and its change log (store.log_path_for: one append per change;
    # named here, not imported, so that the fast path never loads the store)
    files = [data_root / "months" / f"{date[:7]}.json",
             data_root / "months" / f"{date[:7]}.log.jsonl", data_root / "routines.json",
             data_root / "state.json", config]  # fmt: skip
    return [
        FORMAT, __version__, str(data_root.resolve()), os.environ.get("FLOWDAY_TZ"),
        os.environ.get("TZ"), *(_contents(path) for path in files),
    ]  # fmt: skip


def _contents(path: Path) -> list[int] | None:
    try:
        _, raw = safe_write.read_regular(path, CONTENTS_LIMIT)
    except OSError:  # missing (or not a regular file: the full command says so)
        return None
    return [len(raw), zlib.crc32(raw)]


def save(data_root: Path, config: Path, snapshot: dict[str, Any]) -> None:
    """Leave ``snapshot`` for the next ``flowday next``; a cache that cannot be written is
    skipped silently (the next call computes again)."""
    key = fingerprint(data_root, config, snapshot["date"])
    if key is None:
        return
    path = snapshot_file(data_root)
    with contextlib.suppress(OSError, ValueError):
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({**snapshot, "key": key}, ensure_ascii=False).encode()
        safe_write.write_atomically(path, payload)


def load(data_root: Path, config: Path) -> dict[str, Any] | None:
    """The snapshot left for this data folder while still valid, else None."""
    try:  # never a plain read: a FIFO there would block
        _, raw = safe_write.read_regular(snapshot_file(data_root), SNAPSHOT_LIMIT)
        snapshot = json.loads(raw)
        date = snapshot["date"]
    except (OSError, ValueError, TypeError, KeyError):
        return None
    if not isinstance(date, str) or snapshot.get("key") != fingerprint(data_root, config, date):
        return None
    return snapshot if isinstance(snapshot, dict) else None
