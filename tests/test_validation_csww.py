"""Every CSWW rule code: a minimal return that triggers it and one that does not."""

from __future__ import annotations

import pytest

from tests.csww_builders import SECRET, csww, la_level, worker
from validation.csww import validate_csww
from validation.rules import RULES


def run(data: bytes, expected_la: str | None = None):
    return validate_csww(data, file_name="return.xml", known_la_codes={"840", "841"}, secret=SECRET,
                         expected_la=expected_la)


def codes(result) -> set[str]:
    return {issue.rule_code for issue in result.issues}


CLEAN = csww()

# (rule code, a return that breaks only that rule)
TRIGGERS = {
    "CSWW001": b"<Message><Header>not closed",
    "CSWW002": csww(lea="999"),
    "CSWW003": csww(reference_date="2025-03-31"),
    "CSWW010": csww([worker(FTE=None)]),
    "CSWW011": csww([worker(Ethnicity="XXXX")]),
    "CSWW020": csww([worker(RoleStartDate="2025-05-01", RoleEndDate="2025-04-01", ReasonLeave=1,
                            LeaverDestination=2, Cases30=0, StartOrigin=2)]),
    "CSWW021": csww([worker(RoleStartDate="2025-10-01")]),
    "CSWW022": csww([worker(RoleEndDate="2025-06-30", Cases30=0, LeaverDestination=2)]),
    "CSWW023": csww([worker(ReasonLeave=1)]),
    "CSWW024": csww([worker(RoleStartDate="2025-01-06")]),
    "CSWW030": csww([worker(RoleEndDate="2025-06-30", ReasonLeave=1, LeaverDestination=2, Cases30=4)]),
    "CSWW031": csww([worker(Cases30=41)]),
    "CSWW032": csww([worker(OrgRole=6, Cases30=3)]),
    "CSWW040": csww([worker(WorkingDaysLost=261)]),
    "CSWW050": csww([worker(), worker(FTE=0.5, FTE30=0.5)]),
    "CSWW060": csww([worker()], la=la_level(NoAgencyFTE=2.0)),
    "CSWW070": csww([worker(NewItem2026="x")]),
}


def test_clean_return_has_no_issues():
    result = run(CLEAN)
    assert result.issues == []
    assert result.status == "accepted"
    assert result.rows_accepted == 2


def test_every_rule_has_a_trigger():
    assert set(TRIGGERS) == {code for code in RULES if code.startswith("CSWW")}


@pytest.mark.parametrize("code", sorted(TRIGGERS))
def test_rule_is_triggered(code):
    result = run(TRIGGERS[code])
    assert code in codes(result), [str(i) for i in result.issues]
    found = next(i for i in result.issues if i.rule_code == code)
    assert found.message and found.action
    rule = RULES[code]
    if rule.severity == "error" and rule.scope == "file":
        assert result.status == "rejected" and result.rows_accepted == 0
    elif rule.severity == "error":
        assert result.rows_rejected >= 1 and found.line is not None
        assert len(result.quarantined) == result.rows_rejected
    else:
        assert result.rows_rejected == 0


@pytest.mark.parametrize("code", sorted(TRIGGERS))
def test_rule_is_not_triggered_by_clean_return(code):
    assert code not in codes(run(CLEAN))


def test_wrong_la_for_submission_is_csww002():
    result = run(csww(lea="840"), expected_la="841")
    assert codes(result) == {"CSWW002"} and result.status == "rejected"


def test_row_error_rejects_only_that_row():
    result = run(csww([worker(), worker(SWENo="SW300003", FTE="1.7"), worker(SWENo="SW400004")]))
    assert result.status == "rows_rejected"
    assert (result.rows_received, result.rows_accepted, result.rows_rejected) == (3, 2, 1)
    issue = next(i for i in result.issues if i.rule_code == "CSWW011")
    assert (issue.item, issue.value, issue.record_number) == ("FTE", "1.7", 2)
    # the rejected row is in quarantine as sent, with its reason
    assert result.quarantined[0]["items"]["SWENo"] == "SW300003"
    assert result.quarantined[0]["reasons"] == ["CSWW011 FTE"]


def test_worker_items_in_any_order_are_read():
    shuffled = dict(reversed(list(worker().items())))
    result = run(csww([shuffled], la=la_level(NoAgencyFTE=0), keep_item_order=True))
    assert result.issues == [] and result.rows_accepted == 1
    assert result.workers.loc[0, "cases30"] == 15


def test_pseudonymised_output_holds_no_raw_sweno_or_birth_date():
    result = run(csww([worker(SWENo="SW987654", PersonBirthDate="1979-02-28")]))
    row = result.workers.iloc[0]
    assert row["birth_month"] == "1979-02"
    assert len(row["worker_ref"]) == 64 and "987654" not in row["worker_ref"]
    text = result.workers.astype(str).to_csv()
    assert "SW987654" not in text and "1979-02-28" not in text


def test_issue_about_birth_date_withholds_the_day():
    result = run(csww([worker(PersonBirthDate="1979-02-30")]))
    issue = next(i for i in result.issues if i.item == "PersonBirthDate")
    assert issue.rule_code == "CSWW011" and "30" not in (issue.value or "")


def test_doctype_and_entities_are_refused():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE Message [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><Message>&b;</Message>')
    result = run(bomb)
    assert codes(result) == {"CSWW001"} and "entities" in result.issues[0].message
