# Thi đua portal — common tasks. `make` alone lists them.
SHELL := /bin/bash
# The interpreter that creates .venv (3.11 or 3.12). Empty: scripts/find_python.sh tries
# python3.12, python3.11, python3 and says in one line what to install when none fits.
PY ?=
VENV ?= .venv
BIN := $(VENV)/bin
# Scripts run with the project's own interpreter, wherever the clone and its VENV are.
export PYTHON := $(abspath $(BIN))/python
PORT ?= 8000
HOST ?= 127.0.0.1
# Two installs: what the portal needs to run (demo, run, migrate, worker, operating targets),
# and the test and lint tools on top of it (test, lint, fmt, bench). .ci/run touches both.
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
# Test processes in parallel (pytest-xdist): one per CPU; PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= auto
# The lint steps are independent: `make lint` runs them side by side (the type check takes most
# of the time, pip-audit mostly waits on the network); each step's output is printed whole.
LINT_STEPS := lint-ruff lint-types lint-django lint-bandit lint-deps

.DEFAULT_GOAL := help
.PHONY: help install install-dev demo run worker beat test test-fast lint $(LINT_STEPS) fmt bench migrate messages collectstatic clean backup restore restore-drill verify-audit drills drill-worker-restart bench-load bench-cores bench-import

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || { py=$$(scripts/find_python.sh $(PY)) && $$py -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(DEV_STAMP)

install: $(STAMP) ## Create .venv and install what the portal needs to run
install-dev: $(DEV_STAMP) ## Add the test and lint tools (pytest, Playwright, ruff, …) to .venv

# The benchmarks' extra tools (locust), installed on first `make bench`.
BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(DEV_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_STAMP)

.env: | $(STAMP)
	@printf 'DEBUG=1\nSECRET_KEY=%s\nAUDIT_CHAIN_KEY=%s\n' "$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" "$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(48))')" > .env
	@echo "Đã tạo .env (DEBUG=1, SECRET_KEY và AUDIT_CHAIN_KEY ngẫu nhiên) cho bản chạy thử."

migrate: $(STAMP) .env ## Apply database migrations
	$(BIN)/python manage.py migrate --noinput

demo: $(STAMP) .env ## Install, migrate, load the plan + sample data + demo users, serve on HOST:PORT
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo ""
	@echo "Mở http://$(HOST):$(PORT)/ và đăng nhập bằng một tài khoản ở trên. Dừng bằng Ctrl+C."
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

run: $(STAMP) .env ## Serve on HOST:PORT (no data loading)
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

worker: $(STAMP) ## Celery worker for all queues (needs REDIS_URL)
	$(BIN)/celery -A portal worker -Q celery,reports --concurrency 2 --loglevel INFO

beat: $(STAMP) ## Celery beat (reminders; needs REDIS_URL)
	$(BIN)/celery -A portal beat --loglevel INFO

test: $(DEV_STAMP) ## Run the whole test suite (DATABASE_URL selects PostgreSQL, else SQLite)
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test-fast: $(DEV_STAMP) ## Run the suite without the browser tests
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) -m "not browser" $(PYTEST_ARGS)

lint: $(DEV_STAMP) ## ruff, import layers, types (mypy), migrations check, deploy check, bandit, pip-audit
	@$(MAKE) --no-print-directory -j$(words $(LINT_STEPS)) --output-sync=target $(LINT_STEPS)

lint-ruff: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

lint-types: $(DEV_STAMP)
	DEBUG=1 $(BIN)/mypy

lint-django: $(DEV_STAMP)
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	DEBUG=0 SECRET_KEY=lint-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') ALLOWED_HOSTS=thidua.example.vn \
	  AUDIT_CHAIN_KEY=lint-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(48))') \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

lint-bandit: $(DEV_STAMP)
	$(BIN)/bandit -q -r portal units campaigns awards reports -x '*/migrations/*' --severity-level high

lint-deps: $(DEV_STAMP)
	$(BIN)/python scripts/dep_audit.py

fmt: $(DEV_STAMP) ## Format and fix lint where safe
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(BENCH_STAMP) ## Benchmarks: page times (COMMUNES=3300, BENCH_SIZES="200 3300"), import memory, load + PDF (LOAD=0 skips; docs/performance.md)
	scripts/bench.sh
	$(BIN)/python scripts/bench_import.py
	@if [ "$(LOAD)" != "0" ]; then scripts/bench_load.sh; else echo "LOAD=0: bỏ qua đo tải và PDF."; fi

bench-load: $(BENCH_STAMP) ## Only the load run and the PDF budget (see docs/performance.md)
	scripts/bench_load.sh

bench-import: $(STAMP) ## Only the import memory bench (20,000 / 100,000 rows; docs/performance.md)
	$(BIN)/python scripts/bench_import.py

bench-cores: $(BENCH_STAMP) ## Are this machine's CPUs independent? (after bench-load; ~5 min; docs/performance.md)
	$(BIN)/python scripts/bench_cores.py

collectstatic: $(STAMP) ## Collect static files for production (whitenoise)
	$(BIN)/python manage.py collectstatic --noinput

clean: ## Remove the demo database and media (keeps .venv)
	rm -rf var/portal.sqlite3 var/media

BACKUP_DIR ?= var/backups
backup: ## pg_dump (custom format) + media tarball into BACKUP_DIR (needs DATABASE_URL=postgres://…)
	scripts/backup.sh "$(BACKUP_DIR)"

restore: ## Restore BACKUP=<dir of one backup> into TARGET_DATABASE_URL (and MEDIA_ROOT)
	scripts/restore.sh "$(BACKUP)" "$(TARGET_DATABASE_URL)"

restore-drill: $(STAMP) ## Back up, restore into a scratch database, prove every table identical, time it
	scripts/restore_drill.sh

drills: $(STAMP) ## Worker-kill, worker-restart, broker-down, two-worker drills (DATABASE_URL=postgres://…; ~4 min; uses <name>_drills)
	timeout 1800 $(BIN)/python scripts/worker_kill_drill.py all

drill-worker-restart: $(STAMP) ## kill -9 the worker mid-render, new worker, no beat: ready in seconds (DATABASE_URL=postgres://…)
	timeout 1200 $(BIN)/python scripts/worker_kill_drill.py worker-restart --prepare

verify-audit: $(STAMP) ## Recompute the audit log's hash chain, check the heads anchored in signed PDFs (PDF="a.pdf b.pdf" adds copies)
	$(BIN)/python manage.py verify_audit --signed-documents $(if $(PDF),--pdf $(PDF))
