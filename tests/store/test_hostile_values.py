"""Hand-edited values of the wrong type are refused, never converted: one line naming the
file and the field (exit 4), the file untouched, and ``doctor`` names them too. The same for
a key given twice in one object (which would silently drop a record) and for nesting, which
gets the same answer at any depth past the limit."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

from flowday.store import MAX_NESTING

MISSING = object()  # the field taken out of the record

BLOCK = {"id": "b1", "date": "2026-11-25", "start": "09:00", "end": "10:00", "title": "Kept",
         "sphere": "work", "flexible": False, "notes": "", "created": "", "updated": "",
         "source": ""}  # fmt: skip
REFLECTION = {"present": "work", "stress": "neither", "energy": 3, "peace": 3, "meaning": 3,
              "note": "", "at": "", "mode": "balance", "figures": {"work": 60}}  # fmt: skip
DAY = {"date": "2026-11-25", "mode": None, "work_start": "09:00", "work_end": "17:00",
       "crossings": [{"rule": "r", "block": "b1", "at": "", "message": ""}],
       "mode_switches": [{"from": "balance", "to": "integration", "at": ""}],
       "reflection": REFLECTION, "reflection_skipped": False, "notes": ["Offsite"],
       "imported_notes": [{"source": "ics:x", "text": "Offsite"}]}  # fmt: skip
TASK = {"id": "t1", "title": "Report", "sphere": "work", "estimate": 30, "priority": 2,
        "due": None, "created": ""}  # fmt: skip
STATE = {"theme": "nord", "theme_config": None,
         "calendars": {"name:Team": {"uids": ["u1"], "imported": ""}}}  # fmt: skip

# (record kind, field path, bad value, what the message names)
CASES: list[tuple[str, str, Any, str]] = [
    ("blocks", "flexible", "false", "'flexible' must be true or false, not the text 'false'"),
    ("blocks", "flexible", 0, "'flexible' must be true or false"),
    ("blocks", "title", 42, "'title' must be text, not the number 42"),
    ("blocks", "title", MISSING, "'title' is missing"),
    ("blocks", "id", None, "'id' must be non-empty text, not null"),
    ("blocks", "id", "", "'id' must be non-empty text"),
    ("blocks", "notes", ["a"], "'notes' must be text, not a list"),
    ("blocks", "start", 540, "'start' must be text"),
    ("blocks", "start", "25:00", "'start'"),
    ("blocks", "end", None, "'end' must be text"),
    ("blocks", "date", 20261125, "'date' must be text"),
    ("blocks", "date", "2026-11-31", "'date'"),
    ("blocks", "sphere", "play", "'sphere' must be one of work, personal, break"),
    ("blocks", "created", 0, "'created' must be text"),
    ("blocks", "source", None, "'source' must be text"),
    # what happened (issue 13): typed like every field, never converted
    ("blocks", "status", "finished", "'status' must be one of planned, done, skipped"),
    ("blocks", "status", True, "'status' must be text, not true"),
    ("blocks", "actual_start", 540, "'actual_start' must be text or null"),
    ("blocks", "actual_start", "09:00", "'actual_start' and 'actual_end' must both be set"),
    ("blocks", "actual_end", "25:00", "'actual_end'"),
    ("blocks", "remind", "no", "'remind' must be true or false, not the text 'no'"),
    ("days", "crossings.0.kind", "oops", "'crossings[0].kind' must be planned or overrun"),
    ("days", "crossings.0.kind", 1, "'crossings[0].kind' must be text"),
    ("days", "date", None, "'date' must be text"),
    ("days", "mode", 3, "'mode' must be text or null"),
    ("days", "work_start", 540, "'work_start' must be text or null"),
    ("days", "work_start", "18:00", "the work window 18:00-17:00 ends before it starts"),
    ("days", "work_end", None, "'work_start' and 'work_end' must both be set or both null"),
    ("days", "crossings", "x", "'crossings' must be a list of objects"),
    ("days", "crossings", ["text"], "crossings[0] must be an object"),
    ("days", "crossings.0.rule", 5, "'crossings[0].rule' must be text"),
    ("days", "mode_switches.0.from", None, "'mode_switches[0].from' must be text"),
    ("days", "reflection", "good", "reflection must be an object"),
    ("days", "reflection.energy", "4", "'reflection.energy' must be a whole number"),
    ("days", "reflection.figures", [], "'reflection.figures' must be an object of whole numbers"),
    ("days", "reflection.figures.work", "60", "'reflection.figures.work' must be a whole number"),
    ("days", "reflection_skipped", "no", "'reflection_skipped' must be true or false"),
    ("days", "notes", "Offsite", "'notes' must be a list of texts, not the text 'Offsite'"),
    ("days", "notes", [1], "'notes' must be a list of texts"),
    ("days", "imported_notes.0.text", 3, "'imported_notes[0].text' must be text"),
    ("tasks", "id", None, "'id' must be non-empty text, not null"),
    ("tasks", "title", 3, "'title' must be text, not the number 3"),
    ("tasks", "sphere", None, "'sphere' must be text"),
    ("tasks", "estimate", "30", "'estimate' must be a whole number, not the text '30'"),
    ("tasks", "estimate", 30.5, "'estimate' must be a whole number, not the number 30.5"),
    ("tasks", "priority", True, "'priority' must be a whole number, not true"),
    ("tasks", "due", 20261201, "'due' must be text or null"),
    ("tasks", "due", "tomorrow", "'due'"),
    ("tasks", "created", [], "'created' must be text, not a list"),
    ("state", "theme", 3, "'theme' must be text or null"),
    ("state", "theme_config", [], "'theme_config' must be text or null"),
    ("state", "calendars", "x", "calendars must be an object"),
    ("state", "calendars.name:Team.uids", "u1", "\"calendars['name:Team'].uids\" must be a list"),
    ("state", "calendars.name:Team.uids", [1], "\"calendars['name:Team'].uids\" must be a list"),
]
RECORDS = {"blocks": BLOCK, "days": DAY, "tasks": TASK, "state": STATE}
FILES = {"blocks": "months/2026-11.json", "days": "months/2026-11.json",
         "tasks": "tasks.json", "state": "state.json"}  # fmt: skip
# a command that reads each file (state: the calendar import reads it; doctor reads all)
READERS = {"blocks": ["list"], "days": ["check"], "tasks": ["task", "list"], "state": ["doctor"]}


def with_value(record: dict[str, Any], field: str, value: Any) -> dict[str, Any]:
    record = json.loads(json.dumps(record))
    *path, last = field.split(".")
    inner: Any = record
    for step in path:
        inner = inner[int(step)] if isinstance(inner, list) else inner[step]
    if value is MISSING:
        del inner[last]
    else:
        inner[last] = value
    return record


def store_file(kind: str, record: dict[str, Any]) -> str:
    return json.dumps({"_meta": {"1": {"schema_version": 2}}, kind: {"1": record}})


def write_store(data_dir: Path, kind: str = "", record: dict[str, Any] | None = None) -> str:
    """The corpus's good records in their files, ``kind``'s replaced by ``record``; the
    text of the file holding it."""
    records = {**RECORDS, **({kind: record} if kind else {})}
    tables: dict[str, dict[str, Any]] = {}
    for name, value in records.items():
        tables.setdefault(FILES[name], {"_meta": {"1": {"schema_version": 2}}})[name] = {"1": value}
    for name, content in tables.items():
        (data_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (data_dir / name).write_text(json.dumps(content))
    return (data_dir / FILES[kind]).read_text() if kind else ""


def refused(result: Any, where: Path, names: str) -> str:
    output = (result.stderr + result.stdout).strip()
    assert result.returncode == 4, output
    line = next((line for line in output.splitlines() if str(where) in line), "")
    assert names in line and "left untouched" in line, output
    return line


def test_every_good_record_is_read(cli) -> None:
    # the corpus's records as given are valid: each case below breaks exactly one field
    write_store(cli.data_dir)
    assert cli("doctor").returncode == 0, cli("doctor").stdout
    assert "Kept" in cli("list").stdout and "Report" in cli("task", "list").stdout


@pytest.fixture
def one_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    """Build the command line's parser once for the many runs below: building it is most
    of an in-process run's time (~20 ms), and parsing does not change it."""
    import flowday.cli.parsing

    whole = functools.cache(flowday.cli.parsing.build_parser)
    monkeypatch.setattr(flowday.cli.parsing, "build_parser", lambda argv=None: whole())


@pytest.mark.usefixtures("one_parser")
def test_hostile_values_are_refused_naming_file_and_field(cli) -> None:
    checked = 0
    for kind, field, value, names in CASES:
        path = cli.data_dir / FILES[kind]
        raw = write_store(cli.data_dir, kind, with_value(RECORDS[kind], field, value))
        case = f"{kind} {field}={value!r}"
        result = cli(*READERS[kind])
        assert result.returncode == 4, (case, result.stdout, result.stderr)
        if kind != "state":
            (line,) = result.stderr.strip().splitlines()
            assert str(path) in line and names in line, (case, line)
            assert f"({kind} #1: field" in line or f"({kind} #1: " in line, (case, line)
        refused(cli("doctor"), path, names)
        assert path.read_text() == raw, case  # never converted, never rewritten
        checked += 1
    assert checked == len(CASES) >= 45


def test_a_stray_month_name_is_named_by_doctor(cli) -> None:
    stray = cli.data_dir / "months" / "2026-13.json"
    stray.parent.mkdir(parents=True)
    stray.write_text(store_file("blocks", BLOCK))
    assert cli("stats").returncode == 0
    found = cli("doctor")
    assert found.returncode == 4 and "2026-13.json: not a flowday file" in found.stdout


META = '"_meta": {"1": {"schema_version": 2}}'
SECOND = json.dumps({**BLOCK, "id": "b2"})
TITLE_TWICE = json.dumps(BLOCK).replace('"title": "Kept"', '"title": "Kept", "title": "Other"')


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (f'{{{META}, "blocks": {{"1": {json.dumps(BLOCK)}, "1": {SECOND}}}}}',
         "the key '1' appears twice in one object"),
        (f'{{{META}, "blocks": {{"1": {TITLE_TWICE}}}}}',
         "the key 'title' appears twice in one object"),
    ],
    ids=["record-twice", "field-twice"],
)  # fmt: skip
def test_a_key_given_twice_is_refused_not_dropped(cli, text: str, reason: str) -> None:
    month = cli.data_dir / "months" / "2026-11.json"
    month.parent.mkdir(parents=True)
    month.write_text(text)
    result = cli("list")
    (line,) = result.stderr.strip().splitlines()
    assert result.returncode == 4 and str(month) in line and f"damaged ({reason})" in line
    assert month.read_text() == text
    assert reason in cli("doctor").stdout


def nested(depth: int) -> str:
    """A month whose day carries a field (one a later flowday might add) ``depth`` deep
    counted from the file's top: file, table, record, then the lists."""
    inner = "[" * (depth - 3) + "]" * (depth - 3)
    day = json.dumps({"date": "2026-11-25"})[:-1] + f', "later": {inner}}}'
    return f'{{{META}, "days": {{"1": {day}}}}}'


def test_nesting_gets_one_answer_at_any_depth_past_the_limit(cli) -> None:
    month = cli.data_dir / "months" / "2026-11.json"
    month.parent.mkdir(parents=True)
    month.write_text(nested(MAX_NESTING))
    assert cli("list").returncode == 0  # at the limit: read (and kept as it is)
    answers = set()
    for depth in (MAX_NESTING + 1, 500, 5_000, 200_000):
        month.write_text(nested(depth))
        result = cli("list")
        assert result.returncode == 4, (depth, result.stderr[-300:])
        (line,) = result.stderr.strip().splitlines()
        answers.add(line)
        assert month.read_text() == nested(depth)
    assert answers == {
        f"flowday: {month} is damaged (it nests deeper than {MAX_NESTING} levels); it was left "
        "untouched — run 'flowday doctor --repair' to keep a copy aside and start it afresh"
    }
