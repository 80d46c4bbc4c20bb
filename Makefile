# Two commands on a fresh machine: `make demo` and `make test`. Both create .venv and install first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt

.PHONY: demo test lint install install-test bench clean chromium web

# Root installs directly; anyone else through sudo.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

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

## demo: install, build the demo state in the default SQLite database, play a year of it month by month, then
## plan the trainers' next four weeks of site visits and write them as a calendar file
demo: install
	$(BIN)/ips-roadmap demo
	$(BIN)/ips-roadmap simulate
	$(BIN)/ips-roadmap visits plan --weeks 4 --ics demo-visits.ics

## web: the dashboard on the demo state (run `make demo` first) at http://127.0.0.1:8000/, with a one-time link
## that signs in the demo's state lead
web: install
	$(BIN)/ips-roadmap user link sam.reed@state.example.org
	$(BIN)/ips-roadmap web

## lint: ruff, mypy (strict) and the import-layer contracts
lint: install-test
	$(BIN)/ruff check roadmap stages flows notifications tests bench
	$(BIN)/ruff format --check roadmap stages flows notifications tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

## chromium: Debian's Chromium for the browser tests (Playwright cannot download browsers here), and Debian's
## faketime for the one-clock test (the commands run with the machine's clock set to a given instant)
chromium:
	@command -v chromium >/dev/null && command -v faketime >/dev/null || { \
	  echo "Installing Debian's chromium and faketime for the tests"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium faketime >/dev/null; }

## test: install with test extras and chromium, lint, then run the whole suite
test: lint chromium
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

## bench: print the benchmark figures quoted in the README
bench: install-test
	$(BIN)/python bench/bench_agencies.py
	$(BIN)/python bench/bench_sweep.py
	$(BIN)/python bench/bench_visits.py
	$(BIN)/python bench/bench_web.py
	$(BIN)/python bench/bench_startup.py

clean:
	rm -rf $(VENV) build *.egg-info
