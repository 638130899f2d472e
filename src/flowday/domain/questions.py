"""The end-of-day reflection's questions: the ratings and the choices of the two
multiple-choice questions, and :class:`Answers` to them. A module of its own so the command
line (and the day model, which stores the answers) can use them without loading the
insights engine."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flowday.domain.errors import InputError
from flowday.domain.frozen import Record, define
from flowday.domain.text import clean_text

NOTE_LIMIT = 2000

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


@define(slots=True)
class Answers(Record):
    """One evening's answers, validated."""

    present: str
    stress: str
    energy: int
    peace: int
    meaning: int
    note: str = ""

    def __post_init__(self) -> None:
        if self.present not in PRESENT_CHOICES:
            raise InputError(
                f"present must be one of {', '.join(PRESENT_CHOICES)}, not {self.present!r}"
            )
        if self.stress not in STRESS_CHOICES:
            raise InputError(
                f"stress must be one of {', '.join(STRESS_CHOICES)}, not {self.stress!r}"
            )
        for name in RATINGS:
            check_rating(name, getattr(self, name))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Answers:
        """Build from loose input (flags, a form); every problem is one clear line."""
        missing = [k for k in ("present", "stress", *RATINGS) if data.get(k) in (None, "")]
        if missing:
            raise InputError(f"no answer for {', '.join(missing)}")
        ratings = {name: parse_rating(name, data[name]) for name in RATINGS}
        return cls(
            present=str(data["present"]).strip().lower(),
            stress=str(data["stress"]).strip().lower(),
            note=clean_text(str(data.get("note") or ""), limit=NOTE_LIMIT),
            **ratings,
        )

    def rating(self, name: str) -> int:
        """One of :data:`RATINGS` by name."""
        value: int = getattr(self, name)
        return value

    def to_dict(self) -> dict[str, Any]:
        return {
            "present": self.present,
            "stress": self.stress,
            "energy": self.energy,
            "peace": self.peace,
            "meaning": self.meaning,
            "note": self.note,
        }
