# The two commands of the project: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Our package is named `trace`, like a standard-library module: the project root goes
# first on the import path so that every command below finds ours.
export PYTHONPATH := $(CURDIR)
FLASK := $(BIN)/flask --app trace
CATALOGUES := $(wildcard trace/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGUES:.po=.mo)

.PHONY: run test lint typecheck translations extract-messages clean routes

# The jobs' worker runs in the background of the server, and stops with it.
run: $(VENV)/.installed-run $(COMPILED)
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) demo
	$(FLASK) jobs worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port 5000

test: $(VENV)/.installed-test $(COMPILED) node_modules/.installed lint typecheck
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

translations: $(COMPILED)

%.mo: %.po $(VENV)/.installed-run
	$(BIN)/pybabel compile --statistics -i $< -o $@

extract-messages: $(VENV)/.installed-run
	$(BIN)/pybabel extract -F babel.cfg -k _l --project=trace-agri --version=0.1.0 -o trace/translations/messages.pot .
	$(BIN)/pybabel update -i trace/translations/messages.pot -d trace/translations --no-fuzzy-matching

$(VENV)/.created:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	touch $@

$(VENV)/.installed-run: $(VENV)/.created setup.cfg
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed-run setup.cfg
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

# Test tools from npm (package.json: zpl-renderer-js, which renders the ZPL jobs the tests
# decode), installed exactly as package-lock.json says whenever either file changes.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache .hypothesis node_modules
	find trace/translations -name '*.mo' -delete

# Lists the app's routes; also proves the Makefile's entry point resolves our `trace`.
routes:
	$(FLASK) routes
