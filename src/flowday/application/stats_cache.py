"""The stats cache: computed day records per month in the user cache folder, so ``flowday
stats`` and the weekly review do not re-read ten years of month files. Derived data, safe
to delete; written through the one safe write."""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pendulum

from flowday import __version__, safe_write
from flowday.application.planner import Planner
from flowday.domain import figures
from flowday.domain.errors import InputError
from flowday.domain.insights import DayRecord
from flowday.domain.model import Reflection
from flowday.places import cache_root
from flowday.store import StoreError

ComputeRecords = Callable[[Planner, pendulum.Date, pendulum.Date], list[DayRecord]]


class MonthCache:
    """Computed day records per month, kept in the user cache folder (never in the data
    folder: it is derived, and safe to delete).

    Reading and checking ten years of month files and building every block costs seconds;
    past months rarely change. A month's entry is used only while its key still matches:
    a hash of the month file's bytes (cheap next to parsing them), the settings figures depend on
    (time zone, work window, working days, weekly modes), the routines for the months they
    can touch (from the first one's start: a routine never begins in the past, so changing
    one leaves the past's entries valid) and the code that computes them
    (``compute``'s module, this one and ``domain/figures.py``). Anything unreadable is
    recomputed; a cache that cannot be written is skipped silently."""

    # 2: reflections as stored by Reflection.to_dict; 3: outcome figures; 4: transitions
    VERSION = 4

    def __init__(self, planner: Planner, compute: ComputeRecords) -> None:
        self.planner = planner
        self.compute = compute
        self.folder = cache_folder(planner.store.root)
        self.settings = _settings_fingerprint(planner, compute)
        routines = planner.store.routines()
        self.routines_from = min((r.first for r in routines), default=None)
        self.routines = hashlib.sha256(planner.store.routines_bytes() or b"").hexdigest()

    def month(self, month: pendulum.Date) -> list[DayRecord]:
        try:  # never a plain read: a FIFO there would block, /dev/zero never end
            content = self.planner.store.month_bytes(month)
        except StoreError:  # let the store report it, with its own message
            return self.compute(self.planner, month, month.end_of("month"))
        touched = self.routines_from is not None and self.routines_from <= month.end_of("month")
        if content is None:
            if not touched:
                return []
            content = b""  # nothing stored that month, but routines occur in it
        key = [self.VERSION, self.settings, len(content), hashlib.sha1(content).hexdigest()]
        if touched:  # its routines' occurrences are blocks of the month
            key.append(self.routines)
        cached = self._load(month, key)
        if cached is not None:
            return cached
        records = self.compute(self.planner, month, month.end_of("month"))
        self._save(month, key, records)
        return records

    def _file(self, month: pendulum.Date) -> Path:
        return self.folder / f"{month.year:04d}-{month.month:02d}.json"

    def _load(self, month: pendulum.Date, key: list[Any]) -> list[DayRecord] | None:
        try:
            data = json.loads(self._file(month).read_text("utf-8"))
            if data.get("key") != key:
                return None
            return [_record_from_json(item) for item in data["records"]]
        except (OSError, ValueError, KeyError, TypeError, AttributeError, InputError):
            return None

    def _save(self, month: pendulum.Date, key: list[Any], records: list[DayRecord]) -> None:
        payload = {"key": key, "records": [_record_to_json(r) for r in records]}
        # A cache: a failed write only costs speed next time (two processes refreshing at
        # once each replace the file whole, with their own temp names).
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            safe_write.write_atomically(
                self._file(month), json.dumps(payload, separators=(",", ":")).encode("utf-8")
            )


def cache_folder(data_root: Path) -> Path:
    """``<user cache dir>/stats/<hash of the data folder>``."""
    digest = hashlib.sha256(str(Path(data_root).resolve()).encode()).hexdigest()[:16]
    return cache_root() / "stats" / digest


def _settings_fingerprint(planner: Planner, compute: ComputeRecords) -> str:
    config = planner.config
    sources = sorted({figures.__file__ or "", __file__, compute.__code__.co_filename})
    code = b"".join(Path(source).read_bytes() for source in sources)
    parts = [
        __version__,
        str(getattr(config.timezone, "name", config.timezone)),
        config.work_start,
        config.work_end,
        sorted(config.working_days),
        list(config.week_modes),
        hashlib.sha256(code).hexdigest(),
    ]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:24]


def _record_to_json(record: DayRecord) -> dict[str, Any]:
    return {
        "date": record.date.to_date_string(),
        "mode": record.mode,
        "figures": dict(record.figures),
        "reflection": None if record.reflection is None else record.reflection.to_dict(),
        "last_work_end": record.last_work_end,
        "first_work_start": record.first_work_start,
        "day_off": record.day_off,
    }


def _record_from_json(data: dict[str, Any]) -> DayRecord:
    year, month, day = (int(part) for part in str(data["date"]).split("-"))
    return DayRecord(
        date=pendulum.date(year, month, day),
        mode=str(data["mode"]),
        figures={str(k): int(v) for k, v in data["figures"].items()},
        reflection=None if data["reflection"] is None else Reflection.from_dict(data["reflection"]),
        last_work_end=data["last_work_end"],
        first_work_start=data.get("first_work_start"),
        day_off=bool(data.get("day_off", False)),
    )
