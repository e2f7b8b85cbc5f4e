"""The tables of the page "Submissions and data quality", as pure functions (rows in, table out).

The page passes each table it shows to ``download_buttons``, so what a viewer downloads is exactly what they
see; tests call these functions on the scoped rows of each role. Inputs are rows of ``marts.submissions`` and
``marts.validation_issues`` already restricted to the viewer by ``dashboards.data_access``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pandas as pd

from reference.status import NO_RETURN, STATUS_WORDS, worst_status
from validation.rules import RULES

RETURN_TYPE_WORDS: dict[str, str] = {
    "csww_xml": "Census return (CSWW XML)",
    "workbook": "Regional workbook (R2)",
    "ees_csv": "Published statistics (EES CSV)",
    "unrecognised": "File not recognised",
}
QUARTERLY_WORKBOOK = "Quarterly workbook (R2)"

ONLY_REJECTED = "Only rejected files received"
#: The short name of each kind of return, where a table lists what arrived ("census XML, workbook").
RETURN_TYPE_SHORT_WORDS: dict[str, str] = {"csww_xml": "census XML", "workbook": "workbook"}

USED_CURRENT = "Yes: the return that counts"
USED_SUPERSEDED = "No: replaced by a later return"
USED_REJECTED = "No: rejected"


def status_words(status: object) -> str:
    """The words for a file's (or an LA's worst) outcome; ``NO_RETURN`` when there is none."""
    if not isinstance(status, str) or not status:
        return NO_RETURN
    return STATUS_WORDS.get(status, status)


def returns_words(return_types: Iterable[str]) -> str:
    """The kinds of return that arrived, in words: 'census XML, workbook'."""
    return ", ".join(sorted(RETURN_TYPE_SHORT_WORDS.get(str(k), str(k)) for k in return_types))


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: The hashed worker reference is shown shortened, as in the validation reports.
WORKER_REF_CHARS = 12

# Column names of the tables shown (plain English; the downloads carry the same names).
COL_LA = "Local authority"
COL_CODE = "LA code"
COL_YEAR = "Census year"
COL_PERIOD = "Period ending"
COL_RETURN = "Return"
COL_FILE = "File"
COL_ARRIVED = "Arrived (UTC)"
COL_OUTCOME = "Outcome"
COL_RECEIVED = "Records received"
COL_LOADED = "Records loaded"
COL_REJECTED = "Records rejected"
COL_ERRORS = "Errors"
COL_WARNINGS = "Warnings"
COL_USED = "Used in the figures"
COL_CHECKSUM = "Checksum (SHA-256, first 12)"
COL_STATUS = "Status"
COL_RETURNS = "Returns that count"
COL_LAST = "Last arrival (UTC)"

SUBMISSION_COLUMNS = [COL_LA, COL_CODE, COL_YEAR, COL_PERIOD, COL_RETURN, COL_FILE, COL_ARRIVED, COL_OUTCOME,
                      COL_RECEIVED, COL_LOADED, COL_REJECTED, COL_ERRORS, COL_WARNINGS, COL_USED, COL_CHECKSUM]
STATUS_COLUMNS = [COL_LA, COL_CODE, COL_YEAR, COL_STATUS, COL_RETURNS, COL_ERRORS, COL_WARNINGS, COL_LAST]
ISSUE_COLUMNS = [COL_LA, COL_CODE, COL_YEAR, COL_FILE, "Line", "Rule", "Severity", "Item", "Value",
                 "Worker (hashed)", "What is wrong", "What to do"]


def _text(value: object) -> str:
    """A cell as text; empty for null."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp) and pd.isna(value):
        return ""
    return str(value)


def _count(value: object) -> int:
    """A count cell as an integer; 0 for null."""
    return 0 if value is None or pd.isna(value) else int(value)  # type: ignore[arg-type]


def arrival_text(value: object) -> str:
    """An arrival time to the second: '2025-10-14 09:31:02'."""
    if value is None or pd.isna(value):  # type: ignore[arg-type]
        return ""
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M:%S")  # type: ignore[arg-type]


def return_label(return_type: object, period_end: object) -> str:
    """The kind of return in words; a workbook whose period does not end on 30 September is quarterly."""
    kind = _text(return_type)
    if kind == "workbook" and period_end is not None and not pd.isna(period_end):  # type: ignore[arg-type]
        end = pd.Timestamp(period_end)  # type: ignore[arg-type]
        if (end.month, end.day) != (9, 30):
            return QUARTERLY_WORKBOOK
    return RETURN_TYPE_WORDS.get(kind, kind or "unknown")


def used_label(status: object, superseded: object) -> str:
    """Whether the file's rows are the ones the figures use."""
    if _text(status) == "rejected":
        return USED_REJECTED
    return USED_SUPERSEDED if bool(superseded) else USED_CURRENT


def is_current(rows: pd.DataFrame) -> pd.Series:
    """Per row: the return that counts for its LA, type and period (not superseded, not rejected)."""
    if rows.empty:
        return pd.Series([], dtype=bool)
    return (~rows["superseded"].astype(bool)) & (rows["status"] != "rejected")


def _period(value: object) -> str:
    if value is None or pd.isna(value):  # type: ignore[arg-type]
        return ""
    return pd.Timestamp(value).date().isoformat()  # type: ignore[arg-type]


def submissions_table(rows: pd.DataFrame) -> pd.DataFrame:
    """One line per file received (rows of ``marts.submissions``), in words, newest census year first."""
    if rows.empty:
        return pd.DataFrame(columns=SUBMISSION_COLUMNS)
    ordered = rows.sort_values(["time_period", "la_name", "period_end", "arrived_at"],
                               ascending=[False, True, True, False], kind="stable", na_position="last")
    records = [{
        COL_LA: _text(r["la_name"]) or _text(r["old_la_code"]),
        COL_CODE: _text(r["old_la_code"]),
        COL_YEAR: _count(r["time_period"]),
        COL_PERIOD: _period(r["period_end"]),
        COL_RETURN: return_label(r["return_type"], r["period_end"]),
        COL_FILE: _text(r["file_name"]),
        COL_ARRIVED: arrival_text(r["arrived_at"]),
        COL_OUTCOME: STATUS_WORDS.get(_text(r["status"]), _text(r["status"])),
        COL_RECEIVED: _count(r["rows_received"]),
        COL_LOADED: _count(r["rows_accepted"]),
        COL_REJECTED: _count(r["rows_rejected"]),
        COL_ERRORS: _count(r["error_count"]),
        COL_WARNINGS: _count(r["warning_count"]),
        COL_USED: used_label(r["status"], r["superseded"]),
        COL_CHECKSUM: _text(r["submission_id"])[:12],
    } for _, r in ordered.iterrows()]
    return pd.DataFrame(records, columns=SUBMISSION_COLUMNS)


def status_for_year(las: Iterable[str], names: Mapping[str, str], rows: pd.DataFrame, year: int) -> pd.DataFrame:
    """For each LA in ``las`` (old_la_code), what it has sent for census ``year``: its status (no return, only
    rejected files, or the outcome of its returns that count: the worst of them), how many returns count,
    their errors and warnings (where none counts, those of its rejected files), and when its last file
    arrived. LAs with no return come first."""
    of_year = rows[rows["time_period"] == year] if not rows.empty else rows
    records = []
    for code in sorted({str(c) for c in las}):
        mine = of_year[of_year["old_la_code"].astype(str) == code] if not of_year.empty else of_year
        current = mine[is_current(mine)] if not mine.empty else mine
        if mine.empty:
            status = NO_RETURN
        elif current.empty:
            status = ONLY_REJECTED
        else:
            status = STATUS_WORDS[worst_status(str(s) for s in current["status"])]
        # Errors and warnings of the returns that count; where none counts, of the rejected files.
        counted = current if not current.empty else mine
        records.append({
            COL_LA: names.get(code, code),
            COL_CODE: code,
            COL_YEAR: int(year),
            COL_STATUS: status,
            COL_RETURNS: len(current),
            COL_ERRORS: int(counted["error_count"].fillna(0).sum()) if not counted.empty else 0,
            COL_WARNINGS: int(counted["warning_count"].fillna(0).sum()) if not counted.empty else 0,
            COL_LAST: arrival_text(mine["arrived_at"].max()) if not mine.empty else "",
        })
    table = pd.DataFrame(records, columns=STATUS_COLUMNS)
    rank = {NO_RETURN: 0, ONLY_REJECTED: 1}
    if table.empty:
        return table
    return (table.assign(_rank=table[COL_STATUS].map(lambda s: rank.get(s, 2)))
            .sort_values(["_rank", COL_LA], kind="stable").drop(columns="_rank").reset_index(drop=True))


def missing(status: pd.DataFrame) -> list[str]:
    """The LAs (names) of a ``status_for_year`` table with no return that counts; those that sent only
    rejected files are marked so."""
    if status.empty:
        return []
    absent = status[status[COL_STATUS].isin([NO_RETURN, ONLY_REJECTED])]
    return [f"{name} (only rejected files)" if state == ONLY_REJECTED else str(name)
            for name, state in zip(absent[COL_LA], absent[COL_STATUS], strict=True)]


def issues_table(issues: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """One line per issue (rows of ``marts.validation_issues``), with what to do (validation/rules.py). The
    worker reference is the hashed one, shortened as in the reports; never the raw registration number."""
    if issues.empty:
        return pd.DataFrame(columns=ISSUE_COLUMNS)
    records = []
    for _, r in issues.iterrows():
        code = _text(r["old_la_code"])
        rule = RULES.get(_text(r["rule_code"]))
        line = r["line"]
        records.append({
            COL_LA: names.get(code, code),
            COL_CODE: code,
            COL_YEAR: _count(r["time_period"]),
            COL_FILE: _text(r["file"]),
            "Line": "" if line is None or pd.isna(line) else str(int(line)),
            "Rule": _text(r["rule_code"]),
            "Severity": _text(r["severity"]),
            "Item": _text(r["item"]),
            "Value": _text(r.get("value")),
            "Worker (hashed)": _text(r["worker_ref"])[:WORKER_REF_CHARS],
            "What is wrong": _text(r["message"]),
            "What to do": rule.action if rule is not None else "",
        })
    return pd.DataFrame(records, columns=ISSUE_COLUMNS)


def filter_issues(table: pd.DataFrame, severities: Iterable[str], rules: Iterable[str]) -> pd.DataFrame:
    """The issues of the chosen severities and rule codes (an empty choice keeps every one)."""
    chosen_severities, chosen_rules = set(severities), set(rules)
    keep = pd.Series(True, index=table.index)
    if chosen_severities:
        keep &= table["Severity"].isin(chosen_severities)
    if chosen_rules:
        keep &= table["Rule"].isin(chosen_rules)
    return table[keep].reset_index(drop=True)


def issue_counts(table: pd.DataFrame) -> pd.DataFrame:
    """Errors and warnings per LA of an ``issues_table`` (long: LA, severity, issues), for the bar chart."""
    if table.empty:
        return pd.DataFrame(columns=[COL_LA, "Severity", "Issues"])
    counts = table.groupby([COL_LA, "Severity"], as_index=False).size().rename(columns={"size": "Issues"})
    return counts.sort_values([COL_LA, "Severity"]).reset_index(drop=True)


_STYLE = re.compile(r"<style\b.*?</style>", re.IGNORECASE | re.DOTALL)
_BODY = re.compile(r"<body\b[^>]*>(.*)</body>", re.IGNORECASE | re.DOTALL)


def report_fragment(html: str) -> str:
    """The body of a validation report, without its page-wide style, to show inside the page (``st.html``
    sanitises it further); the downloaded file keeps its own styling."""
    body = _BODY.search(html)
    inner = body.group(1) if body else html
    return f'<div class="validation-report">{_STYLE.sub("", inner)}</div>'
