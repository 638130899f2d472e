"""``flowday reflect`` and ``flowday stats``: flags, questions, exits, JSON."""

from __future__ import annotations

import json

import pytest

from flowday.store import Store

from .reflect_histories import HIGH, LOW, alternating, write_history

FLAGS = ["--present", "self", "--stress", "boundaries", "--energy", "4", "--peace", "2",
         "--meaning", "5"]  # fmt: skip


def stats(cli, *args: str) -> dict:
    result = cli("stats", "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_reflect_with_flags_then_stats(cli) -> None:
    assert cli("add", "Work 9:00-17:00 #work").returncode == 0
    result = cli("reflect", *FLAGS, "--note", "quiet day")
    assert result.returncode == 0, result.stderr
    assert "saved" in result.stdout
    data = stats(cli, "--days", "7")
    (day,) = data["days"]
    assert day["date"] == "2026-11-25" and day["mode"] == "balance"
    assert day["figures"]["work"] == 480
    assert day["reflection"] == {
        "present": "self", "stress": "boundaries", "energy": 4, "peace": 2, "meaning": 5,
        "note": "quiet day", "at": "2026-11-25T09:00:00Z",
    }  # fmt: skip
    assert data["by_mode"]["balance"]["stress"]["boundaries"] == 1
    assert data["recommendation"]["mode"] is None
    assert data["recommendation"]["text"].startswith("Not enough data yet")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (["--energy", "6"], "energy must be 1-5, not 6"),
        (["--peace", "0"], "peace must be 1-5, not 0"),
        (["--meaning", "high"], "meaning must be a whole number 1-5"),
    ],
)
def test_out_of_range_is_refused_and_nothing_written(cli, change: list, message: str) -> None:
    result = cli("reflect", *FLAGS, *change)
    assert result.returncode == 2
    assert message in result.stderr
    assert not (cli.data_dir / "months").exists() or not any((cli.data_dir / "months").iterdir())


def test_unknown_choice_is_refused(cli) -> None:
    result = cli("reflect", *FLAGS, "--present", "garden")
    assert result.returncode == 2 and "invalid choice" in result.stderr


def test_future_day_is_refused(cli) -> None:
    result = cli("reflect", *FLAGS, "--date", "tomorrow")
    assert result.returncode == 2 and "has not happened yet" in result.stderr


def test_interactive_questions_with_a_retry(cli) -> None:
    result = cli("reflect", "--date", "2026-11-24", input="2\nrules\n7\n3\n4\n5\nlong day\n")
    assert result.returncode == 0, result.stderr
    assert "When did you feel most present" in result.stderr
    assert "energy must be 1-5, not 7" in result.stderr  # asked again
    (day,) = stats(cli, "--from", "2026-11-24", "--to", "2026-11-24")["days"]
    assert day["reflection"]["present"] == "people"
    assert day["reflection"]["stress"] == "rules"
    assert [day["reflection"][k] for k in ("energy", "peace", "meaning")] == [3, 4, 5]
    assert day["reflection"]["note"] == "long day"


def test_interactive_asks_only_what_flags_left_out(cli) -> None:
    result = cli("reflect", "--present", "work", "--stress", "neither", "--energy", "2",
                 "--peace", "2", input="3\n\n")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "most present" not in result.stderr
    (day,) = stats(cli)["days"]
    assert day["reflection"]["meaning"] == 3 and day["reflection"]["note"] == ""


def test_end_of_input_saves_nothing(cli) -> None:
    result = cli("reflect", input="1\n2\n")
    assert result.returncode == 2 and "nothing was saved" in result.stderr
    assert stats(cli)["days"] == []


def test_stats_human_table(cli) -> None:
    cli("add", "Work 9:00-17:00 #work")
    cli("reflect", *FLAGS)
    result = cli("stats", "--days", "3")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "2026-11-23 to 2026-11-25: 1 day, 1 reflected"
    assert any(line.startswith("balance ") and " 4.0 " in line for line in lines)
    assert any(line.startswith("2026-11-25  balance") for line in lines)
    assert any(line.startswith("Not enough data yet") for line in lines)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--days", "0"], "--days must be 1 or more"),
        (["--days", "3", "--from", "2026-11-01"], "either --days or --from/--to"),
        (["--from", "2026-11-20", "--to", "2026-11-10"], "before it starts"),
        (["--from", "someday"], "not a date"),
    ],
)
def test_stats_bad_ranges(cli, args: list, message: str) -> None:
    result = cli("stats", *args)
    assert result.returncode == 2 and message in result.stderr


# --- regressions found by trying the command line as the README and issues describe it
# (were in tests/qa)


def _one_line_error(result) -> None:  # type: ignore[no-untyped-def]
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_stats_over_years_out_of_range_is_an_error_not_a_traceback(cli) -> None:
    result = cli("stats", "--from", "0001-01-01", "--to", "9999-12-31")
    assert result.returncode == 2
    _one_line_error(result)


def test_stats_days_larger_than_history_covers_everything(cli) -> None:
    cli("add", "A 9:00-10:00 #work")
    result = cli("stats", "--days", "1000000", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["from"] == "1900-01-01" and [d["date"] for d in data["days"]] == ["2026-11-25"]


# --- whatif and stats --plot --------------------------------------------------------------
def test_whatif_replays_a_past_week_under_the_other_mode(cli) -> None:
    # last week (CLI_NOW is Wednesday 25 November 2026): late work on a balance day
    assert cli("add", "Deploy 19:00-22:30 #work", "--date", "2026-11-17", "--force").returncode == 0
    assert cli("add", "Work 9:00-17:00 #work", "--date", "2026-11-18").returncode == 0
    result = cli("whatif", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["week"] == "2026-11-16"
    late, normal = data["days"]
    assert (late["mode"], late["replayed_as"]) == ("balance", "integration")
    assert late["work_outside_window"] == 210
    assert late["fences_crossed"]["actual"] >= 1
    assert {v["rule"] for v in late["would_clear"]} >= {"work-inside-window"}
    assert any(v["rule"] == "protected-off-time" for v in late["would_break"])
    assert normal["fences_crossed"] == {"actual": 0, "replayed": 0}
    text = cli("whatif", "--week", "2026-11-17")
    assert text.returncode == 0 and "What if: the week of 2026-11-16" in text.stdout
    assert "would break:" in text.stdout and max(map(len, text.stdout.splitlines())) <= 80
    assert cli("whatif", "--mode", "nope").returncode == 2


def test_stats_plot_draws_intervals_and_trends_in_80_columns(cli) -> None:
    # written straight to the store (a command per day would cost the suite seconds)
    write_history(Store(cli.data_dir), alternating(HIGH, LOW))
    result = cli("stats", "--plot", env={"NO_COLOR": "1"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Difference per question"))
    assert max(len(line) for line in lines[start:]) <= 80  # the pictures and the verdict
    verdict = next(i for i, line in enumerate(lines) if "seem to suit you better" in line)
    assert max(len(line) for line in lines[verdict:]) <= 80
    assert any(line.startswith("combined ") and "o" in line for line in lines)
    assert any(line.startswith("  peace   ") for line in lines)
    assert "\x1b" not in result.stdout
    data = stats(cli)
    assert set(data["recommendation"]["questions"]) == {"energy", "peace", "meaning", "combined"}
    assert data["weeks"][0]["week"] == "2026-08-31"
