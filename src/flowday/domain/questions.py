"""The end-of-day reflection's questions: the ratings and the choices of the two
multiple-choice questions. A module of its own so the command line can offer them without
loading the insights engine."""

from __future__ import annotations

from typing import Any

from flowday.domain.errors import InputError

PRESENT_CHOICES: tuple[str, ...] = ("work", "people", "self", "nowhere")
PRESENT_LABELS: dict[str, str] = {
    "work": "at work",
    "people": "with family and friends",
    "self": "on my own",
    "nowhere": "nowhere in particular",
}
STRESS_CHOICES: tuple[str, ...] = ("boundaries", "rules", "neither")
STRESS_LABELS: dict[str, str] = {
    "boundaries": "blurred boundaries",
    "rules": "strict rules",
    "neither": "neither",
}
RATINGS: tuple[str, ...] = ("energy", "peace", "meaning")
RATING_MIN, RATING_MAX = 1, 5


def check_rating(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"{name} must be a whole number {RATING_MIN}-{RATING_MAX}")
    if not RATING_MIN <= value <= RATING_MAX:
        raise InputError(f"{name} must be {RATING_MIN}-{RATING_MAX}, not {value}")
    return value


def parse_rating(name: str, value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return check_rating(name, value)
    text = str(value).strip()
    if not text.lstrip("-").isdigit():
        raise InputError(f"{name} must be a whole number {RATING_MIN}-{RATING_MAX}, not {text!r}")
    return check_rating(name, int(text))
