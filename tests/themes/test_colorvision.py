"""The colour science the theme tests rely on is itself checked against published values."""

from __future__ import annotations

import pytest

from .colorvision import (
    DEUTERANOPIA,
    PROTANOPIA,
    TRITANOPIA,
    ciede2000,
    contrast_ratio,
    difference,
    lab,
    simulate,
)


# Sharma, Wu & Dalal (2005), "The CIEDE2000 color-difference formula", test data table 1
@pytest.mark.parametrize(
    ("lab1", "lab2", "expected"),
    [
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, -1.3802, -84.2814), (50.0, 0.0, -82.7485), 1.0000),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
        ((50.0, 2.5, 0.0), (50.0, 3.2972, 0.0), 1.0000),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
        ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
    ],
)
def test_ciede2000_matches_the_published_test_data(
    lab1: tuple[float, float, float], lab2: tuple[float, float, float], expected: float
) -> None:
    assert ciede2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)
    assert ciede2000(lab2, lab1) == pytest.approx(expected, abs=1e-4)


def test_lab_of_white_and_black() -> None:
    assert lab(simulate("#FFFFFF", None)) == pytest.approx((100, 0, 0), abs=0.01)
    assert lab(simulate("#000000", None)) == pytest.approx((0, 0, 0), abs=0.01)


@pytest.mark.parametrize("matrix", [PROTANOPIA, DEUTERANOPIA, TRITANOPIA])
def test_simulation_keeps_greys_grey(matrix: tuple) -> None:
    # each Machado matrix row sums to 1: neutral colours look the same to everyone
    for row in matrix:
        assert sum(row) == pytest.approx(1, abs=1e-5)
    for grey in ("#FFFFFF", "#808080", "#000000"):
        # a grey as the dichromat sees it against the same grey in normal vision
        assert simulate(grey, matrix) == pytest.approx(simulate(grey, None), abs=1e-5)
        assert ciede2000(lab(simulate(grey, matrix)), lab(simulate(grey, None))) < 0.5


@pytest.mark.parametrize("matrix", [PROTANOPIA, DEUTERANOPIA])
def test_red_green_collapse_under_red_green_blindness(matrix: tuple) -> None:
    # the classic confusion pair is far apart in normal vision, close for dichromats
    assert difference("#D62728", "#2CA02C") > 50
    assert difference("#D62728", "#2CA02C", matrix) < difference("#D62728", "#2CA02C") / 2


def test_contrast_ratio_extremes() -> None:
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21)
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1)
