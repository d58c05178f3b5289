"""Exceptions to exit codes and Chinese messages, in one place, for every command."""

from __future__ import annotations

import sys

from ..core.problems import InputError, Refused


def run(command, argv: list[str]) -> int:
    """Run the ssj command tree on `argv`; ssj's exceptions become exit codes and messages.

    0 done; 1 refused (or audit findings); 2 bad input or usage; 130 interrupted.
    `command` is the typer app or its click group: the caller owns it, so that this
    module imports no command (ssj demo runs its steps through here too).
    """
    from ..core.algorithm import AlgorithmInputError

    json_mode = "--json" in argv
    try:
        # Without standalone mode click returns typer.Exit's code instead of exiting.
        code = command(args=list(argv), prog_name="ssj", standalone_mode=False)
    except InputError as exc:
        return _fail(exc.problems, 2, json_mode)
    except AlgorithmInputError as exc:  # a seed, id or ratio the algorithm refuses
        return _fail(str(exc), 2, json_mode, prefix="错误")
    except Refused as exc:
        return _fail(str(exc), 1, json_mode)
    except KeyboardInterrupt:
        sys.stderr.write("已中断。\n")
        return 130
    except BrokenPipeError:  # `ssj … | head`: the reader has gone, nothing to say
        return 141
    except OSError as exc:  # disk full, permissions, a file vanished: no traceback
        where = f"{exc.filename}：" if exc.filename else ""
        return _fail(f"文件读写失败：{where}{exc.strerror or exc}", 1, json_mode, prefix="错误")
    except SystemExit as exc:  # a command that exits on its own
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except Exception as exc:
        if type(exc).__name__ == "ValidationError" and hasattr(exc, "errors"):
            return _fail(_validation_problems(exc), 2, json_mode)  # a model refused a value
        return _click_exit(exc)
    return code if isinstance(code, int) else 0


def _validation_problems(exc) -> list:
    """A pydantic error that no earlier check caught, as problems (never a traceback)."""
    from ..core.models import describe
    from ..core.problems import Problem

    return [
        Problem(
            file="",
            field=".".join(str(part) for part in error["loc"]) or None,
            message=f"输入无效：{describe(error)}",
        )
        for error in exc.errors()
    ]


# click's usage errors, in Chinese (the English text is kept for anything not listed).
_CLICK_MESSAGES = (
    (r"^No such option: (\S+)", r"没有选项 \1"),
    (r"^No such command '(.*)'\.", r"没有命令“\1”"),
    (r"^Missing option '(.*)'\.", r"缺少选项 \1"),
    (r"^Missing argument '(.*)'\.", r"缺少参数 \1"),
    (r"^Option '(.*)' requires an argument\.", r"选项 \1 需要一个值"),
    (r"^Got unexpected extra arguments? \((.*)\)", r"多余的参数：\1"),
    (r"^Invalid value for '(.*?)': ", r"选项 \1 的值无效："),
    (r"Value error, ", ""),
    (
        r"(?:Value error, )?'(.*?)' does not match the formats? .*",
        r"“\1”不是有效日期（应写作 2026-03-01）",
    ),
    (r"'(.*?)' is not a valid integer( range)?\.", r"“\1”不是整数"),
    (r"'(.*?)' is not one of (.*)\.", r"“\1”无效，可选 \2"),
    (r"'(.*?)' is not a valid boolean\.", r"“\1”应为 是/否"),
    (r"Input should be a valid integer.*", r"应为整数"),
    (r"Input should be a valid number.*", r"应为数字"),
    (r"Input should be greater than or equal to (\S+)", r"应不小于 \1"),
    (r"Input should be less than or equal to (\S+)", r"应不大于 \1"),
    (r"(.*?) is not in the range (.*)\.", r"\1 不在范围 \2 内"),
)


def _click_exit(exc: Exception) -> int:
    """Usage errors and aborts of click (vendored by newer typer, or not): message and code."""
    import re

    if type(exc).__name__ == "Abort":
        sys.stderr.write("已中止。\n")
        return 130
    if type(exc).__name__ == "NoArgsIsHelpError":  # `ssj` or `ssj roster` alone: the help
        exc.show()
        return exc.exit_code
    if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):
        message = exc.format_message()
        for pattern, chinese in _CLICK_MESSAGES:
            message = re.sub(pattern, chinese, message)
        ctx = getattr(exc, "ctx", None)
        if ctx is not None:
            from .help import translate

            sys.stderr.write(translate(ctx.get_usage()) + "\n")
            sys.stderr.write(f"运行 “{ctx.command_path} -h” 查看帮助。\n")
        sys.stderr.write(f"错误：{message}\n")
        return exc.exit_code
    if hasattr(exc, "exit_code"):
        return exc.exit_code
    raise exc


def _fail(what, code: int, json_mode: bool, prefix: str = "拒绝") -> int:
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
