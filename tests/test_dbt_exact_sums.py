"""FTE totals are exact (dbt macro exact_sum), whatever order the rows are added in.

Three workers in post with FTE 0.1, 0.2 and 0.3: added as doubles in that order they make 0.6000000000000001,
and in another order 0.6, which is why two builds on several threads could disagree in the last digits (and
round a published figure differently). Summed as decimals the total is 0.6 in every build, for the LA, the
region and England.
"""

from __future__ import annotations

import datetime as dt

import pytest
from dbt_fixtures import BuiltWarehouse, build_warehouse, submission, worker

pytestmark = pytest.mark.dbt

Y = 2025
GATESHEAD = "390"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> BuiltWarehouse:
    rows = {
        "submissions": [submission("s390", GATESHEAD, Y, dt.datetime(2025, 10, 20, 9, 0))],
        "csww_workers": [worker("s390", GATESHEAD, Y, number, fte=fte)
                         for number, fte in enumerate((0.1, 0.2, 0.3), start=1)],
    }
    return build_warehouse(tmp_path_factory.mktemp("dbt_exact_sums"), rows)


def test_the_doubles_alone_would_not_add_up_exactly() -> None:
    assert 0.1 + 0.2 + 0.3 != 0.6  # the premise: the order of a double sum shows in its last digit


def test_fte_totals_are_exact(built: BuiltWarehouse) -> None:
    assert built.failed_tests() == []
    components = built.query("select inpost_fte, effective_capacity_fte from intermediate.int_csww__la_components")
    assert components.to_dict("records") == [{"inpost_fte": 0.6, "effective_capacity_fte": 0.6}]
    indicators = built.query(
        "select geographic_level, inpost_fte from marts.workforce_indicators where source = 'returns' "
        "and time_period = ? order by geographic_level", [Y])
    assert dict(zip(indicators["geographic_level"], indicators["inpost_fte"], strict=True)) == {
        "Local authority": 0.6, "National": 0.6, "Regional": 0.6}
