"""Intrusions: boundary violations logged as they happen (``flowday intrusion``, the
planner's key) or by an import whose event landed in the other sphere's protected time.

Which side intruded, when nobody says: the time belongs to the block planned then (a work
block is work's time), else to the work window on a working day and to personal life
outside it; the other side is the intruder.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import pendulum

from flowday.application.planner import Planner
from flowday.domain.errors import InputError
from flowday.domain.frozen import replace
from flowday.domain.model import IMPORTED, MANUAL, Block, Day, Intrusion, Sphere, stamp
from flowday.domain.rules import DayContext, Violation
from flowday.domain.text import TITLE_LIMIT, clean_text

# the hard rules that keep one sphere out of the other's time: an imported block that
# newly breaks one of them landed in the other sphere's protected time
BOUNDARY_RULES = frozenset({
    "work-inside-window", "personal-outside-window", "no-work-on-days-off",
    "protected-off-time", "work-outside-limit",
})  # fmt: skip


def owner_at(ctx: DayContext, minute: int) -> Sphere:
    """Whose time ``minute`` is: the sphere of the block planned then (work or personal),
    else work inside the window on a working day, personal otherwise."""
    for block in ctx.blocks:
        if block.sphere is not Sphere.BREAK and block.start <= minute < block.end:
            return block.sphere
    inside = ctx.working_day and ctx.work_start <= minute < ctx.work_end
    return Sphere.WORK if inside else Sphere.PERSONAL


def log_intrusion(
    planner: Planner,
    date: pendulum.Date,
    *,
    from_sphere: Sphere | None = None,
    at: int | None = None,
    note: str = "",
) -> Intrusion:
    """Log a boundary violation on ``date`` by hand. ``at`` defaults to now (today only);
    ``from_sphere`` to the side that does not own that time (see :func:`owner_at`)."""
    if from_sphere is Sphere.BREAK:
        raise InputError("an intrusion comes from work or personal life, not a break")
    if at is None:
        now = planner.now()
        if date != now.date():
            raise InputError("give the time it happened (--at HH:MM) for another day")
        at = now.hour * 60 + now.minute
    with planner.store.transaction() as txn:
        day = txn.day(date)
        if from_sphere is None:
            owner = owner_at(planner.context(day, txn.blocks_on(date)), at)
            from_sphere = Sphere.PERSONAL if owner is Sphere.WORK else Sphere.WORK
        intrusion = Intrusion(from_sphere, at, clean_text(note, limit=TITLE_LIMIT), MANUAL, "",
                              stamp(planner.now()))  # fmt: skip
        txn.put_day(replace(day, intrusions=(*day.intrusions, intrusion)))
    return intrusion


def remove_intrusion(planner: Planner, date: pendulum.Date, number: int) -> Intrusion:
    """Remove the ``number``-th intrusion of ``date`` (1 is the first logged, as
    ``flowday intrusion --list`` numbers them): one logged by mistake. An imported one comes
    back if the same event is imported again and still breaks the boundary."""
    with planner.store.transaction() as txn:
        day = txn.day(date)
        count = len(day.intrusions)
        if not 1 <= number <= count:
            held = f"it has {count}" if count else "it has none"
            raise InputError(f"no intrusion {number} on {date.to_date_string()} ({held})")
        removed = day.intrusions[number - 1]
        kept = day.intrusions[: number - 1] + day.intrusions[number:]
        txn.put_day(replace(day, intrusions=kept))
    return removed


def with_imported_intrusions(
    day: Day,
    blocks: Sequence[Block],
    broken: Sequence[Violation],
    imported: Collection[str],
    logged: str,
) -> Day:
    """``day`` with an intrusion for each imported block that newly broke a boundary rule
    (its sphere reached into the other's protected time); a block already logged (a
    re-import) is not logged twice."""
    by_id = {block.id: block for block in blocks}
    seen = {i.block for i in day.intrusions if i.source == IMPORTED}
    added: list[Intrusion] = []
    for violation in broken:
        if violation.rule not in BOUNDARY_RULES:
            continue
        for block_id in violation.blocks:
            block = by_id.get(block_id)
            if block is None or block_id not in imported or block_id in seen:
                continue
            if block.sphere is Sphere.BREAK:
                continue
            seen.add(block_id)
            added.append(Intrusion(block.sphere, block.start, block.title, IMPORTED, block.id,
                                   logged))  # fmt: skip
    return replace(day, intrusions=(*day.intrusions, *added)) if added else day


def week_heat(planner: Planner, monday: pendulum.Date) -> list[tuple[pendulum.Date, list[int]]]:
    """Intrusions per day and hour for the week from ``monday`` (those without a time are
    counted in the figures, not here)."""
    days = planner.store.days_between(monday, monday.add(days=6))
    rows = []
    for offset in range(7):
        date = monday.add(days=offset)
        counts = [0] * 24
        day = days.get(date.to_date_string())
        for intrusion in day.intrusions if day else ():
            if intrusion.at is not None:
                counts[min(intrusion.at // 60, 23)] += 1
        rows.append((date, counts))
    return rows
