"""The shape of one validation finding, shared by every reader, rule and report."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from validation.rules import rule


@dataclass(frozen=True)
class Issue:
    rule_code: str
    line: int | None
    item: str | None
    value: str | None
    message: str
    worker_ref: str | None = None
    record_number: int | None = None

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
