"""A day's availability, to share with people: busy stretches and the free gaps between.

Pure: blocks in, stretches out (the calendar's ``share`` and free/busy write them out).
"""

from __future__ import annotations

from flowday.domain import intervals
from flowday.domain.frozen import Record, define, replace
from flowday.domain.model import Block
from flowday.domain.text import strip_controls
from flowday.domain.wallclock import fmt_minutes

SHARE_HOURS = (8 * 60, 21 * 60)  # the part of the day offered as "free"
MIN_FREE = 15  # gaps shorter than this are not worth offering


@define
class Stretch(Record):
    start: int
    end: int
    busy: bool
    label: str = ""  # "work", or "work: Standup" with details

    def text(self) -> str:
        span = f"{fmt_minutes(self.start)}-{fmt_minutes(self.end)}"
        if not self.busy:
            return f"free {span}"
        return f"busy {span} ({self.label})"


def day_availability(
    blocks: list[Block], *, details: bool = False, hours: tuple[int, int] = SHARE_HOURS
) -> list[Stretch]:
    """Busy stretches (merged per sphere unless ``details``) and the free gaps between
    them inside ``hours``, in time order."""
    busy: list[Stretch] = []
    for block in sorted(blocks, key=lambda b: (b.start, b.end)):
        label = block.sphere.value
        if details:
            label = f"{label}: {strip_controls(block.title)}"
        last = busy[-1] if busy else None
        # only the stretch just before joins: a sphere's stretches stay apart where another
        # sphere's block lies between them
        if not details and last and last.label == label and block.start <= last.end:
            busy[-1] = replace(last, end=max(last.end, block.end))
        else:
            busy.append(Stretch(block.start, block.end, True, label))
    spans = ((s.start, s.end) for s in busy)
    free = [
        Stretch(start, end, False)
        for start, end in intervals.gaps(spans, hours[0], hours[1], min_length=MIN_FREE)
    ]
    return sorted([*busy, *free], key=lambda s: (s.start, not s.busy, s.end))
