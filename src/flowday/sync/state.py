"""What the last sync saw: per event its href, ETag, the fields compared, and the text.

Stored as one record in ``sync.json`` through :class:`flowday.store.Transaction`
(``set_sync_state``), so the changes a sync makes in the data folder and what it
remembers of them land together or not at all. A push the server took but the state
never recorded (killed in between) is found again by the next sync: both sides then hold
the same fields, which the merge takes as agreement, never as a conflict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

STATE_VERSION = 1

Fields = dict[str, str]  # the fields compared (see items.FIELD_NAMES), as text


@dataclass
class Synced:
    """One event as both sides last agreed on it."""

    href: str
    etag: str
    raw: str  # the event's text as the server had it: what flowday does not read survives
    fields: Fields | None  # None: an event flowday does not plan (all-day, repeating, ...)

    def to_record(self) -> dict[str, Any]:
        return {"href": self.href, "etag": self.etag, "raw": self.raw, "fields": self.fields}

    @classmethod
    def from_record(cls, record: Any) -> Synced:
        if not isinstance(record, dict):
            raise ValueError("an item is not a record")
        fields = record.get("fields")
        if fields is not None and not (
            isinstance(fields, dict) and all(isinstance(v, str) for v in fields.values())
        ):
            raise ValueError("an item's fields are not text")
        href, etag, raw = record.get("href"), record.get("etag"), record.get("raw")
        if not all(isinstance(v, str) for v in (href, etag, raw)):
            raise ValueError("an item's href, etag or text is not text")
        return cls(str(href), str(etag), str(raw), dict(fields) if fields is not None else None)


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

    def to_record(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "collection": self.collection,
            "token": self.token,
            "items": {uid: item.to_record() for uid, item in self.items.items()},
            "conflicts": {uid: c.to_record() for uid, c in self.conflicts.items()},
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> SyncState:
        """The stored record, checked; ValueError names what is wrong."""
        if not record:
            return cls()
        version = record.get("version")
        if not isinstance(version, int) or version > STATE_VERSION:
            raise ValueError(f"version {version!r} is not one this flowday reads")
        token = record.get("token")
        items, conflicts = record.get("items", {}), record.get("conflicts", {})
        if not isinstance(items, dict) or not isinstance(conflicts, dict):
            raise ValueError("items or conflicts are not records")
        return cls(
            collection=str(record.get("collection", "")),
            token=token if isinstance(token, str) else None,
            items={str(uid): Synced.from_record(item) for uid, item in items.items()},
            conflicts={str(uid): Conflict.from_record(c) for uid, c in conflicts.items()},
        )
