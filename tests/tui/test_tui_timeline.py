"""The timeline and panels as painted: zoom keys (remembered between runs), the sphere kept
in every state, the footer following focus, and the Rules panel's short and full forms.
One planner start for all of it."""

from __future__ import annotations

from rich.color import Color as RichColor

from flowday.application.planner import Planner
from flowday.domain.model import Sphere
from flowday.tui.screens.main import STATE_ZOOM, MainScreen
from flowday.tui.widgets.side_panel import SidePanel
from flowday.tui.widgets.timeline import Timeline

from .conftest import TODAY


def footer(screen: MainScreen) -> list[str]:
    """What the footer shows, in order: key and label (a group's label once)."""
    shown = [(k, a.binding) for k, a in screen.active_bindings.items() if a.binding.show]
    return [f"{k} {b.description}" for k, b in shown]


def painted(timeline: Timeline, title: str) -> list:
    """The segments of the row where ``title`` is drawn."""
    for y in range(timeline.size.height):
        segments = list(timeline.render_line(y))
        if any(title in s.text for s in segments):
            return segments
    raise AssertionError(f"{title} not on screen")


async def test_zoom_sphere_footer_and_rules(seeded: Planner, make_app) -> None:
    # a crossed block (hard rule) and a warned one beside the plain ones
    seeded.add_block(TODAY, title="Late mail", start=21 * 60, end=21 * 60 + 30,
                     sphere=Sphere.WORK, force=True)  # fmt: skip
    seeded.add_block(TODAY, title="Tiny", start=16 * 60, end=16 * 60 + 5, sphere=Sphere.WORK)
    app = make_app(seeded)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.main
        timeline = screen.query_one(Timeline)
        assert timeline.layout_data.row_minutes == 15 and screen.zoom == "15"

        # every state keeps the sphere's colour on the block's text: selected (Standup),
        # crossed (Late mail), warned (Tiny, min-block); only the edge column is marked
        work = RichColor.parse(app.theme_variables["flowday-work"]).get_truecolor()
        await pilot.press("z")  # 5 minutes a row: Tiny gets its own row
        assert timeline.layout_data.row_minutes == 5
        for title in ("Standup", "Tiny", "Late mail"):
            timeline.select(next(b.id for b in timeline.blocks if b.title == title))
            await pilot.pause()
            segments = painted(timeline, title)
            text = next(s for s in segments if title in s.text)
            assert text.style.bgcolor.get_truecolor() == work, title
            edge = segments[segments.index(text) - 1]
            assert edge.text == "▸" and edge.style.bgcolor.get_truecolor() != work
        timeline.select(None)  # Late mail no longer selected: its edge says crossed
        await pilot.pause()
        segments = painted(timeline, "Late mail")
        text = next(s for s in segments if "Late mail" in s.text)
        assert text.text.startswith("✖ ■ Late mail")
        edge = segments[segments.index(text) - 1]
        violation = RichColor.parse(app.theme_variables["flowday-violation"])
        assert edge.style.bgcolor.get_truecolor() == violation.get_truecolor()
        timeline.select(next(b.id for b in timeline.blocks if b.title == "Standup"))

        # zoom out twice (5 → 15 → 30), fit, and each is remembered in the store
        await pilot.press("Z", "Z")
        assert timeline.layout_data.row_minutes == 30
        assert seeded.store.state()[STATE_ZOOM] == "30"
        await pilot.press("f")
        assert screen.zoom == "fit" and timeline.fit_wall == 7 * 60
        assert len(timeline.layout_data.rows) <= 48  # the waking day fits 27 rows: 60m
        assert timeline.render_line(0).text.startswith("60m fit")
        assert MainScreen(seeded, TODAY)._remembered_zoom() == "fit"  # the next run's
        with seeded.store.transaction() as txn:  # a value from elsewhere: the default
            txn.set_state(**{STATE_ZOOM: "7"})
        assert MainScreen(seeded, TODAY)._remembered_zoom() == "15"
        await pilot.press("f")
        assert screen.zoom == "15" and seeded.store.state()[STATE_ZOOM] == "15"

        # the first visible row says its hour and the block begun above it
        deep = next(b for b in timeline.blocks if b.title == "Deep work")
        first, _ = timeline.layout_data.rows_of(deep.id)
        timeline.scroll_to(y=first + 2, animate=False, immediate=True)
        await pilot.pause()
        top = timeline.render_line(1).text
        assert top.startswith("10:00") and "Deep work 09:30-11:30" in top

        # the footer follows focus: block keys on the timeline, task keys on the inbox,
        # and tab says where it leads
        assert footer(screen)[:4] == ["tab Inbox", "a Add", "e Edit", "d Del"]
        assert "J Move" in footer(screen) and "z Zoom" in footer(screen)
        await pilot.press("tab")
        side = screen.query_one(SidePanel)
        assert footer(screen)[:2] == ["tab Rules", "s Schedule"]
        assert "K Prio" in footer(screen) and "a Add" not in footer(screen)
        assert side.query_one("#inbox-panel").has_class("-focused")
        await pilot.press("tab")
        assert footer(screen)[:2] == ["tab Timeline", "enter Go to block"]
        assert side.query_one("#rules-panel").has_class("-focused")
        assert not side.query_one("#inbox-panel").has_class("-focused")

        # Rules: short forms with titles, never ids; the full reason under the list
        rules = side.query_one("#rules")
        prompts = [str(rules.get_option_at_index(i).prompt) for i in range(rules.option_count)]
        ids = [b.id for b in timeline.blocks]
        assert not any(i in p for p in prompts for i in ids)
        assert "✖ work-inside-window · Late mail · 30m outside" in prompts
        late = prompts.index("✖ work-inside-window · Late mail · 30m outside")
        rules.highlighted = late
        await pilot.pause()
        detail = str(side.query_one("#rule-detail").render())
        assert "Work block 'Late mail' 21:00-21:30 is outside your work window" in detail
        assert side.query_one("#rule-detail").display
