"""Fixtures for the theme tests: the user's themes folder (inside the isolated HOME) and a
writer of small theme files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from flowday.themes import shipped_themes_dir, user_themes_dir

VALID_THEME = """\
description = "a test theme"
dark = true
[colors]
primary = "#112233"
background = "#000000"
[flowday]
work = "#4488CC"
"""

ThemeWriter = Callable[[str, str], Path]


@pytest.fixture
def user_themes() -> Path:
    folder = user_themes_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def write_theme(user_themes: Path) -> ThemeWriter:
    """``write_theme("name", text)`` puts ``name.toml`` in the user's themes folder."""

    def write(name: str, text: str = VALID_THEME) -> Path:
        path = user_themes / f"{name}.toml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def shipped_names() -> list[str]:
    return sorted(p.stem for p in shipped_themes_dir().glob("*.toml"))
