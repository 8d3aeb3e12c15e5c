# Two commands on a fresh machine: `make demo` (later: the platform) and `make test`.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
VENV := .venv
STAMP := $(VENV)/.installed
# Both cores by default (pytest-xdist); PYTEST_ARGS= runs in one process.
PYTEST_ARGS ?= -n 2

.PHONY: install test lint format bench bench-web bench-load bench-campaign clean demo browser messages

$(STAMP): pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen --python python3.11
	@touch $(STAMP)

## install: create .venv with everything (the `dti` command is .venv/bin/dti)
install: $(STAMP)

## browser: Debian's Chromium for the browser tests (installed with apt when missing; never downloaded by playwright)
browser:
	@command -v chromium >/dev/null 2>&1 || { echo "Cài Chromium (apt) cho kiểm thử trình duyệt…"; \
	  (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null; }

## test: install if needed and run the whole suite (DATABASE_URL picks the database; SQLite by default)
test: $(STAMP) browser
	$(VENV)/bin/python manage.py makemigrations --check --dry-run >/dev/null || { echo "Thiếu migration: chạy 'dti manage makemigrations'"; exit 1; }
	$(VENV)/bin/pytest $(PYTEST_ARGS)

## lint: ruff check + format check, strict mypy on all of src/dti, the layers contract (docs/architecture.md)
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

## format: apply ruff's fixes and formatting
format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## bench: run the performance scripts (not tests)
bench: $(STAMP)
	$(VENV)/bin/python benchmarks/engine.py

## bench-web: 50 simulated users on `dti serve` + PostgreSQL (DATABASE_URL, default dti_bench on 127.0.0.1); BENCH_WEB_ARGS="--nice -10" on a shared machine
bench-web: $(STAMP)
	$(VENV)/bin/python benchmarks/web.py $(BENCH_WEB_ARGS)

## bench-load: 200 simulated users doing the whole mix on `dti serve` + a PostgreSQL of its own, then PostgreSQL restarted (docs/load.md); BENCH_LOAD_ARGS="--users 50 --seconds 20"
bench-load: $(STAMP)
	$(VENV)/bin/python benchmarks/load.py $(BENCH_LOAD_ARGS)

## bench-campaign: the pages, approval and publication of a campaign of 3,300 units on PostgreSQL (DATABASE_URL, default dti_bench on 127.0.0.1; docs/scale.md); BENCH_CAMPAIGN_ARGS="--units 100"
bench-campaign: $(STAMP)
	$(VENV)/bin/python benchmarks/campaign.py $(BENCH_CAMPAIGN_ARGS)

## messages: refresh the English catalogue from the sources (needs GNU gettext), then compile it (docs/i18n.md)
messages: $(STAMP)
	$(VENV)/bin/python manage.py makemessages -l en --ignore=.venv --ignore=var --ignore=tests --ignore=benchmarks -e html,py,txt
	$(VENV)/bin/python manage.py compilemessages --ignore=.venv --ignore=var

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

PORT ?= 8000

## demo: install, prepare var/dti.sqlite3 with the sample data, print the accounts, serve on PORT (with a background-jobs worker: docs/jobs.md)
demo: $(STAMP)
	$(VENV)/bin/dti demo
	$(VENV)/bin/dti serve --port $(PORT)
