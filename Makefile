# Everyday commands. Each one creates .venv and installs what it needs on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: run demo serve worker test lint format check bench clean

$(BIN)/activate: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $(BIN)/activate

$(VENV)/.dev: $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.dev

run: $(BIN)/activate
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py ensure_demo_user
	@echo "Tip: 'make demo' fills an empty database with teams, users and a dozen decisions."
	$(BIN)/python manage.py runserver $(HOST)

demo: $(BIN)/activate
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo

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
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache .mypy_cache .hypothesis
