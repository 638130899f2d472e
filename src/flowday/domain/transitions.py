"""Transitions: the switches between work and personal time, and the buffers a mode keeps
free at them.

Every move from one sphere to the other is a boundary crossing with a cost (Ashforth,
Kreiner & Fugate 2000): this module finds them in a day's blocks, pure and fast, for the
rule that warns about a missing buffer (``transition-buffer``), the scheduler that keeps
buffers free, the figures and the drawing.

How a day is read:

* Blocks in time order; a *run* is a stretch of blocks of one sphere. A **break belongs to
  neither sphere and never ends one**: work, lunch, work is one work run (no switch), and
  a break between work and personal time lies in the gap and counts as buffer (a walk home
  is a transition).
* A **switch** is where the next run starts: from the latest end of the run left to the
  first block of the new sphere. Its *gap* is the real time between them (0 when they
  touch or overlap: an **abrupt** switch).
* A mode's :class:`Buffers` say how much gap each switch needs, sized by its kind: after
  work (work → personal), before work (personal → work), and after a long work run (at
  least ``long_work`` minutes of work since the last switch: deep work needs longer to
  leave than a short task). A switch *keeps* its buffer when its gap is at least that.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from flowday.domain.frozen import Record, define
from flowday.domain.model import Block, Sphere
from flowday.domain.timeparse import fmt_duration

# The transition-buffer rule's parameters are the mode's buffers (one model, one place in
# the config: [modes.NAME.rules] transition-buffer = { ... }); "minutes" keeps its old
# name, the buffer after work, so configs written before the other kinds still mean it.
AFTER_WORK, BEFORE_WORK, AFTER_LONG_WORK, LONG_WORK = (
    "minutes", "before-work", "after-long-work", "long-work",
)  # fmt: skip


@define(slots=True)
class Buffers(Record):
    """Free minutes a mode keeps at each kind of switch (0: none required)."""

    after_work: int = 0  # work → personal
    before_work: int = 0  # personal → work
    after_long_work: int = 0  # work → personal after a long work run (0: as after_work)
    long_work: int = 0  # work minutes in a run that make it long (0: no run is long)

    @classmethod
    def from_params(cls, params: Mapping[str, int] | None) -> Buffers:
        """The buffers of a ``transition-buffer`` rule use (None: the mode has none)."""
        if params is None:
            return cls()
        return cls(
            after_work=int(params.get(AFTER_WORK, 0)),
            before_work=int(params.get(BEFORE_WORK, 0)),
            after_long_work=int(params.get(AFTER_LONG_WORK, 0)),
            long_work=int(params.get(LONG_WORK, 0)),
        )

    def required(self, leaving: Sphere, run_work: int) -> int:
        """The buffer a switch needs: leaving ``leaving`` after ``run_work`` minutes of work
        in the run left."""
        if leaving is Sphere.PERSONAL:
            return self.before_work
        if self.long_work and run_work >= self.long_work:
            return max(self.after_work, self.after_long_work)
        return self.after_work

    @property
    def any(self) -> bool:
        return bool(self.after_work or self.before_work or self.after_long_work)

    def describe(self) -> str:
        """In words, for ``flowday mode`` and the help."""
        parts = []
        if self.after_work:
            parts.append(f"{fmt_duration(self.after_work)} after work")
        if self.after_long_work > self.after_work and self.long_work:
            parts.append(
                f"{fmt_duration(self.after_long_work)} after {fmt_duration(self.long_work)}+ "
                "of work"
            )
        if self.before_work:
            parts.append(f"{fmt_duration(self.before_work)} before work")
        return ", ".join(parts) or "none"


WORK_TO_PERSONAL, PERSONAL_TO_WORK = "work-to-personal", "personal-to-work"


@define(slots=True)
class Switch(Record):
    """One crossing between the spheres."""

    left: Block  # the block of the run left that ends last
    entered: Block  # the first block of the new run
    gap: int  # real minutes between them (0: they touch or overlap)
    required: int  # the buffer the mode wants here
    run_work: int  # work minutes in the run left (what makes it "long")

    @property
    def leaving(self) -> Sphere:
        return self.left.sphere

    @property
    def direction(self) -> str:
        return WORK_TO_PERSONAL if self.left.sphere is Sphere.WORK else PERSONAL_TO_WORK

    @property
    def start(self) -> int:
        """Wall-clock minute the gap starts (the run left ends)."""
        return min(self.left.end, self.entered.start)

    @property
    def at(self) -> int:
        """Wall-clock minute the new sphere starts: where the switch is drawn."""
        return self.entered.start

    @property
    def abrupt(self) -> bool:
        return self.gap == 0

    @property
    def kept(self) -> bool:
        return self.gap >= self.required


def _plain_length(start: int, end: int) -> int:
    return max(0, end - start)


def find_switches(
    ordered: Sequence[Block],
    buffers: Buffers = Buffers(),
    length: Callable[[int, int], int] = _plain_length,
) -> list[Switch]:
    """The switches of blocks sorted by start; ``length`` gives real minutes between two
    wall-clock minutes (the default is wall time: pass ``DayView.length`` on DST days)."""
    found: list[Switch] = []
    last: Block | None = None  # the block of the current run that ends last
    run_work = 0
    for block in ordered:
        if block.sphere is Sphere.BREAK:
            continue  # a break never ends a run (see the module's docstring)
        minutes = length(block.start, block.end)
        if last is None or block.sphere is last.sphere:
            if last is None or block.end >= last.end:
                last = block
            run_work += minutes if block.sphere is Sphere.WORK else 0
            continue
        gap = length(last.end, block.start) if block.start > last.end else 0
        found.append(Switch(last, block, gap, buffers.required(last.sphere, run_work), run_work))
        last, run_work = block, (minutes if block.sphere is Sphere.WORK else 0)
    return found
