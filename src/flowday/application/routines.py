"""Routines as use cases: add, edit ("this and following"), remove, list. What readers
see of them is :mod:`flowday.application.occurrences`.

Rules: a new or changed routine is judged day by day by :meth:`Planner.judge` over
:data:`HORIZON_DAYS` from its first changed day (an open-ended routine is not judged
beyond: those days are judged like any day, by ``flowday check`` and the planner). Broken
hard rules refuse the change, naming the first days; ``force`` records the crossings on
each of those days.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pendulum

from flowday.application.occurrences import RoutineOccurrences
from flowday.application.planner import Planner, Verdict
from flowday.domain.errors import InputError, NotFoundError, RefusedError
from flowday.domain.frozen import Record, define, field, replace
from flowday.domain.model import Block, Day, new_id, stamp
from flowday.domain.recurrence import parse_every
from flowday.domain.routines import OCCURRENCE_MARK, Routine
from flowday.domain.text import clean_text
from flowday.domain.timeparse import check_exists
from flowday.domain.wallclock import fmt_date
from flowday.store import Transaction

HORIZON_DAYS = 91  # an added or changed routine is judged on its next 13 weeks
SHOWN_DAYS = 3  # a refusal names this many days, then a count


# --- use cases -----------------------------------------------------------------------------


@define
class RoutineResult(Record):
    """What a routine change did: the routine now in force (None after a removal), the one
    it ended (an edit from a later date splits it), and the crossings recorded per day."""

    routine: Routine | None
    ended: Routine | None = None
    crossed: dict[pendulum.Date, Verdict] = field(default_factory=dict)


def add_routine(
    planner: Planner,
    text: str,
    every: str,
    *,
    start: pendulum.Date | None = None,
    until: pendulum.Date | None = None,
    modes: Sequence[str] = (),
    force: bool = False,
) -> RoutineResult:
    """A new routine from quick-add ``text`` repeating ``every`` from ``start`` (today)."""
    routine = _new_routine(planner, text, every, start=start, until=until, modes=modes)
    with planner.store.transaction() as txn:
        crossed = _judged(planner, txn, [], [routine], routine.first, force=force)
    return RoutineResult(routine, crossed=crossed)


def routine_from_block(
    planner: Planner,
    block_id: str,
    every: str,
    *,
    until: pendulum.Date | None = None,
    modes: Sequence[str] = (),
    force: bool = False,
) -> RoutineResult:
    """Make a block repeat (the planner's "make it a routine"): a routine with the block's
    title, times, sphere and flexibility from its date (today for a past block). The block
    becomes the routine's first occurrence, in the same transaction, when the repeat names
    its date; otherwise (or when it is past) it stays as it is."""
    block = planner.store.find_block(block_id)
    if block is None:
        raise NotFoundError(f"no block with id {block_id!r}")
    if block.routine:
        raise InputError(f"'{block.title}' is already an occurrence of routine {block.routine}")
    start = max(block.date, planner.today())
    routine = _new_routine(planner, quick_add_text(block), every, start=start, until=until,
                           modes=modes)  # fmt: skip
    with planner.store.transaction() as txn:
        # the block is the first occurrence when the routine shows on its day (not a day
        # in another mode, nor a day off for a work routine): else it stays as it is
        day = {block.date.to_date_string(): txn.day(block.date)}
        takes_over = routine.first == block.date and RoutineOccurrences(planner.config).shown_on(
            routine, block.date, day
        )
        if takes_over:
            txn.delete_block(block.id, block.date)
        crossed = _judged(planner, txn, [], [routine], routine.first, force=force)
        if takes_over:
            # what the block says beyond the routine's template (done or skipped, when it
            # ran, its notes) stays on it: the first occurrence is stored, edited by hand
            made = routine.occurrence(block.date)
            first = replace(
                made, notes=block.notes, outcome=block.outcome, remind=block.remind,
                actual_start=block.actual_start, actual_end=block.actual_end,
            )  # fmt: skip
            if first != made:
                txn.put_block(first)
    return RoutineResult(routine, crossed=crossed)


def quick_add_text(block: Block) -> str:
    """The quick-add text that makes ``block`` again (title, times, sphere, flexibility)."""
    flex = " #flex" if block.flexible else ""
    return f"{block.title} {block.span} #{block.sphere.value}{flex}"


def _new_routine(
    planner: Planner,
    text: str,
    every: str,
    *,
    start: pendulum.Date | None,
    until: pendulum.Date | None,
    modes: Sequence[str],
) -> Routine:
    begin = _not_past(planner, start, "a routine starts")
    repeat = parse_every(every, begin)
    first = repeat.first_on_or_after(begin)
    if first is None:
        raise InputError(f"'{every.strip()}' names no day from {begin.to_date_string()} on")
    if until is not None and until < first:
        raise InputError(f"--until {until.to_date_string()} is before the routine's first "
                         f"day, {first.to_date_string()}: it would make no block")  # fmt: skip
    title, start_min, end_min, sphere, flexible = planner.parse_block_text(
        text, day=planner.store.day(first)
    )
    check_exists(first, start_min, end_min, planner.config.timezone)
    now = stamp(planner.now())
    return Routine(
        id=new_id(), text=clean_text(text, limit=500), title=title, start=start_min,
        end=end_min, sphere=sphere, flexible=flexible, rrule=repeat.rrule(),
        every=" ".join(every.split()), first=first, until=until,
        modes=_modes(planner, modes), created=now, updated=now,
    )  # fmt: skip


def edit_routine(
    planner: Planner,
    routine_id: str,
    *,
    text: str | None = None,
    every: str | None = None,
    until: pendulum.Date | None = None,
    no_until: bool = False,
    modes: Sequence[str] | None = None,
    start: pendulum.Date | None = None,
    force: bool = False,
) -> RoutineResult:
    """Change this and the following occurrences, from ``start`` (today): never a past
    day, never an occurrence edited by hand (it stays the stored block it is). A routine
    that began before ``start`` is split: it ends the day before, and a new routine (new
    id) takes over with the change and the old one's later exceptions. Only ``until``
    changed is done in place (same id): where a routine ends alters no day before
    ``start`` (an end before it is refused), so there is nothing to split off."""
    begin = _not_past(planner, start, "a routine's change starts")
    with planner.store.transaction() as txn:
        old = _require(txn, routine_id)
        if old.removed:
            raise InputError(f"routine {old.id} was removed")
        if old.until is not None and old.until < begin:
            raise InputError(f"routine {old.id} ends {old.until.to_date_string()}, before that")
        changes: dict[str, object] = {}
        if text is not None:
            title, s, e, sphere, flexible = planner.parse_block_text(text, day=txn.day(begin))
            changes.update(text=clean_text(text, limit=500), title=title, start=s, end=e,
                           sphere=sphere, flexible=flexible)  # fmt: skip
        from_day = max(begin, old.first)
        repeat = parse_every(every, from_day) if every is not None else old.repeat
        if every is not None:
            changes.update(rrule=repeat.rrule(), every=" ".join(every.split()))
        if until is not None or no_until:
            changes["until"] = until
        if modes is not None:
            changes["modes"] = _modes(planner, modes)
        if not changes:
            raise InputError("nothing to change: give TEXT, --every, --until or --modes")
        first = repeat.first_on_or_after(from_day)
        new_until = changes.get("until", old.until)
        only_until = set(changes) == {"until"}
        if only_until and isinstance(new_until, pendulum.Date) and new_until < from_day:
            raise InputError(f"--until {new_until} is before {from_day}: the routine would "
                             "end before it begins, or change past days")  # fmt: skip
        now = planner.now()
        if only_until:  # where it ends: the days before `start` stay as they were
            new = old.changed(now, **changes)
            ended = None
            olds, news = [old], [new]
        elif first is None or (isinstance(new_until, pendulum.Date) and new_until < first):
            raise InputError(f"the changed routine names no day from {from_day} on")
        elif old.first >= begin:  # nothing of it has happened yet: changed in place
            new = old.changed(now, first=first, **changes)
            ended = None
            olds, news = [old], [new]
        else:
            ended = old.changed(now, until=begin.subtract(days=1))
            # its later exceptions: a skip stays skipped, a hand edit stays the block it is
            new = replace(
                old.changed(now, first=first, **changes), id=new_id(), created=stamp(now),
                skipped=frozenset(d for d in old.skipped if d >= first.to_date_string()),
                edited=frozenset(d for d in old.edited if d >= first.to_date_string()),
            )  # fmt: skip
            olds, news = [old], [ended, new]
        check_exists(new.first, new.start, new.end, planner.config.timezone)
        crossed = _judged(planner, txn, olds, news, begin, force=force)
    return RoutineResult(new, ended=ended, crossed=crossed)


def remove_routine(planner: Planner, routine_id: str) -> Routine:
    """Its future occurrences go (from today); past ones and occurrences edited by hand
    stay. A routine that has not begun yet is removed outright."""
    with planner.store.transaction() as txn:
        old = _require(txn, routine_id)
        ended = ended_routine(old, planner.today(), planner.now())
        if ended is None:
            txn.delete_routine(old.id)
        else:
            txn.put_routine(ended)
        _forget_crossings(txn, old, planner.today())
        return ended or old


def _forget_crossings(txn: Transaction, routine: Routine, since: pendulum.Date) -> None:
    """The crossings a forced routine recorded for its occurrences from ``since`` on, once
    those occurrences are gone (the routine removed): they will cross nothing, and left
    behind they would count in ``month``, ``check`` and ``stats``. An occurrence kept as a
    stored block (edited by hand) keeps its crossing."""
    prefix = f"{routine.id}{OCCURRENCE_MARK}"
    date, last = since, max(since, routine.first).add(days=HORIZON_DAYS)
    while date <= last:
        day = txn.day(date)
        if any(c.block.startswith(prefix) for c in day.crossings):
            shown = {b.id for b in txn.blocks_on(date)}
            kept = tuple(
                c for c in day.crossings if not c.block.startswith(prefix) or c.block in shown
            )
            if kept != day.crossings:
                txn.put_day(replace(day, crossings=kept))
        date = date.add(days=1)


def ended_routine(routine: Routine, today: pendulum.Date, now: pendulum.DateTime) -> Routine | None:
    """A routine removed today (``routine rm``, or deleted on another device: flowday.sync):
    ended yesterday, kept for its past occurrences; None when it has not begun yet (it
    goes outright)."""
    if routine.first >= today:
        return None
    until = min(routine.until or today, today.subtract(days=1))
    return routine.changed(now, removed=True, until=until)


def routines(planner: Planner, *, removed: bool = False) -> list[Routine]:
    found = [r for r in planner.store.routines() if removed or not r.removed]
    return sorted(found, key=lambda r: (r.start, r.end, r.title, r.id))


def find_routine(planner: Planner, routine_id: str) -> Routine:
    for routine in planner.store.routines():
        if routine.id == routine_id.strip():
            return routine
    raise NotFoundError(f"no routine with id {routine_id!r}")


def _require(txn: Transaction, routine_id: str) -> Routine:
    for routine in txn.routines():
        if routine.id == routine_id.strip():
            return routine
    raise NotFoundError(f"no routine with id {routine_id!r}")


def _not_past(planner: Planner, date: pendulum.Date | None, what: str) -> pendulum.Date:
    today = planner.today()
    if date is None:
        return today
    if date < today:
        raise InputError(
            f"{date.to_date_string()} is in the past: {what} today or later (past days "
            "are never changed)"
        )
    return date


def _modes(planner: Planner, modes: Sequence[str]) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(m.strip() for m in modes if m.strip()))
    for name in names:
        if name not in planner.mode_table:
            raise InputError(f"unknown mode {name!r} (modes: {', '.join(planner.mode_table)})")
    return names


def judged_days(begin: pendulum.Date) -> list[pendulum.Date]:
    """The days a routine change from ``begin`` is judged on, and may record crossings on
    when crossed anyway (the planner's undo of it covers them all)."""
    return [begin.add(days=i) for i in range(HORIZON_DAYS)]


def _judged(
    planner: Planner,
    txn: Transaction,
    olds: list[Routine],
    news: list[Routine],
    begin: pendulum.Date,
    *,
    force: bool,
) -> dict[pendulum.Date, Verdict]:
    """Write the routine change, then judge each day of the horizon it touches with
    :meth:`Planner.judge`: refused (nothing written: the transaction is left by the
    error) unless ``force``, which records the crossings on each day."""
    last = begin.add(days=HORIZON_DAYS - 1)  # the last of judged_days(begin)
    dates = sorted({d for r in (*olds, *news) for d in r.dates(begin, last)})
    before = {d: txn.blocks_on(d) for d in dates}
    for old in olds:
        txn.delete_routine(old.id)
    for new in news:
        txn.put_routine(new)
    new_ids = {r.id for r in news}
    verdicts: dict[pendulum.Date, tuple[Day, Verdict, list[Block]]] = {}
    for date in dates:
        after = txn.blocks_on(date)
        day = txn.day(date)
        verdict = planner.judge(day, before[date], after)
        if verdict.broken:
            verdicts[date] = (day, verdict, [b for b in after if b.routine in new_ids])
    if verdicts and not force:
        made = new_ids - {r.id for r in olds}  # refused: their occurrences name nothing
        only = {date: _unnamed(verdict, {b.id for b in ours if b.routine in made})
                for date, (_, verdict, ours) in verdicts.items()}  # fmt: skip
        broken = next(iter(only.values())).broken
        raise RefusedError(refusal_for_days(only, "the routine's occurrences"), broken,
                           days=refused_days(list(only)))  # fmt: skip
    for day, verdict, ours in verdicts.values():
        txn.put_day(planner.settle(day, verdict, force=True, changed={b.id for b in ours}))
    return {date: verdict for date, (_, verdict, _) in verdicts.items()}


def _unnamed(verdict: Verdict, block_ids: set[str]) -> Verdict:
    for block_id in sorted(block_ids):
        verdict = verdict.unnamed(block_id)
    return verdict


def refusal_for_days(verdicts: Mapping[pendulum.Date, Verdict], what: str) -> str:
    """One line for a change refused on several days: the first few named, then a count."""
    named = []
    for date, verdict in list(verdicts.items())[:SHOWN_DAYS]:
        rules = ", ".join(dict.fromkeys(v.rule for v in verdict.broken))
        named.append(f"{fmt_date(date, 'ddd YYYY-MM-DD')} ({rules}: {verdict.broken[0].message})")
    count = f"{len(verdicts)} day{'s' if len(verdicts) != 1 else ''}"
    return (
        f"refused: {what} break hard rules on {count}: {'; '.join(named)}"
        f"{more_days(len(verdicts), len(named))}; use --force to cross the boundary anyway "
        "(recorded on each day)"
    )


def refused_days(dates: Sequence[pendulum.Date]) -> str:
    """The days of a refusal as the planner's dialog says them, under the first day's
    rules: ``Broken on Wed 2026-11-25 (as above), Thu 2026-11-26, Fri 2026-11-27 and 12 more
    days``."""
    named = [fmt_date(d, "ddd YYYY-MM-DD") for d in dates[:SHOWN_DAYS]]
    if not named:
        return ""
    named[0] += " (as above)" if len(dates) > 1 else ""
    return f"Broken on {', '.join(named)}{more_days(len(dates), len(named))}"


def more_days(total: int, named: int) -> str:
    """`` and 12 more days``: what follows the days a refusal names (empty: all named)."""
    more = total - named
    return f" and {more} more day{'s' if more != 1 else ''}" if more > 0 else ""
