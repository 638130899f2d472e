"""Keep the stats cache of these tests in their own temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def stats_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "stats-cache"
    monkeypatch.setenv("FLOWDAY_CACHE_DIR", str(folder))
    return folder
