# Jinguo — two commands: `make demo` and `make test`. Everything else here serves them.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
JINGUO := $(BIN)/jinguo
export DJANGO_SETTINGS_MODULE ?= jinguo.config.settings.local
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test install assets browser db demo-data serve lint types migrations-check pytest bench clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Python packages, from pyproject.toml (the project itself in editable mode, with dev tools).
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

# Front-end packages from the npm registry, served locally (never a CDN).
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

assets: node_modules/.package-lock.json install
	$(JINGUO) compilemessages --ignore=.venv --ignore=node_modules -v 0
	$(JINGUO) collectstatic --noinput -v 0

# Debian's Chromium for the browser tests (Playwright drives it; it downloads no browser).
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else echo "Install Debian's chromium (sudo apt-get install chromium fonts-noto-cjk)"; exit 1; fi; }

db: install
	mkdir -p var
	$(JINGUO) migrate --noinput -v 0

demo-data: db
	$(JINGUO) demo

serve:
	@echo ""
	@echo "  Jinguo is running at http://$(HOST):$(PORT)/"
	@$(JINGUO) demo --logins
	@echo "  Press Ctrl-C to stop the web server and the task worker."
	@trap 'kill 0' EXIT INT TERM; \
	  $(JINGUO) worker & \
	  $(JINGUO) serve --bind $(HOST):$(PORT) & \
	  wait

demo: install assets demo-data serve

lint: install
	$(BIN)/ruff check src bench
	$(BIN)/ruff format --check src bench
	$(BIN)/lint-imports

types: install
	$(BIN)/mypy

migrations-check: install
	DJANGO_SETTINGS_MODULE=jinguo.config.settings.test $(JINGUO) makemigrations --check --dry-run

pytest: install assets browser
	DJANGO_SETTINGS_MODULE=jinguo.config.settings.test $(BIN)/pytest -n 2 -q

test: lint types migrations-check pytest

bench: install
	DJANGO_SETTINGS_MODULE=jinguo.config.settings.test $(BIN)/python -m bench

# Regenerate the translation catalogue after changing user-facing text.
messages: install
	cd src/jinguo && ../../$(JINGUO) makemessages -l zh_Hans -l en --no-obsolete --ignore="*/tests/*"

clean:
	rm -rf $(VENV) node_modules var
