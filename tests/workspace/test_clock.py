"""The one clock: the bureau's zone for today, now, commit days and the default year."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from conftest import commit_all, git
from shuangsuiji.core.problems import InputError
from shuangsuiji.workspace import Workspace
from shuangsuiji.workspace.clock import Clock


def test_late_evening_utc_is_tomorrow_in_china(clock):
    clock.set("2026-12-31T22:30:00+00:00")
    shanghai, utc = Clock(), Clock("UTC")
    assert shanghai.today() == date(2027, 1, 1) and shanghai.year() == 2027
    assert utc.today() == date(2026, 12, 31)
    assert shanghai.now().isoformat() == "2027-01-01T06:30:00+08:00"


def test_commit_days_are_the_bureaus_days():
    instant = int(datetime.fromisoformat("2026-03-01T17:00:00+00:00").timestamp())
    assert Clock().day_of(instant) == date(2026, 3, 2)
    assert Clock("UTC").day_of(instant) == date(2026, 3, 1)


def test_a_fixed_clock_without_its_offset_is_refused(monkeypatch):
    monkeypatch.setenv("SSJ_NOW", "2026-03-01T10:00:00")
    with pytest.raises(InputError, match="缺少时区"):
        Clock().now()
    monkeypatch.setenv("SSJ_NOW", "三月一日")
    with pytest.raises(InputError, match="无效"):
        Clock().now()


def test_ssj_commits_carry_the_clocks_instant_and_records_its_offset(example, ssj, clock):
    clock.set("2026-05-20T23:30:00+00:00")  # 07:30 on the 21st in Shanghai
    drawn = ssj("-C", example, "draw", "--year", "2026", "--ratio", "0.2", "--json")
    assert drawn.code == 0, drawn.err
    stamp = git(example, "log", "-1", "--format=%cI").strip()
    assert datetime.fromisoformat(stamp) == datetime.fromisoformat("2026-05-21T07:30:00+08:00")
    text = (example / "plans/2026/draws/2026-1.yaml").read_text(encoding="utf-8")
    assert "drawn_at: '2026-05-21T07:30:00+08:00'" in text or "2026-05-21T07:30:00+08:00" in text
    assert "date: '2026-05-21'" in text or "date: 2026-05-21" in text


def test_the_workspace_zone_is_configurable_and_checked(example, ssj):
    config = example / "ssj.yaml"
    text = config.read_text(encoding="utf-8")
    assert "timezone: Asia/Shanghai" in text  # ssj init writes the default, commented
    config.write_text(text.replace("Asia/Shanghai", "Asia/Urumqi"), encoding="utf-8")
    commit_all(example, "时区")
    assert Workspace(example).clock.zone_name == "Asia/Urumqi"
    config.write_text(
        config.read_text(encoding="utf-8").replace("Asia/Urumqi", "火星/奥林匹斯"),
        encoding="utf-8",
    )
    result = ssj("-C", example, "roster", "check", "--json")
    assert result.code == 2 and "时区" in result.out
