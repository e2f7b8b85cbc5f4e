"""pandera schemas for the CSWW return (R1), applied to the text exactly as it was sent.

Each column check says what a valid value looks like (type, code list, range); a failure becomes a
CSWW011 issue naming the worker record, the item and the value. Missing values pass here: whether an item
is required is rule CSWW010 (see ``validation.csww``), because it depends on other items.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc

ETHNICITY = ("WBRI WIRI WIRT WOTH WROM MWBC MWBA MWAS MOTH AIND APKN ABAN AOTH BCRB BAFR BOTH CHNE OOTH "
             "REFU NOBT").split()
REASON_ABSENCE = ("MAT", "OTH", "PUB", "SIC", "TRN", "UNA", "UNP")


_PLAIN_NUMBER = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"


def to_numbers(values: pd.Series) -> pd.Series:
    """``pd.to_numeric(values, errors="coerce")``, faster: plain decimal text (nearly every value) is cast by
    pyarrow (the same doubles); anything else (a word, "inf", spaces...) still goes through pandas."""
    array = values.array
    if not hasattr(array, "_pa_array"):  # not Arrow-backed text: the plain way
        return pd.to_numeric(values, errors="coerce")
    text = pyarrow.chunked_array(array._pa_array)
    plain = pc.match_substring_regex(text, _PLAIN_NUMBER)
    numbers = pd.Series(pc.cast(pc.if_else(plain, text, None), pyarrow.float64()).to_numpy(zero_copy_only=False),
                        index=values.index)
    other = values.notna().to_numpy() & ~plain.to_numpy(zero_copy_only=False).astype(bool)
    if other.any():
        numbers[other] = pd.to_numeric(values[other], errors="coerce").astype("float64")
    return numbers


def _codes(*codes: object) -> pa.Check:
    allowed = {str(c) for c in codes}
    return pa.Check(lambda s: s.isna() | s.isin(allowed), error=f"one of {', '.join(sorted(allowed))}")


def _number(low: float | None = None, high: float | None = None, whole: bool = False) -> pa.Check:
    pattern = r"^\d+$" if whole else r"^-?\d+(\.\d+)?$"
    kind = "a whole number" if whole else "a number"
    bounds = (f" from {low:g}" if low is not None else "") + (f" to {high:g}" if high is not None else "")

    def check(series: pd.Series) -> pd.Series:
        text = series.astype("string")
        ok = text.str.fullmatch(pattern).fillna(False)
        values = to_numbers(text.where(ok))
        if low is not None:
            ok &= values >= low
        if high is not None:
            ok &= values <= high
        return series.isna() | ok.fillna(False).astype(bool)

    return pa.Check(check, error=f"{kind}{bounds}")


def _date() -> pa.Check:
    def check(series: pd.Series) -> pd.Series:
        text = series.astype("string")
        shaped = text.str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False).astype(bool)
        parsed = pd.to_datetime(text.where(shaped), format="%Y-%m-%d", errors="coerce")
        return series.isna() | (shaped & parsed.notna())

    return pa.Check(check, error="a date written YYYY-MM-DD")


def _pattern(regex: str, description: str) -> pa.Check:
    return pa.Check(lambda s: s.isna() | s.astype("string").str.fullmatch(regex).fillna(False).astype(bool),
                    error=description)


def _column(check: pa.Check) -> pa.Column:
    return pa.Column(nullable=True, required=False, checks=[check])


BOOL = _codes(0, 1)

WORKER_SCHEMA = pa.DataFrameSchema(
    {
        "AgencyWorker": _column(BOOL),
        "SWENo": _column(_pattern(r"[A-Za-z]{2}\d{1,10}", "2 letters followed by up to 10 digits")),
        "FTE": _column(_number(0, 1)),
        "PersonBirthDate": _column(_date()),
        "GenderCurrent": _column(_codes(0, 1, 2, 9)),
        "Sex": _column(_codes("M", "F")),
        "Ethnicity": _column(_codes(*ETHNICITY)),
        "QualLevel": _column(_codes(1, 2, 3)),
        "StepUpGrad": _column(BOOL),
        "FrontlineGrad": _column(BOOL),
        "OrgRole": _column(_codes(*range(1, 7))),
        "RoleStartDate": _column(_date()),
        "RoleEndDate": _column(_date()),
        "StartOrigin": _column(_codes(*range(1, 11))),
        "LeaverDestination": _column(_codes(*range(1, 10))),
        "ReasonLeave": _column(_codes(*range(1, 11))),
        "FTE30": _column(_number(0, 1)),
        "Cases30": _column(_number(0, whole=True)),
        "WorkingDaysLost": _column(_number(0)),
        "ContractWeeks": _column(_number(0, 53)),
        "Absat30Sept": _column(BOOL),
        "ReasonAbsence": _column(_codes(*REASON_ABSENCE)),
        "CFKSSstatus": _column(_codes(1, 2, 3, 4)),
        "BaseSalary": _column(_number(0)),
        "RRPayments": _column(_number(0)),
        "OtherPayments": _column(_number(0)),
    },
    name="CSWW worker record",
)

LA_LEVEL_SCHEMA = pa.DataFrameSchema(
    {
        "NumberOfVacancies": _column(_number(0)),
        "NoAgencyFTE": _column(_number(0)),
        "NoAgencyHeadcount": _column(_number(0, whole=True)),
        **{item: _column(_codes(0, 1, 2)) for item in (
            "RecruitmentBonus", "RetentionBonus", "PerformanceAward", "CarAllowance", "RelocationPackage",
            "RegionalWeighting", "CostSWE", "CostDBS")},
    },
    name="CSWW LA level",
)


def failures(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> list[tuple[object, str, object, str]]:
    """Run a schema lazily; return (row index, column, failing value, what was expected) per failure."""
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        found = []
        checks = {name: col.checks for name, col in schema.columns.items()}
        for case in errors.failure_cases.itertuples(index=False):
            column = case.column
            expected = checks[column][0].error if column in checks and checks[column] else str(case.check)
            found.append((case.index, column, case.failure_case, expected))
        return found
    return []
