"""The shipped themes: complete, readable, and their spheres told apart, also by people
with red-green colour blindness (simulated with Machado et al. 2009, measured in CIEDE2000)."""

from __future__ import annotations

import itertools

import pytest

from flowday.themes import (
    DEFAULT_THEME,
    FLOWDAY_COLORS,
    TEXTUAL_COLORS,
    ThemeSpec,
    load_catalog,
    load_theme_file,
    shipped_themes_dir,
)

from .colorvision import (
    DEUTERANOPIA,
    PROTANOPIA,
    TRITANOPIA,
    contrast_ratio,
    difference,
    relative_luminance,
)

SHIPPED = sorted(shipped_themes_dir().glob("*.toml"))
SPHERES = ("work", "personal", "break")
# CIEDE2000 of about 2 is a just-noticeable difference; 20 is "clearly another colour".
CLEARLY_DIFFERENT = 20.0


def spec_of(name: str) -> ThemeSpec:
    return load_theme_file(shipped_themes_dir() / f"{name}.toml", "shipped")


def test_the_four_promised_themes_are_shipped() -> None:
    names = {path.stem for path in SHIPPED}
    assert {
        DEFAULT_THEME, "flowday-light", "flowday-high-contrast", "flowday-colorblind"
    } <= names  # fmt: skip


def test_shipped_folder_is_the_top_level_themes_folder_in_a_checkout() -> None:
    assert shipped_themes_dir().name == "themes"
    assert (shipped_themes_dir().parent / "pyproject.toml").exists()


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_each_shipped_theme_sets_every_colour(path) -> None:
    spec = load_theme_file(path, "shipped")
    assert set(spec.colors) == set(TEXTUAL_COLORS)
    assert set(spec.flowday) == set(FLOWDAY_COLORS)
    assert spec.description


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_each_shipped_theme_is_readable(path) -> None:
    spec = load_theme_file(path, "shipped")
    background = spec.colors["background"]
    assert spec.dark == (relative_luminance(background) < 0.2), "dark flag vs background"
    assert contrast_ratio(spec.colors["foreground"], background) >= 7  # WCAG AAA for text
    for key in (*SPHERES, "fence", "violation", "now"):
        # WCAG 2.1 asks 3:1 for graphical objects (the fence and now-line are drawn glyphs)
        assert contrast_ratio(spec.flowday[key], background) >= 3, key


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_each_shipped_theme_tells_its_spheres_apart(path) -> None:
    spec = load_theme_file(path, "shipped")
    for a, b in itertools.combinations(SPHERES, 2):
        assert difference(spec.flowday[a], spec.flowday[b]) >= CLEARLY_DIFFERENT, (a, b)


def test_high_contrast_reaches_aaa_for_everything_that_carries_meaning() -> None:
    spec = spec_of("flowday-high-contrast")
    background = spec.colors["background"]
    for key in (*SPHERES, "fence", "violation", "now"):
        assert contrast_ratio(spec.flowday[key], background) >= 7, key
    for key in ("foreground", "primary", "warning", "error", "success"):
        assert contrast_ratio(spec.colors[key], background) >= 7, key


@pytest.mark.parametrize(
    "deficiency",
    [pytest.param(PROTANOPIA, id="protanopia"), pytest.param(DEUTERANOPIA, id="deuteranopia"),
     pytest.param(TRITANOPIA, id="tritanopia"), pytest.param(None, id="normal")],
)  # fmt: skip
def test_colorblind_theme_keeps_spheres_distinguishable(deficiency) -> None:
    spec = spec_of("flowday-colorblind")
    for a, b in itertools.combinations(SPHERES, 2):
        seen = difference(spec.flowday[a], spec.flowday[b], deficiency)
        assert seen >= CLEARLY_DIFFERENT, (a, b, round(seen, 1))
    # a violation must not pass for a sphere either
    for sphere in SPHERES:
        seen = difference(spec.flowday["violation"], spec.flowday[sphere], deficiency)
        assert seen >= 10, (sphere, round(seen, 1))


def test_the_check_would_catch_a_red_green_palette() -> None:
    # the same measure fails a typical red/green/amber palette: the test can fail
    red_green = {"work": "#D62728", "personal": "#2CA02C", "break": "#FF7F0E"}
    worst = min(
        difference(red_green[a], red_green[b], DEUTERANOPIA)
        for a, b in itertools.combinations(SPHERES, 2)
    )
    assert worst < CLEARLY_DIFFERENT


def test_shipped_catalog_loads_without_warnings(user_themes) -> None:
    catalog = load_catalog()
    assert catalog.warnings() == []
    assert {spec.source for spec in catalog.themes.values()} == {"shipped"}
    assert sorted(catalog.themes) == sorted(path.stem for path in SHIPPED)
