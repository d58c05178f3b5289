"""Shared options: one date parser, one declaration of -C, --year, --json… and Chinese times."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest
import typer

import shuangsuiji.cli.app as app_module
from results_flow import record, staffed
from shuangsuiji.cli import errors
from shuangsuiji.cli.options import DATE_METAVAR, parse_day
from shuangsuiji.cli.output import local_time

DATE_NAMES = {"--date", "--as-of", "--start", "--end"}


def _commands():
    """(command path, click command) for every command of `ssj`, from the command tree."""
    found = []

    def walk(command, path):
        found.append((path, command))
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*path, name])

    walk(typer.main.get_command(app_module.app), [])
    return found


COMMANDS = _commands()


def _options(name: str) -> list[tuple[list[str], object]]:
    return [(path, p) for path, c in COMMANDS for p in c.params if name in getattr(p, "opts", [])]


DATE_OPTIONS = [
    (path, param)
    for path, command in COMMANDS
    for param in command.params
    if set(getattr(param, "opts", [])) & DATE_NAMES
]


@pytest.mark.parametrize("typed", ["2026-01-05", "2026/1/5", "2026年1月5日", "2026.01.05"])
def test_a_date_is_read_as_people_write_it(typed):
    assert parse_day(typed) == date(2026, 1, 5)


def test_every_date_option_is_the_shared_type():
    names = {(" ".join(path), param.opts[0]) for path, param in DATE_OPTIONS}
    for expected in [
        ("draw", "--date"), ("draw prepare", "--date"), ("draw replace", "--date"),
        ("record add", "--start"), ("record add", "--end"), ("record reinspect", "--date"),
        ("disclose status", "--as-of"), ("disclose publish", "--date"), ("status", "--as-of"),
        ("audit", "--as-of"), ("revisit", "--date"), ("revisit record", "--date"),
        ("report", "--date"),
    ]:  # fmt: skip
        assert expected in names
    for _, param in DATE_OPTIONS:
        assert param.type.func is parse_day
        assert param.metavar == DATE_METAVAR
    # and no option anywhere still parses dates with typer's own formats
    assert not [p for _, c in COMMANDS for p in c.params if p.type.name == "datetime"]


@pytest.mark.parametrize(
    "path,option",
    [(path, param.opts[0]) for path, param in DATE_OPTIONS],
    ids=lambda v: " ".join(v) if isinstance(v, list) else v,
)
def test_a_bad_date_names_its_option(capsys, path, option):
    code = errors.run(app_module.app, [*path, option, "2026-02-30"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"错误：选项 {option} 的值无效：日期“2026-02-30”不存在" in err, err


def test_shared_options_have_one_help_everywhere():
    for name in ("--json", "--no-commit", "--seed", "--seed-source", "--dry-run", "-C"):
        declared = _options(name)
        assert len(declared) >= 2, name
        assert len({p.help for _, p in declared}) == 1, (name, {p.help for _, p in declared})
    years = _options("--year")
    helps = {p.help for _, p in years}
    assert len(helps) == 2  # the plan year, and audit's "only this year"
    (audit_help,) = {p.help for path, p in years if path == ["audit"]}
    assert all(p.help != audit_help for path, p in years if path != ["audit"])


def test_every_command_that_reads_a_workspace_takes_c():
    no_workspace = {("init",), ("demo",)}  # they make a new folder instead
    for path, command in COMMANDS:
        own = [p for p in command.params if p.param_type_name == "option" and p.name != "help"]
        if own and tuple(path) not in no_workspace:
            assert any("-C" in p.opts for p in own), path


def test_c_before_or_after_the_command(tmp_path, monkeypatch, example, ssj):
    monkeypatch.chdir(tmp_path)
    assert ssj("roster", "check").code == 2  # no workspace here
    assert ssj("-C", example, "roster", "check").code == 0
    assert ssj("roster", "check", "-C", example).code == 0
    # given twice, the one nearer the command wins (as the later -C does in git)
    assert ssj("-C", tmp_path / "无", "roster", "check", "-C", example).code == 0


def test_a_date_option_takes_chinese_dates(example, ssj):
    result = ssj("-C", example, "status", "--year", "2026", "--as-of", "2026年3月1日", "--json")
    assert result.code == 0, result.err
    assert result.json()["as_of"] == "2026-03-01"


@pytest.mark.parametrize(
    "stamp,shown",
    [
        ("2026-12-02T18:49:56+08:00", "2026年12月2日 18:49:56（UTC+8）"),
        ("2026-12-02T18:49:56+00:00", "2026年12月3日 02:49:56（UTC+8）"),
        (
            datetime(2026, 1, 5, 9, 3, 7, tzinfo=timezone(timedelta(hours=-5))),
            "2026年1月5日 22:03:07（UTC+8）",
        ),
        (datetime(2026, 1, 5, 9, 3, 7), "2026年1月5日 09:03:07"),
    ],
)
def test_times_are_shown_in_chinese_local_form(stamp, shown):
    assert local_time(stamp) == shown


def test_record_show_prints_chinese_times(example, ssj):
    entity = staffed(ssj, example)["tasks"][0]["entity"]
    assert record(ssj, example, entity, "--end", "2026/3/10", "--result", "未发现问题").code == 0
    shown = ssj("-C", example, "record", "show", entity, "--year", "2026")
    assert shown.code == 0, shown.err
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d:\d\d（UTC\+8）", shown.out)
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:", shown.out)
    assert "2026-03-10" in shown.out  # the --end given as 2026/3/10
