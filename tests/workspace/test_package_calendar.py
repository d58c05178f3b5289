"""The holidays package's working days kept in the cache: the same calendar as asking the
package, read back without importing it (making its calendar imports every country)."""

import subprocess
import sys
from datetime import date

import pytest

from shuangsuiji.core import calendar as core_calendar
from shuangsuiji.core.calendar import UnknownSchedule, WorkCalendar, YearSchedule
from shuangsuiji.workspace import Workspace, calendars


def test_the_kept_days_are_the_packages(example, monkeypatch):
    ws = Workspace(example)
    first = calendars.package_days(ws)
    assert first == core_calendar.package_table() and 2026 in first
    monkeypatch.setattr(calendars, "package_table", lambda: pytest.fail("not read back"))
    assert calendars.package_days(Workspace(example)) == first


def test_another_package_is_read_anew(example, monkeypatch):
    calendars.package_days(Workspace(example))
    monkeypatch.setattr(calendars, "_package_key", lambda: "0" * 64)
    asked = []
    monkeypatch.setattr(calendars, "package_table", lambda: asked.append(1) or {2026: (1, 2)})
    assert calendars.package_days(Workspace(example)) == {2026: (1, 2)} and asked


def test_a_calendar_from_the_kept_days_is_the_same_calendar():
    override = YearSchedule(
        year=2031, source="测试", holidays=[date(2031, 1, 1)], workdays=[date(2031, 1, 4)]
    )
    asked = WorkCalendar([override])
    kept = WorkCalendar([override], core_calendar.package_table())
    for year in (2001, 2020, 2026, 2031):
        assert kept.known(year) and kept.source(year) == asked.source(year)
        assert kept.working_days_in_year(year) == asked.working_days_in_year(year)
        start = date(year, 9, 28)
        assert kept.add_working_days(start, 20) == asked.add_working_days(start, 20)
    assert not kept.known(2099)
    with pytest.raises(UnknownSchedule):
        kept.working_days_in_year(2099)


def test_a_command_reading_deadlines_imports_no_holidays_once_kept(example, clock):
    clock.set("2026-03-01")
    for kept in (example / ".ssj" / "cache").glob("holidays-*"):
        kept.unlink()
    code = (
        "import sys\n"
        f"sys.argv = ['ssj', '-C', {str(example)!r}, 'disclose', 'status', '--year', '2026']\n"
        "from shuangsuiji.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('holidays' in sys.modules)\n"
    )
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True) for _ in "12"
    ]
    assert [r.stdout.strip().splitlines()[-1] for r in runs] == ["True", "False"], runs[0].stderr
