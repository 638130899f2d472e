"""One sync: pull the server's changes, merge each event field by field against the copy
both sides last agreed on, ask before big deletions, apply here, push there.

- Pull: the changes since the collection's sync-token, or the whole listing of ETags when
  the server has none or forgot ours; only objects whose ETag moved are read, a hundred
  per request.
- Merge (:mod:`.merge`): one side changed → that side's value; both changed a field
  differently → a :class:`~flowday.sync.state.Conflict` (the plan keeps its value, the
  server its own, the record both) until ``flowday sync --resolve``. An edit beats a
  deletion on the other side: nothing a person typed is lost.
- Here: every change goes through the planner's judge like an import (never refused, the
  hard rules it newly breaks recorded as crossings), in one store transaction together
  with the sync state (``sync.json``).
- There: ``If-Match`` on updates and deletions, ``If-None-Match: *`` on new events; a 412
  means someone wrote in between: that event is read again in the next round (up to
  :data:`ROUNDS`), never overwritten blindly.
- Interrupted anywhere (killed, server error), both sides stay consistent: the state is
  saved with each batch of pushes, and a push the state missed is found as agreement.
  Pushes go out a few at a time (the collection's ``parallel``) and are recorded as each
  lands, in the main thread: workers only build text and talk to the server.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any, TypeVar

from flowday.application.planner import Planner
from flowday.application.routines import HORIZON_DAYS, ended_routine
from flowday.calendars.importing import apply_recording_crossings
from flowday.calendars.sources import FLOWDAY_UID_SUFFIX
from flowday.domain.errors import FlowdayError, InputError
from flowday.domain.frozen import Record, define, field, replace
from flowday.domain.model import Block, Task
from flowday.domain.routines import Routine, parse_occurrence_id
from flowday.domain.rules import Violation
from flowday.domain.text import shown
from flowday.domain.wallclock import MINUTES_PER_DAY
from flowday.store import Store, StoreError, month_key
from flowday.sync import days
from flowday.sync.items import (
    FLOWDAY_ONLY,
    Local,
    blocks_for,
    local_fields,
    local_id,
    local_text,
    read_event,
    routine_for,
    task_for,
)
from flowday.sync.merge import merge
from flowday.sync.others import others_digest, plan_others
from flowday.sync.scopes import JOURNAL_KINDS, PLAN, DayChanges, Scope, unsent_days
from flowday.sync.server import Collection, Refused, Stale, SyncError
from flowday.sync.state import (
    Conflict,
    Fields,
    Index,
    Saved,
    Synced,
    SyncState,
    months_of,
    needs_saving,
    read_state,
    record_month,
    write_state,
)

DELETE_ASKS_ABOVE = 20  # deletions in one sync beyond this ask first
WHOLE_DAY_FROM = 3  # a day of at least this many blocks emptied asks first too
ROUNDS = 3  # pull-merge-push rounds while pushes meet 412 (someone wrote in between)
OTHERS_COUNTS = ("added", "updated", "removed", "notes_added", "notes_removed")
READ_TOGETHER = 100  # objects read in one request (calendar-multiget)
SAVE_EVERY = 250  # changes sent between saves of the state (each costs the months touched)
_END: Any = object()
_Item = TypeVar("_Item")
_Outcome = TypeVar("_Outcome")

Confirm = Callable[[str], bool]
Progress = Callable[[str, int, int], None]  # (stage: "reading" | "sending", done, total)


class _ChangedHere(Exception):
    """Something the plan changes here was changed here after the plan read it (a person
    in the planner, another process): the plan is made again, nothing written."""


class DeletionsNeedConfirmation(FlowdayError):
    """A sync that would delete many events (or a whole day) was not confirmed (exit 7)."""

    exit_code = 7


@define(frozen=False)
class SyncReport(Record):
    pushed_new: int = 0
    pushed_changed: int = 0
    pushed_deleted: int = 0
    pulled_new: int = 0
    pulled_changed: int = 0
    pulled_deleted: int = 0
    conflicts: list[Conflict] = field(default_factory=list)  # every open conflict after it
    resolved: int = 0
    skipped: list[str] = field(default_factory=list)  # events left alone, one line each
    crossed: list[Violation] = field(default_factory=list)
    full_listing: bool = False  # the server's whole listing was compared (no sync-token)
    # other apps' repeating and all-day events planned like an import (sync.others)
    others: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OTHERS_COUNTS, 0))
    dry_run: bool = False
    rounds: int = 0

    @property
    def pushed(self) -> int:
        return self.pushed_new + self.pushed_changed + self.pushed_deleted

    @property
    def pulled(self) -> int:
        return self.pulled_new + self.pulled_changed + self.pulled_deleted

    def summary(self) -> str:
        count = len(self.conflicts)
        text = f"↑{self.pushed} ↓{self.pulled}, {count} conflict{'' if count == 1 else 's'}"
        return f"{text} (dry run: nothing was changed)" if self.dry_run else text

    def to_json(self) -> dict[str, Any]:
        return {
            "pushed": {"new": self.pushed_new, "changed": self.pushed_changed,
                       "deleted": self.pushed_deleted, "total": self.pushed},
            "pulled": {"new": self.pulled_new, "changed": self.pulled_changed,
                       "deleted": self.pulled_deleted, "total": self.pulled},
            "conflicts": [
                {"id": c.block_id, "uid": c.uid,
                 "fields": {k: {"local": v[0], "remote": v[1]} for k, v in c.fields.items()}}
                for c in self.conflicts
            ],
            "resolved": self.resolved,
            "skipped": list(self.skipped),
            "crossed": [{"rule": v.rule, "message": v.message} for v in self.crossed],
            "full_listing": self.full_listing,
            "others": dict(self.others),
            "dry_run": self.dry_run,
            "summary": self.summary(),
        }  # fmt: skip


@define(frozen=False)
class _Push(Record):
    uid: str
    href: str
    etag: str | None  # If-Match (None: a new event, If-None-Match: *)
    prior: str  # the server's text to merge into ("" for a new event)
    fields: Fields
    kind: str  # "new" | "changed"


@define(frozen=False)
class _Plan(Record):
    state: SyncState
    apply: dict[str, Fields] = field(default_factory=dict)  # here: uid → fields
    delete: list[str] = field(default_factory=list)  # here: uids
    pushes: list[_Push] = field(default_factory=list)
    remote_deletes: list[Synced] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    uids_of: dict[str, str] = field(default_factory=dict)  # remote-delete href → uid
    agreed: Mapping[str, Synced] = field(default_factory=dict)  # the items before this plan
    local: dict[str, Local] = field(default_factory=dict)  # what the merge saw here
    # day records the judge changed while applying (a crossing recorded): sent next round
    judged: list[str] = field(default_factory=list)
    months: frozenset[str] | None = None  # the months read here (None: every one)
    seen: dict[str, list[int]] = field(default_factory=dict)  # their identities, before
    index: Index = field(default_factory=Index)  # where the agreed events are (the state's)


def load_state(planner: Planner, scope: Scope = PLAN) -> SyncState:
    return _load(planner, scope)[0]


def _load(planner: Planner, scope: Scope = PLAN) -> tuple[SyncState, Saved]:
    """The state and what is on disk (see :mod:`.state`); a state this flowday cannot
    read is refused, never written over."""
    try:
        return read_state(planner.store, scope.name)
    except ValueError as exc:
        path = planner.store.sync_path
        raise StoreError(
            f"{path} cannot be read ({exc}); it was left untouched — move it aside to sync "
            "afresh (the next sync then compares both sides field by field)"
        ) from None


def run_sync(
    planner: Planner,
    collection: Collection,
    *,
    dry_run: bool = False,
    yes: bool = False,
    confirm: Confirm | None = None,
    resolutions: Iterable[tuple[str, str]] = (),
    progress: Progress | None = None,
    scope: Scope = PLAN,
) -> SyncReport:
    """One sync of the plan with ``collection`` (see the module doc); ``scope``: what the
    collection holds (:mod:`.scopes`: the plan's, or the reflections')."""
    report = SyncReport(dry_run=dry_run)
    state, saved = _load(planner, scope)
    if state.collection != collection.url:
        state = SyncState(collection=collection.url)  # another collection: start afresh
    settled = dict(state.months)  # kept as it is until this sync has finished
    forced = _resolve(planner, state, resolutions, report)
    for _ in range(ROUNDS):
        report.rounds += 1
        plan = _plan(planner, collection, state, forced, report, progress, scope)
        if dry_run:
            _count_plan(plan, report)
            report.conflicts = list(plan.state.conflicts.values())
            return report
        _guard(planner, plan, yes, confirm, scope)
        try:
            state = _apply_here(planner, plan, report, saved, scope)
        except _ChangedHere as changed:  # merged against what is no longer there: again
            stale = changed.args[0]
            continue
        stale = _push(planner, collection, plan, state, report, progress, saved, scope)
        forced = {}
        # (a day the judge changed while applying goes up in one more round, once)
        if not stale and (not plan.judged or report.rounds > 1):
            break
    else:  # others kept writing the same events: say so, the next sync tries again
        report.skipped.append(
            f"{len(stale)} event{'' if len(stale) == 1 else 's'} changed on the server during "
            f"each of {ROUNDS} tries; "
            "the next sync sends them"
        )
    state.months = _settled_months(planner.store, plan, state, settled)
    if scope is PLAN:
        _plan_others(planner, state, saved, report)
    if needs_saving(state, saved):
        with planner.store.transaction() as txn:
            written = write_state(txn, state, saved, scope.name)
        saved.take(written)
    report.conflicts = list(state.conflicts.values())
    return report


def _plan_others(planner: Planner, state: SyncState, saved: Saved, report: SyncReport) -> None:
    """Other apps' repeating and all-day events, planned like an import (:mod:`.others`)
    when they or the day changed since they were last planned."""
    digest = others_digest(planner, state)
    if digest == state.others:
        return
    try:
        planned = plan_others(planner, state, report.skipped)
    except InputError as exc:
        report.skipped.append(f"the server's repeating and all-day events: {exc}")
        return
    report.others = {name: getattr(planned, name) for name in OTHERS_COUNTS}
    report.crossed.extend(planned.crossed)
    state.others = digest
    with planner.store.transaction() as txn:
        written = write_state(txn, state, saved)
    saved.take(written)


def _resolve(
    planner: Planner, state: SyncState, resolutions: Iterable[tuple[str, str]], report: SyncReport
) -> dict[str, Fields]:
    """``--resolve ID --take local|remote``: the conflict's server version becomes the
    agreed copy, so the merge then sends what the plan holds; taking the server's values
    first puts them into the plan. Returns the fields to put into the plan, by UID."""
    forced: dict[str, Fields] = {}
    for key, side in resolutions:
        conflict = next((c for c in state.conflicts.values() if key in (c.block_id, c.uid)), None)
        if conflict is None:
            raise InputError(f"no conflict {shown(key)} (flowday sync lists them)")
        del state.conflicts[conflict.uid]
        state.items[conflict.uid] = conflict.remote
        if side == "remote":
            forced[conflict.uid] = {name: pair[1] for name, pair in conflict.fields.items()}
        report.resolved += 1
    return forced


def _plan(
    planner: Planner,
    collection: Collection,
    state: SyncState,
    forced: dict[str, Fields],
    report: SyncReport,
    progress: Progress | None = None,
    scope: Scope = PLAN,
) -> _Plan:
    plan = _Plan(SyncState(state.collection, state.token, state.copy_items(),
                           dict(state.conflicts), state.others,
                           dict(state.months)))  # fmt: skip
    new = plan.state
    listing = collection.listing(state.token)
    report.full_listing = report.full_listing or listing.full
    new.token = listing.token
    index = plan.index = state.index()
    if listing.full:  # every href compared: every event read
        by_href = {item.href: uid for uid, item in state.items.items()}
        unsent = [uid for uid, item in state.items.items() if not item.etag]
    else:  # the events the server names, and those whose write met a 412 (no ETag)
        unsent = sorted(index.unsent)
        by_href = {state.items[uid].href: uid for uid in unsent}
        for href in listing.etags:
            uid = index.uid_at(href)
            if uid is not None and state.items[uid].href == href:
                by_href[href] = uid
    for conflict in state.conflicts.values():
        by_href.setdefault(conflict.remote.href, conflict.uid)
    if listing.full:
        gone = [href for href in by_href if href not in listing.etags]
        changed = [
            href for href, etag in listing.etags.items()
            if href not in by_href or _etag_of(state, by_href[href]) != etag
        ]  # fmt: skip
    else:
        gone = [href for href, etag in listing.etags.items() if etag is None]
        changed = [
            href for href, etag in listing.etags.items()
            if etag is not None and (href not in by_href or _etag_of(state, by_href[href]) != etag)
        ]  # fmt: skip
    # an event whose write met a 412 has no known ETag: read again, whatever the listing says
    changed += [h for uid in unsent if (h := state.items[uid].href) not in gone]
    remote: dict[str, Synced | None] = {by_href[h]: None for h in gone if h in by_href}
    plan.agreed = state.copy_items()
    to_read = sorted(set(changed))
    for done, (href, got) in enumerate(read_objects(collection, to_read), 1):
        if progress:
            progress("reading", done, len(to_read))
        if got is None:
            if href in by_href:
                remote[by_href[href]] = None
            continue
        etag, text = got
        try:
            event = read_event(planner, text, href)
        except FlowdayError as exc:
            report.skipped.append(f"{shown(href)}: {exc}")
            continue
        known = state.items.get(event.uid)
        earlier = remote.get(event.uid)
        if (earlier is not None and earlier.href != href) or (
            known is not None and known.href != href and known.href not in gone
            and remote.get(event.uid, known) is not None
        ):  # fmt: skip
            report.skipped.append(
                f"{shown(href)}: another object on the server has the same UID "
                f"{shown(event.uid)}; left alone (delete one of them)"
            )
            continue
        fields = event.fields if scope.holds(event.fields) else None  # not this scope's
        if fields is not None and known and known.fields and not event.marked:
            # no X-FLOWDAY-* at all (a server that drops X- properties, or an app that
            # never wrote them): what only flowday knows stays as last agreed, not reset
            fields = {**fields, **{k: known.fields[k] for k in FLOWDAY_ONLY if k in known.fields}}
        remote[event.uid] = Synced(href, etag, "" if event.plain else text, fields)
    local = plan.local = _read_here(planner.store, scope, plan, state, remote, forced)
    if plan.months is None:
        uids = set(state.items) | set(local) | set(remote)
    else:  # what the months not read hold is as both sides last agreed: never deleted
        uids = {*local, *remote, *state.conflicts, *forced, *index.agreed_in(None)}
        uids.update(uid for month in plan.months for uid in index.agreed_in(month))
    for uid in sorted(uids):
        if uid in state.conflicts:
            if uid in remote and remote[uid] is None:  # deleted there while in conflict:
                del new.conflicts[uid]  # the edit here beats the deletion, sent anew
                state.items.pop(uid, None)
            else:
                _refresh_conflict(new, uid, remote, local)
                continue
        base = state.items.get(uid)
        there = remote.get(uid, base)  # a None there: deleted there
        here = local.get(uid)
        if here is None and base is not None and base.fields and there is not None:
            here = days.emptied(uid)  # a day journal whose day holds nothing now
        _decide(planner, collection, plan, uid, base, there, here, forced.get(uid), report)
    return plan


def _read_here(
    store: Store,
    scope: Scope,
    plan: _Plan,
    state: SyncState,
    remote: dict[str, Synced | None],
    forced: dict[str, Fields],
) -> dict[str, Local]:
    """What this device holds, as far as this sync needs it (``plan.months``, and each
    month's identity before it is read in ``plan.seen``). Every month is read on a first
    sync, without remembered identities, or in another data folder; else only the months
    changed since the last sync left them agreed with the server, those of the events the
    server changed and of open conflicts, and, until nothing more is found, the months of
    every event any of these holds (an event across midnight at a month's end is in two)."""
    seen = plan.seen = {key: list(value) for key, value in store.month_identities().items()}
    settled = state.months
    if not settled or settled.get("folder") != seen["folder"]:
        plan.months = None
        return scope.items(store, None)
    months = {key for key, value in seen.items() if settled.get(key) != value}
    months |= settled.keys() - seen.keys()  # a month whose file is gone
    months.discard("folder")
    index = plan.index
    wanted = {*remote, *state.conflicts, *forced}
    while True:
        local = scope.items(store, months)
        needed: set[str] = set()
        for uid in {*wanted, *local, *(u for month in months for u in index.agreed_in(month))}:
            needed |= _months_needed(uid, state, index, remote.get(uid), local.get(uid))
        if needed <= months:
            plan.months = frozenset(months)
            return local
        months |= needed


def _months_needed(
    uid: str, state: SyncState, index: Index, remote: Synced | None, here: Local | None
) -> set[str]:
    """The months to read for ``uid``: where it was agreed (``index``: no shard read for
    it), where the server has it now, its conflict's server version, and the month next
    door when a block here runs on into it (across midnight at a month's end)."""
    needed: set[str] = set(index.months(uid) or ())
    conflict = state.conflicts.get(uid)
    for item in (remote, conflict.remote if conflict else None):
        if item is not None:
            needed |= months_of(uid, item) or set()
    for block in here if isinstance(here, list) else ():
        if block.date.day == 1 and block.start == 0:
            needed.add(month_key(block.date.subtract(days=1)))
        if block.end >= MINUTES_PER_DAY and block.date == block.date.end_of("month"):
            needed.add(month_key(block.date.add(days=1)))
    return needed


def _local_months(uid: str, here: Local) -> set[str]:
    if isinstance(here, list):
        return {month_key(block.date) for block in here}
    if isinstance(here, (Routine, Task)):
        return set()
    month = record_month(uid)
    return {month} if month else set()


def _settled_months(
    store: Store, plan: _Plan, state: SyncState, before: dict[str, list[int]]
) -> dict[str, list[int]]:
    """The months this sync leaves agreed with the server, by identity: one not read and
    unchanged since ``before`` said so; one read (before its identity, unchanged since)
    whose events all match what both sides agreed on, none in conflict, none missing. A
    month this sync or anyone else wrote meanwhile is read again next time."""
    now = {key: list(value) for key, value in store.month_identities().items()}
    unsettled: set[str] = set()
    for uid, here in plan.local.items():
        spots = _local_months(uid, here)
        agreed = state.items.get(uid)
        if spots and (
            uid in state.conflicts or agreed is None or agreed.fields != local_fields(here)
        ):
            unsettled |= spots
    index = state.index()
    settled = {"folder": now["folder"]}
    for key, value in now.items():
        if key == "folder":
            continue
        if plan.months is None or key in plan.months:
            if (
                plan.seen.get(key) == value
                and key not in unsettled
                and all(uid in plan.local for uid in index.agreed_in(key))
            ):
                settled[key] = value
        elif before.get(key) == value:
            settled[key] = value
    return settled


def read_objects(
    collection: Collection, hrefs: list[str]
) -> Iterator[tuple[str, tuple[str, str] | None]]:
    """Each object's (ETag, text), None when it is gone: :data:`READ_TOGETHER` at a time
    when the collection can (``get_many``: a first pull of years is then a few hundred
    requests, not one per event), else one by one."""
    many = getattr(collection, "get_many", None)
    for first in range(0, len(hrefs), READ_TOGETHER):
        batch = hrefs[first : first + READ_TOGETHER]
        got = many(batch) if many is not None and len(batch) > 1 else {}
        for href in batch:
            yield href, got[href] if href in got else collection.get(href)


def _etag_of(state: SyncState, uid: str) -> str | None:
    item = state.items.get(uid)
    if item is None and uid in state.conflicts:
        return state.conflicts[uid].remote.etag
    return item.etag if item else None


def _refresh_conflict(
    state: SyncState, uid: str, remote: dict[str, Synced | None], local: dict[str, Local]
) -> None:
    """An open conflict waits for a person; a newer server version replaces the one kept."""
    newer = remote.get(uid)
    conflict = state.conflicts[uid]
    if newer is not None and newer.fields is not None and uid in local:
        mine = local_fields(local[uid])
        fields = {k: (mine.get(k, ""), newer.fields.get(k, "")) for k in conflict.fields}
        state.conflicts[uid] = Conflict(uid, conflict.block_id, fields, newer)


def _decide(
    planner: Planner,
    collection: Collection,
    plan: _Plan,
    uid: str,
    base: Synced | None,
    remote: Synced | None,
    here: Local | None,
    forced: Fields | None,
    report: SyncReport,
) -> None:
    new = plan.state
    mine = local_fields(here) if here else None
    if mine is not None and forced:
        mine = {**mine, **forced}
        plan.apply[uid] = mine
    if remote is not None and remote.fields is None:  # an event flowday does not plan
        new.items[uid] = remote
        if here:
            report.skipped.append(
                f"{shown(uid)}: the server's event is now one flowday does not plan "
                "(all-day or repeating); the plan keeps its blocks"
            )
        return
    if mine is None and remote is None:
        new.items.pop(uid, None)
        return
    if mine is None:
        assert remote is not None and remote.fields is not None
        if base is not None and remote.etag == base.etag:
            plan.remote_deletes.append(remote)  # deleted here, unchanged there
            plan.uids_of[remote.href] = uid
            new.items.pop(uid, None)
            return
        plan.apply[uid] = remote.fields  # new there (or edited there: an edit beats a delete)
        plan.counts["pulled_new"] += 1
        new.items[uid] = remote
        return
    if remote is None:
        if base is not None and base.fields == mine:
            plan.delete.append(uid)  # deleted there, unchanged here
            plan.counts["pulled_deleted"] += 1
            new.items.pop(uid, None)
            return
        href = base.href if base is not None else collection.href_for(uid)
        plan.pushes.append(_Push(uid, href, None, "", mine, "new"))
        new.items.pop(uid, None)
        return
    assert remote.fields is not None
    merged = merge(base.fields if base else None, mine, remote.fields)
    assert here
    if merged.fields != local_fields(here):
        plan.apply[uid] = merged.fields
        if merged.fields != mine:  # the server's changes (not only a resolution's)
            plan.counts["pulled_changed"] += 1
    if not merged.clean:
        new.conflicts[uid] = Conflict(uid, local_id(here), merged.conflicts, remote)
        return
    if merged.fields != remote.fields:
        # the agreed copy stays the old one until the server takes the push: a push that
        # meets a 412 is merged again against it, never against what was not sent
        plan.pushes.append(_Push(uid, remote.href, remote.etag, remote.raw, merged.fields,
                                 "changed"))  # fmt: skip
        return
    # (merged.fields == remote.fields: the same object kept, so a save finds it unchanged
    # by identity, not by comparing fields, for each of years of events agreed)
    new.items[uid] = remote


def _count_plan(plan: _Plan, report: SyncReport) -> None:
    report.pulled_new += plan.counts["pulled_new"]
    report.pulled_changed += plan.counts["pulled_changed"]
    report.pulled_deleted += plan.counts["pulled_deleted"]
    report.pushed_new += sum(p.kind == "new" for p in plan.pushes)
    report.pushed_changed += sum(p.kind == "changed" for p in plan.pushes)
    report.pushed_deleted += len(plan.remote_deletes)


def _guard(
    planner: Planner, plan: _Plan, yes: bool, confirm: Confirm | None, scope: Scope = PLAN
) -> None:
    """More than :data:`DELETE_ASKS_ABOVE` deletions, or a day of blocks emptied here,
    asks first (the guard vdirsyncer's users wished for)."""
    local = scope.items(planner.store, plan.months) if plan.delete else {}
    removed = [b for uid in plan.delete for b in _blocks(local.get(uid))]
    guard_deletions(planner, len(plan.delete), len(plan.remote_deletes), removed, yes, confirm)


def guard_deletions(
    planner: Planner,
    here: int,
    there: int,
    removed: list[Block],
    yes: bool,
    confirm: Confirm | None,
) -> None:
    """``here`` deletions in the data folder (``removed``: their blocks) and ``there`` on
    the server: more than :data:`DELETE_ASKS_ABOVE`, or a day emptied, asks first
    (DeletionsNeedConfirmation unless ``yes`` or ``confirm`` says go ahead)."""
    reasons: list[str] = []
    if here + there > DELETE_ASKS_ABOVE:
        reasons.append(f"delete {here + there} events ({here} here, {there} on the server)")
    dates = Counter(b.date for b in removed)
    for date, count in sorted(dates.items()):
        if count >= WHOLE_DAY_FROM and count >= len(planner.store.blocks_on(date)):
            reasons.append(f"empty {date.to_date_string()} ({count} blocks)")
            break
    if not reasons or yes:
        return
    question = f"this sync would {' and '.join(reasons)}"
    if confirm is not None and confirm(f"{question}. Go ahead?"):
        return
    raise DeletionsNeedConfirmation(
        f"{question}; nothing was changed — run 'flowday sync --yes' to go ahead"
    )


def _blocks(local: Local | None) -> list[Block]:
    return local if isinstance(local, list) else []


def _apply_here(
    planner: Planner, plan: _Plan, report: SyncReport, saved: Saved, scope: Scope = PLAN
) -> SyncState:
    """The plan's changes here and the state after the pull, in one transaction: routines
    first (an occurrence edited by hand then lands on its routine), then blocks. A routine
    changed is judged on its next :data:`~flowday.application.routines.HORIZON_DAYS`."""
    now = planner.now()
    local = scope.items(planner.store, plan.months)
    # a day's settings and history, reflections: applied with the blocks (sync/scopes.py)
    records = DayChanges(set(planner.mode_table))
    for uid in list(plan.apply):
        try:
            taken = records.take(uid, plan.apply[uid], local.get(uid))
        except InputError as exc:
            taken = True
            _left_alone(plan, uid, exc, report)
        if taken:
            del plan.apply[uid]
    plan.delete = [u for u in plan.delete if not records.take(u, None, local.get(u))]
    # occurrences edited by hand, stored or arriving, by routine: their dates stay *edited*
    edited: dict[str, set[str]] = {}
    for uid in [*local, *plan.apply]:
        occurrence = parse_occurrence_id(uid.removesuffix(FLOWDAY_UID_SUFFIX))
        if occurrence is not None and uid not in plan.delete:
            edited.setdefault(occurrence[0], set()).add(occurrence[1].to_date_string())
    made: dict[str, list[Block]] = {}
    routines: dict[str, Routine] = {}
    tasks: list[Task] = []
    for uid, fields in plan.apply.items():
        here = local.get(uid)
        try:
            if fields.get("kind") == "task":
                tasks.append(task_for(fields, uid, here if isinstance(here, Task) else None, now))
            elif fields.get("kind") == "routine":
                existing = here if isinstance(here, Routine) else None
                rid = uid.removesuffix(FLOWDAY_UID_SUFFIX)
                kept = set(edited.get(rid, set()))
                if existing is not None and plan.months is not None:
                    # its occurrences edited by hand in months not read stay edited
                    kept |= {d for d in existing.edited if d[:7] not in plan.months}
                routines[uid] = routine_for(fields, uid, existing, kept, now)
            else:
                made[uid] = blocks_for(fields, uid, _blocks(here), now)
        except (InputError, ValueError) as exc:
            _left_alone(plan, uid, exc, report)
    removed = [b for uid in plan.delete for b in _blocks(local.get(uid))]
    ended = [r for uid in plan.delete if isinstance(r := local.get(uid), Routine)]
    done = [t.id for uid in plan.delete if isinstance(t := local.get(uid), Task)]
    dates = {b.date for b in removed} | records.dates
    dates |= {b.date for uid in made for b in (*made[uid], *_blocks(local.get(uid)))}
    if routines or ended:
        today = planner.today()
        dates |= {today.add(days=n) for n in range(HORIZON_DAYS)}

    with planner.store.transaction() as txn:
        # read again under the lock: an edit made here since the merge read it (the
        # planner stays usable during a sync) is neither overwritten nor lost
        touched = [*plan.apply, *plan.delete]
        fresh = scope.items(planner.store, plan.months) if touched else {}
        changed = [uid for uid in touched if fresh.get(uid) != plan.local.get(uid)]
        if changed:
            raise _ChangedHere(changed)
        # the inbox is not a day: nothing for the judge there
        for task in tasks:
            txn.put_task(task)
        if done:
            txn.delete_tasks(done)

        def apply() -> set[str]:
            for routine in routines.values():
                txn.put_routine(routine)
            for old_routine in ended:
                kept = ended_routine(old_routine, planner.today(), now)
                if kept is None:
                    txn.delete_routine(old_routine.id)
                else:
                    txn.put_routine(kept)
            for block in removed:
                txn.delete_block(block.id, block.date)
            for uid, blocks in made.items():
                before = {b.id: b for b in _blocks(local.get(uid))}
                keep = {b.id for b in blocks}
                for old in before.values():
                    if old.id not in keep:
                        txn.delete_block(old.id, old.date, skip=False)
                for block in blocks:
                    found = before.get(block.id) or txn.find_block(block.id)
                    txn.put_block(block, previous_date=found.date if found else None)
            records.apply(txn)
            changed = {b.id for blocks in made.values() for b in blocks}
            return changed | {r.id for r in routines.values()}

        if dates:
            report.crossed.extend(apply_recording_crossings(planner, txn, dates, apply))
            records.settle(txn)
            if scope is PLAN:  # (a day with a push planned: _push finds it changed itself)
                pending = {push.uid for push in plan.pushes}
                plan.judged = [u for u in unsent_days(txn, dates, plan.state) if u not in pending]
        else:
            records.apply(txn)  # reflections only: nothing for the judge
        written = write_state(txn, plan.state, saved, scope.name)
    saved.take(written)
    report.pulled_new += plan.counts["pulled_new"]
    report.pulled_changed += plan.counts["pulled_changed"]
    report.pulled_deleted += plan.counts["pulled_deleted"]
    return plan.state


def _left_alone(plan: _Plan, uid: str, exc: Exception, report: SyncReport) -> None:
    """An item the server holds that makes nothing here: the plan keeps what it has, and
    the agreed copy stays too."""
    report.skipped.append(f"{shown(uid)}: {exc}")
    if uid in plan.agreed:
        plan.state.items[uid] = plan.agreed[uid]
    else:
        plan.state.items.pop(uid, None)


def _push(
    planner: Planner,
    collection: Collection,
    plan: _Plan,
    state: SyncState,
    report: SyncReport,
    progress: Progress | None,
    saved: Saved,
    scope: Scope = PLAN,
) -> list[str]:
    """Send the plan's changes; returns the UIDs that met a 412 (read again next round).
    Up to the collection's ``parallel`` requests are under way at once (a first sync of
    years is one request per event: one at a time, the round trips add up to hours). The
    state is saved every :data:`SAVE_EVERY` changes sent (a save rewrites only the months
    it touched), at the end, and on failure, after the requests under way have finished.
    A push a kill kept from the state is found as agreement by the next sync, never sent
    twice as a new event."""
    tz = planner.config.timezone
    now = planner.now()
    local = scope.items(planner.store, plan.months)
    stale: list[str] = []
    total = len(plan.pushes) + len(plan.remote_deletes)
    done = unsaved = 0
    failed: list[SyncError] = []
    refused: Counter[str] = Counter()  # day records a collection does not take, by kind
    ready: list[_Push] = []
    for push in plan.pushes:
        here = local.get(push.uid) or days.emptied(push.uid)  # (an emptied day: its journal)
        if not here or local_fields(here) != push.fields:
            stale.append(push.uid)  # changed here meanwhile (or refused): next round
        else:
            local[push.uid] = here
            ready.append(push)

    def save() -> None:
        with planner.store.transaction() as txn:
            written = write_state(txn, state, saved, scope.name)
        saved.take(written)

    def send(push: _Push) -> tuple[str, str] | Exception | None:  # in a worker thread
        if refused[push.fields.get("kind", "")]:
            return None  # a calendar for events only: the rest of its kind stays here
        try:
            text = local_text(local[push.uid], push.uid, push.prior, tz, now)
            etag = collection.put(push.href, text, push.etag)
            if not etag:  # the server changed what it stored: learn its ETag and text
                got = collection.get(push.href)
                etag, text = got if got else ("", text)
        except (Refused, Stale, InputError, SyncError) as exc:
            return exc
        return etag, text

    def remove(gone: Synced) -> Stale | SyncError | None:
        try:
            collection.delete(gone.href, gone.etag)
        except (Stale, SyncError) as exc:
            return exc
        return None

    def landed() -> None:
        nonlocal done, unsaved
        done += 1
        unsaved += 1
        if progress:
            progress("sending", done, total)
        if unsaved >= SAVE_EVERY:
            save()
            unsaved = 0

    workers = max(1, int(getattr(collection, "parallel", 1)))
    for push, outcome in _in_parallel(ready, send, workers, stop=lambda: bool(failed)):
        kind = push.fields.get("kind", "")
        if outcome is None:
            refused[kind] += 1
        elif isinstance(outcome, Refused) and kind in JOURNAL_KINDS:
            refused[kind] += 1  # a calendar for events only: the rest stays here too
        elif isinstance(outcome, SyncError):
            failed.append(outcome)
        elif isinstance(outcome, Stale):
            stale.append(push.uid)  # someone wrote in between: read again next round
            if push.uid in state.items:
                state.items[push.uid] = replace(state.items[push.uid], etag="")
        elif isinstance(outcome, Exception):
            report.skipped.append(f"{shown(push.uid)}: {outcome}")
        else:
            etag, text = outcome
            # the text only when it holds what flowday does not write (sync.json stays small)
            kept = text if push.prior else ""
            state.items[push.uid] = Synced(push.href, etag, kept, push.fields)
            if push.kind == "new":
                report.pushed_new += 1
            else:
                report.pushed_changed += 1
            landed()
    deletes = [] if failed else plan.remote_deletes
    for gone, problem in _in_parallel(deletes, remove, workers, stop=lambda: bool(failed)):
        if isinstance(problem, SyncError):
            failed.append(problem)
        elif isinstance(problem, Stale):
            stale.append(plan.uids_of.get(gone.href, gone.href))
        else:
            report.pushed_deleted += 1
            landed()
    save()
    _say_refused(refused, report)
    if failed:
        raise SyncError(
            f"{failed[0]}; {done} of {total} changes were sent and recorded — the next sync "
            "sends the rest"
        )
    return stale


def _in_parallel(
    items: list[_Item], work: Callable[[_Item], _Outcome], workers: int, stop: Callable[[], bool]
) -> Iterator[tuple[_Item, _Outcome]]:
    """``work`` on each item, ``workers`` at a time, as each finishes. No new one begins
    once ``stop()`` says so; those under way are finished and given (a request the server
    took is recorded, not forgotten)."""
    if workers == 1:
        for item in items:
            if stop():
                return
            yield item, work(item)
        return
    waiting = iter(items)
    running: dict[Future[_Outcome], _Item] = {}
    with ThreadPoolExecutor(workers, thread_name_prefix="flowday-sync") as pool:

        def fill() -> None:
            # a few queued beyond the workers keep each busy; no more, so a stop is quick
            while len(running) < 2 * workers and not stop():
                item = next(waiting, _END)
                if item is _END:
                    return
                running[pool.submit(work, item)] = item

        fill()
        while running:
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                yield running.pop(future), future.result()
            fill()


def _say_refused(refused: Counter[str], report: SyncReport) -> None:
    for kind, count in sorted(refused.items()):
        line = (
            f"the calendar does not take journals (VJOURNAL): {count} {kind} record"
            f"{'' if count == 1 else 's'} stay on this device (a calendar made for events "
            "only; let flowday make its own, or allow journals in it)"
        )
        if line not in report.skipped:
            report.skipped.append(line)
