"""Other collections on the same server pulled one way (``[sync] subscribe = ["Work"]``),
with the rules of ``flowday import``: each event a fixed block, applied through the
planner's judge (never refused, what it newly breaks recorded as crossings), all-day and
repeating events left alone as the plan's sync leaves them.

A calendar taken out of ``subscribe`` (:func:`drop_unsubscribed`): its blocks from now on
are removed, the past stays, and its record is forgotten (subscribing again starts afresh).

Never pushed, never deleted on the server: an edit made here stays until the event
changes there (then the server's version replaces it); an event removed there is removed
here (the deletion guard asks first for many, or a whole day). Their blocks keep their
source (``caldav:<calendar>:<UID>``), so the plan's sync never sends them into the
flowday collection, and ``flowday import`` never takes them for its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from flowday.application.planner import Planner
from flowday.calendars.importing import apply_recording_crossings
from flowday.domain.errors import FlowdayError
from flowday.domain.frozen import Record, define, field, replace
from flowday.domain.model import Block, Outcome
from flowday.domain.rules import Violation
from flowday.domain.text import shown
from flowday.store import StoreError
from flowday.sync.engine import Confirm, guard_deletions, read_objects
from flowday.sync.items import blocks_for, read_event
from flowday.sync.server import Collection
from flowday.sync.state import Saved, Synced, SyncState, read_state, write_state

SOURCE_PREFIX = "caldav:"


def source_of(calendar: str, uid: str) -> str:
    return f"{SOURCE_PREFIX}{calendar}:{uid}"


STATE_PREFIX = "subscribe:"


def state_name(calendar: str) -> str:
    """The subscription's record in sync.json, beside the plan's."""
    return f"{STATE_PREFIX}{calendar}"


@define(frozen=False)
class SubscriptionReport(Record):
    calendar: str
    pulled_new: int = 0
    pulled_changed: int = 0
    pulled_deleted: int = 0
    skipped: list[str] = field(default_factory=list)
    crossed: list[Violation] = field(default_factory=list)
    full_listing: bool = False
    unsubscribed: bool = False  # no longer in `subscribe`: its blocks from now on removed

    @property
    def pulled(self) -> int:
        return self.pulled_new + self.pulled_changed + self.pulled_deleted

    def summary(self) -> str:
        if self.unsubscribed:
            count = self.pulled_deleted
            return f"{self.calendar}: unsubscribed, {count} block{'s' * (count != 1)} ahead removed"
        return f"{self.calendar}: ↓{self.pulled} (subscribed, never sent)"

    def to_json(self) -> dict[str, Any]:
        return {
            "calendar": self.calendar,
            "pulled": {"new": self.pulled_new, "changed": self.pulled_changed,
                       "deleted": self.pulled_deleted, "total": self.pulled},
            "skipped": list(self.skipped),
            "crossed": [{"rule": v.rule, "message": v.message} for v in self.crossed],
            "full_listing": self.full_listing,
            "unsubscribed": self.unsubscribed,
        }  # fmt: skip


def subscribed_blocks(planner: Planner, calendar: str) -> dict[str, list[Block]]:
    """This subscription's blocks here, by their event's UID."""
    prefix = source_of(calendar, "")
    found: dict[str, list[Block]] = defaultdict(list)
    first, last = planner.store.first_month(), planner.store.last_month()
    if first is None or last is None:
        return {}
    for block in planner.store.blocks_between(first, last.end_of("month")):
        if block.source.startswith(prefix):
            found[block.source[len(prefix) :]].append(block)
    return found


def drop_unsubscribed(
    planner: Planner,
    subscribed: Sequence[str],
    *,
    dry_run: bool = False,
    yes: bool = False,
    confirm: Confirm | None = None,
) -> list[SubscriptionReport]:
    """Calendars subscribed once and no longer in ``subscribe``: their blocks from now on
    are removed (those already begun or past, and any marked done or skipped, stay: they
    are what happened), through the judge, the deletion guard asking first as for a pull;
    their record is forgotten, so subscribing again brings their events back."""
    names = [n.removeprefix(STATE_PREFIX) for n in planner.store.sync_state_names()
             if n.startswith(STATE_PREFIX)]  # fmt: skip
    states = {name: _read(planner, name) for name in names if name not in subscribed}
    dropped = [name for name, (state, _) in states.items() if state.collection]
    if not dropped:
        return []  # (one forgotten already has nothing here to remove)
    # a block is its longest matching calendar's ("Work" and "Work:EU" may both be there)
    known = sorted({*names, *subscribed}, key=len, reverse=True)
    now, today = planner.now(), planner.today()
    minute = now.hour * 60 + now.minute
    last = planner.store.last_month()
    reports = {name: SubscriptionReport(name, unsubscribed=True) for name in dropped}
    removed: list[Block] = []
    for block in planner.store.blocks_between(today, last.end_of("month")) if last else ():
        if not block.source.startswith(SOURCE_PREFIX) or block.outcome is not Outcome.PLANNED:
            continue
        owner = next((c for c in known if block.source.startswith(source_of(c, ""))), None)
        if owner in reports and (block.date > today or block.start >= minute):
            removed.append(block)
            reports[owner].pulled_deleted += 1
    if dry_run:
        return list(reports.values())
    guard_deletions(planner, len(removed), 0, removed, yes, confirm)
    with planner.store.transaction() as txn:

        def apply() -> set[str]:
            for block in removed:
                txn.delete_block(block.id, block.date)
            return set()

        dates = {b.date for b in removed}
        if dates:  # what newly breaks is said once, with the first calendar
            crossed = apply_recording_crossings(planner, txn, dates, apply)
            reports[dropped[0]].crossed.extend(crossed)
        for name in dropped:
            state, saved = states[name]
            state.collection, state.token = "", None  # forgotten: a new subscription
            write_state(txn, state, saved, state_name(name))
    return list(reports.values())


def _read(planner: Planner, calendar: str) -> tuple[SyncState, Saved]:
    try:
        return read_state(planner.store, state_name(calendar))
    except ValueError as exc:
        raise StoreError(f"{planner.store.sync_path}: {calendar}'s record ({exc})") from None


def pull_subscription(
    planner: Planner,
    collection: Collection,
    calendar: str,
    *,
    dry_run: bool = False,
    yes: bool = False,
    confirm: Confirm | None = None,
) -> SubscriptionReport:
    """One pull of the subscribed ``calendar`` (see the module doc)."""
    report = SubscriptionReport(calendar)
    state, saved = _read(planner, calendar)
    if state.collection != collection.url:
        state = SyncState(collection=collection.url)
    listing = collection.listing(state.token)
    report.full_listing = listing.full
    by_href = {item.href: uid for uid, item in state.items.items()}
    if listing.full:
        gone = [h for h in by_href if h not in listing.etags]
    else:
        gone = [h for h, etag in listing.etags.items() if etag is None and h in by_href]
    changed = [
        h for h, etag in listing.etags.items()
        if etag is not None and (h not in by_href or state.items[by_href[h]].etag != etag)
    ]  # fmt: skip
    new_state = SyncState(state.collection, listing.token, dict(state.items))
    # its blocks here matter only for the events the server changed: none, nothing read
    local = subscribed_blocks(planner, calendar) if changed or gone else {}
    made: dict[str, list[Block]] = {}
    removed: list[Block] = []
    now = planner.now()
    for href, got in read_objects(collection, sorted(changed)):  # a hundred a request
        if got is None:
            gone.append(href)
            continue
        etag, text = got
        try:
            event = read_event(planner, text, href)
        except FlowdayError as exc:
            report.skipped.append(f"{shown(href)}: {exc}")
            continue
        known = new_state.items.get(event.uid)
        if known is not None and known.href != href:
            report.skipped.append(f"{shown(href)}: another object has the UID {shown(event.uid)}")
            continue
        new_state.items[event.uid] = Synced(href, etag, "", event.fields)
        if event.fields is None or event.fields.get("kind", "block") != "block":
            continue  # all-day, repeating, a to-do: not planned, as the plan's sync does
        # what `flowday import` makes of an event: a fixed block, as planned
        fields = {**event.fields, "flexible": "false", "outcome": Outcome.PLANNED.value,
                  "actual": ""}  # fmt: skip
        existing = local.get(event.uid, [])
        try:
            # "#": never taken for a block made in flowday (a colleague's flowday event)
            blocks = blocks_for(fields, f"{event.uid}#", existing, now)
        except (FlowdayError, ValueError) as exc:
            report.skipped.append(f"{shown(event.uid)}: {exc}")
            continue
        source = source_of(calendar, event.uid)
        made[event.uid] = [replace(b, source=source) for b in blocks]
        if existing:
            report.pulled_changed += 1
        else:
            report.pulled_new += 1
    for href in gone:
        uid = by_href.get(href)
        if uid is None:
            continue
        new_state.items.pop(uid, None)
        if uid in local:
            removed.extend(local[uid])
            report.pulled_deleted += 1
    if dry_run:
        return report
    guard_deletions(planner, report.pulled_deleted, 0, removed, yes, confirm)
    dates = {b.date for b in removed}
    dates |= {b.date for uid, blocks in made.items() for b in (*blocks, *local.get(uid, []))}
    with planner.store.transaction() as txn:

        def apply() -> set[str]:
            for block in removed:
                txn.delete_block(block.id, block.date)
            for uid, blocks in made.items():
                keep = {b.id for b in blocks}
                for old in local.get(uid, []):
                    if old.id not in keep:
                        txn.delete_block(old.id, old.date, skip=False)
                before = {b.id: b for b in local.get(uid, [])}
                for block in blocks:
                    found = before.get(block.id)
                    txn.put_block(block, previous_date=found.date if found else None)
            return {b.id for blocks in made.values() for b in blocks}

        if dates:
            report.crossed.extend(apply_recording_crossings(planner, txn, dates, apply))
        write_state(txn, new_state, saved, state_name(calendar))
    return report
