"""Fixtures for the calendar tests (samples live in ics_samples.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .ics_samples import WriteIcs


@pytest.fixture
def write_ics(tmp_path: Path) -> WriteIcs:
    def write(text: str | bytes, name: str = "calendar.ics") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode() if isinstance(text, str) else text)
        return path

    return write
