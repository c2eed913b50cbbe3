# WQIP Portal: `make run` starts the portal with demo data, `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
# pgserver ships wheels for CPython 3.11 and 3.12 only.
PYTHON ?= $(shell for p in python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info[:2] not in ((3, 11), (3, 12)))' >/dev/null 2>&1 && { echo $$p; break; }; done)

.PHONY: run test test-fast bench screenshots totp lint format migrations-check browser python-check clean-db \
	backup restore load

run: $(VENV)/.installed
	$(BIN)/python manage.py start_portal

# line coverage of portal, payments, disputes and programs ([tool.coverage] in pyproject.toml):
# the files not fully covered, worst first, and the total, printed after the tests
test: $(VENV)/.installed browser
	$(BIN)/python -m pytest --cov --cov-report=term:skip-covered

test-fast: $(VENV)/.installed
	$(BIN)/python -m pytest -m "not e2e and not integration"

bench: $(VENV)/.installed
	$(BIN)/python -m tests.bench --runs 2
	$(BIN)/python -m tests.bench.ecm

# The database (pg_dump) and the uploads folder into var/backups/<UTC time>/ (docs/operations.md);
# `make restore BACKUP=var/backups/<time>` puts one back (stop web, worker and beat first).
backup: $(VENV)/.installed
	$(BIN)/python manage.py backup

restore: $(VENV)/.installed
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/<time>"; exit 2; }
	$(BIN)/python manage.py restore "$(BACKUP)" --yes

# Load test (docs/benchmarks.md): gunicorn with 4 workers + a Celery worker + beat on the
# machine's PostgreSQL and Redis, 50 signed-in users for 2 minutes, loopback only. Not in
# `make test`. LOAD_ARGS="--users 10 --seconds 20" for a short run.
load: $(VENV)/.installed
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/wqip} \
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-redis://127.0.0.1:6379/12} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/13} \
	$(BIN)/python -m tests.load $(LOAD_ARGS)

totp: $(VENV)/.installed
	@$(BIN)/python manage.py demo_totp

screenshots: $(VENV)/.installed browser
	$(BIN)/python -m pytest tests/e2e --screenshots

# The static checks; `make test` (so CI) runs them before any test. test-fast does not.
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run
test: lint

format: $(VENV)/.installed
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

migrations-check: $(VENV)/.installed
	$(BIN)/python manage.py makemigrations --check --dry-run

python-check:
	@if [ -z "$(PYTHON)" ]; then \
		echo "WQIP Portal needs CPython 3.11 or 3.12 (the embedded PostgreSQL wheel, pgserver, has no build for other versions)."; \
		echo "Install one (e.g. 'apt-get install python3.11-venv' or 'pyenv install 3.12') and run again, or set PYTHON=/path/to/python3.12."; \
		exit 1; fi

$(VENV)/.installed: pyproject.toml constraints.txt | python-check
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $@

# Browser tests drive Debian's chromium; Playwright never downloads a browser of its own.
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
		echo "Installing Debian's chromium for the browser tests..."; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	fi

clean-db:
	rm -rf var/pgdata var/broker var/redis
