# The two commands of the README: `make run` and `make test`. Both set up what they need first
# (a virtualenv in .venv with the package and its test tools), so a fresh clone needs nothing else.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint bench kafka chaos clean poppler chromium

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# With a display but without Qt's X11 libraries, rentaldesk names the Debian packages to install
# (see the README) and exits with status 2.
run: $(STAMP)
	$(VENV)/bin/rentaldesk $(ARGS)

test: lint poppler chromium
	$(PY) -m pytest $(PYTEST_ARGS)

# pdftotext and pdftoppm (poppler-utils) read and draw the agreement's PDFs in tests/unit/test_documents.py;
# installed when missing where apt-get can (CI runs as root); without them that one test is skipped.
poppler:
	@command -v pdftoppm >/dev/null && command -v pdftotext >/dev/null || \
		{ command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && apt-get update -qq && \
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; } || \
		echo "poppler-utils (pdftoppm, pdftotext) could not be installed: the PDF drawing test will be skipped"

# Chromium and its driver (Debian's chromium, chromium-driver) run the web site's browser test
# (tests/web/test_browser.py) and docs/render_web_screenshots.py; installed when missing where apt-get can;
# without them that test is skipped.
chromium:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
		{ command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && apt-get update -qq && \
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; } || \
		echo "chromium and chromium-driver could not be installed: the web site's browser test will be skipped"

# The quick lane for your own loop: the lint, then everything but the real processes, the real broker
# and the long runs (a minute or two).
test-fast: lint
	$(PY) -m pytest -m "not slow and not kafka" -x -q $(PYTEST_ARGS)

# pyflakes and bugbear (ruff), the layers' import rules (import-linter) and the types (mypy, strict but for
# the desk app); all three read pyproject.toml
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(PY) bench/bench_reservations.py

kafka: $(STAMP)
	$(PY) -m tools.devbroker $(ARGS)

# The real processes under faults (broker stopped, head office and a branch SIGKILLed), then the
# protocol's invariants from the databases and the mails: a few minutes. ARGS="--seed N" replays a
# run's choices, ARGS="--short" is the CI run (tests/e2e/test_chaos.py); --help lists the rest.
chaos: $(STAMP)
	$(PY) -m tools.chaos $(ARGS)

clean:
	rm -rf $(VENV) build *.egg-info
