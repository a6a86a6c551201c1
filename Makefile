# Quick start: `make run` (the interactive check) and `make test` (the whole suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# What is installed comes from uv.lock, through uv at this version. uv lives in a folder of
# its own, since `uv sync` keeps .venv to exactly what the lock lists.
UV_VERSION := 0.13.9
UV_HOME := .uv
UV := $(UV_HOME)/bin/uv
# .venv is made over this machine's Python; uv never downloads one of its own.
export UV_PYTHON := $(PYTHON)
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Compiled at install, as pip does: every process the tests start would compile it all again.
export UV_COMPILE_BYTECODE := 1

.PHONY: run check test lint typecheck pytest e2e-deps bench docs install dev lock upgrade clean messages translations

$(UV):
	$(PYTHON) -m venv $(UV_HOME)
	$(UV_HOME)/bin/python -m pip install --quiet uv==$(UV_VERSION)

# The translations: one gettext catalogue per language, compiled to .mo (never committed) by
# the build hook in hatch_build.py whenever uv installs the package, or by `make translations`.
LOCALE := src/myoguide/locale
CATALOGUES := $(wildcard $(LOCALE)/*/LC_MESSAGES/myoguide.po)

# Runtime packages only; --inexact leaves the dev tools of `make dev` in place.
$(VENV)/.installed: pyproject.toml uv.lock $(CATALOGUES) | $(UV)
	$(UV) sync --locked --inexact --quiet
	touch $@

$(VENV)/.installed-dev: pyproject.toml uv.lock $(CATALOGUES) | $(UV)
	$(UV) sync --locked --extra dev --quiet
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

dev: $(VENV)/.installed-dev

# After changing the dependencies in pyproject.toml: every other package keeps its version.
lock: | $(UV)
	$(UV) lock

# The newest versions pyproject.toml allows, for every package.
upgrade: | $(UV)
	$(UV) lock --upgrade

run: install
	$(BIN)/myoguide serve --host $(HOST) --port $(PORT)

check: install
	$(BIN)/myoguide check

lint: dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: dev
	$(BIN)/mypy

# axe-core for the accessibility audit, from the npm registry (skipped where npm is missing;
# the browser tests then skip too, except in CI where they must run).
E2E_DEPS := tests/e2e/node_modules/axe-core/axe.min.js
$(E2E_DEPS): tests/e2e/package.json tests/e2e/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the accessibility audit will be skipped"; fi

e2e-deps: $(E2E_DEPS)

pytest: dev e2e-deps
	$(BIN)/pytest

test: lint typecheck pytest

bench: dev
	$(BIN)/python benchmarks/bench_engine.py
	$(BIN)/python benchmarks/bench_cli.py
	$(BIN)/python benchmarks/bench_triggers.py
	$(BIN)/python benchmarks/bench_interview.py
	$(BIN)/python benchmarks/bench_parse.py
	$(BIN)/python benchmarks/bench_fhir.py
	@if command -v wrk >/dev/null 2>&1; then $(BIN)/python benchmarks/bench_web.py; \
	else echo "wrk not found (apt-get install wrk): skipping benchmarks/bench_web.py"; fi

# After changing a sentence in the code: the template (.pot) from every gettext call in the
# code and templates (babel.cfg), merged into each language's .po; then translate what is new.
messages: dev
	$(BIN)/pybabel -q extract -F babel.cfg -k N_ -k NC_:1c,2 -c TRANSLATORS: --add-location=file --sort-output \
		--project myoguide --copyright-holder "myoguide developers" -o $(LOCALE)/myoguide.pot .
	$(BIN)/pybabel -q update -i $(LOCALE)/myoguide.pot -d $(LOCALE) -D myoguide

# The .po files compiled into the .mo files gettext reads (an install does this too).
translations: install
	$(BIN)/pybabel compile --statistics -d $(LOCALE) -D myoguide

docs: install
	$(BIN)/python -m myoguide.cli.doc > docs/cli.md

clean:
	rm -rf $(VENV) $(UV_HOME) .pytest_cache .mypy_cache .ruff_cache .hypothesis tests/e2e/node_modules tests/artifacts
