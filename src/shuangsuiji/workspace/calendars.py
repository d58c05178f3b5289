"""The workspace's official calendar: the `holidays` package plus `calendars/<year>.yaml`.

An override file gives one year's schedule from the State Council's notice, for a year
the installed `holidays` package does not know yet (or to correct it); it replaces the
package's data for that year. Every problem of every file is reported at once.
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

from pydantic import ValidationError

from ..core.calendar import WorkCalendar, YearSchedule, package_table
from ..core.models import row_problems
from ..core.problems import InputError, Problem
from ..storage import cache as cache_store
from ..storage import yamlio
from . import Workspace

CALENDAR_DIR = "calendars"

README = """\
# calendars/：法定节假日安排的本地补充

ssj 按国务院办公厅每年发布的《关于某年部分节假日安排的通知》计算工作日（公开期限
“20 个工作日”、工作量测算等）：法定节假日放假，调休上班的周六、周日算工作日。

这些安排来自 holidays 软件包，但它只收录到已发布通知的年份。某一年的通知发布后、
软件包尚未更新时，或需要更正时，在本目录放一个 `<年度>.yaml`，内容照通知填写：

```yaml
year: 2027
source: 国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕×号）
holidays:        # 放假的日期（含调休放假），逐日列出
  - 2027-01-01
  - 2027-02-06
  # ……
workdays:        # 调休上班的周六、周日
  - 2027-02-14
```

本地文件完全取代软件包中该年的数据。没有任何来源的年份，ssj 不作推测：期限落在
这样的年份时会明确提示“节假日安排尚未收录”。文件修改后请提交（git commit）。
"""


def schedules(ws: Workspace) -> list[YearSchedule]:
    """The override files of the workspace, validated (file name = its year)."""
    folder = ws.root / CALENDAR_DIR
    if not folder.is_dir():
        return []
    found, problems = [], []
    for path in sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")):
        label = ws.rel(path)
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            problems.append(Problem(file=label, message="不是 UTF-8 编码；请以 UTF-8 保存"))
            continue
        data = yamlio.parse(text, label)
        try:
            schedule = YearSchedule.model_validate(data if data is not None else {})
        except ValidationError as exc:
            pending = row_problems(YearSchedule, exc)
            lines = yamlio.lines_of(text, [loc for loc, _, _ in pending])
            problems += [
                Problem(file=label, line=line, field=field, message=message)
                for (_, field, message), line in zip(pending, lines, strict=True)
            ]
            continue
        if path.stem != str(schedule.year):
            problems.append(
                Problem(
                    file=label,
                    field="year",
                    message=f"文件名应为 {schedule.year}.yaml（与其中的年度一致）",
                )
            )
            continue
        if any(s.year == schedule.year for s in found):
            problems.append(Problem(file=label, message=f"{schedule.year} 年的安排重复提供"))
            continue
        found.append(schedule)
    if problems:
        raise InputError(problems)
    return found


def load_calendar(ws: Workspace) -> WorkCalendar:
    """The official calendar with the workspace's overrides."""
    return WorkCalendar(schedules(ws), package_days(ws))


def package_days(ws: Workspace) -> dict[int, tuple[int, ...]]:
    """The `holidays` package's working days of every year it records (`package_table`),
    kept in the local cache under the package's own files: making its calendar imports
    every country the package knows (about 0.13 s), a command that needs only China's
    working days reads them back in a millisecond."""
    key = _package_key()
    kept = cache_store.load(ws.root, "holidays", key) if key else None
    if isinstance(kept, dict) and all(isinstance(v, list) for v in kept.values()):
        try:
            return {int(year): tuple(days) for year, days in kept.items()}
        except ValueError:
            pass  # not what ssj wrote: computed anew
    table = package_table()
    if key:
        cache_store.save(ws.root, "holidays", key, {str(y): list(d) for y, d in table.items()})
    return table


def _package_key() -> str | None:
    """SHA-256 of the installed package's version and China module, found without
    importing the package; None when they cannot be read (nothing is kept then)."""
    spec = importlib.util.find_spec("holidays")
    if spec is None or spec.origin is None:
        return None
    root = Path(spec.origin).parent
    digest = hashlib.sha256()
    try:
        for part in ("version.py", "countries/china.py"):
            digest.update(part.encode() + b"\0" + (root / part).read_bytes())
    except OSError:
        return None
    return digest.hexdigest()
