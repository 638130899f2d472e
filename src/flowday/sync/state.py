"""What the last sync saw: per event its href, ETag, the fields compared, and the text.

Stored through :class:`flowday.store.Transaction`, so the changes a sync makes in the data
folder and what it remembers of them land together or not at all (one journal). The head
(``sync.json``: collection, sync-token, open conflicts, and the :class:`Index` of every
event) is read whole; the events are sharded by the month their block starts in
(``sync/YYYY-MM.json``; routines, tasks and events flowday does not plan in
``sync/undated.json``) and read only as a sync asks for them (:class:`Remembered`): an
incremental sync of ten years reads the months it touches, not 55,000 events.
:func:`write_state` rewrites only the shards whose events changed since the last save, and
the index with them: a save costs the months it touched, whatever the history. Older
heads: version 1 (the events inside it) is read as it is and written in shards by the next
save; version 2 (shards, no index) has every shard read and the next save writes the
index, in the same transaction; a newer one is refused.

A push the server took but the state never recorded (killed in between) is found again by
the next sync: both sides then hold the same fields, which the merge takes as agreement,
never as a conflict.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import quote, unquote

from flowday.domain.frozen import Record, define, field

if TYPE_CHECKING:
    from flowday.store import Store, Transaction

STATE_VERSION = 3  # 1: one record, the events inside it; 2: the events in shards; 3: + index
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
        return _months_between(first[1], last[1])
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


@define
class Synced(Record):
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


@define(frozen=False)
class Conflict(Record):
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


@define(frozen=False)
class SyncState(Record):
    collection: str = ""  # the collection's address: another one starts afresh
    token: str | None = None  # the collection's sync-token (RFC 6578) after the last pull
    # by UID: read shard by shard as asked for (a plain dict given here is held whole)
    items: MutableMapping[str, Synced] = field(default_factory=dict)
    conflicts: dict[str, Conflict] = field(default_factory=dict)  # by UID
    others: str = ""  # what other apps' events were last planned from (sync.others)
    # each month file's identity (Store.month_identities) when a sync last found all it
    # holds agreed with the server: a month still so is not read again (engine._reading)
    months: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.items, Remembered):
            self.items = Remembered(self.items)

    @property
    def remembered(self) -> Remembered:
        assert isinstance(self.items, Remembered)  # (__post_init__)
        return self.items

    def copy_items(self) -> Remembered:
        """The events, to change apart from these (the shards read so far come along)."""
        return self.remembered.copy()

    def index(self) -> Index:
        """Where every event is, these changes included (see :class:`Index`): what a sync
        asks of all events without reading their shards."""
        items = self.remembered
        saved = items.saved
        if saved is None:  # held whole (a first sync): made from every event
            return Index(self.collection).updated(dict(items.items()), self.collection)[0]
        return saved.index.updated(items.changes(saved), self.collection)[0]

    def to_record(self) -> dict[str, Any]:
        """``sync.json``'s record: everything but the events (those are in shards) and
        the index (:func:`write_state` adds it)."""
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


def usual_href(collection: str, uid: str) -> str:
    """The href most events have: named by their UID in the collection (how
    :meth:`~flowday.sync.server.CalDavCollection.href_for` names flowday's own). The index
    keeps only the hrefs that differ; one that does not follow this is kept as it is."""
    return f"{collection}{quote(uid)}.ics"


_Span = tuple[str, str] | None  # an event's agreed months: (first, last); None: none


class Index:
    """Where each remembered event is, and what a sync must know of every one of them
    without reading their shards; in the head (``index``), written in the same
    transaction as the shards (:func:`write_state`), so it always describes them.

    - ``members``: each shard's UIDs (a listing names an href, a change here a UID: either
      finds its shard; an event may have moved any distance since it was agreed);
    - ``spans``: the agreed months of an event whose months are not just its shard
      (a block across a month's end: first, last; None: in no month, as another app's
      item filed by a day's UID);
    - ``hrefs``: an href other than :func:`usual_href` (other apps' objects, long UIDs);
    - ``unsent``: events whose write met a 412 (no ETag: every sync reads them again);
    - ``foreign``: events flowday does not plan (``fields`` None; see :mod:`.others`).
    """

    def __init__(
        self,
        base: str = "",
        members: dict[str, frozenset[str]] | None = None,
        spans: dict[str, _Span] | None = None,
        hrefs: dict[str, str] | None = None,
        unsent: frozenset[str] = frozenset(),
        foreign: frozenset[str] = frozenset(),
        listed: dict[str, list[str]] | None = None,
    ) -> None:
        self.base = base  # the collection the usual hrefs are under
        self.members = members or {}
        self.spans = spans or {}
        self.hrefs = hrefs or {}
        self.unsent, self.foreign = unsent, foreign
        self._listed = listed or {}  # each shard's UIDs in order (as written)
        self._shard: dict[str, str] | None = None  # UID → shard, made when first asked
        self._at: dict[str, str] | None = None  # href → UID of ``hrefs``
        self._spanning: dict[str | None, set[str]] | None = None

    def _where(self) -> dict[str, str]:
        if self._shard is None:
            found: dict[str, str] = {}
            for shard, uids in self.members.items():
                found.update(dict.fromkeys(uids, shard))
            self._shard = found
        return self._shard

    def shard(self, uid: str) -> str | None:
        """The shard holding ``uid`` (None: not remembered)."""
        return self._where().get(uid)

    def uids(self) -> set[str]:
        return set(self._where())

    def listed(self, shard: str) -> list[str]:
        found = self._listed.get(shard)
        if found is None:
            found = self._listed[shard] = sorted(self.members.get(shard, ()))
        return found

    def uid_at(self, href: str) -> str | None:
        """The remembered event at ``href`` (None: none)."""
        if self._at is None:
            self._at = {at: uid for uid, at in self.hrefs.items()}
        uid = self._at.get(href)
        if uid is None and href.startswith(self.base) and href.endswith(".ics"):
            named = unquote(href[len(self.base) : -len(".ics")])
            if (
                named not in self.hrefs
                and self.shard(named)
                and usual_href(self.base, named) == href
            ):
                uid = named
        return uid

    def months(self, uid: str) -> frozenset[str] | None:
        """The months ``uid`` was agreed in (:func:`months_of`; None: none, or not
        remembered)."""
        shard = self.shard(uid)
        if shard is None:
            return None
        if uid in self.spans:
            span = self.spans[uid]
            return None if span is None else _months_between(*span)
        return None if shard == UNDATED else frozenset((shard,))

    def agreed_in(self, month: str | None) -> set[str]:
        """The events agreed in ``month`` (None: in no month: routines, tasks, other
        apps' events)."""
        if self._spanning is None:
            spanning: dict[str | None, set[str]] = defaultdict(set)
            for uid, span in self.spans.items():
                for key in (None,) if span is None else _months_between(*span):
                    spanning[key].add(uid)
            self._spanning = spanning
        spans = self.spans
        found = {uid for uid in self.members.get(month or UNDATED, ()) if uid not in spans}
        return found | self._spanning.get(month, set())

    def updated(
        self,
        changes: Mapping[str, Synced | None],
        collection: str,
        placed: Mapping[str, str] | None = None,
    ) -> tuple[Index, set[str]]:
        """This index after ``changes`` (by UID; None: gone), and the shards they touch;
        ``placed``: the shards some are in (on disk) when not where :func:`shard_of` puts
        them."""
        if not changes:
            return self, set()
        base = self.base
        if collection != base and self._where().keys() <= changes.keys():
            base = collection  # all of them replaced (another collection): hrefs under it
        where = dict(self._where())
        spans, hrefs = dict(self.spans), dict(self.hrefs)
        unsent, foreign = set(self.unsent), set(self.foreign)
        leaving: dict[str, set[str]] = defaultdict(set)
        arriving: dict[str, set[str]] = defaultdict(set)
        for uid, item in changes.items():
            old = where.pop(uid, None)
            if old is not None:
                leaving[old].add(uid)
            spans.pop(uid, None)
            hrefs.pop(uid, None)
            unsent.discard(uid)
            foreign.discard(uid)
            if item is None:
                continue
            shard = where[uid] = (placed or {}).get(uid) or shard_of(uid, item)
            arriving[shard].add(uid)
            months = months_of(uid, item)
            if months is None and shard != UNDATED:
                spans[uid] = None
            elif months is not None and months != {shard}:
                spans[uid] = (min(months), max(months))
            if item.href != usual_href(base, uid):
                hrefs[uid] = item.href
            if not item.etag:
                unsent.add(uid)
            if item.fields is None:
                foreign.add(uid)
        members, listed = dict(self.members), dict(self._listed)
        touched = leaving.keys() | arriving.keys()
        for shard in touched:
            uids = (members.get(shard, frozenset()) - leaving[shard]) | arriving[shard]
            listed.pop(shard, None)
            members[shard] = frozenset(uids)  # (one emptied stays named: its file is there)
        index = Index(base, members, spans, hrefs, frozenset(unsent), frozenset(foreign), listed)
        index._shard = where
        return index, set(touched)

    def to_record(self) -> dict[str, Any]:
        return {
            "base": self.base,
            "members": {shard: self.listed(shard) for shard in sorted(self.members)},
            "spans": {
                uid: list(span) if span else None for uid, span in sorted(self.spans.items())
            },
            "hrefs": dict(sorted(self.hrefs.items())),
            "unsent": sorted(self.unsent),
            "foreign": sorted(self.foreign),
        }

    @classmethod
    def from_record(cls, record: Any) -> Index | None:
        """The index as written (None: none, or not one this flowday wrote: the shards
        are then read whole and it is made again)."""
        if type(record) is not dict:
            return None
        base, members, spans = record.get("base"), record.get("members"), record.get("spans")
        hrefs, unsent, foreign = record.get("hrefs"), record.get("unsent"), record.get("foreign")
        if (
            type(base) is not str or type(members) is not dict or type(spans) is not dict
            or type(hrefs) is not dict or not _texts(unsent) or not _texts(foreign)
            or not all(type(v) is str for v in hrefs.values())
            or not all(_SHARD.fullmatch(k) and _texts(v) for k, v in members.items())
            or not all(v is None or (_texts(v) and len(v) == 2 and all(map(_MONTH.fullmatch, v)))
                       for v in spans.values())
        ):  # fmt: skip
            return None
        index = cls(base, {k: frozenset(v) for k, v in members.items()},
                    {k: None if v is None else (v[0], v[1]) for k, v in spans.items()},
                    dict(hrefs), frozenset(unsent or ()), frozenset(foreign or ()),
                    dict(members))  # fmt: skip
        known = index.uids()
        if (
            sum(map(len, members.values())) != len(known)
            or not (spans.keys() | hrefs.keys() | index.unsent | index.foreign) <= known
        ):
            return None  # an event in two shards, or one described but in none
        return index


_MONTH = re.compile(r"\d{4}-\d{2}")  # fullmatch
_SHARD = re.compile(r"\d{4}-\d{2}|undated")  # fullmatch


def _texts(value: Any) -> bool:
    return type(value) is list and all(type(v) is str for v in value)


def _months_between(first: str, last: str) -> frozenset[str]:
    year, number = int(first[:4]), int(first[5:7])
    found = []
    while (key := f"{year:04d}-{number:02d}") <= last:
        found.append(key)
        year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    return frozenset(found)


class Remembered(MutableMapping[str, Synced]):
    """The remembered events by UID: read from disk shard by shard as they are asked for
    (the index names a UID's shard without reading any), or held whole (a first sync, a
    state made in memory: ``saved`` None). A shard is read whole, and before any of its
    events is changed or removed, so a save always knows all it holds. Going through
    all events (iterating) reads every shard: a sync asks the :class:`Index` instead."""

    def __init__(self, items: Mapping[str, Synced] | None = None, saved: Saved | None = None):
        self._items: dict[str, Synced] = dict(items or {})
        self.saved = saved  # what is on disk (None: held whole)
        self._read: set[str] = set()  # the shards read

    def _need(self, uid: str) -> None:
        if self.saved is not None:
            shard = self.saved.index.shard(uid)
            if shard is not None and shard not in self._read:
                self.read(shard)

    def read(self, shard: str) -> None:
        """Read ``shard``'s events (once)."""
        if self.saved is None or shard in self._read:
            return
        for uid, item in self.saved.shard_items(shard).items():
            self._items.setdefault(uid, item)
        self._read.add(shard)

    def read_all(self) -> None:
        for shard in list(self.saved.index.members if self.saved else ()):
            self.read(shard)

    @property
    def shards_read(self) -> frozenset[str] | None:
        """The shards read (None: held whole)."""
        return None if self.saved is None else frozenset(self._read)

    def copy(self) -> Remembered:
        other = Remembered(self._items, self.saved)
        other._read = set(self._read)
        return other

    def changes(self, saved: Saved) -> dict[str, Synced | None]:
        """What differs from ``saved`` (by UID; None: gone); looks at the events read."""
        items = self._items
        found: dict[str, Synced | None] = {
            uid: item for uid, item in items.items()
            if (old := saved.items.get(uid)) is not item and old != item
        }  # fmt: skip
        if self.saved is None:  # held whole: whatever the disk holds beyond it is gone
            saved.read_all()
            found.update(dict.fromkeys(saved.items.keys() - items.keys()))
            return found
        assert self.saved is saved, "a state is saved over what it was read from"
        for shard in self._read:
            found.update(
                (uid, None) for uid in saved.index.members.get(shard, ()) if uid not in items
            )
        return found

    def __getitem__(self, uid: str) -> Synced:
        self._need(uid)
        return self._items[uid]

    def get(self, uid: str, default: Any = None) -> Any:
        self._need(uid)
        return self._items.get(uid, default)

    def __contains__(self, uid: object) -> bool:
        if not isinstance(uid, str):
            return False
        self._need(uid)
        return uid in self._items

    def __setitem__(self, uid: str, item: Synced) -> None:
        self._need(uid)
        self._items[uid] = item

    def __delitem__(self, uid: str) -> None:
        self._need(uid)
        del self._items[uid]

    def __iter__(self) -> Iterator[str]:
        self.read_all()
        return iter(dict.fromkeys(self._items))

    def __len__(self) -> int:
        self.read_all()
        return len(self._items)

    def __repr__(self) -> str:
        read = "whole" if self.saved is None else f"{len(self._read)} shards read"
        return f"Remembered({len(self._items)} events, {read})"


@define(frozen=False)
class Saved(Record):
    """What is on disk, as last read or written: the head record, the index, and the
    events of the shards read so far (the same objects the state held then, so an
    unchanged event is found by identity)."""

    head: dict[str, Any] | None = None  # None: sync.json is to be written (absent, v1, v2)
    items: dict[str, Synced] = field(default_factory=dict)  # the events of ``read``
    index: Index = field(default_factory=Index)
    read: set[str] = field(default_factory=set)  # the shards read
    store: Store | None = None  # where shards are read from (None: nothing on disk)
    prefix: str = ""  # the shards' names begin with this (see shard_prefix)
    rebuilt: bool = False  # the index was made from the shards: the next save writes it

    def take(self, written: Saved) -> None:
        """After the transaction that wrote ``written`` committed."""
        self.head, self.items, self.index, self.read = (
            written.head, written.items, written.index, written.read
        )  # fmt: skip
        self.rebuilt = False

    def shard_items(self, shard: str) -> dict[str, Synced]:
        """``shard``'s events, read once; a file that does not hold what the index says
        is refused (nothing is written over it)."""
        uids = self.index.members.get(shard, frozenset())
        if shard not in self.read:
            if uids and self.store is not None:
                name = f"sync/{self.prefix}{shard}.json"
                try:
                    found = _events(self.store.sync_shard(self.prefix + shard) or [], name)
                except ValueError as exc:
                    _refuse(self.store, str(exc))
                if found.keys() != uids:
                    _refuse(self.store, f"{name} does not hold what sync.json's index says")
                self.items.update(found)
            self.read.add(shard)
        return {uid: self.items[uid] for uid in uids}

    def read_all(self) -> None:
        for shard in list(self.index.members):
            self.shard_items(shard)


def _refuse(store: Store, reason: str) -> NoReturn:
    from flowday.store import StoreError

    raise StoreError(
        f"{store.sync_path} cannot be read ({reason}); it was left untouched — move it and "
        "the sync folder aside to sync afresh (the next sync then compares both sides "
        "field by field)"
    )


def _events(records: list[dict[str, Any]], name: str) -> dict[str, Synced]:
    found: dict[str, Synced] = {}
    for record in records:
        uid = record.get("uid")
        if not isinstance(uid, str) or not uid:
            raise ValueError(f"an item of {name} has no UID")
        found[uid] = Synced.from_record(record)
    return found


def read_state(store: Store, name: str = "") -> tuple[SyncState, Saved]:
    """The state ``name`` ("": the plan's collection's) and what is on disk; ValueError
    names what cannot be read (the caller refuses to sync then: nothing is written over
    it). Reads the head and its index only: the shards are read as events are asked for.
    A head without an index (version 2), or whose index does not match the shard files,
    has every shard read, and the next save writes the index."""
    head = store.sync_state(name)
    state = SyncState.from_record(head)
    prefix = shard_prefix(name)
    saved = Saved(store=store, prefix=prefix)
    if head.get("items") is not None or not head:
        return state, saved  # version 1 (or nothing yet): held whole; a save writes shards
    index = Index.from_record(head.get("index"))
    if index is not None and _describes(store, prefix, index):
        saved.head, saved.index = {**state.to_record(), "index": index.to_record()}, index
        state.items = Remembered(saved=saved)
        return state, saved
    by_shard = {
        shard: _events(records, f"sync/{prefix}{shard}.json")
        for shard, records in store.sync_shards(prefix).items()
    }
    placed = {uid: shard for shard, events in by_shard.items() for uid in events}
    for events in by_shard.values():
        saved.items.update(events)
    made = Index(state.collection).updated(saved.items, state.collection, placed)[0]
    # each file's events as it holds them (one in two files, never written so, in both)
    members = {shard: frozenset(events) for shard, events in by_shard.items()}
    saved.index = Index(made.base, members, made.spans, made.hrefs, made.unsent, made.foreign)
    saved.head, saved.read, saved.rebuilt = dict(head), set(by_shard), True
    state.items = Remembered(saved=saved)
    state.remembered.read_all()
    return state, saved


def _describes(store: Store, prefix: str, index: Index) -> bool:
    """Whether the shard files are the ones ``index`` names (one it does not name may only
    be empty: every event of that month left it)."""
    names = store.sync_shard_names(prefix)
    return {shard for shard, uids in index.members.items() if uids} <= names and not any(
        store.sync_shard(prefix + extra) for extra in names - index.members.keys()
    )


def needs_saving(state: SyncState, saved: Saved) -> bool:
    """Whether :func:`write_state` would write anything."""
    head = saved.head
    if head is None or saved.rebuilt:
        return True
    if {k: v for k, v in head.items() if k != "index"} != state.to_record():
        return True
    return bool(state.remembered.changes(saved))


def write_state(txn: Transaction, state: SyncState, saved: Saved, name: str = "") -> Saved:
    """Write what changed since ``saved`` in ``txn``: the head (with the index) if it
    changed, and each shard holding an event that changed, came or went (whole: a shard
    is one month). Returns what will be on disk once ``txn`` commits. Its cost is a look
    at each event read (by identity), the index, and the shards written, whatever the
    history."""
    items = state.remembered
    changes = items.changes(saved)
    index, touched = saved.index.updated(changes, state.collection)
    for shard in touched:  # (what a shard holds beyond these changes is read first)
        items.read(shard)
        saved.shard_items(shard)
    stored = dict(saved.items)
    for uid, item in changes.items():
        if item is None:
            stored.pop(uid, None)
        else:
            stored[uid] = item
    head = {**state.to_record(), "index": index.to_record()}
    if head != saved.head:
        # (the index read with this state must still be the one on disk: saving over one
        # another sync wrote meanwhile — two not kept apart by Store.sync_turn — would
        # leave it wrong about the shards)
        if txn.sync_state(name).get("index") != (saved.head or {}).get("index"):
            from flowday.store import StoreError

            raise StoreError(
                f"{txn.store.sync_path} was written by another sync while this one ran; "
                "nothing was written — sync again"
            )
        txn.set_sync_state(head, name)
    prefix = shard_prefix(name)
    for shard in sorted(touched):
        records = [{"uid": uid, **stored[uid].to_record()} for uid in index.listed(shard)]
        txn.set_sync_shard(prefix + shard, records)
    return Saved(head, stored, index, saved.read | touched, saved.store, prefix)
