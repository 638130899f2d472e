"""The wording always matches the numbers: generated histories, every sentence's claim
checked against the figures the recommendation reports."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from flowday.domain import insights
from flowday.domain.insights import Recommendation

from .reflect_histories import persona

SENTENCE = re.compile(
    r"(Energy|Peace|Meaning|Combined): (?P<phrase>.+?) "
    r"\((?P<ma>\d\.\d) vs (?P<mb>\d\.\d) on (?P<a>\S+) vs (?P<b>\S+) days, "
    r"(?P<na>\d+) vs (?P<nb>\d+) days; difference (?P<d>[+-]\d+\.\d\d), "
    r"95% interval (?P<lo>[+-]\d+\.\d\d) to (?P<hi>[+-]\d+\.\d\d)\)\."
)
PHRASES = {
    "clear": "clearly better on {} days",
    "tiny": "a real but tiny difference, in favour of {} days",
    "leaning": "leaning towards {} days, not yet sure",
    "uncertain": "no clear difference (too uncertain)",
    "confounded": "cannot be told apart from the weekday",
}
HEADLINE_REASON = {
    "too-few-days": "too few days",
    "too-uncertain": "too uncertain",
    "tiny": "a real but tiny difference",
    "trade-off": "A trade-off between",
    "confounded": "mode and weekday cannot be told apart",
}


def check_wording(rec: Recommendation) -> None:
    data = rec.to_dict()
    questions = data["questions"]
    first = re.search(r"(Energy|Peace|Meaning|Combined): ", rec.text)
    headline = rec.text[: first.start()] if first else rec.text
    # the reason that decided is given, and no other
    if rec.status == "prefer":
        assert rec.reason == "clear" and rec.mode is not None
        assert headline.startswith(f"{rec.mode.capitalize()} days seem to suit you better.")
    else:
        assert rec.mode is None
        assert HEADLINE_REASON[rec.reason] in headline
        for other, phrase in HEADLINE_REASON.items():
            if other != rec.reason:
                assert phrase not in headline, (other, headline)
    sentences = list(SENTENCE.finditer(rec.text))
    assert len(sentences) == len(questions)
    against_seen = False
    side = rec.mode or (questions["combined"]["favours"] if questions else None)
    for match in sentences:
        name = match.group(1).lower()
        figures = questions[name]
        a, b = match.group("a"), match.group("b")
        assert (match.group("na"), match.group("nb")) == tuple(map(str, figures["days"].values()))
        assert match.group("ma") == f"{figures['means'][a]:.1f}"
        assert match.group("mb") == f"{figures['means'][b]:.1f}"
        assert (
            float(match.group("d")) == round(figures["difference"], 2)
            or abs(float(match.group("d")) - figures["difference"]) <= 0.005 + 1e-9
        )
        low, high = figures["interval"]
        assert abs(float(match.group("lo")) - low) <= 0.005 + 1e-9
        assert abs(float(match.group("hi")) - high) <= 0.005 + 1e-9
        verdict, favours, p, level = (
            figures[k] for k in ("verdict", "favours", "p", "level_needed")
        )
        assert match.group("phrase") == PHRASES[verdict].format(favours)
        # each verdict's claim against the figures
        difference = figures["difference"]
        assert favours == (a if difference > 0 else b if difference < 0 else None)
        if verdict == "clear":
            assert p < level and abs(difference) >= insights.MIN_PRACTICAL_DIFFERENCE
        elif verdict == "tiny":
            assert p < level and abs(difference) < insights.MIN_PRACTICAL_DIFFERENCE
        elif verdict == "leaning":
            assert level <= p < 0.05
        elif verdict == "uncertain":
            assert p >= 0.05 or favours is None
        # the text leads with what supports the verdict, then names what goes against
        if rec.status == "prefer":
            if favours is not None and favours != side:
                against_seen = True
            elif verdict in ("clear", "tiny", "leaning"):
                assert not against_seen, "a supporting question after one against"
    if rec.status == "prefer":
        assert questions["combined"]["verdict"] == "clear"
        against = [q for q, f in questions.items() if f["favours"] not in (None, rec.mode)]
        if against:
            assert f"Against it: {', '.join(against)}." in rec.text
        assert not any(
            f["verdict"] in ("clear", "leaning") and f["favours"] != rec.mode
            for q, f in questions.items()
            if q != "combined"
        ), "a clear or leaning question the other way is a trade-off, not a preference"
    if rec.reason == "trade-off":
        sides = {
            f["favours"]
            for q, f in questions.items()
            if q != "combined" and f["verdict"] == "clear"
        }
        assert sides and all(f"clearly better on {mode} days" in headline for mode in sides)


means = st.tuples(*(st.sampled_from([1.5, 2.5, 3.0, 3.2, 3.5, 4.5]) for _ in range(3)))


@settings(max_examples=15, deadline=None, derandomize=True)
@given(
    weeks=st.integers(2, 12),
    mean_a=means,
    mean_b=means,
    spread=st.sampled_from([0.0, 0.5, 1.0]),
    layout=st.sampled_from(["alternate", "weeks", "weekday"]),
    days_a_week=st.integers(3, 5),
    seed=st.integers(0, 50),
)
@example(8, (4.5, 4.5, 3.5), (2.5, 3.0, 3.2), 0.5, "alternate", 5, 1)  # prefer
@example(10, (4.5, 4.5, 4.5), (3.0, 3.0, 3.0), 1.0, "weeks", 5, 2)  # prefer, week-long runs
@example(12, (3.0, 3.0, 3.0), (3.2, 3.2, 3.0), 0.0, "alternate", 5, 0)  # tiny
def test_every_sentence_matches_the_figures(
    weeks: int,
    mean_a: tuple[float, float, float],
    mean_b: tuple[float, float, float],
    spread: float,
    layout: str,
    days_a_week: int,
    seed: int,
) -> None:
    assign = {
        "alternate": None,
        "weeks": lambda week, day: week % 2 == 0,
        "weekday": lambda week, day: day == 0,
    }[layout]
    days = persona(weeks, mean_a, mean_b, spread=spread, days_a_week=days_a_week, seed=seed,
                   assign=assign)  # fmt: skip
    check_wording(insights.recommend(days))


def test_the_personas_read_right() -> None:
    for days in (
        persona(6, (4.5, 4.5, 4.5), (2, 2, 2)),
        persona(8, (4.5, 1.3, 4.5), (2.5, 4.4, 2.5)),
        persona(3, (4, 4, 4), (2, 2, 2), days_a_week=2),
        persona(6, (4.5, 4.5, 4.5), (2, 2, 2), assign=lambda week, day: day < 3),
    ):
        check_wording(insights.recommend(days))
