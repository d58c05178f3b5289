"""Running `ssj`: ssj's exceptions become exit codes, click's usage errors Chinese text.

Exit codes: 0 done; 1 refused (or a file could not be read or written); 2 bad input
or bad usage; 130 interrupted; 141 the reader of the output has gone.
"""

from __future__ import annotations

import re
import sys

from ..core.problems import InputError, Problem, Refused


def _quoted_list(text: str) -> str:
    """'draw', 'verify' → draw、verify (names are shown as they are typed)."""
    return "、".join(part.strip().strip("'") for part in text.split(","))


# What click says about a value, in Chinese. Applied in order to the message of a bad
# value; text not listed here is kept as it is.
VALUE_MESSAGES = (
    (r"^'(.*?)' is not one of (.*)\.$", lambda m: f"“{m[1]}”；可选 {_quoted_list(m[2])}"),
    (r"^(?:Value )?'(.*?)' is not a valid (?:integer|int)( range)?\.$", r"“\1”不是整数"),
    (r"^'(.*?)' does not match the formats? .*", r"“\1”不是有效日期（应写作 2026-03-01）"),
    (r"^\S+ is not in the range x>=(\S+)\.$", r"应不小于 \1"),
    (r"^\S+ is not in the range x>(\S+)\.$", r"应大于 \1"),
    (r"^\S+ is not in the range x<=(\S+)\.$", r"应不大于 \1"),
    (r"^\S+ is not in the range x<(\S+)\.$", r"应小于 \1"),
    (r"^\S+ is not in the range (\S+)<=x<=(\S+)\.$", r"应在 \1 至 \2 之间"),
    (r"^(.*?) is not in the range (.*)\.$", r"\1 不在范围 \2 内"),
)

# Messages click builds into a UsageError's text (not as attributes).
USAGE_MESSAGES = (
    (r"^No such command '(.*)'\. Did you mean (.*)\?$", r"没有命令“\1”；是否想用 \2？"),
    (r"^No such command '(.*)'\.$", r"没有命令“\1”"),
    (r"^Missing command\.$", "缺少命令"),
    (r"^Got unexpected extra arguments?(?:\(s\))? \((.*)\)$", r"多余的参数：\1"),
    (r"^Option '(.*)' requires an argument\.$", r"选项 \1 需要一个值"),
    (r"^Option '(.*)' requires (\d+) arguments\.$", r"选项 \1 需要 \2 个值"),
    (r"^Option '(.*)' does not take a value\.$", r"选项 \1 不接受值"),
    (r"^Argument '(.*)' takes (\d+) values\.$", r"参数 \1 需要 \2 个值"),
)


def translate(message: str, table=VALUE_MESSAGES) -> str:
    for pattern, chinese in table:
        message = re.sub(pattern, chinese, message)
    return message


def _kind(exc: BaseException) -> str | None:
    """click's exception class by name: typer vendors click, older typer does not."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    for name in (
        "NoArgsIsHelpError",
        "NoSuchOption",
        "MissingParameter",
        "BadParameter",
        "UsageError",
        "Abort",
        "ClickException",
    ):
        if name in names:
            return name
    return None


def _param_name(param) -> str:
    if param.param_type_name == "argument":
        from .help import type_name

        return f"<{type_name(param)}>"
    return max(param.opts, key=len)


def usage_message(exc) -> str:
    """The Chinese text of one click usage error."""
    kind = _kind(exc)
    param = getattr(exc, "param", None)
    if kind == "NoSuchOption":
        text = f"没有选项 {exc.option_name}"
        if exc.possibilities:
            text += "；是否想用 " + "、".join(sorted(exc.possibilities)) + "？"
        return text
    if kind == "MissingParameter" and param is not None:
        what = "参数" if param.param_type_name == "argument" else "选项"
        text = f"缺少{what} {_param_name(param)}"
        from .help import choices_of

        choices = choices_of(param)
        if choices:
            text += f"（可选 {'、'.join(choices)}）"
        return text
    if kind == "BadParameter" and param is not None:
        what = "参数" if param.param_type_name == "argument" else "选项"
        return f"{what} {_param_name(param)} 的值无效：{translate(exc.message)}"
    text = translate(exc.format_message(), USAGE_MESSAGES)
    match = re.match(r"^(没有命令“.*”；是否想用 )(.*)(？)$", text)
    if match:
        text = match.group(1) + _quoted_list(match.group(2)) + match.group(3)
    return translate(text)


def command_path(root, argv: list[str]) -> str:
    """`ssj draw run` for `-C 工作区 draw run --year`: the commands named in argv."""
    import typer

    command = root if hasattr(root, "commands") else typer.main.get_command(root)
    path = ["ssj"]
    for word in argv:
        sub = getattr(command, "commands", {}).get(word)
        if sub is not None:
            command, path = sub, [*path, word]
    return " ".join(path)


def _usage_error(exc, argv: list[str], json_mode: bool, root) -> int:
    """Usage, the Chinese message and where to find help; on stderr (JSON on stdout)."""
    message = usage_message(exc)
    if json_mode:  # the shape of any other input error, the option as its field
        from .output import emit_json, problem_dict

        param = getattr(exc, "param", None)
        field = _param_name(param) if param is not None else getattr(exc, "option_name", None)
        problem = Problem(file="命令行", field=field, message=message)
        emit_json({"ok": False, "problems": [problem_dict(problem)]})
        return exc.exit_code
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:  # the option parser's own errors come without one
        sys.stderr.write(ctx.get_usage() + "\n")
    where = ctx.command_path if ctx is not None else command_path(root, argv)
    sys.stderr.write(f"运行“{where} -h”查看帮助。\n")
    sys.stderr.write(f"错误：{message}\n")
    return exc.exit_code


def _click_exit(exc: Exception, argv: list[str], json_mode: bool, root) -> int:
    kind = _kind(exc)
    if kind == "Abort":
        sys.stderr.write("已中止。\n")
        return 130
    if kind == "NoArgsIsHelpError":  # `ssj` or `ssj roster` alone: the help
        exc.show()
        return exc.exit_code
    if kind is not None:
        return _usage_error(exc, argv, json_mode, root)
    raise exc


def run(command, argv: list[str]) -> int:
    """Run `ssj argv…` in this process on `command` (the typer app or its click group);
    the exit code, nothing ever a traceback. The caller owns the command tree, so this
    module imports no command: ssj demo runs each of its steps through here too."""
    json_mode = "--json" in argv
    try:
        # Without standalone mode click returns typer.Exit's code instead of exiting.
        code = command(args=list(argv), prog_name="ssj", standalone_mode=False)
    except InputError as exc:
        return _fail(exc.problems, 2, json_mode)
    except Refused as exc:
        return _fail(str(exc), 1, json_mode)
    except KeyboardInterrupt:
        sys.stderr.write("已中断。\n")
        return 130
    except BrokenPipeError:  # `ssj … | head`: the reader has gone, nothing to say
        return 141
    except OSError as exc:  # disk full, permissions, a file vanished: no traceback
        where = f"{exc.filename}：" if exc.filename else ""
        return _fail(f"文件读写失败：{where}{exc.strerror or exc}", 1, json_mode, "错误")
    except Exception as exc:
        return _other(exc, list(argv), json_mode, command)
    return code if isinstance(code, int) else 0


def _other(exc: Exception, argv: list[str], json_mode: bool, root) -> int:
    """The algorithm's refusals, a model's refusal no check caught, click's usage errors."""
    from ..core.algorithm import AlgorithmInputError

    if isinstance(exc, AlgorithmInputError):  # a seed, id or ratio the algorithm refuses
        return _fail(str(exc), 2, json_mode, "错误")
    if type(exc).__name__ == "ValidationError" and hasattr(exc, "errors"):
        return _fail(_validation_problems(exc), 2, json_mode)
    return _click_exit(exc, argv, json_mode, root)


def _validation_problems(exc) -> list[Problem]:
    """A pydantic error that no earlier check caught, as problems (never a traceback)."""
    from ..core.models import describe

    return [
        Problem(
            file="",
            field=".".join(str(part) for part in error["loc"]) or None,
            message=f"输入无效：{describe(error)}",
        )
        for error in exc.errors()
    ]


def _fail(what: str | list[Problem], code: int, json_mode: bool, prefix: str = "拒绝") -> int:
    from .output import emit_json, errors, problem_dict, problems_table, styled

    if json_mode:
        if isinstance(what, str):
            emit_json({"ok": False, "error": what})
        else:
            emit_json({"ok": False, "problems": [problem_dict(p) for p in what]})
    elif isinstance(what, str):
        errors.print(styled((f"{prefix}：", "red"), what))
    elif len(what) == 1:
        errors.print(styled(("错误：", "red"), str(what[0])))
    else:  # the table prints every cell literally
        errors.print(problems_table(what, f"发现 {len(what)} 处问题，未写入任何文件"))
    return code
