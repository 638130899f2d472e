"""What the last sync saw: per event its href, ETag, the fields compared, and the text.

Stored through :class:`flowday.store.Transaction`, so the changes a sync makes in the data
folder and what it remembers of them land together or not at all (one journal). The head
(``sync.json``: collection, sync-token, open conflicts) is small; the events are sharded by
the month their block starts in (``sync/YYYY-MM.json``; routines, tasks and events flowday
does not plan in ``sync/undated.json``), and :func:`write_state` rewrites only the shards
whose events changed since the last save: a save costs the months it touched, whatever the
history (one file of ten years would near the store's file cap and be rewritten whole by
every save). A ``sync.json`` of version 1 (the events inside it) is read as it is and
written in shards by the next save, in the same transaction; a newer one is refused.

A push the server took but the state never recorded (killed in between) is found again by
the next sync: both sides then hold the same fields, which the merge takes as agreement,
never as a conflict.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flowday.store import Store, Transaction

STATE_VERSION = 2  # 1: one record, the events inside it; 2: the events in shards
UNDATED = "undated"  # the shard of what has no date of its own (routines, tasks, ...)
_DATED = re.compile(r"(\d{4}-\d{2})-\d{2} ")  # a block's start: "YYYY-MM-DD HH:MM"
_DAY_UID = re.compile(r"-(\d{4}-\d{2})-\d{2}@flowday$")  # day-…, reflection-YYYY-MM-DD@flowday


def shard_of(uid: str, item: Synced) -> str:
    """The shard an event is stored in: the month its block starts in (or the day record's
    month), else :data:`UNDATED` (routines, tasks, other apps' events)."""
    found = _DATED.match(item.fields.get("start", "")) if item.fields else None
    found = found or _DAY_UID.search(uid)
    return found[1] if found else UNDATED


def months_of(uid: str, item: Synced) -> frozenset[str] | None:
    """The months (``YYYY-MM``) whose files hold what the event was when both sides last
    agreed: a block's, from its start's to its end's (an event across midnight at a
    month's end is in two); a day record's. None: kept in no month (routines, tasks, other
    apps' events)."""
    fields = item.fields
    if fields is not None and fields.get("kind", "block") == "block":
        first, last = _DATED.match(fields.get("start", "")), _DATED.match(fields.get("end", ""))
        if first is None or last is None or last[1] < first[1]:
            return None
        if first[1] == last[1]:
            return frozenset((first[1],))
        year, number = int(first[1][:4]), int(first[1][5:7])
        found = []
        while (key := f"{year:04d}-{number:02d}") <= last[1]:
            found.append(key)
            year, number = (year + 1, 1) if number == 12 else (year, number + 1)
        return frozenset(found)
    month = record_month(uid) if fields is not None else None
    return frozenset((month,)) if month else None


def record_month(uid: str) -> str | None:
    """The month (``YYYY-MM``) of a day's or reflection's record, by its UID."""
    found = _DAY_UID.search(uid)
    return found[1] if found else None


def shard_prefix(name: str) -> str:
    """Shard files of the state ``name`` ("": the plan's) start with this: another
    collection's (the reflections', a subscription's) with 8 hex digits of its name."""
    return f"{hashlib.sha1(name.encode()).hexdigest()[:8]}-" if name else ""


Fields = dict[str, str]  # the fields compared (see items.FIELD_NAMES), as text
_TEXT = {str}


@dataclass(frozen=True)
class Synced:
    """One event as both sides last agreed on it (frozen: a change is a new object, which
    is how :func:`write_state` finds what to write)."""

    href: str
    etag: str
    raw: str  # the event's text as the server had it: what flowday does not read survives
    fields: Fields | None  # None: an event flowday does not plan (all-day, repeating, ...)

    def to_record(self) -> dict[str, Any]:
        return {"href": self.href, "etag": self.etag, "raw": self.raw, "fields": self.fields}

    @classmethod
    def from_record(cls, record: Any) -> Synced:
        # (checked with type() and set(map()): years of events are read by every sync)
        if type(record) is not dict:
            raise ValueError("an item is not a record")
        fields = record.get("fields")
        if fields is not None and (
            type(fields) is not dict or not set(map(type, fields.values())) <= _TEXT
        ):
            raise ValueError("an item's fields are not text")
        href, etag, raw = record.get("href"), record.get("etag"), record.get("raw")
        if type(href) is not str or type(etag) is not str or type(raw) is not str:
            raise ValueError("an item's href, etag or text is not text")
        return cls(href, etag, raw, dict(fields) if fields is not None else None)


@dataclass
class Conflict:
    """The same field changed on both sides: the plan keeps the local value, the server
    keeps its own, and this record keeps both until a person chooses."""

    uid: str
    block_id: str  # what `flowday sync --resolve` takes (the block the person sees)
    fields: dict[str, tuple[str, str]]  # name → (local value, server value)
    remote: Synced  # the server's version (its fields included)

    def to_record(self) -> dict[str, Any]:
        return {
            "uid": self.uid,
            "block_id": self.block_id,
            "fields": {k: list(v) for k, v in self.fields.items()},
            "remote": self.remote.to_record(),
        }

    @classmethod
    def from_record(cls, record: Any) -> Conflict:
        if not isinstance(record, dict):
            raise ValueError("a conflict is not a record")
        fields = record.get("fields")
        if not isinstance(fields, dict) or not all(
            isinstance(v, list) and len(v) == 2 and all(isinstance(x, str) for x in v)
            for v in fields.values()
        ):
            raise ValueError("a conflict's fields are not pairs of text")
        return cls(
            uid=str(record.get("uid", "")),
            block_id=str(record.get("block_id", "")),
            fields={k: (v[0], v[1]) for k, v in fields.items()},
            remote=Synced.from_record(record.get("remote")),
        )


@dataclass
class SyncState:
    collection: str = ""  # the collection's address: another one starts afresh
    token: str | None = None  # the collection's sync-token (RFC 6578) after the last pull
    items: dict[str, Synced] = field(default_factory=dict)  # by UID
    conflicts: dict[str, Conflict] = field(default_factory=dict)  # by UID
    others: str = ""  # what other apps' events were last planned from (sync.others)
    # each month file's identity (Store.month_identities) when a sync last found all it
    # holds agreed with the server: a month still so is not read again (engine._reading)
    months: dict[str, list[int]] = field(default_factory=dict)

    def to_record(self) -> dict[str, Any]:
        """``sync.json``'s record: everything but the events (those are in shards)."""
        record = {
            "version": STATE_VERSION,
            "collection": self.collection,
            "token": self.token,
            "conflicts": {uid: c.to_record() for uid, c in self.conflicts.items()},
            "others": self.others,
        }
        return {**record, "months": dict(self.months)} if self.months else record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> SyncState:
        """The head record, checked (version 1's holds the events too); ValueError names
        what is wrong."""
        if not record:
            return cls()
        version = record.get("version")
        if not isinstance(version, int) or version > STATE_VERSION:
            raise ValueError(f"version {version!r} is not one this flowday reads")
        token, others = record.get("token"), record.get("others", "")
        months = record.get("months", {})
        if not isinstance(months, dict) or not all(
            isinstance(v, list) and all(isinstance(n, int) for n in v) for v in months.values()
        ):
            months = {}  # not what this flowday wrote: every month is read
        items, conflicts = record.get("items", {}), record.get("conflicts", {})
        if not isinstance(items, dict) or not isinstance(conflicts, dict):
            raise ValueError("items or conflicts are not records")
        return cls(
            collection=str(record.get("collection", "")),
            token=token if isinstance(token, str) else None,
            items={str(uid): Synced.from_record(item) for uid, item in items.items()},
            conflicts={str(uid): Conflict.from_record(c) for uid, c in conflicts.items()},
            others=others if isinstance(others, str) else "",
            months={str(k): list(v) for k, v in months.items()},
        )


@dataclass
class Saved:
    """What is on disk, as last read or written: the head record, every event (the same
    objects the state held then, so an unchanged event is found by identity) and which
    events each shard holds."""

    head: dict[str, Any] | None = None  # None: sync.json is to be written (absent, or v1)
    items: dict[str, Synced] = field(default_factory=dict)
    members: dict[str, set[str]] = field(default_factory=dict)  # shard → UIDs

    def take(self, written: Saved) -> None:
        """After the transaction that wrote ``written`` committed."""
        self.head, self.items, self.members = written.head, written.items, written.members


def read_state(store: Store, name: str = "") -> tuple[SyncState, Saved]:
    """The state ``name`` ("": the plan's collection's) and what is on disk; ValueError
    names what cannot be read (the caller refuses to sync then: nothing is written over
    it)."""
    head = store.sync_state(name)
    state = SyncState.from_record(head)
    if head.get("items") is not None or not head:
        return state, Saved()  # version 1 (or nothing yet): the next save writes shards
    saved = Saved(head=state.to_record())
    prefix = shard_prefix(name)
    for shard, records in store.sync_shards(prefix).items():
        uids = saved.members[shard] = set()
        for record in records:
            uid = record.get("uid")
            if not isinstance(uid, str) or not uid:
                raise ValueError(f"an item of sync/{prefix}{shard}.json has no UID")
            item = Synced.from_record(record)
            state.items[uid] = saved.items[uid] = item
            uids.add(uid)
    return state, saved


def write_state(txn: Transaction, state: SyncState, saved: Saved, name: str = "") -> Saved:
    """Write what changed since ``saved`` in ``txn``: the head if it changed, and each
    shard holding an event that changed, came or went (whole: a shard is one month).
    Returns what will be on disk once ``txn`` commits. Its cost is one look at each event
    (by identity) plus the shards written, whatever the history."""
    head = state.to_record()
    if head != saved.head:
        txn.set_sync_state(head, name)
    before, now = saved.items, state.items
    leaving: dict[str, set[str]] = defaultdict(set)  # shard → UIDs changed or gone
    arriving: dict[str, set[str]] = defaultdict(set)  # shard → UIDs changed or new
    for uid, item in now.items():
        old = before.get(uid)
        if old is not item and old != item:
            if old is not None:
                leaving[shard_of(uid, old)].add(uid)
            arriving[shard_of(uid, item)].add(uid)
    for uid in before.keys() - now.keys():
        leaving[shard_of(uid, before[uid])].add(uid)
    members = dict(saved.members)
    prefix = shard_prefix(name)
    for shard in sorted(leaving.keys() | arriving.keys()):
        uids = (members.get(shard, set()) - leaving[shard]) | arriving[shard]
        members[shard] = uids
        records = [{"uid": uid, **now[uid].to_record()} for uid in sorted(uids)]
        txn.set_sync_shard(prefix + shard, records)
    return Saved(head, dict(now), members)
