# Everyday commands. Each one creates .venv and installs what it needs on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
# `DEMO=0 make run` starts without loading the demo into an empty database.
DEMO ?= 1

.PHONY: run demo reset-demo serve worker test lint format check bench clean

# pip prints what it downloads and installs: the first install takes a minute or two, and a
# silent terminal for that long looks like a hang.
$(BIN)/activate: pyproject.toml
	@if [ -x $(BIN)/python ]; then echo "Updating $(VENV) (pyproject.toml changed)…"; \
	else echo "Creating $(VENV)…"; fi
	$(PYTHON) -m venv $(VENV)
	@echo "Installing packages (about a minute on first run)…"
	$(BIN)/pip install --upgrade pip
	$(BIN)/pip install -e .
	touch $(BIN)/activate
	@echo "Packages installed."

$(VENV)/.dev: $(BIN)/activate
	@echo "Installing the development tools (pytest, ruff, mypy)…"
	$(BIN)/pip install -e '.[dev]'
	touch $(VENV)/.dev

# An empty database gets the demo (teams, logins for every role, a dozen decisions); after
# that, each start prints the demo logins again.
run: $(BIN)/activate
	$(BIN)/python manage.py migrate --no-input
	@if [ "$(DEMO)" != 0 ]; then $(BIN)/python manage.py seed_demo --if-empty; fi
	$(BIN)/python manage.py runserver $(HOST)

# The demo without the server; run again, it says what is loaded and prints the logins.
demo: $(BIN)/activate
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo

# Deletes only the demo's logins, teams and decisions (never the database file), then loads a
# fresh demo; it refuses when anyone else has written something in the database.
reset-demo: $(BIN)/activate
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo --reset

# Production: DEBUG off unless the environment says otherwise; SECRET_KEY and ALLOWED_HOSTS
# must be set (see the README's "Deployment").
# A missing .venv is created, but a start never reinstalls or upgrades packages on its own
# (that is a release step: `make .venv/bin/activate`).
serve:
	@test -x $(BIN)/gunicorn || $(MAKE) $(BIN)/activate
	DEBUG=$${DEBUG:-0} $(BIN)/python manage.py check --deploy
	DEBUG=$${DEBUG:-0} $(BIN)/python manage.py migrate --no-input
	DEBUG=$${DEBUG:-0} $(BIN)/python manage.py collectstatic --no-input --verbosity 0
	DEBUG=$${DEBUG:-0} exec $(BIN)/gunicorn --config gunicorn.conf.py advisor.wsgi

# Renders PDFs of proposed and accepted decisions ahead of time and sends notifications; run
# one or more beside serve.
worker:
	@test -x $(BIN)/python || $(MAKE) $(BIN)/activate
	DEBUG=$${DEBUG:-0} exec $(BIN)/python manage.py db_worker

test: $(VENV)/.dev
	$(BIN)/python -m pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy advisor decisions notifications

format: $(VENV)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(VENV)/.dev
	$(BIN)/python benchmarks/engine.py
	$(BIN)/python benchmarks/wizard.py
	$(BIN)/python benchmarks/adr.py
	$(BIN)/python benchmarks/portal.py
	$(BIN)/python benchmarks/load.py

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm var/demo-logins.json staticfiles .pytest_cache .ruff_cache .mypy_cache .hypothesis
