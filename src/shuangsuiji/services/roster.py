"""一单两库: importing spreadsheets into the rosters, checking and exporting them."""

from __future__ import annotations

import dataclasses
import hashlib
import operator
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import compress
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any

from ..core import columns, rows
from ..core.creditcode import (
    credit_code_shaped,
    organization_code_problem,
    organization_mismatches,
)
from ..core.models import ROSTER_NAMES, ROSTERS
from ..core.problems import InputError, Problem, Refused
from ..core.tables import export_rows
from ..storage import tabular, yamlio
from ..storage.cache import paused_gc
from ..storage.files import write_atomic
from ..workspace import (
    ROSTER_DIR,
    Workspace,
    csv_roster,
    keep_columns,
    parse_roster,
    read_back,
    schema_line,
    writer,
)
from . import SheetWritten


@dataclass
class ImportResult:
    kind: str
    file: str
    encoding: str | None
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    written: bool = False
    roster: str = ""  # the roster file, relative to the workspace
    warnings: list[Problem] = field(default_factory=list)  # imported, but worth a look

    def counts(self) -> dict[str, int]:
        return {k: len(getattr(self, k)) for k in ("added", "updated", "unchanged", "removed")}

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file": self.file,
            "encoding": self.encoding,
            "written": self.written,
            **self.counts(),
            "ids": {k: getattr(self, k) for k in self.counts()},
            "warnings": [w.as_json("warning") for w in self.warnings],
        }


def read_rows(
    path: Path, kind: str | None
) -> tuple[str, tabular.Sheet, list[tuple[int, Any, frozenset[str]]]]:
    """Validated rows of a spreadsheet file: (row number, row, the fields it has)."""
    sheet, validated, built = _read_sheet(path, kind)
    rows_of = zip(validated.numbers, built, validated.presents(), strict=True)
    return validated.kind, sheet, list(rows_of)


def _read_sheet(path: Path, kind: str | None) -> tuple[tabular.Sheet, columns.Validated, list]:
    """A spreadsheet file's sheet (its rows read), what validated it (without its columns,
    which the rows now hold) and rows."""
    sheets: list[tabular.Sheet] = []

    def read() -> tabular.Sheet:
        sheets.append(tabular.read_table(path))
        return sheets[-1]

    validated = columns.validate(read, kind)
    built = rows.from_validated(validated.kind, validated.columns)
    return sheets[0], dataclasses.replace(validated, columns=[]), built


def dump_row(kind: str, row: Any) -> dict[str, Any]:
    """A row as written to YAML: no empty values, so files stay short and diffs clear."""
    values = zip(rows.fields(kind), rows.encode(kind, row), strict=True)
    return {k: v for k, v in values if v not in (None, [], {}, "")}


def import_file(
    ws: Workspace,
    path: Path,
    kind: str | None,
    replace: bool,
    dry_run: bool,
    department: str | None = None,
) -> ImportResult:
    """Rows merged into a roster by id; `department`: a participating department's own
    inspectors or items for joint tasks (rosters/departments/<部门>/), validated alike."""
    with paused_gc():  # rows, cells and columns by the hundred thousand, no cycles
        return _import_file(ws, path, kind, replace, dry_run, department)


def _import_file(
    ws: Workspace,
    path: Path,
    kind: str | None,
    replace: bool,
    dry_run: bool,
    department: str | None,
) -> ImportResult:
    sheet, validated, built = _read_sheet(path, kind)
    kind = validated.kind
    result = ImportResult(kind, sheet.label, sheet.encoding)
    del sheet  # a million rows of cells: free them before the roster is built
    id_field = "code" if kind == "items" else "id"
    idents = list(map(itemgetter(rows.fields(kind).index(id_field)), built))
    with writer.batch(ws, commit=False) as book:  # rosters are committed by their keepers
        target = _department_roster(ws, department, kind) if department else ws.roster_path(kind)
        label = result.roster = ws.rel(target)
        existing = target.read_bytes() if target.is_file() else b""
        current = parse_roster(kind, existing, label).rows if existing.strip() else []
        merged = {getattr(r, id_field): r for r in current}
        known = set(merged)
        imported = set(idents)
        again = list(map(known.__contains__, idents))  # ids the roster has already
        result.added = list(compress(idents, map(operator.not_, again)))
        if any(again):
            at = list(compress(range(len(idents)), again))
            _merge_known(kind, merged, at, idents, built, validated.presents(), result)
        # New rows come after the roster's, in the sheet's order.
        fresh = compress(built, map(operator.not_, again))
        merged.update(zip(result.added, fresh, strict=True))
        del built, again
        if kind == "entities":
            result.warnings = import_warnings(result.file, idents, validated.numbers, merged)
        del validated
        if replace:
            result.removed = [i for i in known if i not in imported]
            for ident in result.removed:
                del merged[ident]
        if not (result.added or result.updated or result.removed):
            return result
        # never write what reads back wrong
        data, found = roster_file(kind, label, existing, merged, id_field)
        if found is None:
            raise Refused(f"{label} 写出后读回的内容与导入的不一致，未写入；请报告此问题")
        del merged
        if not dry_run:
            book.write(target, data)
            result.written = True
    if result.written:
        keep_columns(ws.root, kind, hashlib.sha256(data).hexdigest(), found)
    return result


def _department_roster(ws: Workspace, department: str, kind: str) -> Path:
    # Imported here: the joint tasks' records are no concern of the bureau's own rosters.
    from ..workspace.joint import department_roster_path

    return department_roster_path(ws, department, kind)


def _merge_known(
    kind: str,
    merged: dict[str, Any],
    at: list[int],
    idents: list[str],
    built: list,
    presents: list[frozenset[str]],
    result: ImportResult,
) -> None:
    """The sheet's rows `at` (positions), whose ids the roster has, merged into its rows."""
    model = ROSTERS[kind][0]
    builder = rows.Builder(kind)
    for i in at:
        ident, row, present = idents[i], built[i], presents[i]
        # Columns the sheet has overwrite; columns it lacks keep what the roster had.
        old, new = dump_row(kind, merged[ident]), dump_row(kind, row)
        combined = {**old, **{k: v for k, v in new.items() if k in present}}
        for key in present - set(new):
            combined.pop(key, None)
        row = builder.from_model(model.model_validate(combined))
        (result.unchanged if dump_row(kind, row) == old else result.updated).append(ident)
        merged[ident] = row


def import_warnings(
    label: str, idents: list[str], numbers: list[int], merged: dict[str, Any]
) -> list[Problem]:
    """Units of the sheet (`idents`, on rows `numbers`) whose organisation code fails its
    check, or whose name another unit of the roster has under a different code (one unit
    entered twice?)."""
    suspects = _organization_suspects(idents)
    names = list(map(attrgetter("name"), merged.values()))
    if not suspects and len(set(names)) == len(names):
        return []  # the common case: no row of the sheet is looked up
    imported = dict(zip(idents, numbers, strict=True))
    out = [
        Problem(
            file=label,
            row=imported[ident],
            field="统一社会信用代码",
            message=organization_code_problem(ident),
        )
        for ident in suspects
    ]
    if len(set(names)) == len(names):
        return out  # no name is repeated
    repeated = {n for n, count in Counter(names).items() if count > 1}
    by_name: dict[str, list[str]] = {}
    for ident, name in zip(merged, names, strict=True):
        if name in repeated:
            by_name.setdefault(name, []).append(ident)
    for ident, number in imported.items():
        if merged[ident].name not in repeated:
            continue
        others = [i for i in by_name[merged[ident].name] if i != ident]
        if others:
            message = (
                f"单位名称“{merged[ident].name}”在名录中还有代码 {'、'.join(others)}："
                "是否同一单位录入了两次？"
            )
            out.append(Problem(file=label, row=number, field="单位名称", message=message))
    return out


def _organization_suspects(idents: list[str]) -> list[str]:
    """The ids (of validated rows) that are credit codes whose 组织机构代码 check fails."""
    codes = credit_code_shaped(idents)
    return [codes[i] for i in organization_mismatches(codes)]


def roster_file(
    kind: str, label: str, existing: bytes, merged: dict[str, Any], id_field: str
) -> tuple[bytes, list[list] | None]:
    """The roster file holding `merged`, in the file's own format, and its columns as it
    reads back (workspace.read_back): None when they would not hold exactly these rows."""
    if label.endswith(".csv"):
        return csv_roster(kind, list(merged.values()), label)
    as_dicts = {ident: dump_row(kind, row) for ident, row in merged.items()}
    text = render_roster(kind, existing.decode("utf-8-sig"), as_dicts, id_field, label)
    data = text.encode("utf-8")
    return data, read_back(kind, data, label, merged.values())


def render_roster(
    kind: str, existing: str, rows: dict[str, dict[str, Any]], id_field: str, label: str
) -> str:
    """The roster file with `rows`, keeping the comments of the existing file."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    key = ROSTERS[kind][2]
    document = yamlio.parse(existing, kind, roundtrip=True) if existing.strip() else None
    if not isinstance(document, CommentedMap):
        document = CommentedMap()
    old = document.get(key) or CommentedSeq()
    old_by_id = {item.get(id_field): item for item in old if isinstance(item, CommentedMap)}
    seq = CommentedSeq()
    for ident, data in rows.items():
        node = old_by_id.get(ident)
        if node is None:
            node = CommentedMap()
        for stale in [k for k in node if k not in data and node[k] not in ([], {}, None, "")]:
            del node[stale]
        for k, v in data.items():
            if node.get(k) != v:
                node[k] = v
        seq.append(node)
    if hasattr(old, "ca"):
        seq._yaml_comment = old.ca  # keep comments attached to the list itself
    document[key] = seq
    text = yamlio.dump_roundtrip(document)
    if not existing.strip():
        text = schema_line(kind, label) + f"# {ROSTER_NAMES[kind]}\n" + text
    return text


def convert(ws: Workspace, kinds: Iterable[str], to: str) -> list[tuple[str, str]]:
    """Keep the rosters as `to` (yaml or csv): (old path, new path) for each converted.

    The new file is checked to hold exactly the same rows before the old one is removed;
    comments of a YAML roster do not survive in CSV.
    """
    done = []
    with writer.batch(ws, commit=False) as book:  # rosters are committed by their keepers
        for kind in kinds:
            roster = ws.roster(kind)
            target = f"{ROSTER_DIR}/{kind}.{to}"
            if roster.path == target:
                continue
            id_field = "code" if kind == "items" else "id"
            merged = {getattr(r, id_field): r for r in roster.rows}
            data, found = roster_file(kind, target, b"", merged, id_field)
            if found is None:
                raise Refused(
                    f"{roster.path} 转为 {to.upper()} 后内容会改变（如某值含“；”），未转换"
                )
            book.write(ws.root / target, data)
            book.remove(ws.root / roster.path)  # after the new one is written
            keep_columns(ws.root, kind, hashlib.sha256(data).hexdigest(), found)
            done.append((roster.path, target))
    return done


# ------------------------------------------------------------------ check


def _department_problems(ws: Workspace) -> list[Problem]:
    """The joint tasks' participating departments' inspectors and items (rosters/departments/
    <部门>/), validated like the bureau's own."""
    from ..workspace.joint import DEPARTMENTS, own_roster

    out: list[Problem] = []
    for folder in sorted((ws.root / ROSTER_DIR / DEPARTMENTS).glob("*/")):
        for kind in ("inspectors", "items"):
            if not any(folder.glob(f"{kind}.*")):
                continue
            try:
                own_roster(ws, folder.name, kind)
            except InputError as exc:
                out += exc.problems
    return out


def check_workspace(ws: Workspace) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) over ssj.yaml and the three rosters, all reported at once."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    loaded = {}
    config = None
    try:
        config = ws.config
    except InputError as exc:
        errors += exc.problems
    for kind in ROSTERS:
        try:
            loaded[kind] = ws.roster(kind, cached=False)  # a check never trusts a cache
        except InputError as exc:
            errors += exc.problems
    errors += _department_problems(ws)
    if config and "entities" in loaded:
        known = {c.name for c in config.categories}
        for index, entity in enumerate(loaded["entities"].rows):
            if known and entity.category not in known:
                errors.append(
                    Problem(
                        file=loaded["entities"].path,
                        field="监管类别",
                        message=(
                            f"第 {index + 1} 条（{entity.id}）的监管类别“{entity.category}”不在 ssj.yaml 的类别中"
                        ),
                    )
                )
    if "entities" in loaded:
        entities = loaded["entities"].rows
        position = {ident: index for index, ident in enumerate(map(attrgetter("id"), entities))}
        warnings += [
            Problem(
                file=loaded["entities"].path,
                field="统一社会信用代码",
                message=f"第 {position[ident] + 1} 条（{entities[position[ident]].name}）："
                f"{organization_code_problem(ident)}",
            )
            for ident in _organization_suspects(list(position))
        ]
    if "entities" in loaded and "inspectors" in loaded:
        ids = {e.id for e in loaded["entities"].rows}
        for person in loaded["inspectors"].rows:
            for unit in person.conflicts:
                if unit not in ids:
                    warnings.append(
                        Problem(
                            file=loaded["inspectors"].path,
                            field="回避单位",
                            message=(
                                f"{person.name}（{person.id}）的回避单位“{unit}”不在检查对象名录库中"
                            ),
                        )
                    )
    return errors, warnings


def export(ws: Workspace, kind: str, fmt: str, output: Path) -> SheetWritten:
    """`ssj roster export`: the roster as a sheet with Chinese headers, to import again."""
    roster = ws.roster(kind)
    headers, cells = export_rows(kind, roster.rows)
    cells = list(cells)
    if fmt == "xlsx":
        data = tabular.write_xlsx(headers, cells, title=ROSTER_NAMES[kind])
    else:
        data = tabular.write_csv(headers, cells)
    write_atomic(output, data)
    return SheetWritten(output, headers, len(cells))
