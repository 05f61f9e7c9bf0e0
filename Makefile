# The two set-up commands from README.md: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
DEMO_TICKETS ?= 1500
# `make test` runs the suite on this many pytest-xdist workers (2: the 2-core test machine);
# `make test TEST_WORKERS=0` runs it in one process. worksteal: a worker that runs out of
# tests takes half of the other's queue, so the few 20-60 s tests do not leave a long tail.
TEST_WORKERS ?= 2

.PHONY: run test bench venv install install-test clean lint

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
	  { echo "Desk needs Python 3.11 or newer ($(PYTHON) is $$($(PYTHON) -V 2>&1))."; exit 1; }
	@$(PYTHON) -m venv $(VENV) || { echo "Cannot create a virtual environment. On Debian/Ubuntu: sudo apt-get install -y python3-venv"; exit 1; }
	$(PIP) install -q --upgrade pip

$(VENV)/.installed: $(PY) pyproject.toml
	$(PIP) install -q -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) install -q -e '.[test]'
	@touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install
	$(VENV)/bin/desk demo --if-empty --tickets $(DEMO_TICKETS)
	$(VENV)/bin/desk

test: install-test
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

bench: install-test
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest tests/benchmarks -s -p no:cacheprovider $(PYTEST_ARGS)

# The same checks the suite runs (tests/test_lint.py, test_types.py, test_layers.py), as
# separate steps that name what failed.
lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .hypothesis
