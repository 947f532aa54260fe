# The two set-up commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
APPS := digibank registration lending sessions_app reporting
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/digibank
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run test install install-dev messages check-messages compile-messages lint migrate demo ci-services

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade "pip>=25.1"

install: $(VENV)/bin/activate
	$(PIP) install --quiet --group runtime

install-dev: $(VENV)/bin/activate
	$(PIP) install --quiet --group dev

compile-messages:
	$(PY) scripts/translations.py compile

## Run the app with demo data on the embedded defaults (SQLite, eager tasks): http://localhost:8000
run: install compile-messages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

## Install everything and run the whole test suite on PostgreSQL and Redis.
test: install-dev compile-messages
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) scripts/translations.py check
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		$(PY) -m pytest -q $(PYTEST_ARGS)

## Update the .po files from the code (needs GNU gettext), then translate what is new.
messages:
	$(PY) scripts/translations.py make

lint:
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
