"""Plain, quick help in Chinese.

typer's rich help pulls in rich.markdown and markdown-it on every start (about a
quarter of a second); click's plain help is fast but English. So ssj uses the plain
help and translates click's few fixed words.
"""

from __future__ import annotations

import inspect

import typer
from typer.core import TyperCommand, TyperGroup
from typer.models import DefaultPlaceholder

WORDS = (
    ("Usage: ", "用法："),
    ("Options:", "选项："),
    ("Arguments:", "参数："),
    ("Commands:", "命令："),
    ("Show this message and exit.", "显示此帮助并退出。"),
    ("[default: ", "[默认："),
    ("[required]", "[必填]"),
    ("[OPTIONS]", "[选项]"),
    ("COMMAND [ARGS]...", "命令 [参数]..."),
)


def translate(text: str) -> str:
    for english, chinese in WORDS:
        text = text.replace(english, chinese)
    return text


class _Chinese:
    def format_help(self, ctx, formatter) -> None:
        inner = ctx.make_formatter()
        super().format_help(ctx, inner)
        formatter.write(translate(inner.getvalue()))


class ChineseCommand(_Chinese, TyperCommand):
    pass


class ChineseGroup(_Chinese, TyperGroup):
    pass


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
