"""How long does `flowday import` take on hostile and on large calendars?

Run by hand (not in CI):  python bench/bench_calendars.py [--runs 3]

Each case is a calendar file generated here, imported by a fresh `flowday import`
process into an empty data folder (a new one per run). Interleaved in the same run:
  - `flowday list` (baseline: process start, nothing to import),
  - a small real-world-shaped calendar (five events),
  - the hostile corpus of issue 7: each must end with a clear error or a bounded import
    within 2 seconds,
  - the largest calendars the bounds accept (file size, blocks per import).
Prints the median seconds, the ratio against the baseline, the exit status, the first
line of output and whether the 2-second target holds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 2.0
RANGE = ("--from", "2026-12-01", "--to", "2027-02-28")


def vcalendar(*events: str) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\n"
        + "".join(events)
        + "END:VCALENDAR\r\n"
    )


def vevent(uid: str, *lines: str, summary: str = "Meeting") -> str:
    body = [f"UID:{uid}", "DTSTAMP:20261101T000000Z", f"SUMMARY:{summary}", *lines]
    return "BEGIN:VEVENT\r\n" + "".join(f"{line}\r\n" for line in body) + "END:VEVENT\r\n"


def timed(uid: str, rule: str, start: str = "20261201T090000Z") -> str:
    end = start[:9] + "093000Z"
    return vcalendar(vevent(uid, f"DTSTART:{start}", f"DTEND:{end}", f"RRULE:{rule}"))


def big_legit(target_bytes: int, years: int = 3, pad: int = 0) -> str:
    """Ordinary meetings spread over `years` years, as many as fit in `target_bytes`
    (each description `pad` characters longer)."""
    events, size, number = [], 200, 0
    while True:
        day = number % (365 * years)
        month_day = f"2026{1 + (day // 28) % 12:02d}{1 + day % 28:02d}"
        year = 2026 + day // 336
        stamp = f"{year}{month_day[4:]}"
        hour = 8 + number % 9
        event = vevent(
            f"meeting-{number}@bench",
            f"DTSTART;TZID=Europe/Berlin:{stamp}T{hour:02d}0000",
            f"DTEND;TZID=Europe/Berlin:{stamp}T{hour:02d}4500",
            "DESCRIPTION:Agenda: status\\, risks\\, next steps" + " notes" * (pad // 6),
            summary=f"Project sync {number}",
        )
        if size + len(event) > target_bytes:
            break
        events.append(event)
        size += len(event)
        number += 1
    return vcalendar(*events)


def cases() -> dict[str, tuple[bytes, tuple[str, ...]]]:
    yearly = "RRULE:FREQ=YEARLY"
    corpus: dict[str, str | bytes] = {
        "small real-world calendar": vcalendar(
            *[
                vevent(f"e{i}", f"DTSTART:2026120{i + 1}T090000Z", f"DTEND:2026120{i + 1}T100000Z")
                for i in range(5)
            ]
        ),
        "garbage bytes": os.urandom(4096),
        "huge file (50 MB)": b"BEGIN:VCALENDAR\r\n" + b"X-JUNK:" + b"a" * 50_000_000,
        "INTERVAL=0": timed("zero", "FREQ=DAILY;INTERVAL=0"),
        "FREQ=SECONDLY;COUNT=1000000000": timed("sec", "FREQ=SECONDLY;COUNT=1000000000"),
        "year 1800 / 2500 / 0000": vcalendar(
            vevent("y1", "DTSTART:18001201T090000Z", yearly),
            vevent("y2", "DTSTART:25001201T090000Z", yearly),
            vevent("y3", "DTSTART:00001201T090000Z", yearly),
        ),
        "control characters in titles": vcalendar(
            *[
                vevent(
                    f"c{i}",
                    "DTSTART:20261201T090000Z",
                    "DTEND:20261201T100000Z",
                    summary="\x1b[31m\x07\u202eevil\x00" * 10,
                )
                for i in range(20)
            ]
        ),
        "time zone changing every second": vcalendar(
            "BEGIN:VTIMEZONE\r\nTZID:W. Europe Standard Time\r\nBEGIN:STANDARD\r\n"
            "DTSTART:16010101T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"
            "RRULE:FREQ=SECONDLY\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n",
            vevent(
                "tz",
                'DTSTART;TZID="W. Europe Standard Time":20261201T100000',
                'DTEND;TZID="W. Europe Standard Time":20261201T110000',
            ),
        ),
        "never matches (30 Feb), DAILY": timed("f", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"),
        "never matches (30 Feb), HOURLY": timed("h", "FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30"),
        "never matches (BYSETPOS=5)": timed("s", "FREQ=DAILY;BYSETPOS=5"),
        "HOURLY since 1900": timed("old", "FREQ=HOURLY", start="19000101T090000Z"),
        "HOURLY in range (too many blocks)": timed("hr", "FREQ=HOURLY"),
        "40 DAILY;COUNT series since 2000": vcalendar(
            *[
                vevent(
                    f"d{i}",
                    "DTSTART:20000101T090000Z",
                    "DTEND:20000101T093000Z",
                    "RRULE:FREQ=DAILY;COUNT=100000",
                )
                for i in range(40)
            ]
        ),
        "150 weekly series since 2009, 100 ended": vcalendar(
            *[
                vevent(
                    f"w{i}",
                    f"DTSTART;TZID=Europe/Berlin:{2009 + i % 15}{1 + i % 12:02d}{1 + i % 28:02d}"
                    f"T{8 + i % 10:02d}{30 * (i // 10 % 2):02d}00",
                    f"DTEND;TZID=Europe/Berlin:{2009 + i % 15}{1 + i % 12:02d}{1 + i % 28:02d}"
                    f"T{8 + i % 10:02d}{30 * (i // 10 % 2) + 25:02d}00",
                    "RRULE:FREQ=WEEKLY;BYDAY="
                    + ("MO", "TU", "WE", "TH", "FR")[i % 5]
                    + (";UNTIL=20250101T000000Z" if i % 3 else ""),
                )
                for i in range(150)
            ]
        ),
        "32 overlapping events a day": vcalendar(
            *[
                vevent(
                    f"o{i}",
                    "DTSTART:20261201T080000Z",
                    "DTEND:20261201T090000Z",
                    "RRULE:FREQ=DAILY",
                )
                for i in range(32)
            ]
        ),
        "2,000 events at the same hour": vcalendar(
            *[
                vevent(f"s{i}", "DTSTART:20261201T080000Z", "DTEND:20261201T090000Z")
                for i in range(2000)
            ]
        ),
        "deep nesting (5,000 levels)": "BEGIN:VCALENDAR\r\n"
        + "BEGIN:X-A\r\n" * 5000
        + "END:X-A\r\n" * 5000
        + "END:VCALENDAR\r\n",
        # bounds.MAX_FILE_BYTES, in (just under) bounds.MAX_EVENTS events
        "largest accepted file (~8 MB)": big_legit(8 * 1024 * 1024 - 4096, pad=186),
        "most blocks accepted (~1,980)": timed(
            "many", "FREQ=DAILY;BYHOUR=8,9,10,11,12,13,14,15,16"
        ),
    }
    built = {}
    for name, text in corpus.items():
        payload = text if isinstance(text, bytes) else text.encode("utf-8")
        extra = RANGE
        if "most blocks" in name:
            extra = ("--from", "2026-12-01", "--to", "2027-07-08")
        elif "overlapping" in name:
            extra = ("--from", "2026-12-01", "--to", "2027-01-31")  # 62 days: 1,984 blocks
        built[name] = (payload, extra)
    return built


def run_once(args: list[str], data: Path) -> tuple[float, int, str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "FLOWDAY_DATA_DIR": str(data),
        "FLOWDAY_NOW": "2026-11-25T10:00",
        "FLOWDAY_TZ": "Europe/Berlin",
    }
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "flowday", *args], capture_output=True, text=True, env=env
    )
    seconds = time.perf_counter() - started
    first = (done.stdout.strip() or done.stderr.strip()).splitlines()
    return seconds, done.returncode, first[0][:90] if first else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="flowday-bench-cal-"))
    try:
        corpus = cases()
        files = {}
        for index, (name, (payload, _)) in enumerate(corpus.items()):
            files[name] = folder / f"case{index}.ics"
            files[name].write_bytes(payload)
        timings: dict[str, list[float]] = {"baseline: flowday list": []}
        outcome: dict[str, tuple[int, str]] = {}
        for run in range(options.runs):
            data = folder / f"data-base-{run}"
            seconds, status, first = run_once(["list"], data)
            timings["baseline: flowday list"].append(seconds)
            outcome["baseline: flowday list"] = (status, first)
            for index, (name, (_, extra)) in enumerate(corpus.items()):
                data = folder / f"data-{index}-{run}"
                seconds, status, first = run_once(["import", str(files[name]), *extra], data)
                timings.setdefault(name, []).append(seconds)
                outcome[name] = (status, first)
        base = statistics.median(timings["baseline: flowday list"])
        sizes = {name: len(payload) for name, (payload, _) in corpus.items()}
        print(f"{'case':<36} {'size':>9} {'median s':>9} {'x list':>7} {'<2s':>4} exit  output")
        for name, values in timings.items():
            median = statistics.median(values)
            size = sizes.get(name, 0)
            ok = "yes" if median < TARGET_SECONDS else "NO"
            status, first = outcome[name]
            print(
                f"{name:<36} {size:>9,} {median:>9.2f} {median / base:>7.1f} {ok:>4} "
                f"{status:>4}  {first}"
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
