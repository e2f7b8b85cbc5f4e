# The two commands a new user needs: `make demo` and `make test`. Everything else is a helper.
SHELL := /bin/bash
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo .venv-tools/bin/uv)
VENV := .venv
WORKFORCE := $(VENV)/bin/workforce
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test test-fast install prepare browser dagster dashboard screenshot docs lint clean

## demo: create the environment, generate the demonstration region, run the pipeline, say how to look at it
demo: install
	$(WORKFORCE) demo

## test: create the environment and run every test (real dbt, Dagster, Streamlit, a headless Chromium)
test: install browser
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest

## test-fast: ruff, and the tests with no dbt build, no browser, no pipeline run, no AppTest page, no Great
## Expectations run (markers in pyproject.toml): under a minute
test-fast: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -m "not (dbt or browser or pipeline or app or gx)"

## install: the locked environment in .venv (uv is installed with pip if it is missing) and dbt's manifest.
## Bytecode is compiled at install: every command starts Python (and dbt) afresh, and without .pyc files each
## start compiles Dagster, dbt and pandas from source again (seconds a command where PYTHONDONTWRITEBYTECODE is set)
install: $(VENV)/.installed prepare

$(VENV)/.installed: pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || [ -x .venv-tools/bin/uv ] || \
	  ($(PYTHON) -m venv .venv-tools && .venv-tools/bin/pip install --quiet uv)
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON)
	@touch $@

## prepare: dbt's copy of the measure catalogue (dbt_project/macros/measure_catalogue.sql, rewritten only when
## seeds/reference/measure_catalogue.csv changed it), then dbt's manifest (read by Dagster at load time)
prepare: $(VENV)/.installed
	$(VENV)/bin/python -m reference.catalogue --write-dbt
	$(VENV)/bin/dbt parse --quiet --project-dir dbt_project --profiles-dir dbt_project

## browser: Debian's Chromium for the browser test (Playwright's own browser download does not work here)
browser:
	@command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

## dagster: the Dagster UI on http://localhost:3000 for the same WORKFORCE_HOME
dagster: install
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH DAGSTER_HOME=$${DAGSTER_HOME:-$$(realpath -m "$${WORKFORCE_HOME:-data}")/dagster} \
	  $(VENV)/bin/dagster dev -m orchestration.definitions -p 3000

## dashboard: the Streamlit dashboard on http://localhost:8501
dashboard: install
	$(WORKFORCE) dashboard

## screenshot: sign in to the demo dashboard in headless Chromium and save the README's picture
screenshot: install browser
	$(VENV)/bin/python -m tests.browser_driver docs/images/dashboard.png

## docs: regenerate docs/data_dictionary.md from the dbt documentation
docs: install
	$(VENV)/bin/python -m pipeline.data_dictionary

## bench: the national benchmark (every LA, 2017-2025) through the real CLI: writes docs/benchmarks.md (not in `make test`)
bench: install
	$(VENV)/bin/python -m bench.run_bench

lint: install
	$(VENV)/bin/ruff check .

clean:
	rm -rf data data-bench dbt_project/target dbt_project/logs .pytest_cache
