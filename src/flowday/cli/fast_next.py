"""``flowday next`` without loading the planner: a status bar calls it every few seconds.

:func:`answer` runs before the parser and every command module are imported. It answers
only a plain ``next`` (``--json``, ``--data-dir``, ``--config`` allowed, before or after the
command) from the snapshot the full command left (:mod:`flowday.application.statusbar`),
while that snapshot is still valid and about today; anything else — another command, an
unusual argument, no valid snapshot, a "now" it cannot read — returns None and the full
command runs (it reports every error, and leaves a new snapshot)."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from datetime import datetime

VALUED = ("--data-dir", "--config")


def answer(argv: Sequence[str]) -> int | None:
    options = _plain_next(argv)
    if options is None:
        return None
    from flowday import places
    from flowday.application import statusbar
    from flowday.domain.errors import FlowdayError

    try:
        data_root = places.data_dir(options.get("--data-dir"))
        config = places.config_path(options.get("--config"))
    except FlowdayError:
        return None
    snapshot = statusbar.load(data_root, config)
    if snapshot is None:
        return None
    now = _now(snapshot.get("tz"))
    if now is None or now.date().isoformat() != snapshot["date"]:
        return None  # a new day: computed afresh
    try:
        status = statusbar.status_from(snapshot, now)
    except (KeyError, TypeError, ValueError):  # a snapshot of another shape
        return None
    from flowday.cli.output import out, print_json

    if "--json" in options:
        print_json(status.to_dict())
    else:
        out(status.line())
    return 0


def _plain_next(argv: Sequence[str]) -> dict[str, str] | None:
    """The options of ``flowday [OPTIONS] next [OPTIONS]``, or None for anything else."""
    found: dict[str, str] = {}
    command = False
    args = list(argv)
    while args:
        arg = args.pop(0)
        name, equals, value = arg.partition("=")
        if arg == "next" and not command:
            command = True
        elif arg == "--json" and command and arg not in found:
            found[arg] = ""
        elif name in VALUED and name not in found:
            if not equals:
                if not args:
                    return None
                value = args.pop(0)
            if not value or value.startswith("-"):
                return None  # what the parser would say is left to it
            found[name] = value
        else:
            return None
    return found if command else None


def _now(zone: object) -> datetime | None:
    """Now in the day's zone (``FLOWDAY_NOW`` pins it, read as the full command reads it:
    a local time of that zone); None when it cannot be read here."""
    from zoneinfo import ZoneInfo

    try:
        tz = ZoneInfo(str(zone))
    except (ValueError, OSError, LookupError):  # not a zone name (a fixed offset)
        return None
    pinned = os.environ.get("FLOWDAY_NOW")
    if not pinned:
        return datetime.fromtimestamp(time.time(), tz)
    try:
        at = datetime.fromisoformat(pinned)
    except ValueError:
        return None
    # a local time the clocks skip or repeat is left to pendulum's reading
    local = at.replace(tzinfo=tz) if at.tzinfo is None else at.astimezone(tz)
    if at.tzinfo is None and local.astimezone(tz).replace(tzinfo=None) != at:
        return None
    if at.tzinfo is None and local.replace(fold=1).utcoffset() != local.utcoffset():
        return None
    return local
