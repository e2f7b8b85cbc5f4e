"""The jobs the command line and the sensor run (each a selection of the asset graph)."""

from dagster import AssetSelection, define_asset_job

from pipeline.warehouse import RAW_TABLES

# The dbt tests on the raw sources are checks on the ingest assets, but dbt runs them: they belong to the
# build, not to ingestion (which would otherwise start dbt after every return).
PUBLISHED = AssetSelection.assets(["raw", "published_indicators"]).without_checks()
RETURNS = (AssetSelection.groups("ingest") - AssetSelection.assets(["raw", "published_indicators"])).without_checks()
# dbt seeds, models and tests (with the tests on the raw sources), then publish
RAW_ASSETS = [["raw", table] for table in RAW_TABLES]
BUILD = (AssetSelection.all() - AssetSelection.groups("ingest", "validate")) | AssetSelection.checks_for_assets(
    *RAW_ASSETS)

ingest_return_job = define_asset_job(
    "ingest_return", selection=RETURNS,
    description="Load one LA's return for one census year into the raw layer (no build).")
ingest_published_job = define_asset_job(
    "ingest_published", selection=PUBLISHED, description="Load published EES statistics files (no build).")
ingest_batch_job = define_asset_job(
    "ingest_batch", selection=RETURNS | PUBLISHED,
    description="Load many returns and published files in one run (no partition key: the command line's batch).")
build_job = define_asset_job(
    "build", selection=BUILD, description="dbt build (models and tests), then publish the serving copy.")
export_ees_job = define_asset_job(
    "export_ees", selection=AssetSelection.assets(["exports", "ees_indicators"]),
    description="Write the EES data file and its .meta.csv from the serving copy.")
validate_job = define_asset_job(
    "validate", selection=AssetSelection.groups("validate"),
    description="Validate files and write their reports without loading anything.")
return_and_build_job = define_asset_job(
    "return_and_build", selection=RETURNS | BUILD,
    description="A new return from the inbox: load it, rebuild the warehouse, publish (the sensor's job).")
published_and_build_job = define_asset_job(
    "published_and_build", selection=PUBLISHED | BUILD,
    description="A new published statistics file from the inbox: load it, rebuild, publish.")

JOBS = [ingest_return_job, ingest_published_job, ingest_batch_job, build_job, export_ees_job, validate_job,
        return_and_build_job, published_and_build_job]
