"""Exporting the plan: standard events that load back, with stable UIDs, and lose nothing
on the way out and back in."""

from __future__ import annotations

import icalendar
import pendulum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flowday.application.planner import Planner
from flowday.calendars import exporting, importing
from flowday.config import from_mapping
from flowday.domain.clock import FixedClock
from flowday.domain.model import Block, Sphere
from flowday.domain.wallclock import MINUTES_PER_DAY
from flowday.store import Store

from .ics_samples import WriteIcs, d, google_calendar, vcalendar, vevent


def export(planner: Planner, first: str, last: str, **kwargs: object) -> icalendar.Calendar:
    calendar = exporting.export_calendar(planner, d(first), d(last), **kwargs)  # type: ignore[arg-type]
    return icalendar.Calendar.from_ical(calendar.to_ical())  # what another app would read


def events(calendar: icalendar.Calendar) -> list[icalendar.Event]:
    return list(calendar.walk("VEVENT"))


def fresh_planner(root: object, planner: Planner) -> Planner:
    return Planner(Store(root), planner.config, planner.clock)  # type: ignore[arg-type]


def essence(planner: Planner, first: str, last: str) -> list[tuple[object, ...]]:
    return sorted(
        (b.date.to_date_string(), b.start, b.end, b.title, b.sphere.value, b.flexible, b.notes)
        for b in planner.store.blocks_between(d(first), d(last))
    )


def all_notes(planner: Planner, first: str, last: str) -> dict[str, list[str]]:
    days = planner.store.days_between(d(first), d(last))
    return {key: sorted(day.notes) for key, day in days.items() if day.notes}


def test_export_is_standard_ics_with_sphere_as_categories(planner: Planner) -> None:
    planner.add_block(d("2026-12-01"), title="Deep work", start=540, end=660, sphere=Sphere.WORK)
    planner.add_block(
        d("2026-12-01"), title="Run", start=1080, end=1125, sphere=Sphere.PERSONAL,
        flexible=True, notes="along the river",
    )  # fmt: skip
    exported = events(export(planner, "2026-12-01", "2026-12-01"))
    by_title = {str(e["SUMMARY"]): e for e in exported}
    assert set(by_title) == {"Deep work", "Run"}
    run = by_title["Run"]
    assert run.categories == ["personal"]
    assert str(run["DESCRIPTION"]) == "along the river"
    assert run.start == pendulum.datetime(2026, 12, 1, 18, 0, tz="Europe/Berlin")
    assert run.end - run.start == pendulum.duration(minutes=45)
    assert str(run["DTSTART"].params["TZID"]) == "Europe/Berlin"
    assert by_title["Deep work"].categories == ["work"]


def test_uids_are_stable_across_exports(planner: Planner) -> None:
    result = planner.add_block(d("2026-12-01"), title="A", start=540, end=600, sphere=Sphere.WORK)
    assert result.block is not None
    first = [str(e["UID"]) for e in events(export(planner, "2026-12-01", "2026-12-01"))]
    planner.edit_block(result.block.id, title="A, renamed", start=600, end=660)
    second = [str(e["UID"]) for e in events(export(planner, "2026-12-01", "2026-12-01"))]
    assert first == second == [f"{result.block.id}@flowday"]


def test_imported_blocks_keep_their_original_uid_and_recurrence_id(
    planner: Planner, write_ics: WriteIcs
) -> None:
    importing.import_calendar(
        planner, write_ics(google_calendar()), first=d("2026-11-26"), last=d("2026-11-26")
    )
    exported = {
        (str(e["UID"]), e.get("RECURRENCE-ID") and e["RECURRENCE-ID"].dt.isoformat())
        for e in events(export(planner, "2026-11-26", "2026-11-26"))
    }
    assert exported == {
        ("standup-1@google.com", "2026-11-26T08:15:00+00:00"),
        ("review-2@google.com", None),
        ("holiday-4@google.com", None),  # the all-day note goes back out as an all-day event
    }


def test_sphere_filter(planner: Planner) -> None:
    planner.add_block(d("2026-12-01"), title="W", start=540, end=600, sphere=Sphere.WORK)
    planner.add_block(
        d("2026-12-01"), title="P", start=600, end=660, sphere=Sphere.PERSONAL, force=True
    )
    planner.add_block(d("2026-12-01"), title="B", start=720, end=750, sphere=Sphere.BREAK)
    only = export(planner, "2026-12-01", "2026-12-01", spheres=[Sphere.WORK, Sphere.BREAK])
    assert sorted(str(e["SUMMARY"]) for e in events(only)) == ["B", "W"]


def test_round_trip_into_a_fresh_store_loses_nothing(
    planner: Planner, write_ics: WriteIcs, tmp_path: object
) -> None:
    # a mix: own blocks, an imported series, an event across midnight, DST night, notes
    planner.add_block(d("2026-10-25"), title="DST night", start=60, end=240, sphere=Sphere.BREAK)
    planner.add_block(
        d("2026-11-25"), title="Deep work", start=540, end=720, sphere=Sphere.WORK,
        flexible=True, notes="chapter 3",
    )  # fmt: skip
    planner.add_block(d("2026-11-25"), title="Late", start=1380, end=1440, sphere=Sphere.PERSONAL)
    night = vevent("night", "DTSTART:20261126T210000Z", "DTEND:20261127T010000Z", summary="Train")
    importing.import_calendar(
        planner, write_ics(google_calendar()), first=d("2026-11-23"), last=d("2026-11-29")
    )
    importing.import_calendar(
        planner, write_ics(vcalendar(night), "n.ics"), first=d("2026-11-23"), last=d("2026-11-29")
    )
    path = write_ics(
        exporting.export_calendar(planner, d("2026-10-01"), d("2026-11-30")).to_ical(), "out.ics"
    )
    other = fresh_planner(tmp_path / "other", planner)  # type: ignore[operator]
    importing.import_calendar(other, path, first=d("2026-10-01"), last=d("2026-11-30"))
    assert essence(other, "2026-10-01", "2026-11-30") == essence(
        planner, "2026-10-01", "2026-11-30"
    )
    assert all_notes(other, "2026-10-01", "2026-11-30") == all_notes(
        planner, "2026-10-01", "2026-11-30"
    )
    # the pieces of the night train went out as one event and came back as two blocks
    assert sum(1 for e in events(icalendar.Calendar.from_ical(path.read_bytes()))
               if str(e["SUMMARY"]) == "Train") == 1  # fmt: skip

    # and importing our own export back into the first store changes nothing
    before = planner.store.blocks_between(d("2026-10-01"), d("2026-11-30"))
    report = importing.import_calendar(planner, path, first=d("2026-10-01"), last=d("2026-11-30"))
    assert (report.added, report.updated, report.removed) == (0, 0, 0)
    assert planner.store.blocks_between(d("2026-10-01"), d("2026-11-30")) == before
    assert all_notes(planner, "2026-11-26", "2026-11-26") == {"2026-11-26": ["Team offsite day"]}


def block_specs() -> st.SearchStrategy[list[tuple[int, int, int, str, Sphere, bool]]]:
    title = st.text(
        alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")),
        min_size=1,
        max_size=30,
    ).filter(lambda t: t.strip())
    spec = st.tuples(
        st.integers(0, 6),  # day offset
        st.integers(0, MINUTES_PER_DAY - 1),
        st.integers(1, 240),
        title,
        st.sampled_from(list(Sphere)),
        st.booleans(),
    ).map(lambda s: (s[0], s[1], min(MINUTES_PER_DAY, s[1] + s[2]), *s[3:]))
    return st.lists(spec, min_size=1, max_size=6)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(specs=block_specs())
def test_property_export_then_import_gives_the_same_blocks(
    specs: list[tuple[int, int, int, str, Sphere, bool]], tmp_path_factory: object
) -> None:
    """Any set of blocks (titles in any script, any times, DST week included) survives."""
    config = from_mapping({"timezone": "Europe/Berlin"})
    clock = FixedClock(pendulum.datetime(2026, 10, 21, 10, tz="Europe/Berlin"))
    root = tmp_path_factory.mktemp("prop")  # type: ignore[attr-defined]
    source = Planner(Store(root / "a"), config, clock)
    for offset, start, end, title, sphere, flexible in specs:
        date = d("2026-10-22").add(days=offset)  # the week of the autumn DST change
        source.add_block(
            date, title=title, start=start, end=end, sphere=sphere, flexible=flexible, force=True
        )
    payload = exporting.export_calendar(source, d("2026-10-22"), d("2026-10-28")).to_ical()
    path = root / "out.ics"
    path.write_bytes(payload)
    target = Planner(Store(root / "b"), config, clock)
    importing.import_calendar(target, path, first=d("2026-10-22"), last=d("2026-10-28"))
    assert essence(target, "2026-10-22", "2026-10-28") == essence(
        source, "2026-10-22", "2026-10-28"
    )


def test_blocks_loaded_back_are_blocks(planner: Planner) -> None:
    """The export carries the block id, so a reader can tell our events apart."""
    result = planner.add_block(d("2026-12-01"), title="A", start=540, end=600, sphere=Sphere.WORK)
    block: Block | None = result.block
    assert block is not None
    (event,) = events(export(planner, "2026-12-01", "2026-12-01"))
    assert str(event["X-FLOWDAY-BLOCK"]) == block.id


def test_notes_round_trip_and_keep_their_uids(
    planner: Planner, write_ics: WriteIcs, tmp_path: object
) -> None:
    text = vcalendar(
        vevent(
            "bday", "DTSTART;VALUE=DATE:20261202", "RRULE:FREQ=YEARLY", summary="Mum's birthday"
        ),
        vevent("remind", "DTSTART:20261202T090000Z", summary="Call the bank"),
    )
    importing.import_calendar(planner, write_ics(text), first=d("2026-12-01"), last=d("2026-12-03"))
    exported = exporting.export_calendar(planner, d("2026-12-01"), d("2026-12-03")).to_ical()
    uids = {
        (str(e["UID"]), e.get("RECURRENCE-ID") and e["RECURRENCE-ID"].dt.isoformat())
        for e in icalendar.Calendar.from_ical(exported).walk("VEVENT")
    }
    assert uids == {("bday", "2026-12-02"), ("remind", None)}
    path = write_ics(exported, "notes.ics")
    other = fresh_planner(tmp_path / "other", planner)  # type: ignore[operator]
    importing.import_calendar(other, path, first=d("2026-12-01"), last=d("2026-12-03"))
    assert all_notes(other, "2026-12-01", "2026-12-03") == all_notes(
        planner, "2026-12-01", "2026-12-03"
    )
    # and back into the first store: nothing doubles
    importing.import_calendar(planner, path, first=d("2026-12-01"), last=d("2026-12-03"))
    assert all_notes(planner, "2026-12-01", "2026-12-03") == {
        "2026-12-02": ["10:00 Call the bank", "Mum's birthday"]
    }


def test_days_off_come_back_as_days_off(
    planner: Planner, write_ics: WriteIcs, tmp_path: object
) -> None:
    # flowday's export writes a day off as an all-day event marked X-FLOWDAY-DAY-OFF: loaded
    # into another store it is a day off again (with its note), never a note about one
    from flowday.application.week import set_days_off

    set_days_off(planner, d("2026-11-26"), d("2026-11-26"), note="Dentist, then the beach")
    set_days_off(planner, d("2026-11-27"), d("2026-11-27"))
    work = planner.add_block(
        d("2026-11-26"), title="Call", start=600, end=630, sphere=Sphere.WORK, force=True
    ).block
    path = write_ics(
        exporting.export_calendar(planner, d("2026-11-23"), d("2026-11-29")).to_ical(), "off.ics"
    )
    other = fresh_planner(tmp_path / "other", planner)  # type: ignore[operator]
    report = importing.import_calendar(other, path, first=d("2026-11-23"), last=d("2026-11-29"))
    days = [other.store.day(d(date)) for date in ("2026-11-26", "2026-11-27")]
    assert [(day.off, day.off_note) for day in days] == [
        (True, "Dentist, then the beach"), (True, ""),
    ]  # fmt: skip
    assert all_notes(other, "2026-11-23", "2026-11-29") == {}
    assert "2 days off" in report.summary()
    # the work block on that day off: judged with it, never refused, the crossing recorded
    assert work is not None and report.crossed
    assert {c.rule for c in other.store.day(d("2026-11-26")).crossings} >= {"no-work-on-days-off"}
    # imported again: nothing more to do
    again = importing.import_calendar(other, path, first=d("2026-11-23"), last=d("2026-11-29"))
    assert again.days_off == 0 and again.crossed == []
