"""The shape of one validation finding, shared by every reader, rule and report."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from validation.rules import rule

if TYPE_CHECKING:
    from validation.readers.workbook import Finding


@dataclass(frozen=True)
class Issue:
    rule_code: str
    line: int | None
    item: str | None
    value: str | None
    message: str
    worker_ref: str | None = None
    record_number: int | None = None
    sheet: str | None = None  # workbooks: the sheet as named in the file (None for XML and CSV files)
    cell: str | None = None  # workbooks and CSV files: the cell as a spreadsheet shows it ("C5")

    @property
    def severity(self) -> str:
        return rule(self.rule_code).severity

    @property
    def scope(self) -> str:
        return rule(self.rule_code).scope

    @property
    def rejects_file(self) -> bool:
        return self.severity == "error" and self.scope == "file"

    @property
    def rejects_row(self) -> bool:
        return self.severity == "error" and self.scope == "row"

    @property
    def action(self) -> str:
        return rule(self.rule_code).action

    def as_record(self, file: str) -> dict:
        record = asdict(self)
        record.update(severity=self.severity, scope=self.scope, file=file)
        return record


def finding_issue(finding: Finding) -> Issue:
    """The issue a workbook reader's finding (an unknown sheet or column, formula-like text, a missing column)
    becomes: item ``Sheet/column`` (``sheet`` for a sheet of its own), with the sheet and cell where known."""
    if finding.sheet is None:
        item = "sheet"
    else:
        item = f"{finding.sheet}/{finding.column}" if finding.column else None
    return Issue(finding.code, finding.line, item, finding.value, finding.message, sheet=finding.sheet,
                 cell=finding.cell)
