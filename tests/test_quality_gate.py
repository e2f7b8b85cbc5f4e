"""A failed Great Expectations check on the marts blocks publishing, with a clear message."""

from __future__ import annotations

import duckdb
from dagster import AssetSelection, materialize

from orchestration.cli.runner import ensure_dbt_manifest
from pipeline.settings import Settings


def _mart(path, rate: float) -> None:
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute(f"""create table marts.workforce_indicators as select
        2025 as time_period, 'Reporting year' as time_identifier, 'Local authority' as geographic_level,
        'E92000001' as country_code, 'England' as country_name, 'E12000001' as region_code,
        'North East' as region_name, '840' as old_la_code, 'E06000047' as new_la_code, 'County Durham' as la_name,
        'returns' as source, 100.0 as inpost_fte, {rate} as vacancy_rate_fte,
        null::varchar as vacancy_rate_fte_status""")
    con.close()


def _run():
    """The GX check on the mart and the publish step, in one run (as in `workforce build`, without dbt)."""
    ensure_dbt_manifest()
    from orchestration.assets.checks import gx_workforce_indicators
    from orchestration.definitions import defs

    selection = AssetSelection.assets(["serving", "serving_copy"]) | AssetSelection.checks(gx_workforce_indicators)
    from orchestration.resources import WorkforceConfig

    # the definitions read WORKFORCE_HOME once, at import: point the resource at this test's home
    resources = {**defs.resources, "workforce": WorkforceConfig.from_env()}
    return materialize(assets=list(defs.assets) + [gx_workforce_indicators], selection=selection,
                       resources=resources, raise_on_error=False)


def test_gx_failure_blocks_publish(workforce_home, capsys):
    settings = Settings.from_env().ensure()
    _mart(settings.warehouse, rate=120.0)  # a vacancy rate above 100%
    result = _run()
    checks = [e.event_specific_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    assert checks and not checks[0].passed
    assert not settings.serving.exists()  # nothing published
    assert "vacancy_rate_fte" in capsys.readouterr().out


def test_gx_pass_publishes(workforce_home):
    settings = Settings.from_env().ensure()
    _mart(settings.warehouse, rate=12.5)
    result = _run()
    assert result.success
    assert settings.serving.exists()
