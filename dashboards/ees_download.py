"""The EES export as a download: the data file and its ``.meta.csv`` built in memory from scoped rows.

``pipeline.ees_export.export_ees`` writes the files for ``workforce export ees`` from EVERY
``source = 'returns'`` row of the serving copy. The dashboard must not offer a viewer more than their role
allows, so it builds the same pair from the rows ``data_access.ees_source_rows(viewer)`` returns (their
alliance's LAs and regional row, and the national row), with the export's own ``build_ees_frames`` and the same
screening (``validation.ees_screening.screen``, on the frames and again on the bytes read back) and the same
CSV writing; where those rows are all the serving copy's returns rows, the bytes equal the command's files.
Pure: rows in, bytes out.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

import pandas as pd

from pipeline.ees_export import DEFAULT_NAME, build_ees_frames
from validation.ees_screening import ScreeningFailure, screen


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A frame as the EES export writes it: UTF-8, no index, ``\\n`` line ends."""
    return frame.to_csv(index=False, encoding="utf-8", lineterminator="\n").encode("utf-8")


@dataclass(frozen=True)
class EESDownload:
    """The EES file pair built from one viewer's rows, and what the screening found."""

    data: pd.DataFrame
    meta: pd.DataFrame
    name: str = DEFAULT_NAME
    failures: list[ScreeningFailure] = field(default_factory=list)

    @property
    def data_name(self) -> str:
        return f"{self.name}.csv"

    @property
    def meta_name(self) -> str:
        return f"{self.name}.meta.csv"

    @property
    def passed(self) -> bool:
        """Whether the pair passes every EES screening rule (only then is it offered)."""
        return not self.failures

    @property
    def data_bytes(self) -> bytes:
        return csv_bytes(self.data)

    @property
    def meta_bytes(self) -> bytes:
        return csv_bytes(self.meta)

    def zip_bytes(self) -> bytes:
        """Both files in one zip archive (fixed timestamps, so the same rows give the same bytes)."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in ((self.data_name, self.data_bytes), (self.meta_name, self.meta_bytes)):
                archive.writestr(zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0)), content)
        return buffer.getvalue()


def _read_back(content: bytes) -> pd.DataFrame:
    """The CSV as a reader (and DfE's screener) will see it: every cell text, nothing turned into NaN."""
    return pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False, encoding="utf-8")


def build_ees_download(rows: pd.DataFrame, name: str = DEFAULT_NAME) -> EESDownload | None:
    """The EES pair for rows of ``marts.workforce_indicators`` (one source), screened as built and as written;
    None when there are no rows."""
    if rows.empty:
        return None
    data, meta = build_ees_frames(rows)
    data_name, meta_name = f"{name}.csv", f"{name}.meta.csv"
    failures = screen(data, meta, data_name, meta_name)
    if not failures:
        failures = screen(_read_back(csv_bytes(data)), _read_back(csv_bytes(meta)), data_name, meta_name)
    return EESDownload(data=data, meta=meta, name=name, failures=failures)
