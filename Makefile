# Aryz: `make run` serves the demo, `make test` runs the suite. Both set everything up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
export FLASK_APP := app

.PHONY: run serve test test-browser test-api-fuzz lint migrate seed translations clean help

help:
	@echo "make run            set up, migrate, load the demo and serve on http://$(HOST):$(PORT)"
	@echo "make test           run the test suite (SQLite; PostgreSQL too when TEST_DATABASE_URL is set)"
	@echo "make test-browser   the browser journey and accessibility checks (installs Chromium if needed)"
	@echo "make test-api-fuzz  schemathesis against a live server"
	@echo "make translations   extract the messages and merge them into every language's catalogue"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Decision documents embed DejaVu (Cyrillic, Kyrgyz letters): Debian's fonts-dejavu-core.
FONT := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
$(FONT):
	apt-get update -qq && apt-get install -y -qq fonts-dejavu-core >/dev/null

$(VENV)/.run-deps: requirements.txt | $(BIN)/python $(FONT)
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(BIN)/python $(FONT)
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.run-deps

migrate: $(VENV)/.run-deps
	$(BIN)/flask translations compile
	$(BIN)/alembic upgrade head

seed: migrate
	$(BIN)/flask seed-demo

run: seed
	$(BIN)/flask audit keygen --if-missing
	$(BIN)/flask deadlines sweep
	@echo
	@$(BIN)/flask demo-accounts
	@echo
	@echo "Serving Aryz on http://$(HOST):$(PORT)  (Ctrl-C stops it)"
	$(BIN)/waitress-serve --listen=$(HOST):$(PORT) --threads=8 app:app

test: $(VENV)/.dev-deps
	$(BIN)/flask translations compile
	@echo "== the suite on SQLite"
	env -u TEST_DATABASE_URL $(BIN)/pytest -q -m "not browser" -p no:cacheprovider
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== again on $$TEST_DATABASE_URL"; \
		$(BIN)/pytest -q -m "not browser" -p no:cacheprovider; \
	fi

test-browser: $(VENV)/.dev-deps
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)
	$(BIN)/pytest -q -m browser -p no:cacheprovider tests/browser

test-api-fuzz: $(VENV)/.dev-deps
	$(BIN)/python tests/fuzz/run_schemathesis.py

translations: $(VENV)/.run-deps
	$(BIN)/flask translations update

lint: $(VENV)/.dev-deps
	$(BIN)/ruff check complaints tests migrations app.py tools
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
