# The two commands of the README: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PG_URL ?= postgres://postgres@127.0.0.1:5432/lms
DEV := DEBUG=1
# Tests run in parallel, one worker per core (at most 4), each with its own test database.
PYTEST_ARGS ?= -n auto --maxprocesses 4

.PHONY: install lrs system-deps bench-deps messages migrate run test test-sqlite test-postgres lint format makemessages bench

$(STAMP): pyproject.toml
	test -x $(PY) || python3.11 -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: system-deps $(STAMP) lrs

# Ralph, the Learning Record Store the xAPI tests start (tests/assessments/xapi/), in a virtual
# environment of its own inside $(VENV): its FastAPI and Starlette pins are not the project's.
LRS_VENV := $(VENV)/lrs
LRS_REQUIREMENTS := tests/assessments/xapi/ralph-requirements.txt
LRS_STAMP := $(LRS_VENV)/.installed-$(shell cat $(LRS_REQUIREMENTS) | cksum | cut -d' ' -f1)

$(LRS_STAMP): $(LRS_REQUIREMENTS) $(STAMP)
	test -x $(LRS_VENV)/bin/python || python3.11 -m venv $(LRS_VENV) || python3 -m venv $(LRS_VENV)
	$(LRS_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LRS_VENV)/bin/python -m pip install --quiet -r $(LRS_REQUIREMENTS)
	rm -f $(LRS_VENV)/.installed-*
	touch $(LRS_STAMP)

## Install Ralph (the LRS of the xAPI tests) in $(VENV)/lrs
lrs: $(LRS_STAMP)

# Debian packages the certificates' PDFs need: Pango (WeasyPrint), HarfBuzz's subsetter (without
# it WeasyPrint subsets fonts with fontTools, seconds per PDF), Noto Sans CJK for characters the
# bundled font lacks, poppler-utils for the tests that read PDFs back; gettext compiles the
# translations.
SYSTEM_PACKAGES ?= libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk poppler-utils gettext

# Installs the Debian packages of $(1) that are missing (as root or with sudo; otherwise lists them).
define apt_install
	@missing=$$(for p in $(1); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	missing=$$(echo $$missing); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"; \
	else sudo="none"; fi; \
	if [ "$$sudo" = none ] || ! command -v apt-get >/dev/null 2>&1; then \
		echo "Missing system packages: sudo apt-get install $$missing"; exit 0; fi; \
	echo "Installing $$missing"; \
	$$sudo apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends \
		$$missing >/dev/null
endef

## Install the Debian packages above that are missing
system-deps:
	$(call apt_install,$(SYSTEM_PACKAGES))

messages: install
	$(DEV) $(PY) manage.py compilemessages --ignore "$(VENV)" --ignore "node_modules" -v0

makemessages: install
	$(DEV) $(PY) manage.py makemessages -l zh_Hans --ignore "$(VENV)/*" --ignore "staticfiles/*" --no-obsolete

migrate: messages
	$(DEV) $(PY) manage.py migrate --noinput

## Set everything up and serve the site with demo data on http://127.0.0.1:8000
run: migrate
	$(DEV) $(PY) manage.py seed_demo
	$(DEV) $(PY) manage.py runserver 127.0.0.1:8000

## Run the test suite on SQLite, then on PostgreSQL
test: test-sqlite test-postgres

test-sqlite: messages
	env -u DATABASE_URL LMS_TEST_LRS_VENV=$(abspath $(LRS_VENV)) $(PY) -m pytest -q $(PYTEST_ARGS)

test-postgres: messages
	@if $(PY) .ci/pg_ready.py "$(PG_URL)"; then \
		DATABASE_URL="$(PG_URL)" LMS_TEST_LRS_VENV=$(abspath $(LRS_VENV)) $(PY) -m pytest -q $(PYTEST_ARGS); \
	elif [ -n "$$CI" ]; then \
		echo "PostgreSQL is not reachable at $(PG_URL): failing, as CI must test it."; exit 1; \
	else \
		echo "PostgreSQL is not reachable at $(PG_URL): skipped the PostgreSQL run."; \
	fi

## Lint: ruff, and the import contracts of pyproject.toml (which part of the code may use which)
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# wrk measures throughput: a client in C keeps up with a bare view, Python's threads cannot.
bench-deps:
	$(call apt_install,wrk)

## Measure speed (tests/benchmarks/): one table, written to tests/benchmarks/RESULTS.md
## (recreates the PostgreSQL database lms_bench; BENCH_ARGS="--requests 200" to pass options)
bench: messages bench-deps
	$(PY) -m tests.benchmarks.run $(BENCH_ARGS)
