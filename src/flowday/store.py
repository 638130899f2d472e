"""The only door to TinyDB: a sharded, crash-safe, multi-process store.

Layout of the data folder::

    .lock                one lock file; every read-modify-write holds it (fcntl.flock)
    .sync-lock           held for a whole CalDAV sync, so that two never run at once
    .journal.json        only while a change to several files is being written (see commit)
    tasks.json           the inbox (TinyDB)
    state.json           small app state, e.g. the theme chosen in the app (TinyDB)
    months/2026-11.json  one TinyDB file per month: tables ``blocks`` and ``days``
    months/2026-11.log.jsonl  the month's changes since its file was last written whole,
                         one fsynced line each (see "a month: its file and its change log")
    routines.json        repeating blocks (table ``routines``); their occurrences are not
                         stored but made on read by the ``occurrences`` hook (see below)
    sync.json            what the last CalDAV sync saw (flowday.sync), its head record
                         (with an index of where each event is filed);
    sync/2026-11.json    its events by the month they start in (``sync/undated.json``: the
                         rest), so a sync reads and rewrites the months it touched, not years

Why shards: stock TinyDB re-reads and rewrites its whole file on each operation, so one
file for ten years of history makes every edit slow. Opening a day touches one month file,
whatever the history; saving an edit appends one line to that month's log, whatever the
month holds.

Every file carries ``_meta.schema_version``. Files from a newer flowday, or files that do
not parse to the expected shape (every field's type is checked: :mod:`flowday.domain.records`;
a key twice in one object or nesting past ``MAX_NESTING`` is damage too), are refused with a
one-line error naming the file and are never written; ``flowday doctor --repair`` keeps
such a file as ``NAME.corrupt-<stamp>`` before starting that file afresh. Files from an
older flowday are read in the current shape (:func:`_migrated`) and written in it by the
next change to them. Every data file is opened without following a link or blocking, must
be a regular file of at most ``MAX_FILE_BYTES``, and is never renamed over when it is not
one (:func:`_read_regular`).

A change is written whole or not at all: one month's change is one log line, fsynced or cut
off again (:meth:`Store._append`); anything else (:func:`_write_whole`) writes everything
that needs disk space before any file is replaced, and a failure after that puts back what
was replaced, so a refused change leaves nothing that applies it later.

TinyDB's part: the tables of ``tasks.json``, ``state.json`` and ``routines.json`` in a
transaction, in memory (search, upsert, remove by document id); months are held indexed
(:class:`_Month`), and reads outside a transaction parse the JSON themselves and check every
record. Its ``{table: {doc_id: record}}`` layout is the file format, and a log line changes
records by document id.

Routines: the store keeps them and their per-date exceptions; what a reader sees on a day
is decided above it, by the :class:`Occurrences` hook the application installs
(``flowday.application.routines``): every block read (``blocks_on``, ``blocks_between``,
``find_block``, in and out of a transaction) goes through it. A stored block whose id
names an occurrence (``<routine>@YYYY-MM-DD``) is that occurrence edited by hand: storing
one records the date as edited on its routine, deleting one records it as skipped, both
in the same transaction (atomic with the block's month through the journal).
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import json
import math
import os
import re
import stat
import time
from collections.abc import (
    Collection,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pendulum

if TYPE_CHECKING:  # TinyDB itself is imported by the first transaction: reads never use it
    from tinydb import TinyDB
    from tinydb.queries import QueryInstance
    from tinydb.table import Document

from flowday import safe_write
from flowday.domain.errors import FlowdayError
from flowday.domain.frozen import replace
from flowday.domain.model import Block, Day, Task, in_plan_order
from flowday.domain.records import Fields
from flowday.domain.routines import Routine, parse_occurrence_id

# 2: a day's imported notes are a field (imported_notes), not ics_notes; 3: a month is its
# file plus its change log (months/YYYY-MM.log.jsonl, replayed on read): a flowday that
# reads only the file would miss the log's changes, and lose them with its next write
SCHEMA_VERSION = 3
_MONTH_FILE = re.compile(r"^(\d{4})-(\d{2})\.json$")
# Far above any real file (a busy month is a few hundred KB): a bigger one is refused before
# it is parsed, so a runaway or hostile file cannot make every command slow or run out of memory.
MAX_FILE_BYTES = 32 * 1024 * 1024
# Levels of objects and lists in a data file: flowday writes 6 at most (file, table, record,
# reflection, figures...); the rest is room for fields of later versions, kept as they are.
MAX_NESTING = 32


class StoreError(FlowdayError):
    """The data folder cannot be read or written safely (exit status 4)."""

    exit_code = 4


# --- files ------------------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is out of range")
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) != len(pairs):  # json.loads would keep the last silently: a record lost
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"the key {key[:40]!r} appears twice in one object")
            seen.add(key)
    return data


def _deeper_than(value: Any, levels: int) -> bool:
    """Whether ``value`` nests more than ``levels`` objects and lists deep (level by level,
    no recursion: the check must not fail on what it checks)."""
    level = [value]
    for _ in range(levels):
        dicts = [v for v in level if type(v) is dict]
        lists = [v for v in level if type(v) is list]
        children = itertools.chain(
            itertools.chain.from_iterable(map(dict.values, dicts)),
            itertools.chain.from_iterable(lists),
        )
        level = [v for v in children if type(v) is dict or type(v) is list]
        if not level:
            return False
    return True


def _loads(text: str | bytes, levels: int = MAX_NESTING) -> Any:
    """JSON as a data file must be: a key twice in one object, NaN, Infinity, an
    overflowing number or more than ``levels`` of nesting are refused (``ValueError``), the
    last one with the same answer at any depth (never a ``RecursionError``)."""
    too_deep = ValueError(f"it nests deeper than {levels} levels")
    try:
        data = json.loads(
            text,
            parse_constant=_reject_constant,
            parse_float=_finite_float,
            object_pairs_hook=_unique_keys,
        )
    except RecursionError:
        raise too_deep from None
    if _deeper_than(data, levels):
        raise too_deep
    return data


def load_json_file(path: Path) -> dict[str, Any] | None:
    """Read and validate one store file; ``None`` when it does not exist yet. A month is
    read as every reader sees it: its file with its change log replayed."""
    if path.parent.name == "months" and _month_of(path.name):
        month = _read_month(path)
        return None if month.file_identity is None and not month.seq else month.whole()
    return _read_store_file(path)[1]


FileIdentity = tuple[int, int, int]  # inode, mtime_ns, size of the bytes actually read


def _month_of(name: str) -> pendulum.Date | None:
    """The month a ``months/`` file name stands for; None for any other name (``2026-13.json``
    looks like a month but is not one: such files are not flowday's and are left alone)."""
    match = _MONTH_FILE.match(name)
    if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1:
        return None
    return pendulum.date(int(match[1]), int(match[2]), 1)


def _not_regular(path: Path, kind: str) -> StoreError:
    if kind == "a symbolic link":
        # flowday saves by renaming a new file over the old one, which would replace the link
        return StoreError(
            f"{path} is not a regular file (a symbolic link); flowday saves by renaming over "
            "its files, which would replace the link, so it leaves it alone: put the file "
            "itself there or run 'flowday doctor'"
        )
    return StoreError(
        f"{path} is not a regular file ({kind}); flowday leaves it alone: move it "
        "away or run 'flowday doctor'"
    )


def _not_a_lock(path: Path, mode: int) -> StoreError:
    return StoreError(
        f"{path} is not a regular file ({safe_write.kind_of(mode)}); flowday cannot lock its "
        "data folder with it, so nothing was changed: move it away (flowday makes a new one)"
    )


def _too_big(path: Path) -> StoreError:
    return StoreError(
        f"{path} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB, far more than flowday "
        "ever writes; it was left untouched — run 'flowday doctor --repair' to keep it aside"
    )


def _read_regular(path: Path, offset: int = 0) -> tuple[os.stat_result, bytes] | None:
    """A data file's ``fstat`` and bytes; None when it does not exist. Through the one
    bounded, non-blocking read (:func:`flowday.safe_write.read_regular`), without following
    a link, and never more than the size limit (one byte more tells a file past it). From
    ``offset`` on: what was appended to a month's log since it was last read."""
    try:
        info, raw = safe_write.read_regular(
            path, MAX_FILE_BYTES + 1, follow_links=False, offset=offset
        )
    except FileNotFoundError:
        return None
    except safe_write.NotRegularFileError as exc:
        raise _not_regular(path, exc.kind) from None
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from None
    if info.st_size > MAX_FILE_BYTES or len(raw) > MAX_FILE_BYTES:
        raise _too_big(path)
    return info, raw


def _sha256(data: bytes) -> str:
    import hashlib  # lazily: a command that only reads a month never hashes (~3 ms)

    return hashlib.sha256(data).hexdigest()


def _digest(raw: bytes | None) -> str | None:
    return None if raw is None else _sha256(raw)


def _read_store_file(path: Path) -> tuple[FileIdentity | None, dict[str, Any] | None]:
    read = _read_regular(path)
    if read is None:
        return None, None
    info, raw = read
    return (info.st_ino, info.st_mtime_ns, info.st_size), _validated(path, raw)


def _validated(path: Path, raw: bytes) -> dict[str, Any]:
    return _validated_versioned(path, raw)[0]


def _validated_versioned(path: Path, raw: bytes) -> tuple[dict[str, Any], int]:
    """The checked file in this flowday's shape, and the schema it was written at."""
    data, problem = _parse_store_file(raw)
    if problem or data is None:
        raise StoreError(
            f"{path} is damaged ({problem}); it was left untouched — run "
            "'flowday doctor --repair' to keep a copy aside and start it afresh"
        )
    version = data["_meta"]["1"].get("schema_version")
    if not isinstance(version, int) or version < 1:
        raise StoreError(f"{path} has no valid schema_version; it was left untouched")
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path} was written by a newer flowday (schema {version}, this one reads up to "
            f"{SCHEMA_VERSION}); upgrade flowday — the file was not touched"
        )
    return _migrated(data, version), version


# --- older files ------------------------------------------------------------------------


def _migrated(data: dict[str, Any], version: int) -> dict[str, Any]:
    """A file written at an older schema, in this one's shape (in place: ``data`` was just
    parsed). Every read goes through :func:`_validated`, so this is the one place that knows
    old shapes; the file itself is rewritten in the new shape on its next write, and a file
    that is only read stays as it is (an older flowday can still read it)."""
    if version < 2:
        for record in data.get("days", {}).values():
            _day_from_schema_1(record)
    # 2 -> 3: nothing in the file changes (a month without a log is its file alone); a
    # month file still at 2 is written whole, at 3, before a log is ever begun beside it
    data["_meta"]["1"]["schema_version"] = SCHEMA_VERSION
    return data


def _day_from_schema_1(record: dict[str, Any]) -> None:
    # Schema 1 kept the sources of imported notes among the unknown fields, as
    # "ics_notes": {source: text}; anything else under that name stays as it was kept.
    notes = record.get("ics_notes")
    if isinstance(notes, dict) and "imported_notes" not in record:
        del record["ics_notes"]
        record["imported_notes"] = [
            {"source": str(source), "text": str(text)} for source, text in notes.items()
        ]


def _parse_store_file(raw: bytes) -> tuple[dict[str, Any] | None, str | None]:
    """The parsed file, or why it is not a store file. NaN, Infinity and overflowing
    numbers are refused while parsing, so records need no second pass."""
    if not raw.strip():
        return None, "the file is empty"
    if raw.startswith(b"\xef\xbb\xbf"):
        return None, "it starts with a byte-order mark"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, "it is not UTF-8 text"
    try:
        data = _loads(text)
    except ValueError as exc:
        reason = str(exc).splitlines()[0][:80]
        if isinstance(exc, json.JSONDecodeError):
            reason = f"not valid JSON: {reason}"
        return None, reason
    if not isinstance(data, dict):
        return None, "expected a JSON object at the top"
    for table, docs in data.items():
        if not isinstance(docs, dict):
            return None, f"table {table!r} is not an object"
        for doc_id, doc in docs.items():
            if not isinstance(doc, dict) or not doc_id.isdigit():
                return None, f"table {table!r} holds a malformed record"
    meta = data.get("_meta", {}).get("1")
    if not isinstance(meta, dict) or "schema_version" not in meta:
        return None, "no _meta.schema_version: not a flowday data file"
    return data, None


def _payload(data: dict[str, Any]) -> bytes:
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(", ", ": "))
    return text.encode("utf-8")


def _check_replaceable(path: Path) -> None:
    """Refuse to rename over anything but a regular file: the rename would replace a link
    (not the file it points to), and a FIFO or device is not flowday's to replace."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreError(
            f"cannot write {path}: {exc.strerror or exc}; nothing was changed"
        ) from None
    if not stat.S_ISREG(mode):
        raise _not_regular(path, safe_write.kind_of(mode))


def write_atomically(path: Path, data: dict[str, Any]) -> None:
    """A store file written with :func:`flowday.safe_write.write_atomically`: a crash at any
    instant leaves either the old or the new file, never a mix."""
    payload = _payload(data)
    _check_replaceable(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        safe_write.write_atomically(path, payload)
    except OSError as exc:
        raise StoreError(
            f"cannot write {path}: {exc.strerror or exc}; nothing was changed"
        ) from None


def _new_file() -> dict[str, Any]:
    """What every store file (and the journal) starts as: its schema version."""
    return {"_meta": {"1": {"schema_version": SCHEMA_VERSION}}}


# sync/NAME.json: a month or "undated", after 8 hex digits naming another collection's state
_SYNC_KEY = r"(\d{4}-\d{2}|undated)"
_SYNC_SHARD = re.compile(rf"([0-9a-f]{{8}}-)?{_SYNC_KEY}\.json")  # fullmatch
_JOURNAL_NAMES = re.compile(
    r"tasks\.json|state\.json|routines\.json|sync\.json|months/\d{4}-\d{2}\.json"
    rf"|sync/([0-9a-f]{{8}}-)?{_SYNC_KEY}\.json"
)  # fullmatch


def _journal_name(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _well_formed_targets(targets: Any, files: dict[str, Any]) -> bool:
    """``{name: [digest before or null, digest after]}`` for exactly the journal's files."""
    return (
        isinstance(targets, dict)
        and targets.keys() == files.keys()
        and all(
            isinstance(pair, list)
            and len(pair) == 2
            and all(d is None or isinstance(d, str) for d in pair)
            and pair[1] is not None
            for pair in targets.values()
        )
    )


class _ShardStorage:
    """TinyDB storage over one validated file, held in memory for one transaction (what
    TinyDB calls of a ``Storage``; not derived from it, so that importing the store does
    not import TinyDB: ~3 ms of every command that only reads)."""

    def __init__(self, path: Path, data: dict[str, Any] | None) -> None:
        self.path = path
        self.data = data if data is not None else _new_file()
        self.dirty = False

    def read(self) -> dict[str, Any]:
        return self.data

    def write(self, data: dict[str, Any]) -> None:
        self.data = data
        self.dirty = True

    def close(self) -> None:
        pass


class _Shard:
    def __init__(self, path: Path) -> None:
        from tinydb import TinyDB

        read = _read_regular(path)
        self.storage = _ShardStorage(path, _validated(path, read[1]) if read else None)
        # the bytes this transaction would replace (None: no file yet); digested only when a
        # change to several files needs a journal, not on every save
        self.original = read[1] if read else None
        self.db: TinyDB = TinyDB(storage=lambda: self.storage)


# --- a month: its file and its change log ---------------------------------------------------
#
# One edit must not cost the whole month: a change to one month is appended to the month's
# log (``months/YYYY-MM.log.jsonl``) as one line, fsynced, instead of rewriting the file.
# Each line is one transaction's changes to the month's TinyDB tables, by document id
# (``{"seq": n, "changes": [{"table", "doc", "record" or null}], "sum": ...}``), so a replay
# sets each record as the transaction left it. ``seq`` counts up by one per line; the month
# file's ``_meta.log_seq`` is the last line folded into it, so lines up to it are skipped:
# a file written whole (compaction, a change to several files, a journal's replay) is
# consistent with whatever log is left beside it. ``sum`` is the SHA-256 of the line up to
# it. A crash mid-append leaves at most the last line torn (no newline, or a bad sum): it is
# ignored, and the next writer cuts it off before appending (:func:`safe_write.append`), so
# a whole line never follows a torn one; a bad line anywhere else is damage, refused.

LOG_SUFFIX = ".log.jsonl"
# Past either, the log is folded into the month file (a whole write, under the lock) after
# the change that crossed it is durable: one edit in this many pays for the month.
COMPACT_AFTER_LINES = 64
COMPACT_AFTER_BYTES = 256 * 1024
_SUM_KEY = b', "sum": "'
_MONTH_TABLES = ("blocks", "days")
Change = tuple[str, str, dict[str, Any] | None]  # table, document id, record (None: removed)


def log_path_for(month_path: Path) -> Path:
    return month_path.with_name(month_path.stem + LOG_SUFFIX)


def _log_line(seq: int, changes: Sequence[Change]) -> bytes:
    entry = {"seq": seq, "changes": [{"table": t, "doc": d, "record": r} for t, d, r in changes]}
    head = _payload(entry)[:-1]  # "...}" without the brace: the sum is the last key
    return head + _SUM_KEY + _sha256(head).encode() + b'"}\n'


def _log_entry(line: bytes) -> tuple[int, list[Change]] | None:
    """One line's seq and changes; None when it is not a whole, intact line."""
    cut = line.rfind(_SUM_KEY)
    if cut < 0 or line[cut:] != _SUM_KEY + _sha256(line[:cut]).encode() + b'"}':
        return None
    try:
        entry = _loads(line.decode("utf-8"), MAX_NESTING + 3)  # line, list, change: 3 more
    except (ValueError, UnicodeDecodeError):
        return None
    seq, changes = entry.get("seq"), entry.get("changes")
    if type(seq) is not int or seq < 1 or not isinstance(changes, list):
        return None
    parsed: list[Change] = []
    for change in changes:
        if not isinstance(change, dict):
            return None
        table, doc, record = change.get("table"), change.get("doc"), change.get("record")
        if table not in _MONTH_TABLES or not isinstance(doc, str) or not doc.isdigit():
            return None
        if record is not None and not isinstance(record, dict):
            return None
        parsed.append((table, doc, record))
    return seq, parsed


class _LogDamaged(Exception):
    """A log that is not whole lines with a torn last one at most, or lines out of order."""


def _log_lines(
    raw: bytes,
) -> tuple[list[tuple[int, list[Change]]], int, bytes]:
    """The intact lines of a log (or of what was appended to it), the offset just past the
    last one and that line (with its newline; b"" when none). What follows it is a line
    torn by a crash: ignored. Raises ``_LogDamaged`` for anything else."""
    entries: list[tuple[int, list[Change]]] = []
    position, last = 0, b""
    while True:
        end = raw.find(b"\n", position)
        if end < 0:
            return entries, position, last  # the rest (if any) is a torn last line
        entry = _log_entry(raw[position:end])
        if entry is None:
            if end == len(raw) - 1:  # the last line, whole but not intact: torn too
                return entries, position, last
            raise _LogDamaged("a damaged line before the last one")
        if entries and entry[0] != entries[-1][0] + 1:
            raise _LogDamaged(f"line {entry[0]} follows line {entries[-1][0]}")
        entries.append(entry)
        last = raw[position : end + 1]
        position = end + 1


def _log_damaged(log: Path, reason: str) -> StoreError:
    return StoreError(
        f"{log} is damaged ({reason}); it was left untouched — run 'flowday doctor --repair' "
        "to keep it aside (the month then shows what its file holds)"
    )


class _Month:
    """A month as every reader sees it: its file with its log replayed, every record parsed
    and checked, indexed by block id, by date and by day. Shared by the store's cache; a
    transaction changes a :meth:`copy` (records are replaced whole, never changed in place,
    so copying the dicts is enough) and lists its changes, which become one log line."""

    def __init__(self, path: Path, data: dict[str, Any] | None, disk_version: int | None) -> None:
        self.path = path
        self.data = data if data is not None else _new_file()
        for table in _MONTH_TABLES:
            self.data[table] = dict(self.data.get(table, {}))
        seq = self.data["_meta"]["1"].get("log_seq", 0)
        if type(seq) is not int or seq < 0:
            raise StoreError(f"{path} is damaged (log_seq is not a count); it was left untouched")
        self.seq = seq
        self.disk_version = disk_version  # None: no month file yet
        self.file_identity: FileIdentity | None = None
        self.log_identity: FileIdentity | None = None
        self.log_offset = 0  # just past the last intact line of the log
        self.log_last = b""  # that line: an append since is read from its start on
        self.log_lines = 0
        self.changes: list[Change] = []
        self.blocks: dict[str, Block] = {}
        self.days: dict[str, Day] = {}
        self.block_docs: dict[str, tuple[str, ...]] = {}
        self.on_date: dict[str, tuple[str, ...]] = {}
        self.day_doc: dict[str, str] = {}
        self.next_doc = {table: 1 for table in _MONTH_TABLES}
        self._index_all()

    def _index_all(self) -> None:
        """Every record of the file parsed and indexed in one pass (what a cold read costs:
        the month's records once; ``_set`` is the one-record path of a log line)."""
        blocks, days = _checked_month(self.path, self.data)
        by_id: dict[str, list[str]] = {}
        by_date: dict[str, list[str]] = {}
        for doc, block in zip(self.data["blocks"], blocks, strict=True):
            self.blocks[doc] = block
            by_id.setdefault(block.id, []).append(doc)
            by_date.setdefault(block.date.isoformat(), []).append(doc)
        self.block_docs = {key: tuple(docs) for key, docs in by_id.items()}
        self.on_date = {key: tuple(docs) for key, docs in by_date.items()}
        for doc, day in zip(self.data["days"], days, strict=True):
            self.days[doc] = day
            self.day_doc.setdefault(day.date.isoformat(), doc)
        for table in _MONTH_TABLES:
            self.next_doc[table] = max(map(int, self.data[table]), default=0) + 1

    def copy(self) -> _Month:
        # dict.copy, not dict(): it clones the table in one go even after removals, where
        # dict() inserts entry by entry (25 us against 3 for 450 blocks; a save's budget)
        twin = object.__new__(_Month)
        twin.__dict__.update(self.__dict__)
        twin.data = {**self.data, **{t: self.data[t].copy() for t in _MONTH_TABLES}}
        for name in ("blocks", "days", "block_docs", "on_date", "day_doc", "next_doc"):
            setattr(twin, name, getattr(self, name).copy())
        twin.changes = []
        return twin

    def whole(self) -> dict[str, Any]:
        """The month file's contents with every change so far folded in."""
        meta = {**self.data["_meta"]["1"], "schema_version": SCHEMA_VERSION, "log_seq": self.seq}
        return {**self.data, "_meta": {**self.data["_meta"], "1": meta}}

    # reads
    def block_list(self) -> list[Block]:
        return list(self.blocks.values())

    def day_list(self) -> list[Day]:
        return list(self.days.values())

    def blocks_on(self, date: pendulum.Date) -> list[Block]:
        return [self.blocks[doc] for doc in self.on_date.get(date.isoformat(), ())]

    def block(self, block_id: str) -> Block | None:
        docs = self.block_docs.get(block_id)
        return self.blocks[docs[0]] if docs else None

    def day(self, date: pendulum.Date) -> Day | None:
        doc = self.day_doc.get(date.isoformat())
        return None if doc is None else self.days[doc]

    # changes (each one listed for the log)
    def put_block(self, block: Block) -> None:
        docs = self.block_docs.get(block.id)
        for doc in docs[1:] if docs else ():  # a copy stored twice by hand: one is kept
            self._change("blocks", doc, None, None)
        self._change("blocks", docs[0] if docs else self._new_doc("blocks"), block.to_dict(), block)

    def delete_block(self, block_id: str) -> bool:
        docs = self.block_docs.get(block_id, ())
        for doc in docs:
            self._change("blocks", doc, None, None)
        return bool(docs)

    def put_day(self, day: Day) -> None:
        doc = self.day_doc.get(day.date.isoformat()) or self._new_doc("days")
        self._change("days", doc, day.to_dict(), day)

    def replay(self, changes: Sequence[Change], log: Path) -> None:
        for table, doc, record in changes:
            self._set(table, doc, record, None, log)

    def _new_doc(self, table: str) -> str:
        return str(self.next_doc[table])

    def _change(self, table: str, doc: str, record: dict[str, Any] | None, parsed: Any) -> None:
        self._set(table, doc, record, parsed, self.path)
        self.changes.append((table, doc, record))

    def _set(
        self, table: str, doc: str, record: dict[str, Any] | None, parsed: Any, source: Path
    ) -> None:
        """Record ``doc`` of ``table`` set to ``record`` (None: removed), indexes kept."""
        if record is not None and parsed is None:  # read from a file: checked like one
            parse = Block.from_dict if table == "blocks" else Day.from_dict
            parsed = _parse_all(source, table, parse, [(doc, record)])[0]
            if month_key(parsed.date) != self.path.stem:  # as _checked_month says it
                raise StoreError(
                    f"{source} holds a record dated {parsed.date.isoformat()}, outside "
                    "its month; it was left untouched"
                )
        rows = self.data[table]
        if table == "blocks":
            old = self.blocks.pop(doc, None)
            if old is not None:
                self._unindex(old.id, old.date.isoformat(), doc)
        else:
            old_day = self.days.pop(doc, None)
            if old_day is not None and self.day_doc.get(old_day.date.isoformat()) == doc:
                del self.day_doc[old_day.date.isoformat()]
        if record is None:
            rows.pop(doc, None)
            return
        rows[doc] = record
        self.next_doc[table] = max(self.next_doc[table], int(doc) + 1)
        if table == "blocks":
            self.blocks[doc] = parsed
            self.block_docs[parsed.id] = (*self.block_docs.get(parsed.id, ()), doc)
            date = parsed.date.isoformat()
            self.on_date[date] = (*self.on_date.get(date, ()), doc)
        else:
            self.days[doc] = parsed
            self.day_doc.setdefault(parsed.date.isoformat(), doc)

    def _unindex(self, block_id: str, date: str, doc: str) -> None:
        for index, key in ((self.block_docs, block_id), (self.on_date, date)):
            left = tuple(d for d in index.get(key, ()) if d != doc)
            if left:
                index[key] = left
            else:
                index.pop(key, None)

    # the log
    def take_log(self, raw: bytes, start: int, log: Path) -> None:
        """Replay what ``raw`` (the log from offset ``start``) adds; ``_LogDamaged`` when it
        does not continue what was read before (another process folded the log in)."""
        entries, end, last = _log_lines(raw)
        for seq, changes in entries:
            if seq <= self.seq:
                continue  # already in the month file (or read before)
            if seq != self.seq + 1:
                raise _LogDamaged(f"line {seq} follows line {self.seq}")
            self.replay(changes, log)
            self.seq = seq
        self.log_lines += len(entries) - (1 if self.log_last else 0)  # read again: its start
        if end:
            self.log_offset, self.log_last = start + end, last


def _identity(info: os.stat_result) -> FileIdentity:
    return info.st_ino, info.st_mtime_ns, info.st_size


def _stat_identity(path: Path) -> FileIdentity | None:
    try:
        return _identity(os.lstat(path))
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from None


def _read_month(path: Path) -> _Month:
    """A month read whole: the log first, then the file, so a log folded in meanwhile by
    another process is found folded in (lines up to the file's log_seq are skipped). A read
    that meets such a change half seen is read again; under the lock it never happens."""
    log = log_path_for(path)
    for attempt in range(3):
        log_read = _read_regular(log)
        read = _read_regular(path)
        if read is None:
            month = _Month(path, None, None)
        else:
            data, version = _validated_versioned(path, read[1])
            month = _Month(path, data, version)
            month.file_identity = _identity(read[0])
        if log_read is None:
            return month
        month.log_identity = _identity(log_read[0])
        try:
            month.take_log(log_read[1], 0, log)
        except _LogDamaged as exc:
            if attempt == 2 or _stat_identity(path) == month.file_identity:
                raise _log_damaged(log, str(exc)) from None
            continue
        return month
    raise AssertionError("unreachable")


def _fresh_month(path: Path, cached: _Month | None) -> _Month:
    """``cached`` while neither file changed; what was appended to the log since, replayed
    on a copy of it; else the month read whole. What a read costs: two ``stat`` calls, plus
    the lines appended since the last read, whatever the month holds."""
    if cached is None:
        return _read_month(path)
    log = log_path_for(path)
    file_identity = _stat_identity(path)
    log_identity = _stat_identity(log)
    if file_identity != cached.file_identity:
        return _read_month(path)
    if log_identity == cached.log_identity:
        return cached
    if (
        log_identity is None
        or cached.log_identity is None
        or log_identity[0] != cached.log_identity[0]
    ):
        return _read_month(path)
    start = cached.log_offset - len(cached.log_last)
    read = _read_regular(log, start)
    if read is None or not read[1].startswith(cached.log_last):
        return _read_month(path)
    month = cached.copy()
    try:
        month.take_log(read[1], start, log)
    except _LogDamaged:
        return _read_month(path)  # says what is wrong, or finds the log folded in
    if _stat_identity(path) != file_identity:
        return _read_month(path)
    month.log_identity = _identity(read[0])
    return month


def _remove_log(month_path: Path) -> None:
    """A month's log, once the month file holding its lines is durable. Harmless when that
    fails: all its lines are at or below the file's log_seq, so a reader skips them."""
    log = log_path_for(month_path)
    if os.path.lexists(log):
        with contextlib.suppress(OSError):
            safe_write.remove(log)


def _with_log(path: Path, raw: bytes | None) -> bytes | None:
    """What a journal binds a file to: its bytes, and a month's log after them (the log is
    left as it is until the journal is gone, and a line appended since is a change to the
    month that a journal restored from a backup must not be replayed over)."""
    if path.parent.name != "months":
        return raw
    log = _read_regular(log_path_for(path))
    return raw if log is None else (raw or b"") + b"\n" + log[1]


def _month_bytes_at(path: Path) -> bytes | None:
    """A month's file then its log, as stored (None: neither is there)."""
    log = _read_regular(log_path_for(path))
    read = _read_regular(path)
    if read is None and log is None:
        return None
    return (read[1] if read else b"") + (b"\n" + log[1] if log else b"")


# --- the repository ---------------------------------------------------------------------


def _id_is(value: str | list[str]) -> QueryInstance:
    """TinyDB's query for the document whose ``id`` is ``value`` (or one of a list)."""
    from tinydb import Query

    if isinstance(value, list):
        return Query().id.one_of(value)
    return Query().id == value


def month_key(date: pendulum.Date) -> str:
    """``YYYY-MM``: a month's file name without ``.json``."""
    return f"{date.year:04d}-{date.month:02d}"


def _sync_table(name: str) -> str:
    """sync.json's table for one collection's record ("": the plan's)."""
    return f"sync-{name}" if name else "sync"


def _records(data: dict[str, Any] | None, table: str) -> list[dict[str, Any]]:
    if not data:
        return []
    return list(data.get(table, {}).values())


Numbered = Iterable[tuple[str | int, Mapping[str, Any]]]  # (document id, record)


def _numbered(data: dict[str, Any] | None, table: str) -> Numbered:
    return data.get(table, {}).items() if data else ()


def _documents(documents: Iterable[Document]) -> Numbered:
    return ((document.doc_id, document) for document in documents)


def _parse_all(path: Path, table: str, parse: Any, records: Numbered) -> list[Any]:
    """Each record parsed by the model (which checks every field's type, never converting:
    :mod:`flowday.domain.records`); the first bad one refuses the file, named with the
    record and the field."""
    parsed = []
    for doc_id, record in records:
        try:
            parsed.append(parse(record))
        except (KeyError, ValueError, TypeError, FlowdayError) as exc:
            raise StoreError(
                f"{path} holds a record flowday cannot read ({table} #{doc_id}: {exc}); it "
                "was left untouched — fix it by hand or run 'flowday doctor --repair'"
            ) from None
    return parsed


def _checked_month(path: Path, data: dict[str, Any] | None) -> tuple[list[Block], list[Day]]:
    """Every block and day of a month file, each record checked: one broken record makes the
    whole file damaged (refused, never rewritten), wherever in the month it is."""
    blocks = _parse_all(path, "blocks", Block.from_dict, _numbered(data, "blocks"))
    days = _parse_all(path, "days", Day.from_dict, _numbered(data, "days"))
    month = _month_of(path.name)
    for item in (*blocks, *days):
        if month is None or item.date.month != month.month or item.date.year != month.year:
            raise StoreError(
                f"{path} holds a record dated {item.date.to_date_string()}, outside its month; "
                "it was left untouched"
            )
    return blocks, days


def _checked_tasks(path: Path, data: dict[str, Any] | None) -> list[Task]:
    return _parse_all(path, "tasks", Task.from_dict, _numbered(data, "tasks"))


def _state_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """The app state's one record with the type of each field flowday reads checked: the
    theme picked in the app, and per imported calendar the UIDs it made (what a later
    import of it may remove). Other fields are kept as they are."""
    fields = Fields(record)
    fields.optional_text("theme")
    fields.optional_text("theme_config")
    calendars = fields.record("calendars")
    for identity, entry in calendars.data.items() if calendars else ():
        calendar = Fields(entry, f"calendars[{identity!r}]")
        calendar.texts("uids")
        calendar.text("imported", "")
    reminders = fields.record("reminders")  # the day and the reminder keys said that day
    if reminders is not None:
        reminders.text("date")
        reminders.texts("said")
    return dict(record)


def _checked_state(path: Path, data: dict[str, Any] | None) -> dict[str, Any]:
    records = _parse_all(path, "state", _state_record, _numbered(data, "state"))
    return records[0] if records else {}


def _checked(path: Path, root: Path, data: dict[str, Any] | None) -> None:
    """Every record of a data file checked, whichever file it is."""
    if path.parent.name == "months":
        _checked_month(path, data)
    elif path == root / "tasks.json":
        _checked_tasks(path, data)
    elif path == root / "state.json":
        _checked_state(path, data)
    elif path == root / "routines.json":
        _checked_routines(path, data)


def _unchanged(path: Path, identity: FileIdentity) -> bool:
    """Is the file still the one read (files are only ever replaced: a new inode)?"""
    try:
        info = path.stat()
    except FileNotFoundError:
        return False
    return identity == (info.st_ino, info.st_mtime_ns, info.st_size)


def _checked_routines(path: Path, data: dict[str, Any] | None) -> list[Routine]:
    return _parse_all(path, "routines", Routine.from_dict, _numbered(data, "routines"))


class Occurrences(Protocol):
    """What readers see of routines (installed by the application: it knows each day's
    mode, which the store does not)."""

    def visible(
        self,
        first: pendulum.Date,
        last: pendulum.Date,
        stored: list[Block],
        days: Mapping[str, Day],
        routines: Sequence[Routine],
    ) -> list[Block]:
        """The blocks to show from ``first`` to ``last``: ``stored`` (those in the range)
        with hand-edited occurrences of days outside their routine's modes left out, plus
        the routines' occurrences. ``days``: the stored day records of the range."""
        ...


class Store:
    """Blocks, days, tasks and app state, read without locks (files are replaced
    atomically) and written inside :meth:`transaction`."""

    def __init__(self, root: Path, *, recover: bool = True) -> None:
        """``recover=False`` (for ``doctor``) opens a folder whose journal is damaged."""
        self.root = Path(root)
        self._months: dict[Path, _Month] = {}
        self._routines: tuple[FileIdentity, list[Routine]] | None = None
        self._state: tuple[FileIdentity, dict[str, Any]] | None = None
        self._tasks: tuple[FileIdentity, list[Task]] | None = None
        self.occurrences: Occurrences | None = None  # installed by the application
        try:
            (self.root / "months").mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create data folder {self.root}: {exc.strerror or exc}"
            ) from None
        self._clean_stale_temp_files(recover)

    # paths
    def month_path(self, date: pendulum.Date) -> Path:
        return self.root / "months" / f"{month_key(date)}.json"

    @property
    def tasks_path(self) -> Path:
        return self.root / "tasks.json"

    @property
    def state_path(self) -> Path:
        return self.root / "state.json"

    @property
    def routines_path(self) -> Path:
        return self.root / "routines.json"

    @property
    def journal_path(self) -> Path:
        return self.root / ".journal.json"

    @property
    def sync_path(self) -> Path:
        """What the last CalDAV sync saw (flowday.sync): written with the changes it made."""
        return self.root / "sync.json"

    @property
    def sync_folder(self) -> Path:
        """The sync's events, one file per month they start in (see :meth:`sync_shards`)."""
        return self.root / "sync"

    def sync_shard_path(self, name: str) -> Path:
        """``sync/<name>.json``; ``name`` is ``YYYY-MM`` or ``undated`` (after a prefix of
        8 hex digits and a dash for a state other than the plan's)."""
        path = self.sync_folder / f"{name}.json"
        if not _SYNC_SHARD.fullmatch(path.name):
            raise ValueError(f"no sync shard {name!r}")
        return path

    def _sync_shard_files(self) -> list[Path]:
        return [p for p in sorted(self.sync_folder.glob("*.json")) if _SYNC_SHARD.fullmatch(p.name)]

    def data_files(self) -> list[Path]:
        # lexists: a dangling link or a FIFO is listed too, so doctor reports it
        files = [p for p in self._month_files() if _month_of(p.name)]
        named = (self.tasks_path, self.state_path, self.routines_path, self.sync_path)
        return [p for p in named if os.path.lexists(p)] + files + self._sync_shard_files()

    def _month_files(self) -> list[Path]:
        return sorted((self.root / "months").glob("*.json"))

    # reads
    def _month(self, path: Path) -> _Month:
        """A month's checked records (its file with its log replayed), parsed once per
        version of the file and read again only as far as its log grew (:func:`_fresh_month`):
        files are only ever replaced (a new inode) and logs only appended to."""
        month = _fresh_month(path, self._months.get(path))
        if month.file_identity is not None or month.log_identity is not None:
            self._months[path] = month
        else:
            self._months.pop(path, None)
        return month

    def month_bytes(self, month: pendulum.Date) -> bytes | None:
        """A month's bytes as stored, its file's then its log's (None: no such month), read
        as safely as any data file: for a cache keyed on them. Raises ``StoreError`` for a
        link, FIFO, device or oversized file."""
        return _month_bytes_at(self.month_path(month))

    def routines_bytes(self) -> bytes | None:
        """``routines.json`` as stored (None: no routines yet), read like a month's bytes:
        for a cache of figures, which occurrences change."""
        read = _read_regular(self.routines_path)
        return None if read is None else read[1]

    def blocks_on(self, date: pendulum.Date, *, as_day: Day | None = None) -> list[Block]:
        """The date's blocks; ``as_day``: as they would show were its day record that one
        (another mode or a day off shows other routines' occurrences)."""
        month = self._month(self.month_path(date))
        found = month.blocks_on(date)
        routines = self.routines()
        if routines and self.occurrences is not None:
            stored = as_day or month.day(date)
            day = {} if stored is None else {date.to_date_string(): stored}
            found = self.occurrences.visible(date, date, found, day, routines)
        return sorted(found, key=lambda b: (b.start, b.end))

    def blocks_between(self, first: pendulum.Date, last: pendulum.Date) -> list[Block]:
        blocks: list[Block] = []
        for path in self._month_paths(first, last):
            month = self._month(path).block_list()
            blocks.extend(b for b in month if first <= b.date <= last)
        routines = self.routines()
        if routines and self.occurrences is not None:
            days = self.days_between(first, last)
            blocks = self.occurrences.visible(first, last, blocks, days, routines)
        return sorted(blocks, key=lambda b: (b.date, b.start, b.end))

    def routines(self) -> list[Routine]:
        """Every routine (ended ones too: their past occurrences stay), parsed once per
        version of the file, like a month."""
        path = self.routines_path
        cached = self._routines
        if cached is not None and _unchanged(path, cached[0]):
            return cached[1]
        identity, data = _read_store_file(path)
        routines = _checked_routines(path, data)
        self._routines = None if identity is None else (identity, routines)
        return routines

    def day(self, date: pendulum.Date) -> Day:
        return self._month(self.month_path(date)).day(date) or Day(date=date)

    def days_between(self, first: pendulum.Date, last: pendulum.Date) -> dict[str, Day]:
        days: dict[str, Day] = {}
        for path in self._month_paths(first, last):
            month = self._month(path).day_list()
            days.update((d.date.to_date_string(), d) for d in month if first <= d.date <= last)
        return days

    def find_block(self, block_id: str) -> Block | None:
        """Newest months first; a cheap text probe skips files that cannot hold the id.
        An occurrence not edited by hand is found on its date."""
        occurrence = parse_occurrence_id(block_id)
        if occurrence is not None:
            routine = next((r for r in self.routines() if r.id == occurrence[0]), None)
            if routine is not None and occurrence[1].to_date_string() not in routine.edited:
                # never stored (only an edit stores one): made on its date, or not there
                return next((b for b in self.blocks_on(occurrence[1]) if b.id == block_id), None)
        return self._find_stored_block(block_id)

    def _find_stored_block(self, block_id: str) -> Block | None:
        # the months read already first (the planner's: a lookup in their index, whatever
        # the history), then the others, newest first
        for path in sorted(self._months, reverse=True):
            found = self._month(path).block(block_id)
            if found is not None:
                return found
        needle = json.dumps(block_id).encode()
        for path in reversed(self.data_files()):
            if path.parent.name != "months" or path in self._months:
                continue
            try:  # only read a month that may hold it
                month_bytes = _month_bytes_at(path)
            except StoreError:
                continue  # not readable as a file: reading that month says why
            if month_bytes is None or needle not in month_bytes:
                continue
            found = self._month(path).block(block_id)
            if found is not None:
                return found
        return None

    def tasks(self) -> list[Task]:
        """The inbox in the order ``plan`` takes it, parsed once per version of the file."""
        path = self.tasks_path
        cached = self._tasks
        if cached is not None and _unchanged(path, cached[0]):
            return list(cached[1])
        identity, data = _read_store_file(path)
        tasks = in_plan_order(_checked_tasks(path, data))
        self._tasks = None if identity is None else (identity, tasks)
        return list(tasks)

    def state(self) -> dict[str, Any]:
        """The app state, parsed once per version of the file, like a month (the planner
        reads it as it draws a day: the trial's label). A shallow copy: callers copy what
        they change below the top level."""
        path = self.state_path
        cached = self._state
        if cached is not None and _unchanged(path, cached[0]):
            return dict(cached[1])
        identity, data = _read_store_file(path)
        state = _checked_state(path, data)
        self._state = None if identity is None else (identity, state)
        return dict(state)

    def sync_state(self, name: str = "") -> dict[str, Any]:
        """The CalDAV sync's own record (one object, opaque here: flowday.sync types it);
        ``name``: another collection's (the reflections'), kept beside it in sync.json."""
        _, data = _read_store_file(self.sync_path)
        records = _records(data, _sync_table(name))
        return dict(records[0]) if records else {}

    def sync_state_names(self) -> list[str]:
        """The names of the records sync.json holds ("": the plan's collection's)."""
        _, data = _read_store_file(self.sync_path)
        tables = [t for t in (data or {}) if t == "sync" or t.startswith("sync-")]
        return sorted(t.removeprefix("sync").removeprefix("-") for t in tables)

    def sync_shards(self, prefix: str = "") -> dict[str, list[dict[str, Any]]]:
        """The sync's events of the shards named ``prefix`` + ``YYYY-MM`` or ``undated``,
        by that month (or ``undated``): each file's records, opaque here like
        :meth:`sync_state`'s."""
        shards: dict[str, list[dict[str, Any]]] = {}
        for path in self._sync_shard_files():
            key = path.stem.removeprefix(prefix) if path.stem.startswith(prefix) else ""
            if re.fullmatch(_SYNC_KEY, key):
                _, data = _read_store_file(path)
                shards[key] = [dict(r) for r in _records(data, "items")]
        return shards

    def sync_shard(self, name: str) -> list[dict[str, Any]] | None:
        """One shard's records (``name`` as in :meth:`sync_shard_path`); None: no such
        file. A sync that reads the months it needs reads these one by one."""
        _, data = _read_store_file(self.sync_shard_path(name))
        return None if data is None else [dict(r) for r in _records(data, "items")]

    def sync_shard_names(self, prefix: str = "") -> set[str]:
        """The months (or ``undated``) that have a shard file named ``prefix`` + it."""
        names = (p.stem for p in self._sync_shard_files() if p.stem.startswith(prefix))
        return {k for n in names if re.fullmatch(_SYNC_KEY, k := n.removeprefix(prefix))}

    def first_month(self) -> pendulum.Date | None:
        months = self._all_months()
        return months[0] if months else None

    def last_month(self) -> pendulum.Date | None:
        months = self._all_months()
        return months[-1] if months else None

    def month_identities(self) -> dict[str, tuple[int, ...]]:
        """Each stored month's identity by ``YYYY-MM``: its file's and its log's (inode,
        mtime_ns, size), zeros for no log, and ``"folder"``: the months folder's (device,
        inode). Files are only ever replaced (a new inode) and logs only appended to, so an
        equal identity means an unchanged month: a reader that remembers them (the sync)
        knows which months changed since without reading them. Costs two ``lstat`` a month."""
        folder = os.stat(self.root / "months")
        found: dict[str, tuple[int, ...]] = {"folder": (folder.st_dev, folder.st_ino)}
        for path in self._month_files():
            month = _month_of(path.name)
            file_identity = _stat_identity(path)
            if month is None or file_identity is None:
                continue
            log_identity = _stat_identity(log_path_for(path)) or (0, 0, 0)
            found[month_key(month)] = (*file_identity, *log_identity)
        return found

    def mtime_signature(self, *dates: pendulum.Date) -> tuple[float, ...]:
        """Cheap change detector for an open app: the files behind what it shows."""
        months = [self.month_path(d) for d in dates]
        logs = [log_path_for(path) for path in months]  # a change to a month lands there
        paths = months + logs + [self.tasks_path, self.routines_path]
        stamps: list[float] = []
        for path in paths:
            try:
                info = path.stat()
            except FileNotFoundError:
                stamps.extend((0, 0))
                continue
            stamps.extend((info.st_mtime_ns, info.st_size))  # two appends in one clock tick
        return tuple(stamps)

    # writes
    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Hold the lock, read fresh under it, write every touched file atomically on exit.
        Nothing is written when the body raises."""
        with self._locked():
            self._finish_interrupted_commit()
            txn = Transaction(self)
            yield txn
            txn.commit()

    def _append(self, month: _Month) -> bool:
        """A transaction's changes to one month as one line of its log, fsynced before this
        returns (the change is then durable); ``StoreError`` and nothing changed when that
        fails. False when the month is to be written whole instead: no file yet, a file an
        older flowday (which reads no log) could still read, or a log grown past
        ``COMPACT_AFTER_LINES``/``_BYTES`` (folded in by that whole write)."""
        if (
            month.file_identity is None
            or month.disk_version != SCHEMA_VERSION
            or month.log_lines >= COMPACT_AFTER_LINES
            or month.log_offset >= COMPACT_AFTER_BYTES
        ):
            return False
        log = log_path_for(month.path)
        line = _log_line(month.seq + 1, month.changes)
        try:
            info = safe_write.append(log, line, at=month.log_offset)
        except OSError as exc:
            raise StoreError(
                f"cannot write {log}: {exc.strerror or exc}; nothing was changed"
            ) from None
        month.seq += 1
        month.changes.clear()
        month.log_offset += len(line)
        month.log_last = line
        month.log_lines += 1
        month.log_identity = _identity(info)
        self._months[month.path] = month
        return True

    def _drop_log(self, path: Path) -> None:
        """After a month was written whole (its log folded in, and durable): remove the
        log. Harmless when that fails: its lines are all at or below the file's log_seq."""
        self._months.pop(path, None)
        _remove_log(path)

    # maintenance
    def doctor(self, repair: bool = False) -> list[tuple[Path, str]]:
        """Every data file that cannot be read, with the reason; with ``repair`` each is
        first kept as ``NAME.corrupt-<stamp>``, so the store can be used again."""
        problems: list[tuple[Path, str]] = []
        with self._locked():
            try:
                self._finish_interrupted_commit()
            except StoreError as exc:
                if (
                    repair
                    and os.path.lexists(self.journal_path)
                    and "newer flowday" not in str(exc)
                ):
                    kept = self._keep_aside(self.journal_path)
                    problems.append((self.journal_path, f"kept as {kept.name}"))
                else:
                    problems.append((self.journal_path, str(exc)))
            for path in self._month_files():
                if not _month_of(path.name):  # repair leaves it too: it is not flowday's
                    problems.append(
                        (
                            path,
                            "not a flowday file (months are named YYYY-MM.json, "
                            "MM 01-12); flowday leaves it alone",
                        )
                    )
            months: dict[Path, dict[str, Any]] = {}  # every month file that parses
            for path in self.data_files():
                damaged = path
                try:
                    data = _read_store_file(path)[1]  # the file alone, then a month's log
                    _checked(path, self.root, data)
                    if path.parent.name == "months":
                        damaged = log_path_for(path)  # the file is sound: its log is not
                        data = load_json_file(path)
                        if data is not None:
                            months[path] = data
                except StoreError as exc:
                    if "newer flowday" in str(exc):
                        problems.append((path, str(exc)))
                        continue  # never set aside a newer store: upgrading is the fix
                    if repair:
                        kept = self._keep_aside(damaged)
                        if damaged == path and os.path.lexists(log_path_for(path)):
                            self._keep_aside(log_path_for(path))  # its lines follow that file
                        self._months.pop(path, None)
                        problems.append((damaged, f"kept as {kept.name}"))
                    else:
                        problems.append((damaged, str(exc)))
            problems.extend(self._duplicated_blocks(months, repair))
        return problems

    @staticmethod
    def _duplicated_blocks(
        contents: dict[Path, dict[str, Any]], repair: bool
    ) -> list[tuple[Path, str]]:
        """Blocks stored in two months: what a move leaves when its journal was lost (kept
        aside as damaged). ``repair`` keeps the most recently updated copy."""
        copies: dict[str, list[tuple[str, Path]]] = {}
        for path, data in contents.items():
            for record in data.get("blocks", {}).values():
                copies.setdefault(str(record.get("id")), []).append(
                    (str(record.get("updated", "")), path)
                )
        problems: list[tuple[Path, str]] = []
        for block_id, places in copies.items():
            if len(places) < 2:
                continue
            _, keep = max(places)  # newest edit; on a tie, the later month
            others = sorted({path for _, path in places} - {keep})
            names = ", ".join(p.name for p in others)
            if not repair:
                problems.append((keep, f"block {block_id} is also stored in {names}"))
                continue
            for path in others:
                table = contents[path].get("blocks", {})
                for key in [k for k, r in table.items() if r.get("id") == block_id]:
                    del table[key]
                write_atomically(path, contents[path])
                _remove_log(path)  # folded into the file just written
            kept = f"kept as the one copy of block {block_id} (removed from {names})"
            problems.append((keep, kept))
        return problems

    # internals
    @staticmethod
    def _keep_aside(path: Path) -> Path:
        kept = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%dT%H%M%S')}")
        os.replace(path, kept)
        safe_write.fsync_folder(path.parent)
        return kept

    @contextlib.contextmanager
    def sync_turn(self) -> Iterator[bool]:
        """Held for one whole sync (``flowday sync``, the planner's): yields True when this
        sync has the folder to itself, False when another sync of it is running. Two at once
        would each send what the other is sending and each record only its own half, so the
        next sync would see the other's sends as the server's changes. Released when the
        process ends, however it ends."""
        fd = self._open_lock(".sync-lock")
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        fd = self._open_lock()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def _open_lock(self, name: str = ".lock") -> int:
        """A lock file, opened without blocking or following a link: a named pipe there
        would block a plain open forever, and a link could create a file anywhere."""
        path = self.root / name
        flags = os.O_RDWR | os.O_CREAT | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC
        try:
            fd = os.open(path, flags, 0o600)
        except OSError as exc:
            try:
                mode = os.lstat(path).st_mode
            except OSError:
                mode = stat.S_IFREG
            if not stat.S_ISREG(mode):
                raise _not_a_lock(path, mode) from None
            raise StoreError(f"cannot open lock file {path}: {exc.strerror or exc}") from None
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            os.close(fd)
            raise _not_a_lock(path, mode)
        return fd

    def _finish_interrupted_commit(self) -> None:
        """Replay the journal a writer left behind (call holding the lock). It only exists
        while a writer holds the lock, so one seen under the lock is from a writer that died
        between files: every file it names is written again with its new contents."""
        read = _read_regular(self.journal_path)
        if read is None:
            return
        try:
            journal = _loads(read[1], MAX_NESTING + 2)  # files within files
            files = journal["files"]
            version = journal["_meta"]["1"]["schema_version"]
            # absent in a journal an older flowday left (replayed as before: see _bound)
            targets = journal.get("targets")
        except (ValueError, TypeError, KeyError, RecursionError, AttributeError):
            files, version, targets = None, None, None
        if isinstance(version, int) and version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.journal_path} was written by a newer flowday; upgrade flowday — "
                "nothing was touched"
            )
        replay: dict[str, dict[str, Any]] = {}  # each file's checked contents
        for name, data in files.items() if isinstance(files, dict) else ():
            checked = self._replayable(name, data) if _JOURNAL_NAMES.fullmatch(name) else None
            if checked is None:
                break
            replay[name] = checked
        if (
            not isinstance(files, dict)
            or len(replay) != len(files)
            or not (targets is None or _well_formed_targets(targets, files))
        ):
            raise StoreError(
                f"{self.journal_path} is damaged; it was left untouched — run 'flowday doctor "
                "--repair' to keep it aside (doctor then finds what the interrupted change left)"
            )
        pending: list[str] = []  # the files the interrupted change had not yet replaced
        for name in replay:  # a newer or damaged file is never overwritten, not even from here
            read = _read_regular(self.root / name)
            if read is not None:
                _validated(self.root / name, read[1])
            digest = _digest(_with_log(self.root / name, read[1] if read else None))
            if targets is not None and digest not in targets[name]:
                raise StoreError(
                    f"{self.journal_path} was not written against the current {name} (a "
                    "journal restored from a backup?); nothing was replayed — run 'flowday "
                    "doctor --repair' to keep it aside"
                )
            if targets is None or digest != targets[name][1]:
                pending.append(name)
        for name in pending:  # each checked above to be a regular file or none
            try:
                safe_write.write_atomically(self.root / name, _payload(replay[name]))
            except OSError as exc:
                raise StoreError(
                    f"cannot finish a change interrupted earlier: cannot write "
                    f"{self.root / name}: {exc.strerror or exc}; {self.journal_path.name} "
                    "keeps it for the next command"
                ) from None
        self._drop_journal()

    def _replayable(self, name: str, data: Any) -> dict[str, Any] | None:
        """A file's contents in the journal as they will be written: checked like any data
        file, and in this flowday's shape (a journal an older flowday left is migrated like
        its files); None when they fail a check."""
        path = self.root / name
        try:
            checked = _validated(path, json.dumps(data).encode())
            _checked(path, self.root, checked)
        except StoreError:
            return None
        return checked

    def _drop_journal(self) -> None:
        # every file it names is written: a journal left behind would only be replayed,
        # harmlessly, by the next writer
        try:
            safe_write.remove(self.journal_path)
        except OSError as exc:
            raise StoreError(
                f"cannot remove {self.journal_path}: {exc.strerror or exc}; the change was saved"
            ) from None

    def _clean_stale_temp_files(self, recover: bool) -> None:
        # Temp files only exist while a writer holds the lock; any seen under it are leftovers
        # of a process that died mid-write. A journal is finished first: until it is, the
        # files may show a change half done (a block in two months), so reading is refused.
        try:
            with self._locked():
                if recover:
                    self._finish_interrupted_commit()
                for folder in (self.root, self.root / "months", self.sync_folder):
                    for leftover in folder.glob(f".*{safe_write.TEMP_MARK}*"):
                        with contextlib.suppress(OSError):
                            leftover.unlink()
        except StoreError:
            if recover and os.path.lexists(self.journal_path):
                raise
            # no lock in a read-only folder: it can still be read

    def _all_months(self) -> list[pendulum.Date]:
        months = [_month_of(path.name) for path in self._month_files()]
        return sorted(month for month in months if month is not None)

    def _month_paths(self, first: pendulum.Date, last: pendulum.Date) -> list[Path]:
        paths = []
        cursor = first.start_of("month")
        while cursor <= last:
            path = self.month_path(cursor)
            if os.path.lexists(path):  # a link or FIFO there is refused when read, not skipped
                paths.append(path)
            cursor = cursor.add(months=1)
        return paths


class Transaction:
    """Reads and writes under the store's lock; see :meth:`Store.transaction`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._shards: dict[Path, _Shard] = {}  # TinyDB files: tasks, state, routines
        self._seen: dict[Path, _Month] = {}  # each month as read under the lock
        self._months: dict[Path, _Month] = {}  # copies of those, changed here
        self._written: list[Path] = []  # order of first write, so moves land before removals
        self._routines: list[Routine] | None = None  # parsed once; dropped by each change

    def _shard(self, path: Path) -> _Shard:
        if path not in self._shards:
            shard = _Shard(path)
            # a file with a broken record is refused before anything is written to it
            _checked(path, self.store.root, shard.storage.data)
            self._shards[path] = shard
        return self._shards[path]

    def _month(self, path: Path) -> _Month:
        """The month as it is now (read under the lock once per transaction), as changed
        by this transaction so far."""
        if path in self._months:
            return self._months[path]
        if path not in self._seen:
            self._seen[path] = self.store._month(path)
        return self._seen[path]

    def _changing(self, path: Path) -> _Month:
        """The month for this transaction to change: a copy, so a failed or refused change
        leaves the store's reads as they were."""
        if path not in self._months:
            self._months[path] = self._month(path).copy()
        return self._months[path]

    # blocks
    def blocks_on(self, date: pendulum.Date, *, as_day: Day | None = None) -> list[Block]:
        """As :meth:`Store.blocks_on`, in the transaction."""
        found = self._month(self.store.month_path(date)).blocks_on(date)
        routines = self.routines()
        if routines and self.store.occurrences is not None:
            day = {date.to_date_string(): as_day or self.day(date)}
            found = self.store.occurrences.visible(date, date, found, day, routines)
        return sorted(found, key=lambda b: (b.start, b.end))

    def stored_block(self, block_id: str) -> Block | None:
        """The block stored under ``block_id`` (an occurrence only once edited by hand)."""
        found = self.store._find_stored_block(block_id)  # locate without the lock
        if found is None:
            return None
        return self._month(self.store.month_path(found.date)).block(block_id)

    def find_block(self, block_id: str) -> Block | None:
        found = self.store.find_block(block_id)  # locate without the lock; confirm under it
        if found is None:
            return None
        stored = self._month(self.store.month_path(found.date)).block(block_id)
        if stored is not None:
            return stored
        if found.routine:  # an occurrence not edited by hand: made on its date
            return next((b for b in self.blocks_on(found.date) if b.id == block_id), None)
        return None

    def put_block(self, block: Block, *, previous_date: pendulum.Date | None = None) -> None:
        path = self.store.month_path(block.date)
        self._written.append(path)
        # replaced whole, not merged: a key the block no longer writes (an outcome undone)
        # must not stay behind in the stored record
        self._changing(path).put_block(block)
        if previous_date is not None and month_key(previous_date) != month_key(block.date):
            self.delete_block(block.id, previous_date, skip=False)
        self._mark_occurrence(block.id, "edited")

    def _mark_occurrence(self, block_id: str, exception: str) -> None:
        """An occurrence stored by hand ("edited") or deleted ("skipped"): its routine
        stops making that date. Written with the block, in this transaction."""
        occurrence = parse_occurrence_id(block_id)
        if occurrence is None:
            return
        routine_id, date = occurrence
        routine = next((r for r in self.routines() if r.id == routine_id), None)
        key = date.to_date_string()
        if routine is None or key in getattr(routine, exception):
            return
        self.put_routine(replace(routine, **{exception: getattr(routine, exception) | {key}}))

    def add_blocks(self, blocks: list[Block]) -> None:
        """Store blocks with fresh ids (as ``put_block``: the months are indexed by id)."""
        for block in blocks:
            path = self.store.month_path(block.date)
            self._written.append(path)
            self._changing(path).put_block(block)

    def delete_block(self, block_id: str, date: pendulum.Date, *, skip: bool = True) -> bool:
        """Remove a stored block; an occurrence's date is recorded as skipped on its
        routine (``skip``; not when the block only moves to another month)."""
        self._written.append(self.store.month_path(date))
        removed = self._changing(self.store.month_path(date)).delete_block(block_id)
        if skip and parse_occurrence_id(block_id) is not None:
            self._mark_occurrence(block_id, "skipped")
            return True
        return removed

    # routines
    def routines(self) -> list[Routine]:
        if self._routines is None:
            path = self.store.routines_path
            records = self._shard(path).db.table("routines").all()
            self._routines = _parse_all(path, "routines", Routine.from_dict, _documents(records))
        return self._routines

    def put_routine(self, routine: Routine) -> None:
        self._routines = None
        self._written.append(self.store.routines_path)
        table = self._shard(self.store.routines_path).db.table("routines")
        table.upsert(routine.to_dict(), _id_is(routine.id))

    def delete_routine(self, routine_id: str) -> bool:
        self._routines = None
        self._written.append(self.store.routines_path)
        table = self._shard(self.store.routines_path).db.table("routines")
        return bool(table.remove(_id_is(routine_id)))

    # days
    def day(self, date: pendulum.Date) -> Day:
        return self._month(self.store.month_path(date)).day(date) or Day(date=date)

    def put_day(self, day: Day) -> None:
        path = self.store.month_path(day.date)
        self._written.append(path)
        self._changing(path).put_day(day)

    # tasks
    def tasks(self) -> list[Task]:
        records = self._shard(self.store.tasks_path).db.table("tasks").all()
        return _parse_all(self.store.tasks_path, "tasks", Task.from_dict, _documents(records))

    def put_task(self, task: Task) -> None:
        table = self._shard(self.store.tasks_path).db.table("tasks")
        table.upsert(task.to_dict(), _id_is(task.id))

    def delete_task(self, task_id: str) -> bool:
        table = self._shard(self.store.tasks_path).db.table("tasks")
        return bool(table.remove(_id_is(task_id)))

    def delete_tasks(self, task_ids: Collection[str]) -> int:
        """Remove several tasks in one pass (``delete_task`` rewrites the inbox each time)."""
        table = self._shard(self.store.tasks_path).db.table("tasks")
        return len(table.remove(_id_is(list(task_ids))))

    # app state
    def set_state(self, **values: Any) -> None:
        table = self._shard(self.store.state_path).db.table("state")
        current = table.all()
        merged = {**(dict(current[0]) if current else {}), **values}
        table.truncate()
        table.insert(merged)

    # the CalDAV sync's record: in the same transaction (and journal) as the changes it made
    def sync_state(self, name: str = "") -> dict[str, Any]:
        records = self._shard(self.store.sync_path).db.table(_sync_table(name)).all()
        return dict(records[0]) if records else {}

    def set_sync_state(self, record: dict[str, Any], name: str = "") -> None:
        self._written.append(self.store.sync_path)
        table = self._shard(self.store.sync_path).db.table(_sync_table(name))
        table.truncate()
        table.insert(record)

    def set_sync_shard(self, name: str, records: list[dict[str, Any]]) -> None:
        """Replace ``sync/<name>.json``'s records (one shard of the sync's events)."""
        path = self.store.sync_shard_path(name)
        if not os.path.lexists(path.parent):
            # the folder's own entry made durable before any file in it is relied on
            path.parent.mkdir(exist_ok=True)
            safe_write.fsync_folder(self.store.root)
        self._written.append(path)
        table = self._shard(path).db.table("items")
        table.truncate()
        table.insert_multiple(records)

    def commit(self) -> None:
        order = [*dict.fromkeys([*self._written, *self._shards, *self._months])]
        dirty = [
            path
            for path in order
            if (path in self._months and self._months[path].changes)
            or (path in self._shards and self._shards[path].storage.dirty)
        ]
        if not dirty:
            return
        if (
            len(dirty) == 1
            and dirty[0] in self._months
            and self.store._append(self._months[dirty[0]])
        ):
            return  # the common change: one month's, one line appended to its log
        contents = {path: self._contents(path) for path in dirty}
        changes = [(path, _payload(contents[path]), self._original(path)) for path in dirty]
        journal = None
        if len(dirty) > 1:
            # One file is replaced atomically; several are not. The journal holds their new
            # contents: a crash between two files is finished from it by the next
            # transaction (or start), so a move across months never leaves a duplicate.
            # Bound to its targets: each file's digest now (null: none yet) and after, so a
            # replay only ever finishes this change, never one restored from a backup.
            root = self.store.root
            journal = {
                **_new_file(),
                "files": {_journal_name(root, p): contents[p] for p in dirty},
                "targets": {
                    _journal_name(root, path): [
                        _digest(_with_log(path, original)),
                        _digest(_with_log(path, payload)),
                    ]
                    for path, payload, original in changes
                },
            }
        _write_whole(self.store.journal_path, changes, journal)
        for path in dirty:
            if path in self._shards:
                self._shards[path].storage.dirty = False
            else:  # written whole, its log folded in: the log is only a leftover now
                self._months[path].changes.clear()
                self.store._drop_log(path)

    def _contents(self, path: Path) -> dict[str, Any]:
        if path in self._months:
            return self._months[path].whole()
        return self._shards[path].storage.data

    def _original(self, path: Path) -> bytes | None:
        """The bytes a whole write replaces (put back if the change fails)."""
        if path in self._shards:
            return self._shards[path].original
        read = _read_regular(path)  # under the lock: the file the month was read from
        return read[1] if read else None


def _write_whole(
    journal_path: Path,
    changes: Sequence[tuple[Path, bytes, bytes | None]],
    journal: dict[str, Any] | None,
) -> None:
    """Write ``(path, new bytes, bytes it replaces or None)`` as one change: whole, or not at
    all and ``StoreError`` saying so. Everything that needs disk space (each file's new
    contents in a temp file, then the journal) is written before any file is replaced, so a
    full disk (``ENOSPC``, ``EDQUOT``) refuses the change with nothing replaced; a failure
    after that (``EIO`` in a rename or a sync) puts back every file already replaced and
    removes the journal, so a refused change is never finished later from it. Only a crash
    leaves a journal behind, and the next transaction finishes that change."""
    for path, _, _ in changes:
        _check_replaceable(path)
    prepared: list[safe_write.PreparedFile] = []
    placed: list[tuple[Path, bytes | None]] = []
    journal_written = False
    step = changes[0][0]  # the file the failing step was writing, for the message
    try:
        for path, payload, _ in changes:
            step = path
            path.parent.mkdir(parents=True, exist_ok=True)
            prepared.append(safe_write.prepare(path, payload))
        if journal is not None:
            step, journal_written = journal_path, True
            safe_write.write_atomically(journal_path, _payload(journal))
        for ready, (path, _, original) in zip(prepared, changes, strict=True):
            step = path
            ready.put_in_place()
            placed.append((path, original))
        for folder in dict.fromkeys(path.parent for path, _, _ in changes):
            step = folder
            safe_write.fsync_folder(folder)
    except OSError as exc:
        problem = f"cannot write {step}: {exc.strerror or exc}"
        if _undone(placed, journal_path if journal_written else None):
            raise StoreError(f"{problem}; nothing was changed") from None
        if journal_written:
            raise StoreError(
                f"{problem}; the change is half written and could not be undone: the next "
                f"flowday command finishes it from {journal_path.name}"
            ) from None
        raise StoreError(
            f"{problem}; the new contents are in place but may not survive a power cut"
        ) from None
    finally:
        for ready in prepared[len(placed) :]:  # not in place (a failure or a crash)
            ready.discard()
    if journal is not None:
        # The change is whole. A journal that cannot be removed is harmless: the next
        # transaction finds every file already written and only removes it.
        with contextlib.suppress(OSError):
            safe_write.remove(journal_path)


def _undone(placed: Sequence[tuple[Path, bytes | None]], journal_path: Path | None) -> bool:
    """Put back the files a failed change replaced, then remove its journal; False when
    that fails too (the journal, if any, then still finishes the change)."""
    try:
        for path, original in reversed(placed):
            if original is None:
                safe_write.remove(path)
            else:
                safe_write.write_atomically(path, original)
        if journal_path is not None:
            safe_write.remove(journal_path)
    except OSError:
        return False
    return True
