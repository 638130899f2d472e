"""Reading theme files: a user's themes join the shipped ones; a bad file never crashes,
it gives one warning naming the file and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flowday.themes import (
    DEFAULT_THEME,
    ThemeFileError,
    choose_theme,
    load_catalog,
    load_theme_file,
    parse_color,
)

from .conftest import VALID_THEME, ThemeWriter


def test_a_user_theme_appears_beside_the_shipped_ones(write_theme: ThemeWriter) -> None:
    write_theme("mine")
    catalog = load_catalog()
    assert catalog.themes["mine"].source == "user"
    assert catalog.themes["mine"].colors["primary"] == "#112233"
    assert catalog.themes["mine"].variables() == {"flowday-work": "#4488CC"}
    assert catalog.themes[DEFAULT_THEME].source == "shipped"
    assert catalog.warnings() == []


def test_a_user_theme_replaces_a_shipped_theme_of_the_same_name(
    write_theme: ThemeWriter,
) -> None:
    write_theme(DEFAULT_THEME)
    catalog = load_catalog()
    assert catalog.themes[DEFAULT_THEME].source == "user"
    assert catalog.shadowed[DEFAULT_THEME].source == "shipped"


MALFORMED = [
    ("not toml", "dark = true\n[colors\nprimary = '#000000'\n", "not valid TOML (Expected ']'"),
    ("bad colour", VALID_THEME.replace('"#112233"', '"blueish"'),
     "colors.primary = 'blueish' is not a colour"),
    ("short hex", VALID_THEME.replace('"#112233"', '"#12345"'), "colors.primary = '#12345'"),
    ("colour not text", VALID_THEME.replace('"#112233"', "112233"), "colors.primary = 112233"),
    ("unknown colour", VALID_THEME + 'brake = "#FF0000"\n', "unknown colour flowday.brake"),
    ("unknown setting", "colours = 1\n" + VALID_THEME, "unknown setting 'colours'"),
    ("no dark", VALID_THEME.replace("dark = true\n", ""), "'dark' must be set to true or false"),
    ("dark not bool", VALID_THEME.replace("dark = true", 'dark = "yes"'), "'dark' must be set"),
    ("no primary", VALID_THEME.replace('primary = "#112233"\n', ""), "at least 'primary'"),
    ("colors not a table", 'dark = true\ncolors = "#112233"\n', "[colors] must be a table"),
    ("description not text", "description = 3\n" + VALID_THEME.split("\n", 1)[1],
     "'description' must be text"),
    ("empty file", "", "'dark' must be set"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "text", "problem"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_a_malformed_theme_gives_one_warning_naming_file_and_problem(
    write_theme: ThemeWriter, case: str, text: str, problem: str
) -> None:
    path = write_theme("broken", text)
    catalog = load_catalog()
    assert "broken" not in catalog.themes
    warnings = catalog.warnings()
    assert len(warnings) == 1
    assert str(path) in warnings[0]
    assert problem in warnings[0]
    assert DEFAULT_THEME in catalog.themes  # the rest still loads


def test_not_utf8_and_bad_file_name(user_themes: Path) -> None:
    (user_themes / "latin1.toml").write_bytes(b"description = '\xe9'\ndark = true\n")
    (user_themes / "my theme.toml").write_text(VALID_THEME)
    warnings = load_catalog().warnings()
    assert len(warnings) == 2
    assert any("latin1.toml: not UTF-8 text" in w for w in warnings)
    assert any("my theme.toml: a theme's file name may only hold" in w for w in warnings)


def test_an_unreadable_theme_file_is_named(user_themes: Path) -> None:
    (user_themes / "folder.toml").mkdir()  # globbed, but not a file: ignored quietly
    assert load_catalog().warnings() == []
    with pytest.raises(ThemeFileError, match=r"gone\.toml: cannot read it"):
        load_theme_file(user_themes / "gone.toml", "user")


def test_a_broken_user_copy_of_a_shipped_theme_keeps_the_shipped_one(
    write_theme: ThemeWriter,
) -> None:
    path = write_theme(DEFAULT_THEME, "dark = maybe\n")
    catalog = load_catalog()
    assert catalog.themes[DEFAULT_THEME].source == "shipped"
    [warning] = catalog.warnings()
    assert str(path) in warning and f"using the shipped {DEFAULT_THEME!r}" in warning


# --- choosing -----------------------------------------------------------------------------

AVAILABLE = {DEFAULT_THEME, "flowday-light", "nord", "mine"}


@pytest.mark.parametrize(
    ("cli", "config", "stored", "stored_config", "expected", "origin"),
    [
        (None, None, None, None, DEFAULT_THEME, "default"),
        (None, "nord", None, None, "nord", "config"),
        ("mine", "nord", "flowday-light", "nord", "mine", "--theme"),
        # a pick made in the app beats the config it was made under ...
        (None, "nord", "flowday-light", "nord", "flowday-light", "app"),
        (None, None, "flowday-light", None, "flowday-light", "app"),
        # ... but a config edited after the pick is newer and wins
        (None, "mine", "flowday-light", "nord", "mine", "config"),
        (None, "mine", "flowday-light", None, "mine", "config"),
        # the config no longer names a theme: the pick stands
        (None, None, "flowday-light", "nord", "flowday-light", "app"),
    ],
)
def test_precedence(cli, config, stored, stored_config, expected, origin) -> None:
    choice = choose_theme(
        AVAILABLE, cli=cli, config=config, stored=stored, stored_config=stored_config
    )
    assert (choice.name, choice.origin, choice.warnings) == (expected, origin, [])


def test_a_pick_stored_without_the_config_value_beats_the_config() -> None:
    assert choose_theme(AVAILABLE, config="nord", stored="mine").name == "mine"


@pytest.mark.parametrize(
    ("kwargs", "where"),
    [
        ({"cli": "nope"}, "--theme: unknown theme 'nope'"),
        ({"config": "nope", "config_file": Path("/c/config.toml")},
         "theme in /c/config.toml: unknown theme 'nope'"),
        ({"stored": "nope"}, "the theme picked in the app: unknown theme 'nope'"),
    ],
)  # fmt: skip
def test_an_unknown_name_gives_one_warning_and_the_default(kwargs, where) -> None:
    choice = choose_theme(AVAILABLE, **kwargs)
    assert choice.name == DEFAULT_THEME
    [warning] = choice.warnings
    assert warning.startswith(where)
    assert f"using {DEFAULT_THEME!r}" in warning and "flowday-light" in warning


def test_a_broken_file_that_was_asked_for_is_one_warning(write_theme: ThemeWriter) -> None:
    path = write_theme("mine", "dark = 1\n")
    write_theme("other", "nonsense")
    catalog = load_catalog()
    choice = choose_theme(set(catalog.themes), cli="mine", broken=catalog.broken)
    assert choice.name == DEFAULT_THEME
    assert len(choice.warnings) == 2  # one for each broken file, none twice
    [about_mine] = [w for w in choice.warnings if str(path) in w]
    assert "'dark' must be set" in about_mine and f"using {DEFAULT_THEME!r}" in about_mine


def test_without_the_default_theme_textual_dark_is_used() -> None:
    assert choose_theme({"textual-dark"}, cli="x").name == "textual-dark"


@given(st.from_regex(r"#[0-9a-fA-F]{6}", fullmatch=True))
def test_any_six_digit_hex_is_a_colour(text: str) -> None:
    assert parse_color(text) == text.upper()


@given(st.text(max_size=12))
def test_parse_color_accepts_only_hex(text: str) -> None:
    parsed = parse_color(text)
    if parsed is not None:
        assert parsed.startswith("#") and len(parsed) == 7
        int(parsed[1:], 16)


def test_three_digit_hex_expands() -> None:
    assert parse_color(" #a1F ") == "#AA11FF"
