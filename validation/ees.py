"""Validate a published EES indicators file (R3): file rules, the pandera schemas, then the geography rules.

Input is the raw bytes of the CSV; output is the long frame ``published_indicators`` (one row per
geography, time_period and measure: the raw table of ``pipeline/warehouse.py`` without submission_id),
the rows kept in quarantine with their reasons, and every issue found. A file error rejects the file; a row
error rejects that row (every measure of that geography and year) and keeps the rest of the file.

Decisions (returns.md R3, ees.md):

- Columns are mapped to today's measure names through ``seeds/reference/ees_column_mapping.csv`` (the one
  source of truth, also a dbt seed). A column that is neither an EES time/geography column nor in the
  mapping is reported (EES020, by name) and ignored, never guessed. Two columns mapping to one measure
  reject the file (EES004). A measure that the file's layout lacks is reported (EES021); dbt shows it as 'x'.
- A cell holds a non-negative number, or an EES symbol (c, low, u, x, z) that is kept in ``status`` with a
  null value (never coerced to 0). Anything else (blank, ':', '~', '-', text) rejects the whole row
  (EES010), which stays in quarantine: guessing 'x' would claim the publisher said "not available", and
  loading the rest of a malformed row risks shifted cells. The other rows load.
- London LA rows carry Inner/Outer London codes (E13000001/2); they roll up to London (E12000007). The
  Inner and Outer London *regional* rows are kept in raw as sent (nothing is dropped), and dbt tags them
  as London sub-regions and leaves them out of the regional rows (London's E12000007 row is the one that
  counts).
- Joint returns such as ``314 / 318`` stay one unit; only the spacing round the slash is normalised.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from reference.geography import LONDON_CODE, LONDON_SUBREGIONS, local_authorities, regions
from reference.paths import REFERENCE_DIR
from validation.issues import Issue
from validation.readers.ees_csv import EesReadError, EesTable, read_ees_csv
from validation.result import ValidationResult
from validation.schemas.csww import failures
from validation.schemas.ees import GEOGRAPHY_SCHEMA, RULE_OF_COLUMN, SYMBOLS, measure_schema

RETURN_TYPE = "ees_csv"
RAW_TABLE = "published_indicators"
MAPPING_FILE = REFERENCE_DIR / "ees_column_mapping.csv"

REQUIRED_COLUMNS = ("time_period", "time_identifier", "geographic_level", "country_code", "country_name")
OPTIONAL_GEOGRAPHY = ("region_code", "region_name", "old_la_code", "new_la_code", "la_name")
GEOGRAPHY_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_GEOGRAPHY
REGION_COLUMNS = ("region_code", "region_name")
LA_COLUMNS = ("old_la_code", "new_la_code", "la_name")
LONDON = (LONDON_CODE, "London")
# The raw table's columns (pipeline/warehouse.py RAW_TABLES["published_indicators"]) minus submission_id.
FRAME_COLUMNS = ["line", "time_period", *GEOGRAPHY_COLUMNS[1:], "measure", "value", "status"]


@dataclass(frozen=True)
class ColumnMapping:
    """The seed ``ees_column_mapping.csv``: each known source column and the measure it holds."""

    measure_of: dict[str, str]
    measures: tuple[str, ...]  # today's measure names, in the seed's order
    layouts: dict[str, tuple[str, ...]]  # layout -> its source columns


@lru_cache(maxsize=4)
def column_mapping(path: Path = MAPPING_FILE) -> ColumnMapping:
    measure_of: dict[str, str] = {}
    layouts: dict[str, list[str]] = defaultdict(list)
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            source, measure = row["source_column"].strip(), row["measure"].strip()
            if measure_of.setdefault(source, measure) != measure:
                raise ValueError(f"{path}: column {source!r} maps to both {measure_of[source]!r} and {measure!r}")
            layouts[row["layout"].strip()].append(source)
    measures = tuple(dict.fromkeys(measure_of.values()))
    return ColumnMapping(measure_of, measures, {k: tuple(v) for k, v in layouts.items()})


@lru_cache(maxsize=1)
def reference_codes() -> tuple[frozenset[str], frozenset[str]]:
    """(old LA codes, region codes) of the reference seeds; joint returns such as '314 / 318' are one code."""
    return frozenset(_joint(la.old_la_code) for la in local_authorities()), frozenset(regions())


@dataclass
class EesValidation(ValidationResult):
    """A validated EES file: frame ``published_indicators``; which columns were read as which measure."""

    measure_columns: dict[str, str] = field(default_factory=dict)  # file column -> measure
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def indicators(self) -> pd.DataFrame:
        return self.frames.get(RAW_TABLE, pd.DataFrame(columns=FRAME_COLUMNS))


def validate_ees(
    data: bytes, *, file_name: str, known_la_codes: set[str] | None = None,
    known_region_codes: set[str] | None = None,
) -> EesValidation:
    """Validate one EES CSV. LA and region codes are checked against the reference seeds unless given."""
    result = EesValidation(file_name=file_name, return_type=RETURN_TYPE)
    try:
        table = read_ees_csv(data)
    except EesReadError as exc:
        result.issues.append(Issue(exc.code, exc.line, None, None, str(exc)))
        return result
    result.rows_received = len(table.rows)
    mapping = column_mapping()
    if not _check_header(table, result, mapping):
        return result
    las, regions = reference_codes()
    las = {_joint(code) for code in known_la_codes} if known_la_codes is not None else set(las)
    regions = set(known_region_codes) if known_region_codes is not None else set(regions)

    width = len(table.header)
    row_issues: list[tuple[int, str, str | None, str | None, str]] = []  # (record, code, item, value, message)
    shaped = [i for i, (_, cells) in enumerate(table.rows) if len(cells) == width]
    for i, (_, cells) in enumerate(table.rows):
        if len(cells) != width:
            row_issues.append((i, "EES015", None, None,
                               f"the row has {len(cells)} fields but the header has {width}"))
    frame = pd.DataFrame([table.rows[i][1] for i in shaped], index=shaped, columns=table.header, dtype="string")
    for column in OPTIONAL_GEOGRAPHY:
        if column not in frame:
            frame[column] = pd.Series("", index=frame.index, dtype="string")

    for index, column, value, expected in failures(GEOGRAPHY_SCHEMA, frame[list(REQUIRED_COLUMNS)]):
        row_issues.append((int(index), RULE_OF_COLUMN[column], column, _shown(value),
                           f"{column} should be {expected}"))
    row_issues.extend(_geography_issues(frame, las, regions))
    measures = result.measure_columns
    for index, column, value, expected in failures(measure_schema(measures), frame[list(measures)]):
        row_issues.append((int(index), "EES010", column, _shown(value),
                           f"{column} ({measures[column]}) should be {expected}"))
    row_issues.extend(_duplicate_issues(frame))

    rejected = _record_row_issues(table, result, row_issues)
    keep = [i for i in shaped if i not in rejected]
    lines = pd.Series([table.rows[i][0] for i in keep], index=keep, dtype="Int64")
    result.frames[RAW_TABLE] = _long(frame.loc[keep], lines, measures)
    return result


def _check_header(table: EesTable, result: EesValidation, mapping: ColumnMapping) -> bool:
    """File rules on the header; fills result.measure_columns. False when the file is rejected."""
    line = table.header_line
    for name, count in Counter(table.header).items():
        if count > 1:
            result.issues.append(Issue("EES004", line, name, None, f"column {name!r} appears {count} times"))
    for name in REQUIRED_COLUMNS:
        if name not in table.header:
            result.issues.append(Issue("EES003", line, name, None, f"the required EES column {name} is missing"))
    if result.file_rejected:
        return False
    by_measure: dict[str, list[str]] = defaultdict(list)
    for position, name in enumerate(table.header, start=1):
        if name in GEOGRAPHY_COLUMNS:
            continue
        if name in mapping.measure_of:
            result.measure_columns[name] = mapping.measure_of[name]
            by_measure[mapping.measure_of[name]].append(name)
        else:
            result.ignored_columns.append(name)
            shown = repr(name) if name else f"the unnamed column {position}"
            result.issues.append(Issue("EES020", line, name or None, None,
                                       f"column {shown} is not an EES time or geography column and not in "
                                       "ees_column_mapping.csv: ignored"))
    for measure, columns in by_measure.items():
        if len(columns) > 1:
            result.issues.append(Issue("EES004", line, ", ".join(columns), None,
                                       f"columns {' and '.join(columns)} would both be {measure}: "
                                       "keep one of them"))
    if not result.measure_columns:
        result.issues.append(Issue("EES002", line, None, None,
                                   "an EES file, but none of its columns is a CSWW measure in "
                                   "ees_column_mapping.csv: not the CSWW indicators file"))
    if result.file_rejected:
        return False
    for measure in mapping.measures:
        if measure not in by_measure:
            result.issues.append(Issue("EES021", line, measure, None,
                                       f"{measure} is not in this file (an older layout): shown as not "
                                       "available ('x')"))
    return True


def _geography_issues(
    frame: pd.DataFrame, las: set[str], regions: set[str]
) -> list[tuple[int, str, str | None, str | None, str]]:
    """EES013: each level's own columns filled, finer levels' columns blank, codes in the reference lists."""
    found: list[tuple[int, str, str | None, str | None, str]] = []
    level = frame["geographic_level"]
    filled = {column: frame[column].fillna("").str.len() > 0 for column in OPTIONAL_GEOGRAPHY}

    def add(mask: pd.Series, column: str | None, message: str) -> None:
        for index in frame.index[mask.fillna(False).astype(bool)]:
            value = frame.at[index, column] if column else None
            found.append((int(index), "EES013", column, _shown(value), message))

    for column in (*REGION_COLUMNS, *LA_COLUMNS):
        add((level == "National") & filled[column], column, f"a National row has {column} filled")
    for column in LA_COLUMNS:
        add((level == "Regional") & filled[column], column, f"a Regional row has {column} filled")
    for column in REGION_COLUMNS:
        add(level.isin(["Regional", "Local authority"]) & ~filled[column], column,
            f"a Regional or Local authority row needs {column}")
    for column in ("old_la_code", "la_name"):
        add((level == "Local authority") & ~filled[column], column, f"a Local authority row needs {column}")
    region = frame["region_code"].fillna("")
    known_regions = regions | set(LONDON_SUBREGIONS)
    add(level.isin(["Regional", "Local authority"]) & filled["region_code"] & ~region.isin(known_regions),
        "region_code", "region_code is not an English region (ref_regions) or Inner/Outer London")
    la_code = frame["old_la_code"].fillna("").map(_joint)
    add((level == "Local authority") & filled["old_la_code"] & ~la_code.isin(las), "old_la_code",
        "old_la_code is not in the reference list of LAs (ref_local_authorities)")
    return found


def _duplicate_issues(frame: pd.DataFrame) -> list[tuple[int, str, str | None, str | None, str]]:
    key = pd.DataFrame({
        "time_period": frame["time_period"], "geographic_level": frame["geographic_level"],
        "region_code": frame["region_code"].fillna(""), "old_la_code": frame["old_la_code"].fillna("").map(_joint),
    })
    duplicated = key.duplicated(keep=False)
    return [(int(index), "EES014", "geographic_level", None,
             f"{frame.at[index, 'geographic_level']} {_where(frame, index)} {frame.at[index, 'time_period']} "
             "appears more than once in the file: every copy is rejected")
            for index in frame.index[duplicated]]


def _record_row_issues(
    table: EesTable, result: EesValidation, row_issues: list[tuple[int, str, str | None, str | None, str]]
) -> set[int]:
    """Turn (record, code, ...) into Issues, quarantine each rejected row as sent; the rejected records."""
    rejected: dict[int, set[str]] = defaultdict(set)
    for record, code, item, value, message in sorted(row_issues, key=lambda r: (r[0], r[1], r[2] or "")):
        line = table.rows[record][0]
        issue = Issue(code, line, item, value, message, None, record + 1)
        result.issues.append(issue)
        if issue.rejects_row:
            rejected[record].add(f"{code} {item or ''}".strip())
    for record in sorted(rejected):
        line, cells = table.rows[record]
        items = {(table.header[i] if i < len(table.header) else f"(extra field {i + 1})"): cell
                 for i, cell in enumerate(cells)}
        result.quarantined.append({"element": "row", "line": line, "record_number": record + 1, "items": items,
                                   "reasons": sorted(rejected[record])})
    return set(rejected)


def _long(frame: pd.DataFrame, lines: pd.Series, measures: dict[str, str]) -> pd.DataFrame:
    """Accepted wide rows -> one row per geography, time_period and measure, London rolled up."""
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype=_dtype(c)) for c in FRAME_COLUMNS})
    geography = pd.DataFrame(index=frame.index)
    geography["line"] = lines
    geography["time_period"] = pd.to_numeric(frame["time_period"]).astype("Int64")
    for column in GEOGRAPHY_COLUMNS[1:]:
        geography[column] = frame[column].replace("", pd.NA).astype("string")
    for column in ("old_la_code", "new_la_code"):
        geography[column] = geography[column].map(_joint, na_action="ignore").astype("string")
    london = (geography["geographic_level"] == "Local authority") & geography["region_code"].isin(
        list(LONDON_SUBREGIONS))
    geography.loc[london, "region_code"] = LONDON[0]
    geography.loc[london, "region_name"] = LONDON[1]

    parts = []
    for order, (column, measure) in enumerate(measures.items()):
        cells = frame[column]
        symbol = cells.isin(SYMBOLS)
        part = geography.copy()
        part["measure"] = pd.Series(measure, index=frame.index, dtype="string")
        part["value"] = pd.to_numeric(cells.where(~symbol), errors="coerce").astype("Float64")
        part["status"] = cells.where(symbol).astype("string")
        part["_order"] = order
        parts.append(part)
    long = pd.concat(parts).sort_values(["line", "_order"], kind="stable")
    return long[FRAME_COLUMNS].reset_index(drop=True)


def _dtype(column: str) -> str:
    return {"line": "Int64", "time_period": "Int64", "value": "Float64"}.get(column, "string")


def _joint(code: str) -> str:
    """'314/318' and '314 / 318' are the same joint unit: one spacing."""
    return re.sub(r"\s*/\s*", " / ", str(code).strip())


def _where(frame: pd.DataFrame, index: object) -> str:
    parts = [frame.at[index, c] for c in ("region_code", "old_la_code") if frame.at[index, c]]
    return " ".join(str(p) for p in parts) or "England"


def _shown(value: object) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value)
    return "(blank)" if text == "" else text[:200]
