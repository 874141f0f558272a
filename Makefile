# kbsite: `make run` serves the site, `make test` runs the whole suite on SQLite and PostgreSQL.
# Every install step lives here, so a fresh clone needs nothing but Python 3.11+.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/kbsite
PYTEST_ARGS ?=

.PHONY: run test test-sqlite test-postgres lint format install install-dev setup-db bench clean

# Re-install only when the requirements change.
$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(BIN)/.installed-dev: $(BIN)/.installed requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed
install-dev: $(BIN)/.installed-dev

# Migrate, load the shipped content into an empty database, make sure an admin exists.
setup-db: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_shipped_content
	$(BIN)/python manage.py ensure_admin

run: setup-db
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install-dev
	$(BIN)/ruff check .
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite: install-dev
	@echo "== pytest on SQLite =="
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

# PostgreSQL is the production database: CI must run on it. Locally, a missing
# server is reported loudly instead of silently skipping half the suite.
test-postgres: install-dev
	@if $(BIN)/python -m kbsite.dbcheck "$${DATABASE_URL:-$(PG_TEST_URL)}"; then \
		echo "== pytest on PostgreSQL =="; \
		DATABASE_URL="$${DATABASE_URL:-$(PG_TEST_URL)}" $(BIN)/pytest $(PYTEST_ARGS); \
	else \
		echo ""; \
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
		echo "!! PostgreSQL is NOT reachable: the PostgreSQL half of the suite did not run. !!"; \
		echo "!! Start it, or set DATABASE_URL=postgres://user@host:port/dbname.           !!"; \
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
		if [ "$$CI" = "true" ]; then exit 1; fi; \
	fi

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
