"""The time-use diary (R5): its layout (About and Entries), code lists and column rules.

Defined once; the reader, the validator (``validation.diary``) and the template (``validation.diary_template``)
all use it. Column rules (``validation.schemas.columns``): a required item missing is TUD010, a value of the
wrong type or outside its code list or range is TUD011. Cross-field rules are in ``validation.diary``.
"""

from __future__ import annotations

from validation.readers.tabular import TabularLayout
from validation.readers.text import CsvWords
from validation.readers.workbook import BookLayout
from validation.schemas.columns import Column, sheet_schema
from validation.schemas.workbook import TEAM_TYPES, SheetLayout

ACTIVITIES = ("direct_face_to_face", "direct_remote", "case_recording", "admin", "internal_meetings",
              "multi_agency_meetings", "court", "travel", "supervision_reflection", "training", "other")
CASE_TYPES = ("cin", "cp", "cla", "care_leaver", "proceedings", "none")
#: The activity groups of marts.workload (definitions.md, "Workload and capacity").
ACTIVITY_GROUPS = {
    "direct_work": ("direct_face_to_face", "direct_remote"),
    "recording_admin": ("case_recording", "admin"),
    "meetings": ("internal_meetings", "multi_agency_meetings"),
    "travel": ("travel",),
    "court": ("court",),
    "supervision": ("supervision_reflection",),
    "training_other": ("training", "other"),
}
CASES_COLUMNS = ("cases_cin", "cases_cp", "cases_cla", "cases_care_leaver", "cases_proceedings")

ABOUT_COLUMNS = ("old_la_code", "la_name", "diary_start", "diary_end", "contracted_hours_per_fte")
DEFAULT_CONTRACTED_HOURS = 37.0
MAX_DIARY_DAYS = 28  # "at most 4 weeks"
MAX_HOURS_PER_DAY = 16.0  # TUD021
OVERTIME_FACTOR = 1.25  # TUD030: a week above 1.25 x contracted hours x fte
MIN_DIARY_DAYS = 3  # TUD031: fewer diary days than this

ENTRY_COLUMNS: tuple[Column, ...] = (
    Column("worker_ref", "text", required=True, personal=True),
    Column("team_type", "code", required=True, codes=TEAM_TYPES),
    Column("fte", "number", required=True, minimum=0, above=True, maximum=1),
    Column("first_year", "flag"),
    Column("date", "date", required=True),
    Column("activity", "code", required=True, codes=ACTIVITIES),
    Column("case_type", "code", required=True, codes=CASE_TYPES),
    Column("hours", "number", required=True, minimum=0, above=True, maximum=24),
    *(Column(name, "whole", minimum=0, maximum=500) for name in CASES_COLUMNS),
)
CONTRACTED_HOURS = Column("contracted_hours_per_fte", "number", minimum=1, maximum=60)

ABOUT = SheetLayout("About", "diary_returns", None, (), ABOUT_COLUMNS)
ENTRIES = SheetLayout("Entries", "diary_entries", None, (), tuple(column.name for column in ENTRY_COLUMNS))
ENTRIES_SCHEMA = sheet_schema(ENTRIES, ENTRY_COLUMNS, required_code="TUD010", type_code="TUD011")

MAX_ENTRIES = 200_000  # 4 weeks x 5 days x ~10 entries for ~1,000 workers

BOOK = BookLayout((ABOUT, ENTRIES), ("Guidance", "Lists"), unknown_sheet="TUD050", unknown_column="TUD050",
                  formula="TUD051", missing_column="TUD052", max_rows=MAX_ENTRIES + 1)
LAYOUT = TabularLayout(
    kind="diary", about=ABOUT, table=ENTRIES, book=BOOK, marker_columns=("worker_ref", "activity"),
    words=CsvWords(larger_than="any real time-use diary", utf8_note="a diary CSV is UTF-8",
                   resave="save it as 'CSV UTF-8' and resend it", zip_advice="send the .xlsx as it is, named .xlsx"),
)
