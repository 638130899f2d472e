"""``flowday check``, ``mode``, ``hours`` and ``plan`` as a person (or a script) uses them:
output, exit statuses 0/1/2/3 and the JSON shape."""

from __future__ import annotations

import json

import pytest


def test_check_json_shape_and_exit_status(cli) -> None:
    clean = cli("check", "--json")
    assert clean.returncode == 0, clean.stderr
    assert json.loads(clean.stdout) == {
        "date": "2026-11-25", "mode": "balance", "violations": [],
        "planned_crossings": [], "overruns": [],
    }  # fmt: skip
    assert cli("add", "Emails 20:00-20:20 #work", "--force").returncode == 0
    broken = cli("check", "--json")
    assert broken.returncode == 1
    data = json.loads(broken.stdout)
    assert set(data) == {"date", "mode", "violations", "planned_crossings", "overruns"}
    assert [c["rule"] for c in data["planned_crossings"]] == ["work-inside-window"]
    first = data["violations"][0]
    assert set(first) == {"rule", "severity", "message", "blocks"}
    assert (first["rule"], first["severity"]) == ("work-inside-window", "error")
    assert first["message"] == (
        "Work block 'Emails' 20:00-20:20 is outside your work window 09:00-17:00 "
        "(balance keeps work inside working hours)"
    )
    assert len(first["blocks"]) == 1


def test_check_with_only_warnings_exits_0(cli) -> None:
    cli("add", "Standup 9:00-9:15 #work")
    result = cli("check")
    assert result.returncode == 0
    assert "warning" in result.stdout and "plan-evening" in result.stdout


def test_a_refused_add_exits_3_with_the_rule_on_stderr_and_stores_nothing(cli) -> None:
    result = cli("add", "Emails 20:00-20:20 #work")
    assert result.returncode == 3 and result.stdout == ""
    assert "outside your work window 09:00-17:00" in result.stderr
    assert "--force" in result.stderr
    assert json.loads(cli("list", "--json").stdout) == []


def test_mode_shows_sets_and_groups_what_breaks_by_rule(cli) -> None:
    shown = cli("mode")
    assert shown.returncode == 0 and "2026-11-25: balance" in shown.stdout
    assert "integration" in shown.stdout
    assert "transition buffers: 15m after work\n" in shown.stdout  # balance
    assert "transition buffers: 5m after work, 15m after 2h+ of work, 5m before work" in (
        shown.stdout
    )
    assert cli("mode", "integration").returncode == 0
    cli("add", "Errand 12:30-13:00 #personal #flex")
    cli("add", "Children 15:30-16:30 #personal")
    back = cli("mode", "balance")
    assert back.returncode == 0, back.stderr
    lines = back.stdout.splitlines()
    assert lines[0] == "2026-11-25: integration → balance"
    heading = lines.index("  personal-outside-window (error):")
    assert lines[heading + 1].startswith("    - Personal block 'Errand'")
    assert lines[heading + 2].startswith("    - Personal block 'Children'")
    assert "Cannot fix:" in back.stdout and "would move 1 flexible block" in back.stdout


def test_mode_fix_moves_flexible_blocks_only(cli) -> None:
    cli("mode", "integration")
    errand = cli("add", "Errand 12:30-13:00 #personal #flex").stdout.strip()
    kids = cli("add", "Children 15:30-16:30 #personal").stdout.strip()
    fixed = cli("mode", "balance", "--fix", "--json")
    assert fixed.returncode == 0, fixed.stderr
    data = json.loads(fixed.stdout)
    assert data["switched"] and data["fixed"] and data["previous"] == "integration"
    assert [m["block"] for m in data["moves"]] == [errand]
    assert [u["block"] for u in data["unfixable"]] == [kids]
    spans = {b["id"]: (b["start"], b["end"]) for b in json.loads(cli("list", "--json").stdout)}
    assert spans[kids] == ("15:30", "16:30") and spans[errand] != ("12:30", "13:00")


def test_mode_fix_puts_moved_hours_back_when_the_mode_keeps_fixed_hours(cli) -> None:
    cli("mode", "integration")
    cli("hours", "10:00-18:00")
    call = cli("add", "Call 17:00-18:00 #work #flex").stdout.strip()
    preview = cli("mode", "balance", "--json")
    data = json.loads(preview.stdout)
    assert [v["rule"] for v in data["violations"]].count("fixed-hours") == 1
    assert data["hours_reset"] == "09:00-17:00"  # offered, not yet done
    assert "would set the work window back to 09:00-17:00 and move 1 flexible block:" in (
        cli("mode", "balance").stdout
    )
    assert json.loads(cli("list", "--json").stdout)[0]["end"] == "18:00"
    cli("mode", "integration")
    fixed = json.loads(cli("mode", "balance", "--fix", "--json").stdout)
    assert fixed["fixed"] and fixed["hours_reset"] == "09:00-17:00"
    assert [m["block"] for m in fixed["moves"]] == [call]  # moved into the restored window
    assert "fixed-hours" not in {v["rule"] for v in fixed["violations"]}
    checked = json.loads(cli("check", "--json").stdout)
    assert not [v for v in checked["violations"] if v["severity"] == "error"]


def test_unknown_mode_exits_2(cli) -> None:
    result = cli("mode", "holiday")
    assert result.returncode == 2 and "unknown mode 'holiday'" in result.stderr


def test_hours_in_balance_exits_3_unless_forced(cli) -> None:
    refused = cli("hours", "10:00-18:30")
    assert refused.returncode == 3 and "fixed working hours" in refused.stderr
    forced = cli("hours", "10:00-18:30", "--force")
    assert forced.returncode == 0 and "10:00-18:30" in forced.stdout
    assert "crossed (fixed-hours)" in forced.stderr
    assert cli("list").stdout.startswith("Wed 25 Nov 2026 · balance · work 10:00-18:30")


def test_hours_in_integration_and_back_to_default(cli) -> None:
    cli("mode", "integration", "--date", "tomorrow")
    moved = cli("hours", "10-18:30", "--date", "tomorrow")
    assert moved.returncode == 0 and "work window 10:00-18:30" in moved.stdout
    reset = cli("hours", "default", "--date", "tomorrow")
    assert "work window 09:00-17:00" in reset.stdout


@pytest.mark.parametrize("span", ["18:30-10:00", "soon", "25:00-26:00"])
def test_bad_hours_exit_2(cli, span: str) -> None:
    assert cli("hours", span).returncode == 2


def test_plan_dry_run_then_plan(cli) -> None:
    cli("task", "add", "Report 1h", "--priority", "1")
    cli("task", "add", "Gym 1h #personal")
    cli("task", "add", "Marathon 9h #work")
    dry = cli("plan", "--date", "tomorrow", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "placed  09:00-10:00  work     Report" in dry.stdout
    assert "cannot place 'Marathon'" in dry.stdout and "(dry run" in dry.stdout
    assert len(json.loads(cli("task", "list", "--json").stdout)) == 3
    done = cli("plan", "--date", "tomorrow", "--json")
    data = json.loads(done.stdout)
    assert [p["block"]["title"] for p in data["placed"]] == ["Report", "Gym"]
    assert [u["title"] for u in data["unplaced"]] == ["Marathon"]
    assert [t["title"] for t in json.loads(cli("task", "list", "--json").stdout)] == ["Marathon"]
    listed = json.loads(cli("list", "--json", "--date", "tomorrow").stdout)
    assert all(b["flexible"] for b in listed) and len(listed) == 2


def test_a_bad_mode_config_exits_2_naming_the_line(cli, tmp_path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[modes.hybrid.rules]\nmax-work = { minutes = "lots" }\n')
    result = cli("check", "--config", str(config))
    assert result.returncode == 2
    assert "line 2" in result.stderr and "max-work" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_custom_mode_from_config(cli, tmp_path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[modes.school-run]\nextends = "balance"\n'
        "[modes.school-run.rules]\npersonal-outside-window = false\n"
    )
    assert cli("mode", "school-run", "--config", str(config)).returncode == 0
    added = cli("add", "Children 15:30-16:30 #personal", "--config", str(config))
    assert added.returncode == 0, added.stderr
    assert "school-run" in cli("mode", "--config", str(config)).stdout


# --- regressions found by trying the command line as the README and issues describe it
# (were in tests/qa)


def _one_line_error(result) -> None:  # type: ignore[no-untyped-def]
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_mode_fix_json_lists_what_is_still_broken_after_the_fix(cli) -> None:
    cli("add", "Fix 18:00-18:30 #work #flex", "--force")
    cli("add", "Emails 20:00-20:30 #work", "--force")  # fixed: 1h outside before the fix
    result = cli("mode", "integration", "--fix", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [m["to"] for m in data["moves"]] == ["16:30-17:00"]
    # the 30 minutes outside the window are gone: nothing is broken any more
    check = json.loads(cli("check", "--json").stdout)
    assert data["violations"] == check["violations"]
    assert not any(v["rule"] == "work-outside-limit" for v in data["violations"])


def test_work_hours_at_a_time_the_clocks_skip_are_refused(cli) -> None:
    result = cli("hours", "2:30-10:00", "--date", "2026-03-29", "--force")
    assert result.returncode == 2
    _one_line_error(result)
    assert "does not exist" in result.stderr
    assert cli("list", "--date", "2026-03-29").stdout.startswith(
        "Sun 29 Mar 2026 · balance · work 09:00-17:00"
    )
