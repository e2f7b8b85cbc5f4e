"""The quarterly agency return (R4): its layout (About and Assignments), code lists and column rules.

Defined once; the reader, the validator (``validation.agency``) and the template (``validation.agency_template``)
all use it. Column rules (``validation.schemas.columns``): a required item missing is AGY010, a value of the
wrong type or outside its code list or range is AGY011. Cross-field rules are in ``validation.agency``.
"""

from __future__ import annotations

from validation.readers.tabular import TabularLayout
from validation.readers.text import CsvWords
from validation.readers.workbook import BookLayout
from validation.schemas.columns import Column, sheet_schema
from validation.schemas.workbook import TEAM_TYPES, SheetLayout

#: The five job types of the agency price caps (DfE agency rules, 2024).
ROLE_TYPES = ("social_worker", "senior_social_worker", "advanced_practitioner", "team_manager", "iro_cp_chair")

ABOUT_COLUMNS = ("old_la_code", "la_name", "quarter_end", "monthly_agency_spend_1", "monthly_agency_spend_2",
                 "monthly_agency_spend_3")
SPEND_COLUMNS = ABOUT_COLUMNS[3:]

ASSIGNMENT_COLUMNS: tuple[Column, ...] = (
    Column("assignment_id", "text", required=True),
    Column("swe_number", "sweno", required=True, personal=True),
    Column("role_type", "code", required=True, codes=ROLE_TYPES),
    Column("team_type", "code", codes=TEAM_TYPES),
    Column("start_date", "date", required=True),
    Column("end_date", "date"),
    Column("hourly_pay_rate", "number", required=True, minimum=0, above=True, maximum=500),
    Column("hourly_on_costs", "number", required=True, minimum=0, maximum=500),
    Column("hourly_charge_rate", "number", required=True, minimum=0, above=True, maximum=1000),
    Column("project_team", "flag", required=True),
    Column("covering_vacancy", "flag", required=True),
    Column("pqe_years", "number", minimum=0, maximum=60),
    Column("references_received", "whole", minimum=0, maximum=50),
    Column("notice_weeks", "whole", minimum=0, maximum=104),
    Column("cap_exception_approved_by", "text"),
)
SPEND = Column("monthly_agency_spend", "number", minimum=0)

ABOUT = SheetLayout("About", "agency_returns", None, (), ABOUT_COLUMNS)
ASSIGNMENTS = SheetLayout("Assignments", "agency_assignments", None, (),
                          tuple(column.name for column in ASSIGNMENT_COLUMNS))
ASSIGNMENTS_SCHEMA = sheet_schema(ASSIGNMENTS, ASSIGNMENT_COLUMNS, required_code="AGY010", type_code="AGY011")

MAX_ASSIGNMENTS = 20_000  # the largest LA has a few hundred agency workers

BOOK = BookLayout((ABOUT, ASSIGNMENTS), ("Guidance", "Lists"), unknown_sheet="AGY050", unknown_column="AGY050",
                  formula="AGY051", missing_column="AGY052", max_rows=MAX_ASSIGNMENTS + 1)
LAYOUT = TabularLayout(
    kind="agency", about=ABOUT, table=ASSIGNMENTS, book=BOOK, marker_columns=("assignment_id", "swe_number"),
    words=CsvWords(larger_than="any real agency return", utf8_note="an agency return CSV is UTF-8",
                   resave="save it as 'CSV UTF-8' and resend it", zip_advice="send the .xlsx as it is, named .xlsx"),
)
