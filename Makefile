# KasserPro. `make run` serves the demo at http://127.0.0.1:8000;
# `make test` runs the whole test suite (SQLite, or DATABASE_URL if set).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?=
# Kept outside the virtualenv so a shared one is never written to; the
# virtualenv's pyvenv.cfg is a prerequisite, so a new one installs again.
REQUIREMENTS_STAMP := var/.requirements-installed

.PHONY: run test deps system-deps messages lint format

run: deps messages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py seed_demo
	$(BIN)/daphne -b 127.0.0.1 -p $(PORT) kasserpro.asgi:application

test: deps system-deps messages
	$(BIN)/python -m pytest $(PYTEST_ARGS)

deps: $(REQUIREMENTS_STAMP)

$(VENV)/pyvenv.cfg:
	$(PYTHON) -m venv $(VENV)

$(REQUIREMENTS_STAMP): requirements.txt $(VENV)/pyvenv.cfg
	$(BIN)/python -m pip install --disable-pip-version-check --quiet -r requirements.txt
	@mkdir -p $(@D)
	@touch $@

system-deps:
	bin/install-system-deps

# Translations are compiled from locale/ when it exists and gettext is here.
messages: deps
	@if [ -d locale ] && command -v msgfmt >/dev/null 2>&1; then \
		$(BIN)/python manage.py compilemessages --ignore '.venv*' --ignore var --verbosity 0; \
	fi

lint: deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: deps
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
