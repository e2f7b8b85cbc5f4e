"""Page "Submissions and data quality": who has sent what, what is wrong with it, and each validation report.

For ``la`` users their own LA only; for analysts every LA of their alliance (``data_access.submissions`` and
``data_access.validation_issues`` never return another LA's rows). Sidebar: the LA (analysts: all or one) and
the census year (all or one). Body: the status of each LA for the latest (or chosen) year with the LAs that
have sent nothing, the returns that count and the earlier or rejected files, the issues (filtered by severity
and rule) with a chart of errors and warnings per LA, and each file's validation report (HTML and XLSX
downloads, the HTML shown on the page on request). Every table has CSV and Excel downloads.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import data_access
from dashboards import submission_tables as tables
from dashboards.auth import current_viewer
from dashboards.charts import issues_by_la_chart
from dashboards.views.common import data_source_caption, download_buttons, file_stem
from pipeline.access.roles import Role, Viewer

TITLE = "Submissions and data quality"
URL_PATH = "submissions"
ICON = ":material/fact_check:"
ROLES = frozenset({Role.LA, Role.ANALYST})

ALL = "all"
SEVERITIES = ("error", "warning")


def la_names(viewer: Viewer, rows: pd.DataFrame) -> dict[str, str]:
    """old_la_code -> name for the viewer's detail LAs (from the LA list, else the submissions, else the code)."""
    names = {code: code for code in viewer.detail_las()}
    if not rows.empty:
        for code, name in zip(rows["old_la_code"], rows["la_name"], strict=True):
            if isinstance(name, str) and str(code) in names:
                names[str(code)] = name
    las = data_access.local_authorities(viewer)
    for code, name in zip(las["old_la_code"], las["la_name"], strict=True):
        if str(code) in names and isinstance(name, str):
            names[str(code)] = name
    return dict(sorted(names.items(), key=lambda item: (item[1], item[0])))


def _choose_la(viewer: Viewer, names: dict[str, str]) -> str:
    """Sidebar: the LA (analysts may choose all); an ``la`` user is offered their own LA only."""
    options = ([ALL] if viewer.is_analyst else []) + list(names)
    labels = {ALL: "Every LA in the alliance", **names}
    if not viewer.is_analyst:
        st.sidebar.caption("Your role shows your own LA's returns and reports only.")
    return str(st.sidebar.selectbox("Local authority", options, format_func=labels.__getitem__,
                                    key=f"{URL_PATH}.la"))


def _choose_year(years: list[int]) -> int | None:
    """Sidebar: the census year, or None for every year."""
    options: list[int | str] = [ALL, *years]
    choice = st.sidebar.selectbox("Census year (at 30 September)", options, key=f"{URL_PATH}.year",
                                  format_func=lambda y: "Every year" if y == ALL else str(y))
    return None if choice == ALL else int(choice)


def render() -> None:
    """Draw the page."""
    st.title(TITLE)
    data_source_caption(data_access.serving_copy_info())
    viewer = current_viewer()
    if not viewer.detail_las():
        st.info("Your role does not show any local authority's returns.")
        return

    every_row = data_access.submissions(viewer)
    names = la_names(viewer, every_row)
    code = _choose_la(viewer, names)
    received = {int(y) for y in every_row["time_period"].dropna()} if not every_row.empty else set()
    years = sorted(received | set(data_access.returns_years(viewer)), reverse=True)
    if not years:
        st.info("No returns have been received yet for the local authorities your role shows.")
        return
    year = _choose_year(years)
    shown_las = list(names) if code == ALL else [code]
    rows = every_row
    if not rows.empty:
        rows = rows[rows["old_la_code"].astype(str).isin(shown_las)]
        if year is not None:
            rows = rows[rows["time_period"] == year]
    where = names[code] if code != ALL else "the alliance"
    stem_la = code if code != ALL else viewer.alliance_code or "alliance"

    _status_section(viewer, shown_las, names, every_row, year if year is not None else years[0], stem_la)
    _returns_section(rows, stem_la, year)
    _issues_section(viewer, rows, names, code, year, stem_la, where)
    _reports_section(viewer, rows)


def _status_section(viewer: Viewer, las: list[str], names: dict[str, str], rows: pd.DataFrame, year: int,
                    stem_la: str) -> None:
    """Who has sent what for one census year, and who has sent nothing."""
    st.header(f"Who has sent what for {year}")
    status = tables.status_for_year(las, names, rows, year)
    absent = tables.missing(status)
    counted = int((status[tables.COL_RETURNS] > 0).sum())
    with_errors = int((status[tables.COL_ERRORS] > 0).sum())
    if viewer.is_analyst:
        left, middle, right = st.columns(3)
        left.metric("LAs with a return that counts", f"{counted} of {len(status)}", border=True)
        middle.metric("LAs with no return that counts", str(len(absent)), border=True)
        right.metric("LAs whose files have errors", str(with_errors), border=True)
    if absent:
        who = "Your LA has" if viewer.role is Role.LA else f"{len(absent)} of {len(status)} LAs have"
        st.warning(f"**{who} sent no return that counts for {year}:** {', '.join(absent)}.",
                   icon=":material/schedule:")
    else:
        who = "Your LA has" if viewer.role is Role.LA else "Every LA shown has"
        st.success(f"{who} a return that counts for {year}.", icon=":material/task_alt:")
    st.dataframe(status, hide_index=True, width="stretch")
    download_buttons(status, file_stem(stem_la, year, "submission_status"), key=f"{URL_PATH}.status")


def _returns_section(rows: pd.DataFrame, stem_la: str, year: int | None) -> None:
    """The returns that count, then the earlier and rejected files."""
    st.header("Returns received")
    st.caption("Each file received, with its outcome. For each LA, return type and period the latest file that "
               "was not rejected is the one the figures use; earlier files stay listed (and archived).")
    current = rows[tables.is_current(rows)] if not rows.empty else rows
    st.subheader("Returns that count")
    table = tables.submissions_table(current)
    if table.empty:
        st.info("No return that counts for this choice.")
    else:
        st.dataframe(table, hide_index=True, width="stretch")
        download_buttons(table, file_stem(stem_la, year, "returns"), key=f"{URL_PATH}.current")
    st.subheader("Earlier and rejected files")
    earlier = tables.submissions_table(rows[~tables.is_current(rows)] if not rows.empty else rows)
    if earlier.empty:
        st.caption("None: no file for this choice was replaced or rejected.")
    else:
        st.dataframe(earlier, hide_index=True, width="stretch")
        download_buttons(earlier, file_stem(stem_la, year, "earlier_and_rejected_files"),
                         key=f"{URL_PATH}.earlier")


def _issues_section(viewer: Viewer, rows: pd.DataFrame, names: dict[str, str], code: str, year: int | None,
                    stem_la: str, where: str) -> None:
    """Errors and warnings, filtered by severity and rule, with a chart per LA."""
    st.header("Errors and warnings")
    conditions, params = ["true"], {}
    if code != ALL:
        conditions.append("cast(old_la_code as varchar) = $la")
        params["la"] = code
    if year is not None:
        conditions.append("time_period = $year")
        params["year"] = year
    issues = data_access.validation_issues(viewer, " and ".join(conditions), params)
    earlier_too = st.toggle("Include issues in files that were later replaced", value=False,
                            key=f"{URL_PATH}.superseded_issues")
    if not issues.empty and not earlier_too:
        latest = set(rows.loc[~rows["superseded"].astype(bool), "submission_id"]) if not rows.empty else set()
        issues = issues[issues["submission_id"].isin(latest)]
    table = tables.issues_table(issues, names)
    if table.empty:
        st.success("No errors or warnings in these files.", icon=":material/task_alt:")
        return
    left, right = st.columns(2)
    severities = left.multiselect("Severity", SEVERITIES, default=list(SEVERITIES), key=f"{URL_PATH}.severity",
                                  format_func=lambda s: {"error": "Errors", "warning": "Warnings"}[s])
    rules = right.multiselect("Rule", sorted(set(table["Rule"])), key=f"{URL_PATH}.rules",
                              placeholder="Every rule")
    shown = tables.filter_issues(table, severities or SEVERITIES, rules)
    st.caption("An error rejects the record (or the whole file); a warning keeps it but asks the LA to check. "
               "Worker references are hashed (never the registration number) and shortened as in the reports.")
    counts = tables.issue_counts(shown)
    if not counts.empty:
        when = str(year) if year is not None else "every year"
        st.altair_chart(issues_by_la_chart(counts, f"Errors and warnings in {where}'s files, {when}"),
                        width="stretch")
    st.dataframe(shown, hide_index=True, width="stretch",
                 column_config={"What is wrong": st.column_config.TextColumn(width="large"),
                                "What to do": st.column_config.TextColumn(width="large")})
    download_buttons(shown, file_stem(stem_la, year, "validation_issues"), key=f"{URL_PATH}.issues")


def report_label(row: pd.Series) -> str:
    """How a file is named in the report picker."""
    name = row["la_name"] if isinstance(row["la_name"], str) else row["old_la_code"]
    used = tables.used_label(row["status"], row["superseded"]).split(":")[0].lower()
    used_words = {"yes": "counts", "no": "not used"}.get(used, used)
    return (f"{name}, {int(row['time_period'])}: {row['file_name']} "
            f"(arrived {tables.arrival_text(row['arrived_at'])}, {used_words})")


def _reports_section(viewer: Viewer, rows: pd.DataFrame) -> None:
    """Each file's validation report: HTML and XLSX downloads, the HTML on the page on request."""
    st.header("Validation reports")
    st.caption("The report the LA acts on: a summary, then every issue with its line, item, rule and what to do "
               "(HTML to read, XLSX to work through).")
    if rows.empty:
        st.info("No files for this choice.")
        return
    ordered = rows.sort_values(["time_period", "la_name", "arrived_at"], ascending=[False, True, False])
    options = list(ordered["submission_id"])
    labels = {r["submission_id"]: report_label(r) for _, r in ordered.iterrows()}
    chosen = st.selectbox("File", options, format_func=labels.__getitem__, key=f"{URL_PATH}.report")
    row = ordered[ordered["submission_id"] == chosen].iloc[0]
    stem = file_stem("validation_report", row["old_la_code"], int(row["time_period"]), str(chosen)[:12])
    left, right = st.columns(2)
    html: bytes | None = None
    for slot, kind, mime in ((left, "html", "text/html"), (right, "xlsx", tables.XLSX_MIME)):
        try:
            content = data_access.report_bytes(viewer, str(chosen), kind)
        except data_access.ReportNotAvailable as exc:
            slot.warning(f"{kind.upper()} report: {exc}")
            continue
        if kind == "html":
            html = content
        slot.download_button(f"Download the report ({kind.upper()})", content, file_name=f"{stem}.{kind}",
                             mime=mime, key=f"{URL_PATH}.report.{kind}", width="stretch")
    if html is not None and st.toggle("Show the report on this page", key=f"{URL_PATH}.show_report"):
        with st.container(border=True):
            st.html(tables.report_fragment(html.decode("utf-8", errors="replace")))


if __name__ == "__main__":
    render()
