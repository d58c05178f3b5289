"""Plain, quick help in Chinese.

typer's rich help pulls in rich.markdown and markdown-it on every start (about a
quarter of a second); click's plain help is fast but English. So ssj uses the plain
help, and writes each piece that click would write in English (usage line, section
titles, metavars, defaults, ranges) in Chinese itself, before click wraps the lines.
"""

from __future__ import annotations

import inspect
import re
import unicodedata
from enum import Enum

import typer
from typer.core import TyperCommand, TyperGroup
from typer.models import DefaultPlaceholder

USAGE = "用法："
OPTIONS_METAVAR = "[选项]"
SUBCOMMAND_METAVAR = "命令 [参数]..."
HELP_OPTION = "显示此帮助并退出"

# What a value of each type is called where click would write INTEGER, TEXT, PATH…, by
# the name of its parameter type in typer's own copy of click.
TYPE_NAMES = {
    **dict.fromkeys(("int", "int range"), "整数"),
    **dict.fromkeys(("float", "float range"), "数字"),
    "str": "文本",
    "boolean": "是/否",
    "path": "路径",
    "datetime": "日期",
}


def type_name(param) -> str:
    """The Chinese metavar of a parameter: its own, its choices (as typed), or its type's."""
    if param.metavar:
        return param.metavar
    choices = choices_of(param)
    if choices:
        return "|".join(choices)
    return TYPE_NAMES.get(param.type.name, "值")


def choices_of(param) -> list[str]:
    """The values a parameter of choices accepts, as they are typed; [] for any other."""
    return [str(c.value if isinstance(c, Enum) else c) for c in getattr(param.type, "choices", ())]


def number_range(low, high) -> str | None:
    if low is not None and high is not None:
        return f"{low} 至 {high}"
    if low is not None:
        return f"不小于 {low}"
    if high is not None:
        return f"不大于 {high}"
    return None


def default_text(param, ctx) -> str | None:
    """The default as help shows it, or None when there is nothing worth showing."""
    shown = param.show_default
    if isinstance(shown, str):
        return shown
    if not (shown or ctx.show_default) or getattr(param, "is_flag", False):
        return None
    value = param.get_default(ctx, call=False)
    if value is None or value == [] or value == () or callable(value):
        return None
    return str(value.value if isinstance(value, Enum) else value)


def usage_name(param) -> str:
    """An argument in the usage line: <任务> when required, [目录] when not."""
    name = type_name(param)
    name = f"<{name}>" if param.required else f"[{name}]"
    return name + ("..." if param.nargs != 1 else "")


def help_record(param, ctx) -> tuple[str, str] | None:
    """One line of the option or argument list, every word of it Chinese."""
    if getattr(param, "hidden", False):
        return None
    if param.param_type_name == "argument":
        name = type_name(param)
    else:
        opts = sorted(param.opts, key=lambda o: len(o) - len(o.lstrip("-")))
        name = ", ".join(opts)
        if not param.is_flag and not getattr(param, "count", False):
            name += f" <{type_name(param)}>"
    extra = []
    default = default_text(param, ctx)
    if default:
        extra.append(f"默认：{default}")
    span = number_range(getattr(param.type, "min", None), getattr(param.type, "max", None))
    if span:
        extra.append(span)
    if getattr(param, "multiple", False):
        extra.append("可重复")
    if param.required:
        extra.append("必填")
    text = param.help or ""
    if extra:
        text = f"{text}  [{'；'.join(extra)}]" if text else f"[{'；'.join(extra)}]"
    return name, text


def width(text: str) -> int:
    """Terminal columns: a Chinese character takes two (click counts it as one)."""
    return sum(2 if _wide(c) else 1 for c in text)


# A run of Latin text (an option name, a number, a path) and a short [默认：…] note
# stay on one line; every Chinese character may start a new one.
_TOKEN = re.compile(r"\[[^\[\]]{1,24}\]|[\x21-\x7e]+|\s+|.")
_NO_LINE_START = set("，。；：、）》”’！？」")


def wrap(text: str, columns: int) -> list[str]:
    """Lines of at most `columns` terminal columns (closing punctuation never starts one)."""
    lines, line = [], ""
    for token in _TOKEN.findall(text):
        too_long = width(line) + width(token) > columns and line.strip()
        if too_long and not token.isspace() and token[0] not in _NO_LINE_START:
            lines.append(line.rstrip())
            line = ""
        if line or not token.isspace():
            line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def sentences(lines: list[str]) -> list[str]:
    """A paragraph's lines joined, except after the end of a sentence (the author's
    line breaks inside a sentence only fit the source file). No space is put between
    two Chinese characters."""
    joined: list[str] = []
    for line in (raw.strip() for raw in lines):
        if joined and line and not joined[-1].endswith(tuple("。；！？")):
            space = "" if _wide(joined[-1][-1]) and _wide(line[0]) else " "
            joined[-1] += space + line
        elif line:
            joined.append(line)
    return joined


def write_rows(formatter, title: str, rows: list[tuple[str, str]]) -> None:
    """A section of name/description rows, aligned by terminal width (click's write_dl is not)."""
    formatter.write_paragraph()
    formatter.write(f"{'':>{formatter.current_indent}}{title}：\n")
    indent = formatter.current_indent + 2
    first = min(max(width(name) for name, _ in rows), 30)
    columns = max(formatter.width - indent - first - 2, 20)
    for name, text in rows:
        lines = wrap(text, columns)
        if width(name) > first:  # a long name: its description starts on the next line
            formatter.write(f"{'':>{indent}}{name}\n")
        else:
            pad = " " * (first - width(name) + 2)
            formatter.write(f"{'':>{indent}}{name}{pad}{lines.pop(0)}\n".rstrip() + "\n")
        for line in lines:
            formatter.write(f"{'':>{indent + first + 2}}{line}\n")


class _Chinese:
    """Usage, sections and parameter lines written in Chinese (mixed into typer's classes)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.options_metavar = OPTIONS_METAVAR

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION
        return option

    def collect_usage_pieces(self, ctx) -> list[str]:
        pieces = [self.options_metavar]
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                pieces.append(usage_name(param))
        return pieces

    def format_usage(self, ctx, formatter) -> None:
        pieces = " ".join(self.collect_usage_pieces(ctx))
        formatter.write_usage(ctx.command_path, pieces, prefix=USAGE)

    def format_help_text(self, ctx, formatter) -> None:
        """Paragraphs wrapped by terminal width; example paragraphs (\\b) as written."""
        text = inspect.cleandoc(self.help or "")
        if not text:
            return
        formatter.write_paragraph()
        indent = " " * (formatter.current_indent + 2)
        for n, paragraph in enumerate(text.split("\n\n")):
            if n:
                formatter.write("\n")
            if paragraph.startswith("\b\n"):
                formatter.write("".join(f"{indent}{line}\n" for line in paragraph.splitlines()[1:]))
                continue
            for line in sentences(paragraph.splitlines()):
                for part in wrap(line, formatter.width - len(indent)):
                    formatter.write(f"{indent}{part}\n")

    def format_options(self, ctx, formatter) -> None:
        records = {"argument": [], "option": []}
        for param in self.get_params(ctx):
            record = help_record(param, ctx)
            if record is not None:
                records[param.param_type_name].append(record)
        for kind, title in (("argument", "参数"), ("option", "选项")):
            if records[kind]:
                write_rows(formatter, title, records[kind])


class ChineseCommand(_Chinese, TyperCommand):
    pass


class ChineseGroup(_Chinese, TyperGroup):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.subcommand_metavar = SUBCOMMAND_METAVAR

    def collect_usage_pieces(self, ctx) -> list[str]:
        return [*super().collect_usage_pieces(ctx), self.subcommand_metavar]

    def format_options(self, ctx, formatter) -> None:
        super().format_options(ctx, formatter)
        rows = [
            (name, command.get_short_help_str(formatter.width - 6 - len(name)))
            for name in self.list_commands(ctx)
            if (command := self.get_command(ctx, name)) is not None and not command.hidden
        ]
        if rows:
            write_rows(formatter, "命令", rows)


def summary(text: str | None) -> str | None:
    """The first sentence of a help text, for the list of commands (click looks for '.')."""
    if not text:
        return None
    first = text.strip().split("\n", 1)[0].split("。", 1)[0]
    for stop in "（：，":
        if len(first) > 30:
            first = first.split(stop, 1)[0]
    return first


def keep_examples(text: str | None) -> str | None:
    """Mark example paragraphs so that click prints their lines as written."""
    if not text:
        return text
    paragraphs = text.split("\n\n")
    return "\n\n".join("\b\n" + p if p.lstrip().startswith("示例") else p for p in paragraphs)


def _ours(current: object, default: type, chinese: type) -> object:
    """Our class, unless a command asked for a class of its own."""
    unset = current is None or current is default or isinstance(current, DefaultPlaceholder)
    return chinese if unset else current


def localize(app: typer.Typer) -> None:
    """Give every command and group of `app` (recursively) the Chinese help."""
    app.info.cls = _ours(app.info.cls, TyperGroup, ChineseGroup)
    for command in app.registered_commands:
        command.cls = _ours(command.cls, TyperCommand, ChineseCommand)
        command.help = keep_examples(
            command.help or inspect.cleandoc(command.callback.__doc__ or "")
        )
        command.short_help = command.short_help or summary(command.help)
    for group in app.registered_groups:
        info = group.typer_instance.info
        info.cls = _ours(info.cls, TyperGroup, ChineseGroup)
        group.cls = _ours(group.cls, TyperGroup, ChineseGroup)
        info.help = keep_examples(info.help)
        group.short_help = group.short_help or summary(group.help or info.help)
        localize(group.typer_instance)
