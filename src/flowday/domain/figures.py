"""A day in numbers (real minutes and counts), for the TUI's summary and the insights."""

from __future__ import annotations

from flowday.domain import intervals
from flowday.domain.frozen import Record, define
from flowday.domain.model import Day, Outcome, Sphere, as_it_happened
from flowday.domain.rules import DayContext, DayView, view_switches
from flowday.domain.wallclock import MINUTES_PER_DAY


@define(slots=True)
class DayFigures(Record):
    work: int = 0
    personal: int = 0
    break_: int = 0
    work_outside_window: int = 0
    switches: int = 0  # changes between work and personal, breaks aside
    crossings: int = 0  # hard rules crossed on purpose in the plan ("planned crossings")
    mode_switches: int = 0
    work_span: int = 0  # first work start → last work end
    longest_off: int = 0  # longest stretch of the calendar day with no work
    # what happened: blocks never marked count as planned = actual, skipped ones not at all
    actual_work: int = 0
    overruns: int = 0  # rules what really happened crossed (recorded apart from crossings)
    done: int = 0
    skipped: int = 0
    # transitions (domain.transitions): switches with no gap, buffers the mode asks for
    # kept or not, and boundary violations logged, by who intruded
    abrupt_switches: int = 0
    buffers_kept: int = 0
    buffers_short: int = 0
    intrusions_from_work: int = 0
    intrusions_from_personal: int = 0

    def to_dict(self) -> dict[str, int]:
        return {
            "work": self.work,
            "personal": self.personal,
            "break": self.break_,
            "work_outside_window": self.work_outside_window,
            "switches": self.switches,
            "crossings": self.crossings,
            "mode_switches": self.mode_switches,
            "work_span": self.work_span,
            "longest_off": self.longest_off,
            "actual_work": self.actual_work,
            "overruns": self.overruns,
            "done": self.done,
            "skipped": self.skipped,
            "abrupt_switches": self.abrupt_switches,
            "buffers_kept": self.buffers_kept,
            "buffers_short": self.buffers_short,
            "intrusions_from_work": self.intrusions_from_work,
            "intrusions_from_personal": self.intrusions_from_personal,
        }


def day_figures(ctx: DayContext, day: Day) -> DayFigures:
    view = DayView(ctx)
    totals = dict.fromkeys(Sphere, 0)
    for block in view.ordered:
        totals[block.sphere] += view.minutes(block)
    work = view.work
    happened = DayView(ctx.with_blocks(tuple(as_it_happened(list(ctx.blocks)))))
    outside = sum(view.outside(b, ctx.work_start, ctx.work_end) for b in work)
    span = view.length(work[0].start, max(b.end for b in work)) if work else 0
    # longest stretch with no work, midnight to midnight (in real minutes: DST days)
    off = intervals.gaps(((b.start, b.end) for b in work), 0, MINUTES_PER_DAY)
    longest = max((view.length(start, end) for start, end in off), default=0)
    switches = view_switches(view)
    buffered = [s for s in switches if s.required]
    from_work = sum(1 for i in day.intrusions if i.from_sphere is Sphere.WORK)
    return DayFigures(
        work=totals[Sphere.WORK],
        personal=totals[Sphere.PERSONAL],
        break_=totals[Sphere.BREAK],
        work_outside_window=outside,
        switches=len(switches),
        crossings=sum(1 for c in day.crossings if not c.overrun),
        mode_switches=len(day.mode_switches),
        work_span=span,
        longest_off=longest,
        actual_work=sum(happened.minutes(b) for b in happened.work),
        overruns=sum(1 for c in day.crossings if c.overrun),
        done=sum(1 for b in ctx.blocks if b.outcome is Outcome.DONE),
        skipped=sum(1 for b in ctx.blocks if b.outcome is Outcome.SKIPPED),
        abrupt_switches=sum(1 for s in switches if s.abrupt),
        buffers_kept=sum(1 for s in buffered if s.kept),
        buffers_short=sum(1 for s in buffered if not s.kept),
        intrusions_from_work=from_work,
        intrusions_from_personal=len(day.intrusions) - from_work,
    )
