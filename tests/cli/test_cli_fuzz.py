"""Every command, driven with hostile arguments, environment and config: an answer is one
line and a documented exit status, never a traceback, and a command that fails leaves the
data folder byte for byte as it was. The commands are read from the argparse parser, so a
new command is covered without touching this file."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import flowday.cli
from flowday.cli.parsing import build_parser

CliRunner = Callable[..., subprocess.CompletedProcess[str]]  # the `cli` fixture

DOCUMENTED_STATUSES = {0, 1, 2, 3, 4, 5, 6, 7}  # README "Exit statuses"
# the planner itself cannot run in pytest's process (its --date is fuzzed all the same in
# test_cli_process); --data-dir would move the writes away from the folder compared here
NOT_FUZZED_COMMANDS = {("tui",)}
NOT_FUZZED_OPTIONS = {"--data-dir", "-h", "--help"}


def commands() -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """(command words, its parser) for every command the parser knows, nested ones too."""

    def walk(
        parser: argparse.ArgumentParser, path: tuple[str, ...]
    ) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
        subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subparsers:
            yield path, parser
            return
        for name, sub in subparsers[0].choices.items():
            yield from walk(sub, (*path, name))

    return [(path, p) for path, p in walk(build_parser(), ()) if path not in NOT_FUZZED_COMMANDS]


COMMANDS = commands()

HOSTILE = [
    "", " ", "-", "--", "-x", "--force", "--json", "\t\n", ".", "..", "x.ics", "sub/x.ics",
    "9:00-10:00", "25:99", "24:00", "23:59-00:01", "9-5", "12:30 45m", "7am-7:45am #personal",
    "99999999999999999999999", "-1", "0", "1", "3", "1e309", "nan", "inf", "5m", "1h30", "-5m",
    "99999h", "2026-02-30", "2026-11-26", "0001-01-01", "9999-12-31", "1899-12-31", "today",
    "tomorrow", "yesterday", "mon", "someday", "balance", "integration", "work", "#work #flex",
    "\x1b]52;c;aGk=\x07", "\x1b[2J", "\u202eevil", "💥💥💥", "a" * 300, "Ω≈ç√",
    "\udcff\udcfe not utf-8",  # bytes that are not UTF-8, as Python hands them over
]  # fmt: skip
values = st.one_of(
    st.sampled_from(HOSTILE), st.text(st.characters(blacklist_characters="\x00"), max_size=12)
)


@st.composite
def argvs(draw: st.DrawFn, command: tuple[tuple[str, ...], argparse.ArgumentParser]) -> list[str]:
    path, parser = command
    argv = list(path)
    for action in parser._actions:
        if action.option_strings:
            continue
        if action.nargs in ("+", "*"):
            argv += draw(st.lists(values, min_size=action.nargs == "+", max_size=3))
        elif action.nargs == "?":
            argv += draw(st.lists(values, max_size=1))
        else:
            argv.append(draw(values))
    options = [
        a for a in parser._actions
        if a.option_strings and not set(a.option_strings) & NOT_FUZZED_OPTIONS
    ]  # fmt: skip
    for action in draw(st.lists(st.sampled_from(options), max_size=4)) if options else []:
        argv.append(action.option_strings[-1])
        if action.nargs != 0:
            choices = [str(c) for c in action.choices or ()]
            argv.append(draw(st.sampled_from(choices) | values if choices else values))
    if draw(st.booleans()):  # a stray word or option anywhere
        argv.insert(draw(st.integers(len(path), len(argv))), draw(values))
    return argv


CONFIG_TEXTS = ['"18:00-09:00"', '"Mars/Base"', '"\\u001b[2J"', "true", "-1", "1e400",
                "9999999999999999999", '["mon", 7]', "{ a = 1 }", '"balance"', '"09:00-17:00"',
                '"Europe/Berlin"', '"integration"', "[]", '"x"']  # fmt: skip
CONFIG_VALUES = st.one_of(st.sampled_from(CONFIG_TEXTS), st.integers().map(str))
CONFIG_KEYS = ["timezone", "work_hours", "working_days", "week", "theme", "mode", "nonsense"]
BROKEN_CONFIGS = ["[[", "a = 1\na = 2", "x = " + "[" * 2000 + "]" * 2000, "\ufeff",
                  "timezone = 'UTC'\n[modes.x]\nrules = 3", "[keymap]\nquit = '\\u001b'",
                  "[reflection]\nevening = 99"]  # fmt: skip


@st.composite
def configs(draw: st.DrawFn) -> str | None:
    """A config file's text: settings with hostile values, hostile tables, or broken TOML."""
    kind = draw(st.sampled_from(["none", "settings", "raw"]))
    if kind == "none":
        return None
    if kind == "raw":
        return draw(st.sampled_from(BROKEN_CONFIGS))
    chosen = draw(st.lists(st.sampled_from(CONFIG_KEYS), unique=True, max_size=3))
    return "\n".join(f"{key} = {draw(CONFIG_VALUES)}" for key in chosen) + "\n"


TZ_VALUES = ["A" * 300, "", ":", "Europe/Nowhere", "../../etc/passwd", ":/dev/zero", "UTC+99",
             "Europe/Berlin"]  # fmt: skip
ENVIRONMENTS = st.fixed_dictionaries(
    {},
    optional={
        "TZ": st.sampled_from(TZ_VALUES),
        "FLOWDAY_TZ": st.sampled_from([None, "", "Mars/Base", "A" * 300, "America/Santiago"]),
        "FLOWDAY_NOW": st.sampled_from(["garbage", "2026-13-01T00:00", "2026-11-25T23:59"]),
        "NO_COLOR": st.sampled_from(["", "1", "\x1b[2J"]),
        "XDG_CACHE_HOME": st.sampled_from(["", ".", "cache/here", "x.ics"]),
    },
)


def data_bytes(folder: Path) -> dict[str, bytes]:
    """Every data file's bytes (the lock file is opened, never written)."""
    if not folder.exists():
        return {}
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != ".lock"
    }


@pytest.fixture
def hostile_cli(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[[list[str], dict[str, str | None], str | None], None]:
    """Run one hostile case and check the contract; relative paths land in a scratch folder."""
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    # argparse asks gettext for every message: without a language to look for, it does not
    # search the disk (half of an in-process run's time); flowday has no translations
    monkeypatch.setenv("LANGUAGE", "C")
    data = cli.data_dir  # type: ignore[attr-defined]
    for seed in (["add", "Standup 9:00-9:15 #work"], ["add", "Walk 18:00-18:30 #personal #flex"],
                 ["task", "add", "Report 1h"], ["task", "add", "Gym 45m #personal"]):  # fmt: skip
        assert cli(*seed).returncode == 0

    def run(argv: list[str], env: dict[str, str | None], config: str | None) -> None:
        if config is not None:
            (work / "config.toml").write_text(config, encoding="utf-8", errors="surrogatepass")
            env = {**env, "FLOWDAY_CONFIG": str(work / "config.toml")}
        before = data_bytes(data)
        result = cli(*argv, env=env)
        case = f"flowday {argv!r} env={env!r} config={config!r}"
        assert "Traceback" not in result.stderr, case
        assert result.returncode in DOCUMENTED_STATUSES, (case, result.stderr)
        if result.returncode not in (0, 1):
            lines = result.stderr.strip().splitlines()
            assert lines and lines[-1].startswith("flowday"), (case, result.stderr)
        if result.returncode != 0:
            assert data_bytes(data) == before, (case, result.stderr)

    return run


# FUZZ_EXAMPLES=2000 pytest --hypothesis-profile=explore ... hunts with fresh draws
@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "30")),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.data())
def test_every_command_survives_hostile_argv_environment_and_config(
    hostile_cli: Callable[..., None], data: st.DataObject
) -> None:
    command = data.draw(st.sampled_from(COMMANDS), label="command")
    hostile_cli(data.draw(argvs(command)), data.draw(ENVIRONMENTS), data.draw(configs()))


# what the fuzzing found, kept as fixed cases: each failed before its fix
FOUND = [
    (["list"], {}, "x = " + "[" * 2000 + "]" * 2000),  # tomllib's RecursionError
    (["list", "--config", "a\nb"], {}, None),  # a line break in a path: two lines
    (["add", "\ud800", ""], {}, None),  # a surrogate no bytes make: UnicodeEncodeError
    (["add", "\udcff\udcfe Bad 9:00-10:00"], {}, None),  # bytes not UTF-8: stored? printed?
    (["list", "--config", "/dev/zero"], {}, None),  # read until memory runs out
    (["list"], {"TZ": "A" * 300, "FLOWDAY_TZ": None}, None),  # ENAMETOOLONG opening the zone
]


def test_what_the_fuzzing_found(hostile_cli: Callable[..., None]) -> None:
    for argv, env, config in FOUND:
        hostile_cli(argv, env, config)


@pytest.mark.parametrize("value", ["99999999999999999999999", "\x1b[2J 25:99"])
def test_every_command_with_every_option_hostile(
    hostile_cli: Callable[..., None], value: str
) -> None:
    """Each command once with every positional and every option given ``value`` (so each
    command is reached whatever the random draws above picked)."""
    for path, parser in COMMANDS:
        argv = list(path)
        for action in parser._actions:
            if set(action.option_strings) & NOT_FUZZED_OPTIONS:
                continue
            if action.option_strings:
                argv += [action.option_strings[-1]] + ([value] if action.nargs != 0 else [])
            elif not isinstance(action, argparse._SubParsersAction):
                argv.append(value)
        hostile_cli(argv, {}, None)


def test_the_command_list_is_read_from_the_parser() -> None:
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"add", "list", "task add", "plan", "export", "share", "stats"} <= names


# --- standard output on a full device ---------------------------------------------------------


def run_into(device: str, argv: list[str], data: Path) -> tuple[int, str]:
    """``flowday ARGV > DEVICE`` in this process (the real device: its writes really fail)."""
    stderr = io.StringIO()
    env = {"FLOWDAY_DATA_DIR": str(data), "FLOWDAY_NOW": "2026-11-25T10:00",
           "FLOWDAY_TZ": "Europe/Berlin"}  # fmt: skip
    with (
        open(device, "w", encoding="utf-8") as out,
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(stderr),
        pytest.MonkeyPatch.context() as patch,
    ):
        for name, value in env.items():
            patch.setenv(name, value)
        with contextlib.suppress(SystemExit):
            return flowday.cli.main(argv), stderr.getvalue()
    return 0, stderr.getvalue()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_standard_output_on_a_full_device_is_one_line_and_exit_5(
    cli: CliRunner, tmp_path: Path
) -> None:
    assert cli("add", "Standup 9:00-9:15 #work").returncode == 0
    data = cli.data_dir  # type: ignore[attr-defined]
    for argv in (["list", "--json"], ["export", "-"], ["share"], ["--help"]):
        status, errors = run_into("/dev/full", argv, data)
        assert status == 5, (argv, errors)
        assert errors.splitlines() == [
            "flowday: cannot write the output: No space left on device"
        ], argv


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_real_process_on_a_full_device_reports_once_and_leaves_no_traceback(
    tmp_path: Path,
) -> None:
    # what only a process shows: the buffered output failing again as Python exits (with a
    # TZ no zone can be, read as the process starts)
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "flowday", "share", "--week"], stdout=full,
            stderr=subprocess.PIPE, text=True, timeout=60, env=_process_env(tmp_path),
        )  # fmt: skip
    assert result.returncode == 5, result.stderr
    assert result.stderr == "flowday: cannot write the output: No space left on device\n"


def _process_env(tmp_path: Path) -> dict[str, str]:
    src = Path(__file__).resolve().parents[2] / "src"
    return {**os.environ, "PYTHONPATH": str(src), "FLOWDAY_DATA_DIR": str(tmp_path / "d"),
            "FLOWDAY_NOW": "2026-11-25T10:00", "FLOWDAY_TZ": "Europe/Berlin",
            "TZ": "A" * 300}  # fmt: skip


def test_json_output_stays_json_under_a_hostile_environment(cli: CliRunner) -> None:
    cli("add", "\x1b]52;c;aGk=\x07Standup 9:00-9:15 #work")
    result = cli("list", "--json", env={"TZ": "A" * 300, "NO_COLOR": "\x1b[2J"})
    assert result.returncode == 0 and "\x1b" not in result.stdout
    json.loads(result.stdout)


def _shape(parser: argparse.ArgumentParser) -> list[object]:
    """What parsing depends on: each argument's flags, destination, default and choices,
    and the same for nested commands."""
    shape: list[object] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            shape.append({name: _shape(sub) for name, sub in action.choices.items()})
        else:
            choices = list(action.choices) if action.choices is not None else None
            shape.append((action.option_strings, action.dest, repr(action.default), choices))
    handler = parser.get_default("handler")
    shape.append(getattr(handler, "__qualname__", handler))
    return shape


def test_a_command_alone_parses_as_the_whole_parser_does() -> None:
    # `flowday list` builds only the modules `list` needs: each command's parser built that
    # way must be the one the whole parser holds (and the table must name every command)
    whole = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name, parser in whole.items():
        if name == "tui":
            continue
        for argv in ([name], ["--data-dir", "list", name], ["--theme=x", name, "--json"]):
            alone = build_parser(argv)._subparsers._group_actions[0].choices  # type: ignore[union-attr]
            assert set(alone) <= set(whole) and name in alone, (argv, sorted(alone))
            assert len(alone) <= 9 < len(whole), argv  # not every module
            assert _shape(alone[name]) == _shape(parser), argv
    # an unknown word, --help or --version: the whole parser (help, "invalid choice")
    for argv in (["--help"], ["-h"], ["--vers"], ["lsit"], ["--data", "x", "lsit"], ["--", "x"]):
        built = build_parser(argv)._subparsers._group_actions[0].choices  # type: ignore[union-attr]
        assert set(built) == set(whole), argv
    # no command: the planner, which needs no other command's parser
    for argv in ([], ["--data-dir", "list"], ["--theme=dark"], ["tui", "--date", "mon"]):
        built = build_parser(argv)._subparsers._group_actions[0].choices  # type: ignore[union-attr]
        assert set(built) == {"tui"}, argv
        assert _shape(built["tui"]) == _shape(whole["tui"]), argv
