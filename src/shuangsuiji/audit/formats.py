"""Machine formats of an audit: GitHub workflow annotations, GitLab Code Quality report."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from .findings import ERROR, RULES, Finding


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _text(finding: Finding) -> str:
    return finding.message + (f"（修改：{finding.fix}）" if finding.fix else "")


def github(findings: Sequence[Finding], prefix: str = "") -> str:
    """One `::error file=…,line=…,title=…::message` line per finding (workflow commands)."""
    lines = []
    for f in findings:
        level = "error" if f.severity == ERROR else "warning"
        props = [f"file={_property(prefix + f.file)}"]
        if f.line:
            props.append(f"line={f.line}")
        title = f"{f.rule} {RULES.get(f.rule, '')}".strip()
        props.append(f"title={_property(title)}")
        lines.append(f"::{level} {','.join(props)}::{_data(_text(f))}")
    return "\n".join(lines) + ("\n" if lines else "")


def fingerprint(finding: Finding) -> str:
    key = "\x1f".join((finding.rule, finding.file, str(finding.line or ""), finding.message))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def gitlab(findings: Sequence[Finding], prefix: str = "") -> str:
    """A GitLab Code Quality report (artifacts:reports:codequality), as JSON text."""
    issues = [
        {
            "description": f"[{f.rule}] {f.message}",
            "check_name": f.rule,
            "fingerprint": fingerprint(f),
            "severity": "major" if f.severity == ERROR else "minor",
            "location": {"path": prefix + f.file, "lines": {"begin": f.line or 1}},
            "content": {"body": f.fix},
            "categories": ["Compliance"],
        }
        for f in findings
    ]
    return json.dumps(issues, ensure_ascii=False, indent=2) + "\n"
