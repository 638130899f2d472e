"""Other apps' events that are no one block: planned the way ``flowday import`` plans them.

A repeating event made by another app (a phone's weekly team call) becomes fixed blocks,
one per occurrence on the next :data:`~flowday.application.routines.HORIZON_DAYS` days, and
an all-day event a day note, through :func:`flowday.calendars.importing.import_events`:
judged per day, never refused, crossings recorded; an event changed or gone on the server
changes or removes its blocks and notes in that range on the next sync. Those blocks keep
the event's UID and occurrence in their ``source``, so they are never sent back (a block
with an occurrence in its source is not synced: :func:`.items.block_uid`) and never
duplicated. The sync remembers what it last planned (a digest of the day and of each such
event's ETag): a sync in which neither changed does no work here.
"""

from __future__ import annotations

import hashlib

import icalendar

from flowday.application.planner import Planner
from flowday.application.routines import HORIZON_DAYS
from flowday.calendars.importing import ImportReport, import_events
from flowday.calendars.reading import parse_calendar
from flowday.domain.errors import FlowdayError
from flowday.domain.text import shown
from flowday.sync.state import SyncState

IDENTITY = "sync:"  # + the collection's address: what their UIDs are remembered under


def others_digest(planner: Planner, state: SyncState) -> str:
    """What the plan of other apps' events depends on: today and each such event's ETag
    ("" when there are none: a sync of flowday's own events only never imports)."""
    # (the index names them: no other event is read)
    events = sorted((uid, state.items[uid].etag) for uid in state.index().foreign)
    if not events:
        return ""
    digest = hashlib.sha256(planner.today().to_date_string().encode())
    for uid, etag in events:
        digest.update(f"\n{uid}\t{etag}".encode())
    return digest.hexdigest()[:32]


def plan_others(planner: Planner, state: SyncState, skipped: list[str]) -> ImportReport:
    """Plan the events flowday does not keep one to one (see the module doc)."""
    combined = icalendar.Calendar()
    combined.add("prodid", "-//flowday//sync//EN")
    combined.add("version", "2.0")
    zones: set[str] = set()
    index = state.index()
    for uid in sorted(index.foreign):
        item = state.items[uid]
        if item.fields is not None or not item.raw:
            continue
        try:
            calendar = parse_calendar(item.raw.encode("utf-8"), uid)
        except FlowdayError as exc:
            skipped.append(f"{shown(uid)}: {exc}")
            continue
        for part in calendar.subcomponents:
            if part.name == "VTIMEZONE":
                if str(part.get("TZID")) in zones:
                    continue
                zones.add(str(part.get("TZID")))
            if part.name in ("VTIMEZONE", "VEVENT"):
                combined.add_component(part)
    first = planner.today()
    planned_here = (index.uids() - index.foreign) | set(state.conflicts)
    return import_events(
        planner, combined, IDENTITY + state.collection, "the server's other events",
        first=first, last=first.add(days=HORIZON_DAYS - 1), left_alone=planned_here,
    )  # fmt: skip
