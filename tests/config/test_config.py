from __future__ import annotations

from pathlib import Path

import pytest

from flowday.config import ConfigError, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_full_config_loads(tmp_path: Path) -> None:
    text = (
        'timezone = "America/New_York"\nwork_hours = "8:30-16:30"\n'
        'working_days = ["mon", "tue", "wed", "thu"]\n[week]\nfriday = "integration"\n'
        "[reflection]\nenabled = false\nbalance_after = 30\n"
        'integration_at = "21:00"\nmin_days = 3\n'
    )
    config = load_config(write(tmp_path, text))
    assert (config.work_start, config.work_end) == (510, 990)
    assert config.working_days == frozenset({0, 1, 2, 3})
    assert config.week_modes[4] == "integration" and config.week_modes[0] == "balance"
    assert config.reflection["enabled"] is False


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ('work_hours = "9-5"\ncolour = "red"\n', 2, "unknown setting 'colour'"),
        ('timezone = "Mars/Olympus"\n', 1, "unknown time zone"),
        ('working_days = ["mon", "funday"]\n', 1, "not a weekday"),
        ('[week]\nsomeday = "balance"\n', 2, "not a weekday"),
        ('[reflection]\nenabled = "no"\n', 2, "reflection.enabled must be true or false"),
        ("[reflection]\nmin_days = 1\n", 2, "at least 2"),
        ('[reflection]\nintegration_at = "25:00"\n', 2, "integration_at"),
        ("[reflection]\nbalance_after = -5\n", 2, "balance_after"),
        ("[reflection]\nwhen = 3\n", 2, "unknown setting reflection.when"),
        ("work_hours = \n", 1, "line 1"),  # TOML syntax error
        ('[keymap]\nbogus = "x"\n', 2, "unknown binding id 'bogus'"),
        ("[keymap]\nquit = 5\n", 2, "keymap.quit must be keys in quotes"),
        ('[keymap]\nmove_later = "n"\nundo = ""\n', 3, "keymap.undo must be keys"),
    ],
)
def test_mistakes_name_the_file_and_line(
    tmp_path: Path, text: str, line: int, fragment: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert str(path) in message and f"line {line}" in message and fragment in message
    assert "\n" not in message


def test_a_bad_zone_from_the_environment_is_not_blamed_on_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "config.toml"
    path.write_text('timezone = "Europe/Berlin"\n')
    monkeypatch.setenv("FLOWDAY_TZ", "Mars/Base")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert str(raised.value) == "$FLOWDAY_TZ: unknown time zone 'Mars/Base'"
