"""Validating many CSWW returns in one call (what ingestion does) gives each file exactly what it gets alone:
the same issues (code, line, item, value, message, worker, record), the same quarantined rows, the same
frames to load."""

from __future__ import annotations

import pandas as pd

from tests.csww_builders import SECRET, csww, la_level, worker
from validation.csww import CswwFile, validate_csww, validate_csww_batch

KNOWN = {"840", "841"}
FILES = {
    "clean.xml": csww(),
    "row_errors.xml": csww([worker(SWENo="SW300001"), worker(SWENo="SW300002", FTE="1.5"),
                            worker(SWENo="SW300003", RoleStartDate="2025-10-01", Cases30=41),
                            worker(SWENo="SW300001", FTE=0.5, FTE30=0.5)]),  # duplicate of the first: CSWW050
    "other_year.xml": csww([worker(SWENo="SW300001", RoleStartDate="2024-09-30")], lea="841", year=2024,
                           la=la_level(NoAgencyFTE=5, NoAgencyHeadcount=1)),  # CSWW060; same SWENo, other file
    "rejected.xml": b"<Message><Header>not closed",
    "bad_la_level.xml": csww(la=la_level(NumberOfVacancies="lots")),
    "wrong_la.xml": csww(lea="999"),
    "no_workers.xml": csww([]),
    "missing_items.xml": csww([worker(SWENo=None), worker(SWENo="SW300009", FTE=None, OrgRole=None)]),
}


def test_batch_gives_each_file_what_it_gets_alone():
    batch = validate_csww_batch([CswwFile(data, name) for name, data in FILES.items()], known_la_codes=KNOWN,
                                secret=SECRET)
    codes = set()
    for (name, data), together in zip(FILES.items(), batch, strict=True):
        alone = validate_csww(data, file_name=name, known_la_codes=KNOWN, secret=SECRET)
        assert together.issues == alone.issues, name
        assert together.quarantined == alone.quarantined, name
        assert (together.status, together.rows_received, together.rows_rejected) == \
            (alone.status, alone.rows_received, alone.rows_rejected), name
        assert together.frames.keys() == alone.frames.keys(), name
        for table in alone.frames:
            pd.testing.assert_frame_equal(together.frames[table], alone.frames[table], obj=f"{name} {table}")
        codes |= {issue.rule_code for issue in together.issues}
    # the files really exercise the file, row and cross-field rules
    assert {"CSWW001", "CSWW002", "CSWW010", "CSWW011", "CSWW021", "CSWW031", "CSWW050", "CSWW060"} <= codes


def test_duplicate_registration_numbers_are_per_file():
    batch = validate_csww_batch([CswwFile(FILES["clean.xml"], "a.xml"), CswwFile(FILES["clean.xml"], "b.xml")],
                                known_la_codes=KNOWN, secret=SECRET)
    assert all("CSWW050" not in {i.rule_code for i in result.issues} for result in batch)
    assert [len(r.workers) for r in batch] == [2, 2]
    assert list(batch[1].workers["record_number"]) == [1, 2]


def test_workbook_batch_gives_each_file_what_it_gets_alone():
    from tests.workbook_builders import about, non_sw_row, summary_row, team_row, workbook, zip_not_xlsx
    from validation.workbook import WorkbookFile, validate_workbook, validate_workbook_batch

    books = {
        "clean.xlsx": workbook(),
        "rows.xlsx": workbook(summary=[summary_row(inpost_fte=500, inpost_headcount=400)],
                              teams=[team_row("front_door"), team_row("front_door", children_cp=-1),
                                     team_row("nonsense")],
                              non_sw=[non_sw_row(fte="lots"), non_sw_row("business_support")]),
        "other_la.xlsx": workbook(about_row=about(old_la_code="841"), teams=[], non_sw=[]),
        "not_a_workbook.xlsx": zip_not_xlsx(),
        "unknown_la.xlsx": workbook(about_row=about(old_la_code="999")),
        "two_summaries.xlsx": workbook(summary=[summary_row(), summary_row(cases=1)]),
    }
    batch = validate_workbook_batch([WorkbookFile(data, name) for name, data in books.items()],
                                    known_la_codes={"840", "841"})
    codes = set()
    for (name, data), together in zip(books.items(), batch, strict=True):
        alone = validate_workbook(data, file_name=name, known_la_codes={"840", "841"})
        assert together.issues == alone.issues, name
        assert together.quarantined == alone.quarantined, name
        assert (together.status, together.rows_received, together.rows_rejected) == \
            (alone.status, alone.rows_received, alone.rows_rejected), name
        assert together.frames.keys() == alone.frames.keys(), name
        for table in alone.frames:
            pd.testing.assert_frame_equal(together.frames[table], alone.frames[table], obj=f"{name} {table}")
        codes |= {issue.rule_code for issue in together.issues}
    assert {"RWR001", "RWR002", "RWR010", "RWR011", "RWR012", "RWR013", "RWR014"} <= codes
    assert list(batch[1].teams["line"]) == [] or batch[1].teams["line"].min() >= 2


def test_the_garbage_collector_is_paused_only_while_a_batch_is_validated():
    # paused during the batch (every collection would walk the parsed records again), then back as it was:
    # on if it was on, still off if the caller had turned it off
    import gc
    import traceback

    during = []  # collections that started inside the batch's work

    def note(phase: str, info: dict) -> None:
        if phase == "start" and any(frame.name == "_validate_batch" for frame in traceback.extract_stack()):
            during.append(info["generation"])

    gc.callbacks.append(note)
    try:
        assert gc.isenabled()
        validate_csww_batch([CswwFile(data, name) for name, data in FILES.items()], known_la_codes=KNOWN,
                            secret=SECRET)
        assert during == []  # thousands of objects were made, and no collection ran among them
        assert gc.isenabled()
        gc.disable()
        validate_csww_batch([CswwFile(FILES["clean.xml"], "clean.xml")], known_la_codes=KNOWN, secret=SECRET)
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.callbacks.remove(note)
