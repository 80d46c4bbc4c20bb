# Two commands on a fresh machine: `make demo` and `make test`. Both create .venv and install first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt

.PHONY: demo test lint install install-test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## demo: install, then build the demo state in the default SQLite database and print the overview
demo: install
	$(BIN)/ips-roadmap demo

## lint: ruff, mypy (strict) and the import-layer contracts
lint: install-test
	$(BIN)/ruff check roadmap stages flows notifications tests bench
	$(BIN)/ruff format --check roadmap stages flows notifications tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

## test: install with test extras, lint, then run the whole suite
test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## bench: print the benchmark figures quoted in the README
bench: install-test
	$(BIN)/python bench/bench_agencies.py

clean:
	rm -rf $(VENV) build *.egg-info
