"""`workforce export ees OUT_DIR`: the EES open-data file and its ``.meta.csv`` from ``marts.workforce_indicators``.

``export_ees(serving_path, out_dir)`` reads the mart read-only (one short query, connection closed at once),
builds the tidy data file and its meta file with ``build_ees_frames``, screens them with
``validation.ees_screening.screen`` and only then moves them into place: both files are written under
temporary names, read back, screened, and renamed over ``<name>.csv`` / ``<name>.meta.csv``. A pair that fails
screening is deleted and ``EESScreeningError`` (listing every failure) is raised; an earlier export is left
as it was.

What the export does to the mart's rows (definitions.md, "Disclosure control"; ees.md):

- Rows: those of the chosen ``source`` ('returns' by default). National rows have region and LA columns
  blanked, regional rows LA columns blanked; LA rows carry the region of the LA from the official list
  (``seeds/reference/ref_local_authorities.csv``; London LAs: E12000007 London, which is the regional row
  this product publishes). ``time_period`` is written as the 4-digit year.
- Columns: the geography/time columns, then every measure of the mart in the mart's order. Measures are
  discovered from the mart (every numeric column that is not internal), so measures added later are exported
  with no change here; the measure catalogue (``seeds/reference/measure_catalogue.csv``, through
  ``pipeline.disclosure.EES_MEASURES``) gives each known one its label, grouping, unit, decimals and
  disclosure guard, and an unknown one gets a generic label and a unit/decimals/guard inferred from its name.
- Not exported: ``source`` (the rows are of one source), ``fte_missing_records`` (a data-quality count about
  the returns, not a statistic), the ``<measure>_status`` columns (folded into the cells as symbols) and any
  ``_numerator``/``_denominator`` helper. ``las_contributing`` and ``las_expected`` ARE exported, as
  indicators ("Local authorities contributing/expected"): they say how complete a regional figure is; on LA
  rows they are ``z`` (not applicable).
- Cells: the disclosure rules of ``pipeline.disclosure`` (symbols first, then suppression of small numbers,
  then rounding half up), which the dashboard's public view applies too.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import duckdb
import pandas as pd

from pipeline.disclosure import (
    EXPORTED_MART,
    GEOGRAPHY_TIME_OUTPUT,
    ees_measure,
    is_missing,
    measure_columns,
    published_cell,
)
from validation.ees_screening import (
    FINER_COLUMNS,
    EESScreeningError,
    Reference,
    check_names,
    load_reference,
    screen,
)

MART = f"marts.{EXPORTED_MART}"
DEFAULT_NAME = "csww_regional_indicators"

# --- building the frames --------------------------------------------------------------------------------

def _text(value: object) -> str:
    if isinstance(value, str):
        return value.strip()
    return "" if is_missing(value) else str(value)


def _geography(row: dict, reference: Reference) -> dict[str, str]:
    out = {c: _text(row.get(c)) for c in GEOGRAPHY_TIME_OUTPUT}
    period = row.get("time_period")
    out["time_period"] = "" if is_missing(period) else str(int(float(period)))
    level = out["geographic_level"]
    for column in FINER_COLUMNS.get(level, ()):
        out[column] = ""
    if level == "Local authority":
        year = int(out["time_period"]) if out["time_period"] else None
        candidates = [la for la in reference.local_authorities.get(out["old_la_code"], ())
                      if la.new_la_code == out["new_la_code"] or not out["new_la_code"]]
        current = [la for la in candidates if reference.exists_in(la, year)] or candidates
        if current:
            out["region_code"], out["region_name"] = current[0].region_code, current[0].region_name
    return out


def build_ees_frames(indicators: pd.DataFrame, reference: Reference | None = None) -> tuple[pd.DataFrame,
                                                                                             pd.DataFrame]:
    """The EES data frame and meta frame (all text) for rows of ``marts.workforce_indicators``."""
    reference = reference or load_reference()
    numeric = [c for c in indicators.columns if pd.api.types.is_numeric_dtype(indicators[c])
               and not pd.api.types.is_bool_dtype(indicators[c])]
    measures = [ees_measure(c) for c in measure_columns(list(indicators.columns), numeric)]
    guards = {m.column: m.guard_columns(indicators.columns) for m in measures}
    rows = []
    for row in indicators.to_dict("records"):
        out = _geography(row, reference)
        for m in measures:
            out[m.column] = published_cell(row, m, guards[m.column], out["geographic_level"])
        rows.append(out)
    data = pd.DataFrame(rows, columns=[*GEOGRAPHY_TIME_OUTPUT, *(m.column for m in measures)], dtype=object)
    level_order = {"National": 0, "Regional": 1, "Local authority": 2}
    if not data.empty:
        data = (data.assign(_year=data["time_period"], _level=data["geographic_level"].map(level_order))
                .sort_values(["_year", "_level", "region_code", "la_name", "old_la_code"],
                             ascending=[False, True, True, True, True], kind="stable")
                .drop(columns=["_year", "_level"]).reset_index(drop=True))
    meta = pd.DataFrame(
        [{"col_name": m.column, "col_type": "Indicator", "label": m.label, "indicator_grouping": m.grouping,
          "indicator_unit": m.unit, "indicator_dp": str(m.dp), "filter_hint": "", "filter_grouping_column": ""}
         for m in measures],
        columns=["col_name", "col_type", "label", "indicator_grouping", "indicator_unit", "indicator_dp",
                 "filter_hint", "filter_grouping_column"], dtype=object)
    return data, meta


# --- reading and writing --------------------------------------------------------------------------------

def read_indicators(serving_path: Path, source: str = "returns") -> pd.DataFrame:
    """The rows of ``marts.workforce_indicators`` of one source, read-only; the connection is closed at once."""
    serving_path = Path(serving_path)
    if not serving_path.exists():
        raise FileNotFoundError(f"no serving copy at {serving_path}: run `workforce run` first")
    con = duckdb.connect(str(serving_path), read_only=True)
    try:
        return con.execute(f"select * from {MART} where source = ?", [source]).df()
    finally:
        con.close()


def export_ees(serving_path: Path, out_dir: Path, name: str = DEFAULT_NAME,
               source: str = "returns") -> tuple[Path, Path]:
    """Write ``out_dir/<name>.csv`` and ``out_dir/<name>.meta.csv`` from the serving copy's mart, only if they
    pass EES screening (else ``EESScreeningError`` and nothing is replaced). Returns (data path, meta path)."""
    indicators = read_indicators(serving_path, source)
    if indicators.empty:
        raise ValueError(f"{MART} in {serving_path} has no rows with source = {source!r}: nothing to export")
    data, meta = build_ees_frames(indicators)
    data_name, meta_name = f"{name}.csv", f"{name}.meta.csv"
    failures = check_names(data_name, meta_name)  # a name that is not a plain file name: nothing is written
    if failures:
        raise EESScreeningError(data_name, failures)

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    token = f"{os.getpid()}-{time.time_ns()}"
    data_path, meta_path = out_dir / data_name, out_dir / meta_name
    temporary = [out_dir / f".{data_name}.{token}.tmp", out_dir / f".{meta_name}.{token}.tmp"]
    try:
        for frame, path in zip((data, meta), temporary, strict=True):
            frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        # Screen what is on disk, as a reader will see it (the only full screening: the frames written are
        # not screened first as well); nothing is replaced unless it passes.
        written = [pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8") for p in temporary]
        failures = screen(written[0], written[1], data_name, meta_name)
        if failures:
            raise EESScreeningError(data_name, failures)
        os.replace(temporary[1], meta_path)
        os.replace(temporary[0], data_path)
    finally:
        for path in temporary:
            path.unlink(missing_ok=True)
    return data_path, meta_path
