"""The validation report an analyst sends back to an LA: HTML to read, XLSX to filter and fix.

It says what happened to the return first, then lists each issue with the line, the worker reference
(hashed, shortened), the item, the value (personal values withheld) and what to do.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from validation.issues import Issue
from validation.rules import RULES

STATUS_TEXT = {
    "accepted": "Accepted: every record loaded.",
    "accepted_with_warnings": "Accepted with warnings: every record loaded; please check the warnings.",
    "rows_rejected": "Partly accepted: the records listed as errors were not loaded; the rest were.",
    "rejected": "Rejected: nothing from this file was loaded. Correct the file error and resend.",
}


def issues_frame(issues: list[Issue]) -> pd.DataFrame:
    rows = [{
        "rule_code": i.rule_code, "severity": i.severity, "line": i.line, "record": i.record_number,
        "worker_ref": (i.worker_ref or "")[:12], "item": i.item, "value": i.value, "message": i.message,
        "what_to_do": i.action,
    } for i in issues]
    columns = ["rule_code", "severity", "line", "record", "worker_ref", "item", "value", "message", "what_to_do"]
    return pd.DataFrame(rows, columns=columns)


def summary_rows(*, file_name: str, checksum: str, la: str | None, year: int | None, status: str,
                 rows_received: int, rows_accepted: int, rows_rejected: int, issues: list[Issue],
                 changes: list[str] | None = None) -> list[tuple[str, str]]:
    summary = [
        ("File", file_name), ("Checksum (SHA-256)", checksum), ("LA code", la or "unknown"),
        ("Census year", str(year) if year else "unknown"), ("Outcome", STATUS_TEXT[status]),
        ("Worker records received", str(rows_received)), ("Records loaded", str(rows_accepted)),
        ("Records rejected", str(rows_rejected)),
        ("Errors", str(sum(i.severity == "error" for i in issues))),
        ("Warnings", str(sum(i.severity == "warning" for i in issues))),
    ]
    summary += [("Change from the previous return", change) for change in (changes or [])]
    return summary


def write_reports(base: Path, summary: list[tuple[str, str]], issues: list[Issue]) -> tuple[Path, Path]:
    """Write ``base``.html and ``base``.xlsx; return their paths."""
    base.parent.mkdir(parents=True, exist_ok=True)
    frame = issues_frame(issues)
    html_path, xlsx_path = base.with_suffix(".html"), base.with_suffix(".xlsx")
    html_path.write_text(_html(summary, frame), encoding="utf-8")
    with pd.ExcelWriter(xlsx_path, engine="xlsxwriter") as writer:
        pd.DataFrame(summary, columns=["item", "value"]).to_excel(writer, sheet_name="Summary", index=False)
        frame.to_excel(writer, sheet_name="Issues", index=False)
        rules = pd.DataFrame([{"rule_code": r.code, "severity": r.severity, "scope": r.scope,
                               "rule": r.description, "what_to_do": r.action} for r in RULES.values()])
        rules.to_excel(writer, sheet_name="Rules", index=False)
    return html_path, xlsx_path


def _html(summary: list[tuple[str, str]], frame: pd.DataFrame) -> str:
    rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in summary)
    table = frame.to_html(index=False, na_rep="", escape=True, border=0, classes="issues") if len(frame) \
        else "<p>No issues found.</p>"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Validation report</title>
<style>body{{font-family:sans-serif;margin:2em;color:#1b1b1b}} table{{border-collapse:collapse}}
th,td{{border:1px solid #b1b4b6;padding:4px 8px;text-align:left;vertical-align:top}}
th{{background:#f3f2f1}}</style></head>
<body><h1>Validation report</h1><h2>Summary</h2><table>{rows}</table>
<h2>Issues</h2>{table}</body></html>
"""
