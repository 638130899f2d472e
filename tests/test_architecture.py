"""The layers of ARCHITECTURE.md, checked: the domain imports neither Textual nor TinyDB,
only store.py touches TinyDB, and non-TUI commands never load Textual."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "flowday"


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules_under(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def top(name: str) -> str:
    return name.split(".")[0]


@pytest.mark.parametrize("path", modules_under(PACKAGE / "domain"), ids=lambda p: p.name)
def test_domain_is_pure(path: Path) -> None:
    for name in imported_modules(path):
        assert top(name) not in {"textual", "tinydb", "rich"}, f"{path.name} imports {name}"
        assert not name.startswith(
            (
                "flowday.store",
                "flowday.cli",
                "flowday.tui",
                "flowday.application",
                "flowday.calendars",
            )
        ), f"{path.name} imports {name}"


def test_only_the_store_touches_tinydb() -> None:
    users = [
        p.relative_to(PACKAGE).as_posix()
        for p in modules_under(PACKAGE)
        if any(top(n) == "tinydb" for n in imported_modules(p))
    ]
    assert users == ["store.py"]


def test_textual_stays_inside_the_tui() -> None:
    outside = [
        p.relative_to(PACKAGE).as_posix()
        for p in modules_under(PACKAGE)
        if "tui" not in p.relative_to(PACKAGE).parts
        and any(top(n) == "textual" for n in imported_modules(p))
    ]
    assert outside == []


NON_TUI_COMMANDS = [
    ["add", "Standup 9:00-9:15"],
    ["list"],
    ["list", "--json"],
    ["task", "add", "Report 1h"],
    ["task", "list"],
    ["doctor"],
    ["themes"],
    ["themes", "--json"],
    ["--help"],
]

# Runs each command given as a JSON list of argv lists in one fresh interpreter and prints,
# after each, the watched modules loaded so far (one process instead of one per
# command: a command that loads one shows it right after it ran, before the next starts).
PROBE = """
import json, sys
from flowday.cli import main
watched = set(sys.argv[2].split(","))
for args in json.loads(sys.argv[1]):
    try:
        main(args)
    except SystemExit:
        pass
    loaded = sorted(name for name in watched if name in sys.modules)
    print("PROBE", json.dumps([args, loaded]), file=sys.__stdout__, flush=True)
"""


def loaded_after_each(
    commands: list[list[str]], watched: set[str], env: dict[str, str]
) -> list[tuple[list[str], list[str]]]:
    args = [json.dumps(commands), ",".join(sorted(watched))]
    result = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True,
                            text=True, env=env, timeout=120)  # fmt: skip
    rows = [json.loads(line[6:]) for line in result.stdout.splitlines() if line.startswith("PROBE")]
    assert [row[0] for row in rows] == commands, (result.stdout[-500:], result.stderr[-2000:])
    return [(row[0], row[1]) for row in rows]


def _runtime_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement that runs, at module level or inside a function (a lazy
    import still ties the two modules together); ``if TYPE_CHECKING:`` blocks do not run."""
    found: list[ast.Import | ast.ImportFrom] = []
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            pending.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        pending.extend(ast.iter_child_nodes(node))
    return found


def flowday_import_graph() -> dict[str, set[str]]:
    """Module → the flowday modules it imports (``from pkg import mod`` counts as ``mod``)."""
    paths: dict[str, Path] = {}
    for path in modules_under(PACKAGE):
        parts = path.relative_to(SRC).with_suffix("").parts
        paths[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in _runtime_imports(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
                continue
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            for alias in node.names:
                targets.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in paths else base)
        graph[name] = {t for t in targets if t in paths and t != name}
    return graph


def test_flowday_has_no_import_cycles() -> None:
    graph = flowday_import_graph()
    assert "flowday.domain.model" in graph and "flowday.tui.app" in graph  # the walk found them
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            cycle = " → ".join([*path[path.index(name) :], name])
            raise AssertionError(f"import cycle: {cycle}")
        if name in done:
            return
        for target in sorted(graph[name]):
            visit(target, [*path, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])


def test_the_cycle_check_sees_lazy_imports_not_type_checking_ones() -> None:
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    import skipped\n"
        "def f():\n    import lazy\n"
    )
    names = {alias.name for node in _runtime_imports(tree) for alias in node.names}
    assert names == {"TYPE_CHECKING", "lazy"}


def test_non_tui_commands_never_import_textual(tmp_path: Path) -> None:
    from flowday.cli.parsing import build_parser

    subcommands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    env = {**os.environ, "PYTHONPATH": str(SRC), "FLOWDAY_DATA_DIR": str(tmp_path),
           "FLOWDAY_NOW": "2026-11-25T10:00", "FLOWDAY_TZ": "Europe/Berlin"}  # fmt: skip
    commands = [*NON_TUI_COMMANDS, *([name, "--help"] for name in subcommands if name != "tui")]
    assert len(commands) > len(NON_TUI_COMMANDS) + 10  # every command's --help is probed
    for args, loaded in loaded_after_each(commands, {"textual"}, env):
        assert loaded == [], args


def test_everyday_commands_load_only_what_they_use(tmp_path: Path) -> None:
    # icalendar costs tens of milliseconds at start-up: only import/export/share pay it;
    # pendulum's locales (its `format`) ~11 ms: flowday formats dates with fmt_date; the
    # other commands' modules: `list` builds only its own part of the parser; dateutil's
    # free-form parser ~10 ms (pendulum imports it; flowday/__init__.py defers it);
    # dataclasses (with inspect, ast, dis) ~30 ms: records are domain/frozen.py's
    env = {**os.environ, "PYTHONPATH": str(SRC), "FLOWDAY_DATA_DIR": str(tmp_path)}
    commands = [["list"], ["add", "Standup 9:00-9:15", "--force"], ["check"]]
    watched = {"icalendar", "recurring_ical_events", "textual", "pendulum.locales.en.locale",
               "flowday.cli.calendar", "flowday.cli.sync", "flowday.cli.reflect",
               "dateutil.parser._parser", "dataclasses", "inspect"}  # fmt: skip
    for args, loaded in loaded_after_each(commands, watched, env):
        assert loaded == [], args
    # TinyDB (~3 ms) only for a transaction: commands that only read never import it
    for args, loaded in loaded_after_each([["list"], ["check"], ["week"]], {"tinydb"}, env):
        assert loaded == [], args


def test_the_deferred_date_parser_still_parses() -> None:
    # pendulum's and dateutil's free-form parsing load it on first use
    import dateutil.parser
    import pendulum

    assert pendulum.parse("1 Dec 2026 10:30", strict=False) == pendulum.datetime(
        2026, 12, 1, 10, 30
    )
    assert dateutil.parser.parse("Dec 2, 2026").day == 2


def test_a_status_bars_next_loads_no_heavy_module(tmp_path: Path) -> None:
    # `flowday next` answered from today's snapshot has ~30 ms of its own: none of these
    env = {**os.environ, "PYTHONPATH": str(SRC), "FLOWDAY_DATA_DIR": str(tmp_path / "data"),
           "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "FLOWDAY_NOW": "2026-11-25T10:00"}  # fmt: skip
    for name in ("FLOWDAY_CACHE_DIR", "FLOWDAY_CONFIG"):
        env.pop(name, None)
    watched = {"typing", "argparse", "dataclasses", "platformdirs", "pendulum", "tinydb",
               "flowday.cli.parsing", "flowday.store"}  # fmt: skip
    [(_, first)] = loaded_after_each([["next"]], watched, env)  # computed; leaves a snapshot
    assert "pendulum" in first and (tmp_path / "cache" / "flowday").is_dir()
    [(_, answered)] = loaded_after_each([["next"]], watched, env)
    assert answered == []


def test_the_probe_sees_a_package_a_command_loads(tmp_path: Path) -> None:
    # the probes above pass when nothing is loaded: this one shows they would notice
    env = {**os.environ, "PYTHONPATH": str(SRC), "FLOWDAY_DATA_DIR": str(tmp_path)}
    target = str(tmp_path / "out.ics")
    [(_, loaded)] = loaded_after_each([["export", target]], {"icalendar"}, env)
    assert loaded == ["icalendar"]


def test_import_contracts_hold(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The contracts in pyproject.toml ([tool.importlinter]) cover lazy imports too, which
    # the AST checks above also see, and indirect ones (a chain through another module).
    from importlinter.cli import lint_imports

    monkeypatch.chdir(SRC.parent)
    exit_code = lint_imports(no_cache=True, no_logo=True)
    assert exit_code == 0, capsys.readouterr().out
