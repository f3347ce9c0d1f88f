# Claimbook: `make demo` runs the demo, `make test` runs the whole suite.
# Needs only Python 3.11 and make; PostgreSQL is used when it answers at PG_URL.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
# The test runner creates (and drops) its own database, test_claimbook, on this server.
PG_URL ?= postgres://postgres@127.0.0.1:5432/claimbook
HOST ?= 127.0.0.1
PORT ?= 8000
# Test workers per pass (pytest-xdist), each with its own test database; a file's tests run together on
# one worker (--dist loadfile), so a module's data fixture is never flushed by another file's test.
TEST_WORKERS ?= 2

.PHONY: install browser-deps demo test test-fast test-sqlite test-postgres lint format serve screenshots bench soak clean

$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Claimbook needs Python 3.11; $(PYTHON) is " + sys.version.split()[0] + ". Run: make PYTHON=/path/to/python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	@touch $@

install: $(VENV)/.installed

# SQLite, the demo fixture, a demo editor account; then serve, with the webhook worker
# (manage.py run_huey, its queue in huey.sqlite3) in the background, until Ctrl-C stops both.
# DEBUG=1: local use (runserver serves the static files, the committed local-only key is used).
demo: install
	DEBUG=1 DATABASE_URL= $(PY) manage.py migrate --noinput
	DEBUG=1 DATABASE_URL= $(PY) manage.py loaddata demo
	DEBUG=1 DATABASE_URL= $(PY) manage.py setup_demo --url http://$(HOST):$(PORT)/admin/
	@echo "Serving Claimbook at http://$(HOST):$(PORT)/ with the webhook worker (Ctrl-C stops both)"
	DEBUG=1 DATABASE_URL= REDIS_URL= sh -c '$(PY) manage.py run_huey & worker=$$!; \
		trap "kill $$worker 2>/dev/null; wait $$worker 2>/dev/null" EXIT INT TERM; \
		$(PY) manage.py runserver $(HOST):$(PORT)'

# The browser tests drive Debian's Chromium; installed here when missing (root or sudo).
browser-deps:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then :; \
	elif command -v apt-get >/dev/null && { [ "$$(id -u)" = 0 ] || sudo -n true 2>/dev/null; }; then \
		echo "==> Installing Debian's chromium and chromium-driver for the browser tests"; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	elif [ "$$CI" = "true" ]; then \
		echo "ERROR: /usr/bin/chromium is missing and cannot be installed (needs apt-get as root)." >&2; exit 1; \
	else \
		echo "!! WARNING: /usr/bin/chromium is missing (apt-get install chromium chromium-driver);"; \
		echo "!! the browser tests will be skipped."; \
	fi

# ruff; a model change without its migration (checked on an in-memory SQLite, leaving db.sqlite3
# alone); mypy on claims/, configured in pyproject.toml.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=1 DATABASE_URL= SQLITE_PATH=:memory: $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The tests that need no database, server, browser or other process, picked by tests/conftest.py
# from what each test uses (a new pure test is in without being listed): for the edit-run loop.
test-fast: install
	DATABASE_URL= $(VENV)/bin/pytest -m fast -q -p no:cacheprovider

test-sqlite: install browser-deps
	@echo "==> Test pass 1 of 2: SQLite"
	DATABASE_URL= $(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadfile

# In CI (CI=true) an unreachable PostgreSQL fails the run; elsewhere it is said loudly and skipped.
test-postgres: install browser-deps
	@if $(PY) tests/pg_ready.py "$(PG_URL)"; then \
		echo "==> Test pass 2 of 2: PostgreSQL at $(PG_URL)"; \
		DATABASE_URL="$(PG_URL)" $(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadfile; \
	elif [ "$$CI" = "true" ]; then \
		echo "ERROR: PostgreSQL is not reachable at $(PG_URL) and CI=true: the PostgreSQL pass is required." >&2; exit 1; \
	else \
		echo ""; \
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
		echo "!! WARNING: PostgreSQL is not reachable at $(PG_URL)."; \
		echo "!! Only the SQLite pass ran. Production runs on PostgreSQL: start it, or set"; \
		echo "!! PG_URL=postgres://user:password@host:5432/claimbook, and run make test again."; \
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	fi

# Lint, then the whole suite on SQLite and on PostgreSQL.
test: lint test-sqlite test-postgres

# Screenshots of the list, a claim page and the annotated article, for the README.
screenshots: install browser-deps
	CLAIMBOOK_SCREENSHOTS=docs/screenshots DATABASE_URL= $(VENV)/bin/pytest tests/test_browser.py -q

# 100,000 claims on PostgreSQL under gunicorn vs Datasette, driven by wrk: docs/performance.md.
bench: install
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-bench.txt -c constraints.txt
	@command -v wrk >/dev/null || { SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(PY) bench/run.py

# A 5-minute soak at concurrency 16 plus a minute of database faults: docs/reliability.md.
soak: install
	$(PY) bench/soak.py

serve: install
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache staticfiles
