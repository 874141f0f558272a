# kbsite: `make run` serves the site, `make test` runs the whole suite on SQLite and PostgreSQL.
# Every install step lives here, so a fresh clone needs nothing but Python 3.11+.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/kbsite
PYTEST_ARGS ?=

.PHONY: messages browser run serve worker beat bench-load test test-sqlite test-postgres lint format install install-dev setup-db bench clean

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

# Interface translations. The compiled .mo files are committed, so a machine without
# gettext still runs translated; where msgfmt exists they are rebuilt from the .po files.
messages: install
	@if command -v msgfmt >/dev/null 2>&1; then \
		$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=staticfiles --ignore=node_modules --verbosity 0; \
	else \
		echo "msgfmt not found (apt-get install gettext): using the committed .mo files."; \
	fi

# The real-browser tests drive Debian's Chromium (Playwright's own browser download
# cannot work without internet). Installed when missing and we are root; otherwise
# tests/browser skips with the reason, and fails under CI=true.
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "== installing Chromium for the browser tests (apt-get) =="; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "!! /usr/bin/chromium is missing and this is not root: browser tests will be skipped."; \
	fi

# Migrate, load the shipped content into an empty database, make sure an admin exists.
setup-db: install messages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_shipped_content
	$(BIN)/python manage.py ensure_admin

# A Celery worker (with the schedules, --beat) runs beside runserver on the folder
# broker in .queue/, so probe runs and monitors work with nothing else to start;
# it stops with runserver. Set CELERY_BROKER_URL=redis://… to use Redis instead.
run: setup-db
	@$(BIN)/celery -A kbsite worker --beat --pool threads --concurrency 4 --loglevel info \
		--hostname run@%h & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production mode: DEBUG off, every setting from the environment, gunicorn with
# gunicorn.conf.py (HOST/PORT, WEB_CONCURRENCY, LOG_FORMAT=json …). SECRET_KEY is
# required. Local try-out over plain HTTP:
#   SECRET_KEY=$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))') SECURE_COOKIES=0 make serve
serve: export DEBUG = 0
serve: export ALLOWED_HOSTS ?= 127.0.0.1,localhost
serve: export HOST := $(HOST)
serve: export PORT := $(PORT)
serve: install
	@if [ -z "$$SECRET_KEY" ]; then \
		echo "SECRET_KEY is not set: production settings come from the environment."; \
		echo "For a local try-out:"; \
		echo "  SECRET_KEY=\$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))') SECURE_COOKIES=0 make serve"; \
		exit 1; \
	fi
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py load_shipped_content
	$(BIN)/python manage.py ensure_admin
	@echo "Background work (probe runs, monitors, alerts, housekeeping) needs, with the same"
	@echo "environment: 'make worker' (as many as needed) and ONE 'make beat'. docs/production.md"
	exec $(BIN)/gunicorn --config gunicorn.conf.py

# Beside `make serve`, with the same environment (CELERY_BROKER_URL=redis://…): the
# workers that run probe runs, monitors, alerts and housekeeping (as many as needed,
# on any host), and exactly ONE beat that sends the schedules. docs/production.md.
worker beat: export DEBUG = 0
worker: install
	exec $(BIN)/celery -A kbsite worker --loglevel $${LOG_LEVEL:-info} \
		--concurrency $${CELERY_CONCURRENCY:-4} --max-tasks-per-child 500

beat: install
	exec $(BIN)/celery -A kbsite beat --loglevel $${LOG_LEVEL:-info}

# Load test against `make serve` on loopback (wrk; installed with apt when missing).
bench-load: install
	bench/load.sh

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# One after the other, the SQLite and PostgreSQL runs took 77 of CI's 90 minutes on two
# cores, each keeping about one busy. So two workers (lanes, KB_TEST_LANE=1 and 2) share
# four runs: each database's tests/browser and the rest of its tests (KB_TEST_PART,
# tests/conftest.py), the longest first, so both finish at about the same time, whichever
# database is slower. A lane has its own Redis databases, PostgreSQL test database and
# server databases (tests/prod/servers.py). Each run logs to test-artifacts/pytest-<run>.log,
# shown when it ends; a progress line every 5 minutes; a summary; fails if any run fails.
TEST_LOGS := test-artifacts
TEST_RUNS := postgres-rest postgres-browser sqlite-rest sqlite-browser

test: install-dev messages browser
	$(BIN)/ruff check .
	@# The runs would otherwise race to create the development .secret_key.
	@$(BIN)/python -c "import kbsite.settings"
	@mkdir -p $(TEST_LOGS); rm -rf $(TEST_LOGS)/pytest-*.rc $(TEST_LOGS)/pytest-*.log $(TEST_LOGS)/.claimed
	@mkdir $(TEST_LOGS)/.claimed
	@echo "== pytest on SQLite and on PostgreSQL, two runs at a time: $(TEST_LOGS)/pytest-*.log =="
	@# Ctrl-C reaches the runs from the terminal (tests/conftest.py takes it back from the
	@# shell); a SIGTERM from make is passed on as one. Either way, wait for teardown.
	@stopped='echo "== interrupted: the logs so far are in $(TEST_LOGS)/pytest-*.log =="'; \
	trap 'trap "" INT TERM; wait; eval "$$stopped"; exit 130' INT; \
	trap 'trap "" INT TERM; kill -INT 0; wait; eval "$$stopped"; exit 143' TERM; \
	start=$$(date +%s); \
	for lane in 1 2; do \
		( for run in $(TEST_RUNS); do \
			mkdir $(TEST_LOGS)/.claimed/$$run 2>/dev/null || continue; \
			KB_TEST_LANE=$$lane KB_TEST_PART=$${run#*-} $(MAKE) --no-print-directory \
				test-$${run%-*} >$(TEST_LOGS)/pytest-$$run.log 2>&1; \
			echo $$? >$(TEST_LOGS)/pytest-$$run.rc; \
		done ) & \
	done; \
	pending="$(TEST_RUNS)"; ticks=0; \
	while [ -n "$$pending" ]; do \
		sleep 5; ticks=$$((ticks + 1)); still=""; \
		for run in $$pending; do \
			if [ -f $(TEST_LOGS)/pytest-$$run.rc ]; then \
				echo "== $$run ended after $$(( ($$(date +%s) - start) / 60 )) min; its log: =="; \
				cat $(TEST_LOGS)/pytest-$$run.log; \
			else still="$$still $$run"; fi; \
		done; \
		pending=$$still; \
		if [ -n "$$pending" ] && [ $$((ticks % 60)) -eq 0 ]; then \
			progress=""; \
			for run in $$pending; do \
				[ -f $(TEST_LOGS)/pytest-$$run.log ] || continue; \
				pct=$$(tail -c 2000 $(TEST_LOGS)/pytest-$$run.log | grep -o '[0-9]*%' | tail -n 1); \
				progress="$$progress $$run $${pct:-starting}"; \
			done; \
			echo "== $$(( ($$(date +%s) - start) / 60 )) min, running:$$progress =="; \
		fi; \
	done; \
	failed=0; echo ""; echo "== Summary ($$(( ($$(date +%s) - start) / 60 )) min) =="; \
	for run in sqlite-browser sqlite-rest postgres-browser postgres-rest; do \
		rc=$$(cat $(TEST_LOGS)/pytest-$$run.rc); \
		result=$$(grep -E '^=+ .* in [0-9.]+s' $(TEST_LOGS)/pytest-$$run.log | tail -n 1 \
			| sed -e 's/^=* //' -e 's/ =*$$//'); \
		if [ "$$rc" != 0 ]; then verdict=FAILED; failed=1; \
		elif [ -z "$$result" ]; then verdict="did not run (see its log above)"; \
		else verdict=ok; fi; \
		case $$run in *-browser) part="tests/browser:";; *) part="other tests:";; esac; \
		printf '   %-8s %-14s %s %s\n' "$${run%-*}" "$$part" "$$verdict" "$$result"; \
	done; \
	exit $$failed

# One database's whole suite, output on the terminal (PYTEST_ARGS to choose tests).
test-sqlite: export KB_TEST_LANE ?= 1
test-sqlite: install-dev
	@echo "== pytest on SQLite$${KB_TEST_PART:+, part: $$KB_TEST_PART} =="
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

# PostgreSQL is the production database: CI must run on it. Locally, a missing
# server is reported loudly instead of silently skipping half the suite.
test-postgres: export KB_TEST_LANE ?= 2
test-postgres: install-dev
	@if $(BIN)/python -m kbsite.dbcheck "$${DATABASE_URL:-$(PG_TEST_URL)}"; then \
		echo "== pytest on PostgreSQL$${KB_TEST_PART:+, part: $$KB_TEST_PART} =="; \
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
