# The README's two commands: `make demo` and `make test`. Both work on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
DEMO_SCALE ?= 1

.PHONY: demo test lint install install-test bench clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Re-install when pyproject.toml changes (the stamp files track what was installed).
$(VENV)/.installed: pyproject.toml setup.py | $(VENV)/bin/activate
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml setup.py | $(VENV)/bin/activate
	$(PIP) install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

demo: install
	$(VENV)/bin/ecr-report run --demo --demo-scale $(DEMO_SCALE)

# Lint first (seconds), then the suite: ruff (lint, import order) and the import-linter
# contracts of pyproject.toml (the architecture: reports/ is pure, concerns are independent).
test: lint
	$(PY) -m pytest

lint: install-test
	$(VENV)/bin/ruff check .
	$(PY) tools/lint_imports.py

bench: install-test
	$(PY) benchmarks/collect_calls.py
	$(PY) benchmarks/lifecycle.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
