# The two commands of the README: `make run` and `make test`. Both set up what they need first
# (a virtualenv in .venv with the package and its test tools), so a fresh clone needs nothing else.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test bench kafka clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/rentaldesk $(ARGS)

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) bench/bench_reservations.py

kafka: $(STAMP)
	$(PY) -m rentaldesk.sync.devbroker $(ARGS)

clean:
	rm -rf $(VENV) build *.egg-info
