from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flowday.config import ConfigError, key_lines, load_config
from flowday.domain.settings import ReflectionSettings


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
    assert config.reflection == ReflectionSettings(
        enabled=False, balance_after=30, integration_at=21 * 60, min_days=3
    )


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


# The line of a mistake is the line that sets the wrong key, read as TOML reads it: never
# a comment or a string that happens to hold the key's name, never the same key in
# another table. Each case below named an earlier line while lines were found by search.
@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        pytest.param(
            '# work_hours = "09:00-17:00" is the default\ntimezone = "UTC"\n'
            'work_hours = "late"\n',
            3, "work_hours", id="comment",
        ),
        pytest.param(
            '[keymap]\nquit = "q"  # undo = "u" stays\nundo = ""\n',
            3, "keymap.undo must be keys", id="comment-after-a-value",
        ),
        pytest.param(
            '[modes.deep]\ndescription = """\nplanning_hours = "06:00-20:00" is not set here\n'
            '"""\nplanning_hours = "late"\n',
            5, "modes.deep.planning_hours", id="multi-line-string",
        ),
        pytest.param(
            "[modes.deep]\ndescription = '''\nextends = \"x\"\n'''\nextends = \"nowhere\"\n",
            5, "extends names no mode", id="multi-line-literal-string",
        ),
        pytest.param(
            '[modes.deep-focus]\nplanning_hours = "06:00-20:00"\n\n'
            '[modes.deep]\nplanning_hours = "late"\n',
            5, "modes.deep.planning_hours", id="same-key-in-two-tables",
        ),
        pytest.param(
            "[modes.deep-focus.rules]\nmax-work = { minutes = 300 }\n"
            '[modes.deep.rules]\nmin-block = true\nmax-work = { minutes = "x" }\n',
            5, "modes.deep.rules.max-work.minutes", id="same-rule-in-two-modes",
        ),
        pytest.param(
            "# modes.deep: planning_hours is where `flowday plan` puts tasks\n"
            'modes.deep.planning_hours = "late"\n',
            2, "modes.deep.planning_hours", id="dotted-key",
        ),
        pytest.param(
            '[modes.deep]\ndescription = "no max-work minutes here"\n'
            'rules.max-work.minutes = "x"\n',
            3, "modes.deep.rules.max-work.minutes", id="dotted-key-in-a-table",
        ),
        pytest.param(
            '[week]\n# friday = "holiday" would not be a mode\nfri = "holiday"\n',
            3, "unknown mode 'holiday'", id="week-comment",
        ),
        pytest.param(
            'working_days = [\n  "mon",  # "funday" is not a day\n  "tue",\n  "funday",\n]\n',
            4, "'funday' is not a weekday", id="array-item",
        ),
    ],
)  # fmt: skip
def test_the_line_is_the_one_setting_the_wrong_key(
    tmp_path: Path, text: str, line: int, fragment: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(f"{path}, line {line}: ") and fragment in message


def test_key_lines_reads_keys_as_toml_does() -> None:
    text = (
        'title = "a # not a comment"  # a = 1\n'
        '"quoted.key" = 1\n'
        "inline = { a = 1, b = { c = 2 } }\n"
        "[table]\n"
        "x.y = [1,\n  2]\n"
        "[[items]]\n"
        "name = 'n'\n"
    )
    lines = key_lines(text)
    assert lines[("title",)] == 1 and ("a",) not in lines
    assert lines[("quoted.key",)] == 2
    assert lines[("inline", "b", "c")] == 3
    assert lines[("table",)] == 4 and lines[("table", "x", "y")] == 5
    assert lines[("table", "x", "y", 1)] == 6
    assert lines[("items", "name")] == 8


# Documents built with traps for a line search: the same key names in every table, comments
# and strings (one-line and multi-line) that hold key names, inline tables and arrays.
KEYS = ["end", "minutes", "work_hours", "severity", "x-y", '"q.z"']
VALUES = [
    "1",
    '"end = 1 # minutes"',
    "'work_hours = \"x\"'",
    '"""\nend = 2\n[modes.a]\n"""',
    "'''\nminutes = 3\n'''",
    '{ end = 1, minutes = "x" }',
    "[\n  1, # end = 1\n  2,\n]",
]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["", "[modes.a]", "[modes.b]", '[modes."c d".rules]', "[week]"]),
            st.lists(
                st.tuples(st.sampled_from(KEYS), st.sampled_from(VALUES), st.booleans()),
                max_size=4,
                unique_by=lambda entry: entry[0],
            ),
        ),
        max_size=4,
        unique_by=lambda table: table[0],
    )
)
def test_key_lines_finds_every_key_where_toml_sets_it(
    tables: list[tuple[str, list[tuple[str, str, bool]]]],
) -> None:
    tables.sort(key=lambda table: table[0] != "")  # keys outside a table come first
    lines: list[str] = []
    expected: dict[tuple[str | int, ...], int] = {}
    for header, entries in tables:
        path: tuple[str | int, ...] = ()
        if header:
            lines.append(header)
            path = tuple(_header_path(header))
            expected[path] = len(lines)
        for key, value, commented in entries:
            if commented:
                lines.append(f"# {KEYS[0]} = {value.splitlines()[0]}")
            expected[(*path, key.strip('"'))] = len(lines) + 1
            lines.extend(f"{key} = {value}".split("\n"))
    text = "\n".join(lines) + "\n"
    tomllib.loads(text)  # the documents are real TOML
    found = key_lines(text)
    assert {p: found.get(p) for p in expected} == expected


def _header_path(header: str) -> list[str]:
    inside = header.strip("[]")
    return [part.strip('"') for part in re.findall(r'"[^"]*"|[^.]+', inside)]


@pytest.mark.skipif(sys.platform != "linux", reason="the XDG reading is Linux's")
def test_flowdays_folders_are_where_platformdirs_puts_them(monkeypatch) -> None:
    # places reads the XDG variables itself (platformdirs' import is most of `flowday
    # next`'s own time): the answer must stay the library's, odd values included
    import platformdirs

    from flowday import places

    for home in ("/home/u", "/home/u/", "/"):
        for value in (None, "", "/xdg/base", "relative/base", "/xdg/base/"):
            monkeypatch.setenv("HOME", home)
            for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
                if value is None:
                    monkeypatch.delenv(variable, raising=False)
                else:
                    monkeypatch.setenv(variable, value)
            monkeypatch.delenv("FLOWDAY_DATA_DIR", raising=False)
            monkeypatch.delenv("FLOWDAY_CACHE_DIR", raising=False)
            case = (home, value)
            assert places.data_dir(None) == Path(platformdirs.user_data_dir("flowday")), case
            assert places.config_root() == Path(platformdirs.user_config_dir("flowday")), case
            assert places.cache_root() == Path(platformdirs.user_cache_dir("flowday")), case
