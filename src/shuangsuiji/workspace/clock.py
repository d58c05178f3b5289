"""The only clock of ssj: every today, now, commit day and default year, in one time zone.

A bureau's deadlines are counted in its own days, so "today" is the bureau's date
(`timezone` in ssj.yaml, default Asia/Shanghai), never the machine's: a CI runner on UTC
and a laptop in Shanghai judge the same instant alike. Every stamp carries its offset.

`SSJ_NOW` (an ISO instant with its offset) fixes the clock, for tests and rehearsals. It
is no more power than setting the machine's clock, which any operator has; the audit's
defences against dates are elsewhere (commit order, late entries, anchors).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import cached_property
from zoneinfo import ZoneInfo

from ..core.problems import InputError

DEFAULT_ZONE = "Asia/Shanghai"
FIXED = "SSJ_NOW"


@dataclass(frozen=True)
class Clock:
    zone_name: str = DEFAULT_ZONE

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.zone_name)

    def now(self) -> datetime:
        """This instant in the bureau's zone, to the second, with its offset."""
        fixed = os.environ.get(FIXED)
        instant = _parse_fixed(fixed) if fixed else datetime.now(timezone.utc)
        return instant.astimezone(self.zone).replace(microsecond=0)

    def today(self) -> date:
        return self.now().date()

    def year(self) -> int:
        """The default plan year: the bureau's current year."""
        return self.today().year

    def day_of(self, epoch_seconds: int) -> date:
        """The bureau's date of an instant given in seconds since the epoch (git's %ct)."""
        return datetime.fromtimestamp(epoch_seconds, self.zone).date()

    def local(self, instant: datetime) -> datetime:
        return instant.astimezone(self.zone)


def _parse_fixed(text: str) -> datetime:
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"环境变量 {FIXED}=“{text}”无效：应为带时区的时刻，如 2026-06-15T10:00:00+08:00"
        ) from None
    if instant.tzinfo is None:
        raise InputError(f"环境变量 {FIXED}=“{text}”缺少时区，如 2026-06-15T10:00:00+08:00")
    return instant


@contextmanager
def fixed_at(instant: datetime) -> Iterator[None]:
    """Run on a clock fixed at `instant` (ssj demo plays a whole year so), then restore it."""
    before = os.environ.get(FIXED)
    os.environ[FIXED] = instant.isoformat()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(FIXED, None)
        else:
            os.environ[FIXED] = before
