# Two commands matter: `make site` and `make test`. Both create .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
STAMP := $(VENV)/.installed
REQUIREMENTS := requirements/site.txt requirements/test.txt constraints.txt pyproject.toml

.PHONY: site test lint typecheck pytest serve lock render validate bench clean

$(STAMP): $(REQUIREMENTS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet -c constraints.txt -r requirements/test.txt
	$(PIP) install --quiet -c constraints.txt --no-build-isolation --no-deps -e .
	touch $@

## Set up, then build the whole site from catalogue/catalogue.yaml into site/ (offline past installs).
site: $(STAMP)
	$(BIN)/python -m generator build

## Set up, then run the whole test suite: pytest, ruff, mypy.
test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Each example hub has its own hubconf.py and models.py, which collide in one mypy run.
typecheck: $(STAMP)
	$(BIN)/mypy
	$(BIN)/mypy examples/digits
	$(BIN)/mypy examples/digits-vae

pytest: $(STAMP)
	$(BIN)/python -m pytest

## Serve the built site with live reload on http://127.0.0.1:8000
serve: $(STAMP)
	$(BIN)/python -m generator render
	$(BIN)/mkdocs serve

validate: $(STAMP)
	$(BIN)/python -m generator validate

lock: $(STAMP)
	$(BIN)/python -m generator lock

render: $(STAMP)
	$(BIN)/python -m generator render

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf site docs/models docs/notebooks .build
