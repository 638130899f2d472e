"""End-of-day reflections and the review of them (application layer, shared by CLI and TUI).

A reflection is stored on its :class:`Day` (``Day.reflection``) together with the mode the
day had and the day's figures at that moment, so the history keeps meaning what it meant
even if the weekly mode map changes later. :func:`stats` is the JSON of ``flowday stats``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pendulum

from flowday import __version__, safe_write
from flowday.application.planner import Planner
from flowday.domain import figures, insights
from flowday.domain.errors import InputError
from flowday.domain.figures import day_figures
from flowday.domain.insights import DayRecord
from flowday.domain.model import Block, Day, Reflection, Sphere, stamp
from flowday.domain.questions import Answers
from flowday.domain.wallclock import fmt_minutes


def min_reflected_days(planner: Planner) -> int:
    """``[reflection] min_days`` in the config, else 5."""
    return planner.config.reflection.min_days


def _check_past(planner: Planner, date: pendulum.Date) -> None:
    if date > planner.today():
        raise InputError(
            f"{date.to_date_string()} has not happened yet: reflect on today or an earlier day"
        )


def save_reflection(
    planner: Planner, date: pendulum.Date, answers: Answers | Mapping[str, Any]
) -> Day:
    """Store the answers with the day's mode and figures; replaces an earlier reflection."""
    if not isinstance(answers, Answers):
        answers = Answers.from_mapping(answers)
    _check_past(planner, date)
    with planner.store.transaction() as txn:
        day = txn.day(date)
        ctx = planner.context(day, txn.blocks_on(date))
        reflection = Reflection(
            answers, stamp(planner.now()), ctx.mode, day_figures(ctx, day).to_dict()
        )
        day = replace(day, reflection=reflection, reflection_skipped=False)
        txn.put_day(day)
    return day


def skip_reflection(planner: Planner, date: pendulum.Date) -> Day:
    """Remember that the person chose not to reflect on ``date`` (no more prompts for it)."""
    with planner.store.transaction() as txn:
        day = replace(txn.day(date), reflection_skipped=True)
        txn.put_day(day)
    return day


# --- the prompt's timing, for the app ---------------------------------------------------


def reflection_due_now(planner: Planner) -> bool:
    """Whether the evening prompt for today is due now (the app asks once per day)."""
    today = planner.today()
    day = planner.store.day(today)
    return insights.reflection_due(
        planner.now(),
        day,
        planner.mode_of(day),
        planner.window_of(day),
        planner.config.reflection,
    )


def yesterday_to_reflect(planner: Planner) -> pendulum.Date | None:
    """At launch: yesterday's date when it was planned but neither reflected nor skipped."""
    today = planner.today()
    yesterday = today.subtract(days=1)
    day = planner.store.day(yesterday)
    if insights.needs_yesterday_prompt(
        today, day, had_blocks=bool(planner.store.blocks_on(yesterday)),
        config=planner.config.reflection,
    ):  # fmt: skip
        return yesterday
    return None


# --- the review -------------------------------------------------------------------------


def _answers_only(reflection: Reflection | None) -> dict[str, Any] | None:
    if reflection is None:
        return None
    return {**reflection.answers.to_dict(), "at": reflection.at}


def records_between(planner: Planner, first: pendulum.Date, last: pendulum.Date) -> list[DayRecord]:
    """Every day in the range that has blocks or a stored record, oldest first.

    Figures are computed from the blocks as they are now; the mode of a reflected day is
    the one stored with its reflection (the mode the person actually lived). Whole months
    are computed at a time and kept in the stats cache (see :class:`MonthCache`)."""
    cache = MonthCache(planner)
    records: list[DayRecord] = []
    month = first.start_of("month")
    while month <= last:
        records.extend(r for r in cache.month(month) if first <= r.date <= last)
        month = month.add(months=1)
    return records


def compute_records(planner: Planner, first: pendulum.Date, last: pendulum.Date) -> list[DayRecord]:
    """The uncached computation behind :func:`records_between`."""
    days = planner.store.days_between(first, last)
    blocks_by_day: dict[str, list[Block]] = {}
    for block in planner.store.blocks_between(first, last):
        blocks_by_day.setdefault(block.date.to_date_string(), []).append(block)
    records: list[DayRecord] = []
    for key in sorted(set(days) | set(blocks_by_day)):
        blocks = blocks_by_day.get(key, [])
        day = days.get(key) or Day(date=blocks[0].date)
        ctx = planner.context(day, blocks)
        reflection = day.reflection
        mode = (reflection.mode or ctx.mode) if reflection else ctx.mode
        work_ends = [b.end for b in blocks if b.sphere is Sphere.WORK]
        records.append(
            DayRecord(
                date=day.date,
                mode=mode,
                figures=day_figures(ctx, day).to_dict(),
                reflection=reflection,
                last_work_end=max(work_ends) if work_ends else None,
            )
        )
    return records


class MonthCache:
    """Computed day records per month, kept in the user cache folder (never in the data
    folder: it is derived, and safe to delete).

    Reading and checking ten years of month files and building every block costs seconds;
    past months rarely change. A month's entry is used only while its key still matches:
    a hash of the month file's bytes (cheap next to parsing them), the settings figures depend on
    (time zone, work window, working days, weekly modes) and the code that computes them
    (this module and ``domain/figures.py``). Anything unreadable is recomputed; a cache
    that cannot be written is skipped silently."""

    VERSION = 2  # 2: reflections as stored by Reflection.to_dict

    def __init__(self, planner: Planner) -> None:
        self.planner = planner
        self.folder = cache_folder(planner.store.root)
        self.settings = _settings_fingerprint(planner)

    def month(self, month: pendulum.Date) -> list[DayRecord]:
        path = self.planner.store.month_path(month)
        try:
            content = path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError:  # let the store report it, with its own message
            return compute_records(self.planner, month, month.end_of("month"))
        key = [self.VERSION, self.settings, len(content), hashlib.sha1(content).hexdigest()]
        cached = self._load(month, key)
        if cached is not None:
            return cached
        records = compute_records(self.planner, month, month.end_of("month"))
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
    """``<user cache dir>/stats/<hash of the data folder>`` (``$FLOWDAY_CACHE_DIR`` wins)."""
    base = os.environ.get("FLOWDAY_CACHE_DIR")
    if not base:
        from platformdirs import user_cache_dir

        base = user_cache_dir("flowday")
    digest = hashlib.sha256(str(Path(data_root).resolve()).encode()).hexdigest()[:16]
    return Path(base) / "stats" / digest


def _settings_fingerprint(planner: Planner) -> str:
    config = planner.config
    code = b"".join(
        Path(module.__file__ or "").read_bytes() for module in (figures, sys.modules[__name__])
    )
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
    }


def _record_from_json(data: dict[str, Any]) -> DayRecord:
    year, month, day = (int(part) for part in str(data["date"]).split("-"))
    return DayRecord(
        date=pendulum.date(year, month, day),
        mode=str(data["mode"]),
        figures={str(k): int(v) for k, v in data["figures"].items()},
        reflection=None if data["reflection"] is None else Reflection.from_dict(data["reflection"]),
        last_work_end=data["last_work_end"],
    )


def day_json(record: DayRecord) -> dict[str, Any]:
    return {
        "date": record.date.to_date_string(),
        "mode": record.mode,
        "figures": dict(record.figures),
        "last_work_end": None
        if record.last_work_end is None
        else fmt_minutes(record.last_work_end),
        "reflection": _answers_only(record.reflection),
    }


def stats(planner: Planner, first: pendulum.Date, last: pendulum.Date) -> dict[str, Any]:
    """The ``flowday stats`` JSON: ``days``, ``by_mode`` and ``recommendation``."""
    if last < first:
        raise InputError(
            f"the range ends ({last.to_date_string()}) before it starts ({first.to_date_string()})"
        )
    records = records_between(planner, first, last)
    return stats_of(records, first, last, min_days=min_reflected_days(planner))


def stats_of(
    records: list[DayRecord], first: pendulum.Date, last: pendulum.Date, *, min_days: int
) -> dict[str, Any]:
    summaries = insights.summarize(records)
    return {
        "from": first.to_date_string(),
        "to": last.to_date_string(),
        "days": [day_json(r) for r in records],
        "by_mode": {mode: s.to_dict() for mode, s in summaries.items()},
        "recommendation": insights.recommend(records, min_days=min_days).to_dict(),
    }


def history_start(planner: Planner) -> pendulum.Date:
    """The first day of the oldest stored month (today when there is no history)."""
    return planner.store.first_month() or planner.today()


def week_of(date: pendulum.Date) -> tuple[pendulum.Date, pendulum.Date]:
    """Monday and Sunday of the week holding ``date``."""
    monday = date.subtract(days=date.weekday())
    return monday, monday.add(days=6)


class ReflectionPrompts:
    """When an open app should show the reflection prompt by itself.

    The app makes one at start-up and asks :meth:`at_launch` once, then :meth:`due` every
    half minute or so; each returns the date to ask about, or None. Every date is offered at
    most once per run (escape means "not now", not "ask again in 30 seconds"); a skip is
    stored on the day, so it also holds across runs."""

    def __init__(self, planner: Planner) -> None:
        self.planner = planner
        self.offered: set[pendulum.Date] = set()

    def _offer(self, date: pendulum.Date | None) -> pendulum.Date | None:
        if date is None or date in self.offered:
            return None
        self.offered.add(date)
        return date

    def at_launch(self) -> pendulum.Date | None:
        return self._offer(yesterday_to_reflect(self.planner))

    def due(self) -> pendulum.Date | None:
        return self._offer(self.planner.today() if reflection_due_now(self.planner) else None)
