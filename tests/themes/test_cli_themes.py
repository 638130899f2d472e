"""``flowday themes``: names, sources and the default; bad files warn, never fail."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable

from flowday.themes import DEFAULT_THEME, user_themes_dir

from .conftest import ThemeWriter

CliRunner = Callable[..., subprocess.CompletedProcess[str]]


def test_lists_shipped_themes_and_marks_the_default(cli: CliRunner, shipped_names) -> None:
    result = cli("themes")
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines() if line.startswith("  ")]
    assert [row[0] for row in rows] == shipped_names
    marked = [row[0] for row in rows if "(default)" in row]
    assert marked == [DEFAULT_THEME]
    assert all(row[1] == "shipped" for row in rows)
    assert f"your own themes: {user_themes_dir()}" in result.stdout
    assert result.stderr == ""


def test_user_themes_appear_and_broken_ones_warn(
    cli: CliRunner, write_theme: ThemeWriter, shipped_names
) -> None:
    write_theme("mine")
    write_theme("flowday-light")
    broken = write_theme("broken", "dark = true\n[colors]\nprimary = 'red'\n")
    result = cli("themes", "--json")
    assert result.returncode == 0
    themes = {theme["name"]: theme for theme in json.loads(result.stdout)}
    assert sorted(themes) == sorted([*shipped_names, "mine"])
    assert themes["mine"]["source"] == "user"
    assert themes["flowday-light"]["source"] == "user"
    assert themes[DEFAULT_THEME]["default"] is True
    assert result.stderr.count("warning") == 1
    assert (
        str(broken) in result.stderr and "colors.primary = 'red' is not a colour" in result.stderr
    )

    text = cli("themes").stdout
    assert "user, replaces shipped" in text


# that `flowday themes` never imports Textual is probed with every other command in
# tests/test_architecture.py (one interpreter for all of them)
