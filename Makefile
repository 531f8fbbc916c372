# Two commands: `make run` (demo school on SQLite) and `make test` (the whole suite).
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export DEBUG ?= true

.PHONY: run test lint format install bench load prod-check

$(STAMP): pyproject.toml
	@test -x $(PY) || $$(scripts/find-python) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	@# The task worker (safeguarding emails) and the periodic safeguarding check (escalation,
	@# overdue alerts, email retries) run beside the server and stop with it; so does the
	@# hourly queueing of training reminders (P9), and the daily word to reviewers whose
	@# delegation of a performance file is ending (P18). A daily encrypted backup of the demo
	@# goes to var/backups, the newest 7 kept (production: a folder copied off the server).
	$(PY) manage.py db_worker --no-reload & worker=$$!; \
	$(PY) manage.py escalate_concerns --every 60 & checks=$$!; \
	$(PY) manage.py send_training_reminders --every 3600 & reminders=$$!; \
	$(PY) manage.py tell_of_ending_delegations --every 86400 & delegations=$$!; \
	$(PY) manage.py backup var/backups --keep 7 --every 86400 & backups=$$!; \
	trap 'kill $$worker $$checks $$reminders $$delegations $$backups 2>/dev/null' EXIT; \
	$(PY) manage.py runserver 127.0.0.1:8000

# One pytest worker per core (each with its own test database and browser); TEST_WORKERS=0
# runs the suite in one process.
TEST_WORKERS ?= auto
test: $(STAMP)
	scripts/ensure-chromium
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Every key page timed against a bare-Django page, on a school seeded once on PostgreSQL
# (BENCH_SCALE=large by default, medium for a quick run; see benchmarks/run.py). The results go
# to benchmarks/results.md.
bench: $(STAMP)
	$(PY) benchmarks/run.py

# The same school under load: gunicorn as production runs it, locust's people of several roles
# signing in and logging concerns, then the bare page (see benchmarks/load.py).
load: $(STAMP)
	$(PY) benchmarks/load.py

# The application run as production runs it (deploy/), on 127.0.0.1 with a throwaway PostgreSQL
# database, and used: a teacher logs an urgent concern, the DSL is emailed, the deputy is told
# when nobody acknowledges it, /healthz, check --deploy, a verified backup (scripts/prod-check).
prod-check: $(STAMP)
	$(PY) scripts/prod-check
