"""Where the project's own files are: the project root, the dbt project, the seeds and the published files."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
SEEDS_DIR = PROJECT_ROOT / "seeds"
REFERENCE_DIR = SEEDS_DIR / "reference"  # the reference seeds dbt loads (dbt_project.yml seed-paths)
PUBLISHED_DIR = SEEDS_DIR / "published"
PUBLISHED_INDICATORS = PUBLISHED_DIR / "csww_indicators_2017_to_2025.csv"
