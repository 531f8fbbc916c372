# Two commands: `make run` (demo school on SQLite) and `make test` (the whole suite).
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export DEBUG ?= true

.PHONY: run test lint format install bench

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
	@# delegation of a performance file is ending (P18).
	$(PY) manage.py db_worker --no-reload & worker=$$!; \
	$(PY) manage.py escalate_concerns --every 60 & checks=$$!; \
	$(PY) manage.py send_training_reminders --every 3600 & reminders=$$!; \
	$(PY) manage.py tell_of_ending_delegations --every 86400 & delegations=$$!; \
	trap 'kill $$worker $$checks $$reminders $$delegations 2>/dev/null' EXIT; \
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

# Benchmarks against a large seeded school on PostgreSQL (see benchmarks/run.py).
bench: $(STAMP)
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/confidentiality_bench} $(PY) benchmarks/run.py
