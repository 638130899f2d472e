"""Importing a calendar: plan the changes it asks for, then apply them in one transaction.

- Re-importing matches blocks on their source (:mod:`.sources`), so it updates and never
  duplicates; blocks of the same calendar (by ``X-WR-RELCALID``, ``X-WR-CALNAME`` or file
  name) that are gone from the file are removed, but only inside the imported range.
- A person's own notes on an imported block survive re-imports: the calendar's
  DESCRIPTION replaces the notes only while nobody changed them. Where both changed, both
  are kept, the calendar's text after `` | from the calendar: `` (see :func:`kept_notes`).
- flowday's own export coming back: a routine's series (``X-FLOWDAY-ROUTINE``) is a
  routine again (:func:`.routine_events.read_routines`: its skips and hand edits too), not a
  run of blocks; a routine already in the store stays as it is. Other RRULE events are
  blocks, one per occurrence.
- The calendar is the truth about meetings: imports are never refused. The whole import
  is one Store transaction (all or nothing); the planner's rules are evaluated for each
  touched day before and after it, and the hard rules it breaks are recorded as crossings
  on the imported block involved, the way a forced change records them. The conflicts of
  the touched days are reported afterwards. An event that lands in the other sphere's
  protected time (it breaks a boundary rule) is also logged as an intrusion on its day.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path

import icalendar
import pendulum

from flowday.application.intrusions import with_imported_intrusions
from flowday.application.planner import Planner
from flowday.calendars.bounds import DEFAULT_RANGE_DAYS, Skipped, check_range
from flowday.calendars.expansion import Note, Piece, expand
from flowday.calendars.reading import calendar_identity, read_calendar, shown
from flowday.calendars.routine_events import ImportedRoutine, read_routines
from flowday.calendars.sources import (
    FLOWDAY_UID_SUFFIX,
    SOURCE_PREFIX,
    source_uid,
)
from flowday.domain.errors import FlowdayError
from flowday.domain.frozen import Record, define, field, replace
from flowday.domain.model import Block, Day, ImportedNote, Sphere, stamp
from flowday.domain.routines import occurrence_id
from flowday.domain.rules import Violation
from flowday.domain.text import counted
from flowday.domain.timeparse import Zone, check_exists
from flowday.store import Transaction

PROGRESS_EVERY = 25  # changes between progress reports

Progress = Callable[[str, int, int], None]  # (stage, done, total)


@define(frozen=False)
class ImportReport(Record):
    calendar: str
    first: pendulum.Date
    last: pendulum.Date
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    routines: int = 0  # flowday routines read back from their series (new ones)
    notes_added: int = 0
    notes_removed: int = 0
    days_off: int = 0  # days off of flowday's own export, planned again
    cancelled: int = 0
    declined: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # parts of the file left out, one line each
    crossed: list[Violation] = field(default_factory=list)
    conflicts: dict[str, list[Violation]] = field(default_factory=dict)  # date → violations

    def summary(self) -> str:
        parts = [
            f"{self.added} added",
            f"{self.updated} updated",
            f"{self.removed} removed",
            f"{self.unchanged} unchanged",
        ]
        if self.routines:
            parts.append(f"{counted(self.routines, 'routine')} back as routines")
        if self.notes_added or self.notes_removed:
            parts.append(f"notes +{self.notes_added}/-{self.notes_removed}")
        if self.days_off:
            parts.append(f"{counted(self.days_off, 'day')} off")
        left_out = []
        if self.cancelled:
            left_out.append(f"{self.cancelled} cancelled")
        if self.declined:
            left_out.append(f"{self.declined} declined")
        if self.skipped:
            left_out.append(f"{len(self.skipped)} unusable")
        if self.notices:
            left_out.append(f"{len(self.notices)} broken parts")
        tail = f"; skipped {', '.join(left_out)}" if left_out else ""
        span = f"{self.first.to_date_string()}..{self.last.to_date_string()}"
        return f"imported {self.calendar} ({span}): {', '.join(parts)}{tail}"


def import_calendar(
    planner: Planner,
    path: Path,
    *,
    sphere: Sphere | None = None,
    first: pendulum.Date | None = None,
    last: pendulum.Date | None = None,
    me: Iterable[str] = (),
    progress: Progress | None = None,
) -> ImportReport:
    """Bring ``path``'s events on ``first``..``last`` into the plan (see the module doc)."""
    first = first or planner.today()
    last = last or first.add(days=DEFAULT_RANGE_DAYS - 1)
    check_range(first, last)
    path = Path(path)
    notices: list[str] = []

    def reading(size: int) -> None:  # (stage, 0, bytes): a big file takes seconds to read
        if progress:
            progress("reading", 0, size)

    calendar = read_calendar(path, notices, reading)
    return import_events(
        planner, calendar, calendar_identity(calendar, path), shown(path.name),
        first=first, last=last, sphere=sphere, me=me, progress=progress, notices=notices,
    )  # fmt: skip


def import_events(
    planner: Planner,
    calendar: icalendar.Calendar,
    identity: str,
    name: str,
    *,
    first: pendulum.Date,
    last: pendulum.Date,
    sphere: Sphere | None = None,
    me: Iterable[str] = (),
    progress: Progress | None = None,
    notices: list[str] | None = None,
    left_alone: Collection[str] = (),
) -> ImportReport:
    """:func:`import_calendar` of a calendar already read (``identity``: what its UIDs are
    remembered under). ``left_alone``: UIDs planned some other way (a sync's own events),
    never removed nor remembered as this calendar's."""
    notices = [] if notices is None else notices
    routines = read_routines(planner, calendar)  # before expanding bounds the rules
    expansion = expand(calendar, first, last, planner.config.timezone, me=me)
    report = ImportReport(
        calendar=name, first=first, last=last, cancelled=expansion.cancelled,
        declined=expansion.declined, skipped=expansion.skipped, notices=notices,
    )  # fmt: skip
    state = planner.store.state().get("calendars", {})
    known = set(state.get(identity, {}).get("uids", [])) if isinstance(state, dict) else set()
    known -= set(left_alone)
    ours = (known | expansion.uids) - set(left_alone)  # removals stay inside this calendar
    remembered = planner.store.state().get(NOTES_STATE, {})
    remembered = dict(remembered) if isinstance(remembered, dict) else {}
    as_routines = {r.uid for r in routines}  # their events are not blocks
    pieces = [p for p in expansion.pieces if p.uid not in as_routines]
    changes = _plan_changes(planner, pieces, ours, first, last, sphere, remembered)
    total = len(changes.removals) + len(changes.edits) + len(changes.additions)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress and (done % PROGRESS_EVERY == 0 or done == total):
            progress("importing", done, total)

    now = planner.now()
    tz = planner.config.timezone
    # One transaction: the import lands whole or not at all, and a thousand blocks cost one
    # write per month file instead of one each. The rules are checked per day, before and
    # after the whole import (see apply_recording_crossings). Checking after each block
    # instead would cost the cube of a busy day's blocks, and record overlaps that only
    # exist half-way through.
    dates = {b.date for b in changes.removals}
    dates |= {d for b, p, _ in changes.edits for d in (b.date, p.date)}
    dates |= {p.date for p, _ in changes.additions}
    # flowday's own days off come back as days off (judged with the blocks: work planned
    # on one is a crossing, recorded, never refused); every other all-day event is a note
    days_off = {n.date: _off_note(n.text) for n in expansion.notes if n.day_off}
    # a routine's occurrences are its own, never notes (one that calendars make of no
    # length, as on the day the clocks skip its time, is no note either)
    notes = [n for n in expansion.notes if not n.day_off and n.uid not in as_routines]
    dates |= set(days_off)
    with planner.store.transaction() as txn:
        stored = {r.id for r in txn.routines()}
        new_routines = [r for r in routines if r.routine.id not in stored]
        for found in new_routines:  # their days in the range are judged too
            dates.update(found.routine.dates(first, last))
            dates.update(b.date for b in found.edited if first <= b.date <= last)
        crossed = apply_recording_crossings(
            planner, txn, dates,
            lambda: _apply(txn, changes, report, now, tz, tick)
            | _put_routines(txn, new_routines, first, last)
            | _put_days_off(txn, days_off, report),
        )  # fmt: skip
        report.crossed.extend(crossed)
        report.routines = len(new_routines)
        report.unchanged = changes.unchanged + len(routines) - len(new_routines)
        touched = dates | _sync_notes(txn, notes, ours, first, last, report)
        # remember the events that reached the plan (not every UID of a big file)
        placed = {p.uid for p in expansion.pieces} | {n.uid for n in expansion.notes}
        _remember(txn, identity, (known | placed) - set(left_alone), now)
        if changes.described:
            for source, digest in changes.described.items():
                if digest is None:
                    remembered.pop(source, None)
                else:
                    remembered[source] = digest
            txn.set_state(**{NOTES_STATE: remembered})
        for date in sorted(touched):  # the days as they will be: what now conflicts
            violations = planner.evaluate(txn.day(date), txn.blocks_on(date))
            if violations:
                report.conflicts[date.to_date_string()] = violations
    return report


def _off_note(summary: str) -> str:
    """A day off's note from the summary the export gave it (``Day off: dentist``)."""
    rest = summary.strip()
    if rest.lower().startswith("day off"):
        rest = rest[len("day off") :].lstrip(" :")
    return rest


def _put_days_off(
    txn: Transaction, days_off: dict[pendulum.Date, str], report: ImportReport
) -> set[str]:
    """Each day off planned again (one already off keeps its own note); no block made."""
    for date, note in sorted(days_off.items()):
        day = txn.day(date)
        if not day.off:
            txn.put_day(replace(day, off=True, off_note=day.off_note or note))
            report.days_off += 1
    return set()


def _apply(
    txn: Transaction,
    changes: _Changes,
    report: ImportReport,
    now: pendulum.DateTime,
    tz: Zone,
    tick: Callable[[], None],
) -> set[str]:
    """Make ``changes`` in ``txn``, counting them in ``report``; returns the ids of the
    blocks made or edited."""
    imported: set[str] = set()
    for block in changes.removals:
        if txn.delete_block(block.id, block.date):
            report.removed += 1
        tick()
    for block, piece, piece_sphere in changes.edits:
        current = next((b for b in txn.blocks_on(block.date) if b.id == block.id), None)
        try:
            if current is None:  # changed by someone else meanwhile: add it afresh
                changed = _new_block(piece, piece_sphere, now)
            else:
                changed = current.changed(
                    now, date=piece.date, start=piece.start, end=piece.end,
                    title=piece.title, sphere=piece_sphere, notes=piece.notes,
                    flexible=piece.flexible,
                )  # fmt: skip
            check_exists(changed.date, changed.start, changed.end, tz)
        except FlowdayError as exc:
            report.skipped.append(Skipped(piece.uid, piece.title, str(exc)))
        else:
            txn.put_block(changed, previous_date=current.date if current else None)
            imported.add(changed.id)
            report.updated += 1
        tick()
    added: list[Block] = []
    for piece, piece_sphere in changes.additions:
        try:
            check_exists(piece.date, piece.start, piece.end, tz)
            added.append(_new_block(piece, piece_sphere, now))
        except FlowdayError as exc:
            report.skipped.append(Skipped(piece.uid, piece.title, str(exc)))
        tick()
    txn.add_blocks(added)
    imported.update(block.id for block in added)
    report.added += len(added)
    return imported


def _put_routines(
    txn: Transaction, routines: list[ImportedRoutine], first: pendulum.Date, last: pendulum.Date
) -> set[str]:
    """Store routines read back from their series, with their hand-edited occurrences;
    returns the ids of their blocks in the range (what crossings are recorded on)."""
    ids: set[str] = set()
    for found in routines:
        routine = found.routine
        txn.put_routine(routine)
        for block in found.edited:
            txn.put_block(block)
            ids.add(block.id)
        ids.update(occurrence_id(routine.id, d) for d in routine.dates(first, last))
    return ids


def apply_recording_crossings(
    planner: Planner,
    txn: Transaction,
    dates: set[pendulum.Date],
    apply: Callable[[], set[str]],
) -> list[Violation]:
    """``apply`` the changes, then ask the planner's judge about each touched day as a
    whole (before the import vs after it) and record the hard rules newly broken as
    crossings on the blocks ``apply`` made: imports are never refused. Returns those."""
    before = {date: txn.blocks_on(date) for date in dates}
    # a sync may change a day's own settings too (its mode, its hours): judged like hours
    days_before = {date: txn.day(date) for date in dates}
    imported = apply()
    crossed: list[Violation] = []
    for date in sorted(dates):
        day = txn.day(date)
        after = txn.blocks_on(date)
        verdict = planner.judge(days_before[date], before[date], after, changed_day=day)
        settled = planner.settle(day, verdict, force=True, changed=imported)
        # an event in the other sphere's protected time is an intrusion, logged as such
        settled = with_imported_intrusions(
            settled, after, verdict.broken, imported, stamp(planner.now())
        )
        if settled != day:
            txn.put_day(settled)
        crossed.extend(verdict.broken)
    return crossed


@define(frozen=False)
class _Changes(Record):
    removals: list[Block] = field(default_factory=list)
    edits: list[tuple[Block, Piece, Sphere]] = field(default_factory=list)
    additions: list[tuple[Piece, Sphere]] = field(default_factory=list)
    unchanged: int = 0
    # what the calendar's DESCRIPTION now is, by source (a digest; None: forget it)
    described: dict[str, str | None] = field(default_factory=dict)


def _plan_changes(
    planner: Planner,
    pieces: list[Piece],
    ours: set[str],
    first: pendulum.Date,
    last: pendulum.Date,
    sphere: Sphere | None,
    remembered: dict[str, str],
) -> _Changes:
    existing = planner.store.blocks_between(first, last)
    by_source: dict[str, list[Block]] = defaultdict(list)
    native = {b.id: b for b in existing if not b.source}
    for block in existing:
        if block.source.startswith(SOURCE_PREFIX):
            by_source[block.source].append(block)
    days: dict[pendulum.Date, Day] = {}
    changes = _Changes()
    wanted: dict[str, list[Piece]] = defaultdict(list)
    for piece in pieces:
        wanted[piece.source].append(piece)
    for source, group in wanted.items():
        current = by_source.pop(source, [])
        uid = group[0].uid
        if not current and uid.endswith(FLOWDAY_UID_SUFFIX):
            own = native.pop(uid.removesuffix(FLOWDAY_UID_SUFFIX), None)
            current = [own] if own else []  # our own export coming back home
        current.sort(key=lambda b: (b.date, b.start))
        group.sort(key=lambda p: (p.date, p.start))
        last_seen = remembered.get(source)
        pairs = list(_pair(current, group))
        # one event, one sphere: the pieces of a long event or one across midnight share
        # it (as its export's CATEGORIES will), chosen with its first piece
        chosen: Sphere | None = None
        for stored, wanted_piece in pairs:
            if wanted_piece is None:
                assert stored is not None
                changes.removals.append(stored)
                continue
            piece = wanted_piece
            if stored is None:
                _note_described(changes, source, piece.notes, last_seen, applied=True)
            else:
                notes = kept_notes(stored.notes, piece.notes, last_seen)
                applied = notes != stored.notes or last_seen is None
                _note_described(changes, source, piece.notes, last_seen, applied=applied)
                piece = replace(piece, notes=notes)
            if piece.date not in days:
                days[piece.date] = planner.store.day(piece.date)
            chosen = chosen or (
                sphere
                or piece.sphere
                or (stored.sphere if stored else None)  # a sphere you chose by hand stays
                or planner.default_sphere(days[piece.date], piece.start, piece.end)
            )
            if stored is None:
                changes.additions.append((piece, chosen))
            elif _same(stored, piece, chosen):
                changes.unchanged += 1
            else:
                changes.edits.append((stored, piece, chosen))
    for source, blocks in by_source.items():
        if source_uid(source) in ours:
            changes.removals.extend(blocks)
            if source in remembered:
                changes.described[source] = None
    return changes


NOTES_STATE = "calendar_notes"  # app state: source → digest of the DESCRIPTION last applied
CALENDAR_PART = " | from the calendar: "  # notes are one line: this keeps the two apart


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def _note_described(
    changes: _Changes, source: str, described: str, last_seen: str | None, *, applied: bool
) -> None:
    if applied and (described or last_seen is not None):
        changes.described[source] = _digest(described) if described else None


def kept_notes(current: str, described: str, last_seen: str | None) -> str:
    """A block's notes after a re-import brings the calendar's DESCRIPTION ``described``.

    ``last_seen`` is the digest of the DESCRIPTION last written into the notes (None: not
    known, or empty). While the calendar says what it said then, the notes stay as the
    person left them (an event without DESCRIPTION never erases typed notes). When it
    says something new: untouched notes take it; notes the person changed are kept and
    the new text follows, after :data:`CALENDAR_PART` (replacing the calendar's earlier
    text there, if any)."""
    if described == current:
        return current
    before = last_seen or _digest("")
    if _digest(described) == before:
        return current  # the calendar did not change: the notes are the person's
    if not current or _digest(current) == before:
        return described  # nobody changed the notes: the calendar's new text
    own, marker, calendar_part = current.rpartition(CALENDAR_PART)
    if not marker or _digest(calendar_part) != before:
        own = current
    if not described:
        return own
    return f"{own}{CALENDAR_PART}{described}" if own else described


def _pair(blocks: list[Block], pieces: list[Piece]) -> Iterator[tuple[Block | None, Piece | None]]:
    """Blocks and pieces of one event: same day first, then in order."""
    left = list(blocks)
    rest: list[Piece] = []
    for piece in pieces:
        match = next((b for b in left if b.date == piece.date), None)
        if match is None:
            rest.append(piece)
        else:
            left.remove(match)
            yield match, piece
    for index, piece in enumerate(rest):
        yield (left[index] if index < len(left) else None), piece
    for block in left[len(rest) :]:
        yield block, None


def _same(block: Block, piece: Piece, sphere: Sphere) -> bool:
    return (block.date, block.start, block.end, block.title, block.sphere, block.notes) == (
        piece.date, piece.start, piece.end, piece.title, sphere, piece.notes,
    ) and block.flexible == piece.flexible  # fmt: skip


def _sync_notes(
    txn: Transaction,
    notes: list[Note],
    ours: set[str],
    first: pendulum.Date,
    last: pendulum.Date,
    report: ImportReport,
) -> set[pendulum.Date]:
    """Day notes from all-day events: added, changed and removed like blocks."""
    wanted: dict[pendulum.Date, dict[str, str]] = defaultdict(dict)
    for note in notes:
        wanted[note.date][note.source] = note.text
    touched: set[pendulum.Date] = set()
    stored = txn.store.days_between(first, last)
    dates = set(wanted) | {d.date for d in stored.values() if d.imported_notes}
    for date in sorted(dates):
        day = txn.day(date)
        mapping = {n.source: n.text for n in day.imported_notes}
        texts = list(day.notes)
        changed = False
        for source, text in list(mapping.items()):
            if source_uid(source) in ours and source not in wanted.get(date, {}):
                del mapping[source]
                if text in texts:
                    texts.remove(text)
                report.notes_removed += 1
                changed = True
        for source, text in wanted.get(date, {}).items():
            old = mapping.get(source)
            if old == text:
                continue
            if old is not None and old in texts:
                texts[texts.index(old)] = text
            elif text not in texts:
                texts.append(text)
                report.notes_added += 1
            mapping[source] = text
            changed = True
        if changed:
            imported = tuple(ImportedNote(source, text) for source, text in mapping.items())
            txn.put_day(replace(day, notes=tuple(texts), imported_notes=imported))
            touched.add(date)
    return touched


def _remember(txn: Transaction, identity: str, uids: set[str], now: pendulum.DateTime) -> None:
    """Which UIDs belong to this calendar: what a later import of it may remove."""
    calendars = txn.store.state().get("calendars", {})
    calendars = dict(calendars) if isinstance(calendars, dict) else {}
    entry = dict(calendars.get(identity, {}))
    entry["uids"] = sorted(uids)
    entry["imported"] = stamp(now)
    calendars[identity] = entry
    txn.set_state(calendars=calendars)


def _new_block(piece: Piece, sphere: Sphere, now: pendulum.DateTime) -> Block:
    return Block.create(
        date=piece.date, start=piece.start, end=piece.end, title=piece.title, sphere=sphere,
        flexible=piece.flexible, notes=piece.notes, now=now, source=piece.source,
    )  # fmt: skip
