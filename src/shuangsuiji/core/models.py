"""The file formats of a workspace, as pydantic models: the single source of truth.

Each field's `title` is its Chinese import header; JSON Schemas for editors are
generated from these models (`ssj schema`).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
)

from . import values
from .creditcode import (
    AUTHORITIES,
    credit_code_problem,
    excel_number_problem,
    looks_like_credit_code,
)
from .traits import ConfigTraits, EntityTraits, ItemTraits

_BAD_ID = re.compile(r"[\s|/\\\x00-\x1f\x7f]")
_CONTROL = re.compile(r"[\x00-\x1f]")
MAX_TEXT = 2000  # a cell longer than this is a paste accident, not data


def _check_id(value: object) -> str:
    if not isinstance(value, str):
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        else:
            raise ValueError("编号应为文本")
    if not value:
        raise ValueError("编号不能为空")
    if len(value) > 64:
        raise ValueError(f"编号过长（{len(value)} 个字符，最多 64 个）")
    if unicodedata.normalize("NFC", value) != value:
        raise ValueError(f"编号“{values.shown(value)}”不是规范（NFC）的 Unicode 文本，请重新输入")
    bad = _BAD_ID.search(value)
    if bad:
        raise ValueError(f"编号“{values.shown(value)}”含有空白、“|”、斜杠或控制字符，不允许")
    if not value.isprintable():  # zero-width, BOM, direction marks: ids that look alike
        hidden = next(c for c in value if not c.isprintable())
        raise ValueError(
            f"编号“{values.shown(value)}”含有不可见字符（U+{ord(hidden):04X}），不允许"
        )
    return value


def _check_entity_id(value: object) -> str:
    if isinstance(value, float):  # an unquoted 9.13501E+17 in YAML
        value = repr(value).upper()
    if isinstance(value, str):
        excel = excel_number_problem(value.strip())
        if excel:
            raise ValueError(excel)
    value = _check_id(value)
    if looks_like_credit_code(value):
        problem = credit_code_problem(value)
        if problem:
            raise ValueError(problem)
    return value


def _clean_text(value: object) -> object:
    if value is None or isinstance(value, (list, dict)):
        return value
    cleaned = values.text(value)
    if len(cleaned) > MAX_TEXT:
        raise ValueError(f"内容过长（{len(cleaned)} 个字符，最多 {MAX_TEXT} 个）")
    if _CONTROL.search(cleaned):
        raise ValueError("内容含有控制字符")
    return cleaned


def _clean_lines(value: object) -> object:
    """Text that may run over lines (Alt+Enter in an Excel cell): line ends kept as "\\n"."""
    if isinstance(value, str):
        lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        joined = "\n".join(c for c in (_clean_text(line) for line in lines) if c)
        if len(joined) > MAX_TEXT:
            raise ValueError(f"内容过长（{len(joined)} 个字符，最多 {MAX_TEXT} 个）")
        return joined
    return _clean_text(value)


def _optional(parser):
    def parse(value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return parser(value)

    return parse


_optional_text = _optional(_clean_text)
_optional_lines = _optional(_clean_lines)
# The validators that give back unchanged a cell that values.clean_texts finds clean, and the
# one that gives back unchanged a valid credit code: a roster's column of such cells is
# accepted at once (core/columns.py).
KEEPS_CLEAN_TEXT = frozenset({_clean_text, _optional_text, _optional_lines})
KEEPS_CREDIT_CODE = frozenset({_check_entity_id})


def _ratio(value: object) -> Decimal:
    from .algorithm import AlgorithmInputError, parse_ratio

    try:
        return parse_ratio(value)
    except AlgorithmInputError as exc:
        raise ValueError(str(exc)) from None


# ---------------------------------------------------------------- what the editors' schemas say
# The validators accept more than the Python types say (是/否, 红, 县级, “；” lists, 2028年
# 12月31日): each type's JSON Schema describes what its validator accepts, so that an
# editor marks exactly what ssj refuses (up to what a pattern cannot see: a check
# character, a date that does not exist).

_NULL = {"type": "null"}
_SCALAR = [{"type": "number"}, {"type": "boolean"}]  # a cell read as a number is its text
_ID_PATTERN = r"^[^\s|/\\\x00-\x1f\x7f]{1,64}$"
_KINDS = "|".join(f"{a}[{''.join(kinds)}]" for a, (_, kinds) in AUTHORITIES.items())
_CODE_CHARS = "0-9A-HJ-NPQRTUWXY"
_ENTITY_ID_PATTERN = (
    rf"^(?:(?:{_KINDS})[0-9]{{6}}[{_CODE_CHARS}]{{10}}"  # a credit code, as GB 32100 builds it
    r"|(?![0-9A-Za-z]{18}$)(?!\d+(?:\.\d+)?[eE]\+?\d+$)[^\s|/\\\x00-\x1f\x7f]{1,64})$"  # or a 编号
)
_DATE_PATTERN = r"^\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?$"
_TEXT = {"type": "string", "pattern": r"\S"}


def _schema(*options: dict, optional: bool = False) -> WithJsonSchema:
    choices = [*options, *([_NULL, {"const": ""}] if optional else [])]
    return WithJsonSchema(choices[0] if len(choices) == 1 else {"anyOf": choices})


def _words(table: dict[str, tuple[str, ...]]) -> dict:
    return {"type": "string", "enum": sorted({v for vs in table.values() for v in vs})}


def _bool_words() -> dict:
    words = values.YES | values.NO
    cased = {w for word in words for w in (word, word.upper(), word.capitalize())}
    return {"type": "string", "enum": sorted(cased)}


Id = Annotated[
    str,
    BeforeValidator(_check_id),
    _schema({"type": "string", "pattern": _ID_PATTERN}, {"type": "integer", "minimum": 0}),
]
EntityId = Annotated[
    str,
    BeforeValidator(_check_entity_id),
    _schema({"type": "string", "pattern": _ENTITY_ID_PATTERN}, {"type": "integer", "minimum": 0}),
]
Text = Annotated[str, BeforeValidator(_clean_text), Field(min_length=1), _schema(_TEXT, *_SCALAR)]
OptText = Annotated[
    str | None,
    BeforeValidator(_optional_text),
    _schema({"type": "string"}, *_SCALAR, _NULL),
]
OptLines = Annotated[
    str | None,
    BeforeValidator(_optional_lines),
    _schema({"type": "string"}, *_SCALAR, _NULL),
]
_LIST = ({"type": "array", "items": {"anyOf": [{"type": "string"}, *_SCALAR]}}, {"type": "string"})
TextList = Annotated[list[str], BeforeValidator(values.parse_list), _schema(*_LIST, _NULL)]
IdList = Annotated[list[Id], BeforeValidator(values.parse_list), _schema(*_LIST, _NULL)]
Flag = Annotated[
    bool,
    BeforeValidator(lambda v: False if v is None else values.parse_bool(v)),
    _schema({"type": "boolean"}, {"enum": [0, 1]}, _bool_words(), _NULL),
]
Level = Literal["省", "市", "县"]
Risk = Literal["重大", "较大", "一般", "低"]
Status = Literal["在营", "停产", "停业", "注销", "吊销"]
Role = Literal["执法人员", "专家"]
Duty = Literal["在岗", "离岗", "借调", "病休", "退休"]
_DATE = {"type": "string", "pattern": _DATE_PATTERN}
Day = Annotated[date, BeforeValidator(values.parse_date), _schema(_DATE)]
OptDay = Annotated[
    date | None, BeforeValidator(_optional(values.parse_date)), _schema(_DATE, optional=True)
]
AnyLevel = Annotated[Level, BeforeValidator(values.parse_level), _schema(_words(values.LEVELS))]
OptLevel = Annotated[
    Level | None,
    BeforeValidator(_optional(values.parse_level)),
    _schema(_words(values.LEVELS), optional=True),
]
OptRisk = Annotated[
    Risk | None,
    BeforeValidator(_optional(values.parse_risk)),
    _schema(_words(values.RISKS), optional=True),
]
AnyStatus = Annotated[
    Status,
    BeforeValidator(_optional(values.parse_status)),
    _schema(_words(values.STATUSES)),
]
AnyRole = Annotated[
    Role,
    BeforeValidator(_optional(values.parse_role)),
    _schema(_words(values.ROLES)),
]
AnyDuty = Annotated[
    Duty,
    BeforeValidator(_optional(values.parse_duty)),
    _schema(_words(values.DUTIES)),
]


def _plain_number(value: Decimal) -> int | float | str:
    """A Decimal written as a plain YAML/JSON number when that number reads back exactly."""
    if value == value.to_integral_value():
        return int(value)
    as_float = float(value)
    return as_float if Decimal(repr(as_float)) == value else str(value)


# Ratios and day counts are kept exact in memory (Decimal) and written as plain numbers.
Ratio = Annotated[
    Decimal,
    BeforeValidator(_ratio),
    PlainSerializer(_plain_number),
    _schema(
        {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
        {"type": "string", "pattern": r"^\s*(0?\.\d+|1(\.0*)?|\d{1,3}(\.\d+)?\s*[%％])\s*$"},
    ),
]
Number = Annotated[Decimal, PlainSerializer(_plain_number)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=False, defer_build=True)


class Entity(Strict, EntityTraits):
    """检查对象（名录库中的一个单位）。"""

    id: EntityId = Field(
        title="统一社会信用代码", description="统一社会信用代码；无代码的单位填编号"
    )
    name: Text = Field(title="单位名称")
    category: Text = Field(title="监管类别")
    industries: TextList = Field(default_factory=list, title="行业")
    region: OptText = Field(None, title="所属区域", description="乡镇/街道")
    scale: OptText = Field(None, title="规模")
    risk: OptRisk = Field(None, title="风险等级")
    key: Flag = Field(False, title="重点单位")
    status: AnyStatus = Field("在营", title="经营状态")
    level: OptLevel = Field(None, title="监管层级", description="省/市/县；空则为本机关的层级")
    standardization: OptText = Field(None, title="标准化等级")
    flags: TextList = Field(
        default_factory=list, title="信用标记", description="黑名单、近三年亡人事故、投诉举报、守信"
    )
    address: OptLines = Field(None, title="地址")
    contact: OptText = Field(None, title="联系人")
    phone: OptText = Field(None, title="联系电话")
    extra: dict[str, str] = Field(
        default_factory=dict, title="其他", description="导入时表中的其他列，原样保留"
    )


class Inspector(Strict):
    """执法检查人员（名录库中的一人）。"""

    id: Id = Field(title="执法证号")
    name: Text = Field(title="姓名")
    department: OptText = Field(None, title="科室")
    role: AnyRole = Field("执法人员", title="角色")
    valid_until: OptDay = Field(None, title="证件有效期至")
    status: AnyDuty = Field("在岗", title="在岗状态")
    region: OptText = Field(None, title="所属区域")
    conflicts: IdList = Field(
        default_factory=list,
        title="回避单位",
        description="须回避的检查对象的统一社会信用代码或编号",
    )
    extra: dict[str, str] = Field(default_factory=dict, title="其他")


class Item(Strict, ItemTraits):
    """随机抽查事项清单中的一项。"""

    code: Id = Field(title="事项编码")
    name: Text = Field(title="事项名称")
    basis: OptText = Field(None, title="抽查依据")
    subject: OptText = Field(None, title="抽查主体")
    content: OptText = Field(None, title="抽查内容")
    method: OptText = Field(None, title="抽查方式")
    kind: Annotated[Literal["一般", "重点"], BeforeValidator(_optional(_clean_text))] = Field(
        "一般", title="事项类型"
    )
    categories: TextList = Field(
        default_factory=lambda: ["通用"],
        title="适用类别",
        description="“通用”适用于全部；否则为监管类别或行业",
    )
    published: OptDay = Field(
        None,
        title="公布日期",
        description="单独公布本事项的日期；空则随年度抽查计划公告公布（ssj plan publish）",
    )
    extra: dict[str, str] = Field(default_factory=dict, title="其他")


class EntityRoster(Strict):
    entities: list[Entity] = Field(default_factory=list)


class InspectorRoster(Strict):
    inspectors: list[Inspector] = Field(default_factory=list)


class ItemList(Strict):
    items: list[Item] = Field(default_factory=list)


# ---------------------------------------------------------------- ssj.yaml


class Category(Strict):
    name: Text = Field(title="监管类别")
    department: OptText = Field(
        None, title="主管科室", description="负责该类别的科室（各股室内随机）"
    )
    ratio_floor: Ratio = Field(Decimal("0.2"), title="最低抽查比例")


class Defaults(Strict):
    """docs/audit.md 的可配置数字；年度方案可逐项覆盖。"""

    cooldown_months: int = Field(12, ge=0, le=120, title="冷却期（月）")
    yearly_cap: int = Field(2, ge=1, le=50, title="每年最多检查次数")
    coverage_years: int = Field(2, ge=1, le=10, title="最长未检查年数")
    rotation_years: int = Field(1, ge=0, le=10, title="轮换年数")
    min_inspectors: int = Field(2, ge=2, le=20, title="每组最少执法人员")
    disclosure_days: int = Field(20, ge=1, le=60, title="公开期限（工作日）")
    revisit_ratio: Ratio = Field(Decimal("0.1"), title="回访比例")
    change_threshold: Ratio = Field(Decimal("0.2"), title="方案调整需重新报批的幅度")


# ---------------------------------------------------------------- caps (涉企行政检查频次上限)

# The kinds of inspection the ledger (检查台账) knows; the first two are ssj's own tasks.
InspectionType = Literal[
    "双随机抽查", "重点检查", "专项检查", "个案检查", "联合检查", "上级专项", "非现场检查"
]
INSPECTION_TYPES: tuple[str, ...] = InspectionType.__args__
# Inspections for cause and those a higher authority ordered do not count toward a cap,
# provided the ledger row says why (备注).
EXEMPT_TYPES = ["个案检查", "上级专项"]
REPEAT_DAYS = 60  # R16: the same authority twice within this many days


class CapRule(Strict):
    """频次上限表的一行：哪些单位、计哪些检查、每年最多几次。"""

    category: TextList = Field(
        default_factory=list,
        title="监管类别",
        description="监管类别或行业（如 危险化学品、金属冶炼），可列多个；空则适用于全部单位",
    )
    grade: TextList = Field(
        default_factory=list,
        title="等级",
        description="名录中的标准化等级（一级、二级、三级；“未定级”含未填）或风险等级，可列多个；"
        "空则不论等级",
    )
    cap: int = Field(ge=0, le=366, title="每年最多检查次数")
    authority: TextList = Field(
        default_factory=list,
        title="检查机关",
        description="只计这些机关的检查；空则计入台账中全部机关（含其他部门、上下级）的检查",
    )
    level: Annotated[
        list[Level],
        BeforeValidator(lambda v: [values.parse_level(x) for x in values.parse_list(v)]),
    ] = Field(
        default_factory=list, title="检查层级", description="只计这些层级的检查；空则不论层级"
    )


class Caps(Strict):
    """同一单位每年检查次数上限（R15）与重复检查提示（R16）。"""

    rules: list[CapRule] = Field(
        default_factory=list,
        title="上限表",
        description="自上而下取第一条适用于该单位的规则；都不适用时按 default",
    )
    default: int | None = Field(
        None,
        ge=0,
        le=366,
        title="其余单位的上限",
        description="上限表都不适用的单位；空则按默认规则的每年最多检查次数（yearly_cap）",
    )
    exempt: list[InspectionType] = Field(
        default_factory=lambda: list(EXEMPT_TYPES),
        title="不计入上限的检查类型",
        description="须在台账的备注中写明理由，否则照常计入",
    )
    repeat_days: int = Field(
        REPEAT_DAYS,
        ge=1,
        le=366,
        title="重复检查提示间隔（日）",
        description="同一机关在此天数内两次检查同一单位时提示（R16，个案检查除外）",
    )


_DEPARTMENT_CODE = re.compile(r"[0-9A-Za-z]{1,20}")


def _department_code(value: object) -> str:
    # It begins every plan and task code: digits and letters only, as the platforms print them.
    text = values.text(value)
    if not _DEPARTMENT_CODE.fullmatch(text):
        raise ValueError(f"部门代码“{values.shown(text)}”应为 1–20 位数字或字母，如 350102")
    return text


def _zone(name: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"时区“{name}”无效：应为 IANA 时区名，如 Asia/Shanghai、Asia/Urumqi"
        ) from None
    return name


_COMMIT_ID = re.compile(r"[0-9a-f]{7,40}")


def _commit_id(value: object) -> str:
    # Unquoted, an id of digits reads as a number (leading zeros lost) or, with one "e",
    # as a float: only text keeps the id as it was printed.
    if not isinstance(value, str):
        raise ValueError('提交编号应为文本：请加引号，如 - "3f2a9c…"')
    text = value.strip().lower()
    if not _COMMIT_ID.fullmatch(text):
        raise ValueError(
            f"“{values.shown(value)}”不是提交编号：应为 7–40 位十六进制数字（已公开文件上的完整编号）"
        )
    return text


# The pattern is for the editors' JSON Schema; _commit_id gives the Chinese message.
CommitId = Annotated[
    str, StringConstraints(pattern=r"^[0-9a-f]{7,40}$"), BeforeValidator(_commit_id)
]


class CiSettings(Strict):
    """持续集成：ssj init 写出的 CI 配置从哪里安装 ssj。"""

    install: OptText = Field(
        None,
        title="安装来源",
        description="pip install 的参数：固定版本如 shuangsuiji==0.1.0（须在所用的软件包索引或内网镜像中），"
        "或 git 仓库某一提交如 git+https://git.example.gov.cn/tools/ssj.git@3f2a9c1；"
        "空则为安装本机 ssj 的来源",
    )


class Config(Strict, ConfigTraits):
    """ssj.yaml：工作区配置。"""

    authority: Text = Field(title="机关名称")
    region: OptText = Field(None, title="辖区")
    department_code: Annotated[str | None, BeforeValidator(_optional(_department_code))] = Field(
        None,
        title="部门代码",
        description="抽查计划、抽查任务编号的前缀（行政区划代码加部门代码，以协同监管平台分配的为准），"
        "导出国家企业信用信息公示系统格式时使用",
    )
    level: AnyLevel = Field("县", title="监管层级")
    categories: list[Category] = Field(default_factory=list, title="监管类别")
    defaults: Defaults = Field(default_factory=Defaults, title="默认规则")
    timezone: Annotated[str, AfterValidator(_zone)] = Field(
        "Asia/Shanghai", title="时区", description="今天、期限和提交日期都按此时区计算"
    )
    caps: Caps | None = Field(
        None,
        title="检查频次上限",
        description="同一单位每年检查次数上限表（计入台账中的全部检查）；年度方案可另定；"
        "空则每个单位按 defaults.yearly_cap",
    )
    ci: CiSettings = Field(default_factory=CiSettings, title="持续集成")
    anchors: list[CommitId] = Field(
        default_factory=list,
        title="锚点",
        description="已公开文件（方案、工作情况报告、结果公开）所依据的提交编号；"
        "ssj audit 核查 git 历史仍包含这些提交，且其中的记录此后未被改动或删除",
    )


# ---------------------------------------------------------------- errors

_MESSAGES = {
    "missing": "缺少必填字段",
    "string_too_short": "不能为空",
    "string_type": "应为文本",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "bool_type": "应为 是/否",
    "list_type": "应为列表",
    "dict_type": "应为键值表",
    "model_type": "应为键值表",
    "extra_forbidden": "未知字段（拼写错误？）",
    "date_type": "应为日期",
    "decimal_parsing": "应为数字",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
}


def describe(error: dict[str, Any]) -> str:
    """One pydantic error as a Chinese sentence."""
    kind = error["type"]
    if kind == "value_error":
        return str(error["ctx"]["error"])
    if kind == "literal_error":
        expected = (
            error["ctx"]["expected"].replace("'", "").replace(" or ", "、").replace(", ", "、")
        )
        return f"取值“{values.shown(error['input'])}”无效，应为 {expected} 之一"
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = error["ctx"].get("ge", error["ctx"].get("le"))
        return f"{_MESSAGES[kind]}（界限 {bound}）"
    return _MESSAGES.get(kind, error["msg"])


def field_title(model: type[BaseModel], loc: tuple) -> str | None:
    """The Chinese title of the field an error location points at (the innermost named one)."""
    title = None
    for part in loc:
        if not isinstance(part, str):
            continue
        info = model.model_fields.get(part) if model else None
        title = info.title if info and info.title else part
        annotation = info.annotation if info else None
        inner = getattr(annotation, "__args__", (annotation,))
        model = next((t for t in inner if isinstance(t, type) and issubclass(t, BaseModel)), None)
    return title


def row_problems(
    model: type[BaseModel], exc: ValidationError
) -> list[tuple[tuple, str | None, str]]:
    """(location, field title, message) for each error of one validation."""
    return [(e["loc"], field_title(model, e["loc"]), describe(e)) for e in exc.errors()]


ROSTERS: dict[str, tuple[type[BaseModel], type[BaseModel], str]] = {
    # kind: (row model, file model, list key)
    "entities": (Entity, EntityRoster, "entities"),
    "inspectors": (Inspector, InspectorRoster, "inspectors"),
    "items": (Item, ItemList, "items"),
}
ROSTER_NAMES = {
    "entities": "检查对象名录库",
    "inspectors": "执法检查人员名录库",
    "items": "随机抽查事项清单",
}
