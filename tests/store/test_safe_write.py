"""The one safe write (store, calendar export, stats cache): whole files or nothing, even
with two writers at once or a write that fails half way."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from flowday import safe_write


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "export.ics"
    target.write_bytes(b"old calendar")

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(safe_write.os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space"):
        safe_write.write_atomically(target, b"new calendar, half written")
    assert target.read_bytes() == b"old calendar"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.ics"]


def test_the_calendar_export_goes_through_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flowday.calendars.exporting import write_file
    from flowday.domain.errors import InputError

    target = tmp_path / "out.ics"
    target.write_bytes(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    real_replace = os.replace
    calls: list[tuple[str, str]] = []

    def failing_replace(source: str, destination: str) -> None:
        calls.append((str(source), str(destination)))
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(safe_write.os, "replace", failing_replace)
    with pytest.raises(InputError, match="cannot write"):
        write_file(target, b"BEGIN:VCALENDAR\r\nhalf")
    monkeypatch.setattr(safe_write.os, "replace", real_replace)
    assert calls and calls[0][1] == str(target)
    assert target.read_bytes() == b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.ics"]


def test_many_writers_of_one_path_at_once_leave_one_whole_file(tmp_path: Path) -> None:
    # The stats cache used one fixed temp name per process: two writers (threads here,
    # processes in life) could rename each other's half-written temp file into place.
    target = tmp_path / "cache.json"
    payloads = [json.dumps({"writer": n, "pad": "x" * 200_000}).encode() for n in range(8)]
    errors: list[BaseException] = []

    def write(payload: bytes) -> None:
        try:
            for _ in range(5):
                safe_write.write_atomically(target, payload)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(p,)) for p in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert target.read_bytes() in payloads
    assert [p.name for p in tmp_path.iterdir()] == ["cache.json"]
