# Two commands set up everything on a fresh machine:
#   make run    create .venv, install, migrate, import units, seed demo data, serve on :5000
#   make test   create .venv with the test extras and run the whole suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app ocop_rating
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=

.PHONY: install system-deps bench-deps run setup-db test test-postgres test-e2e bench mutation messages screenshots clean

$(VENV)/.installed: setup.cfg pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dev]'
	touch $@

install: $(VENV)/.installed

# chromium, pdftotext, zbarimg for the tests (installed from Debian only when missing)
system-deps:
	bash tools/system-deps.sh

setup-db: install
	$(FLASK) db upgrade
	$(FLASK) ocop import-units
	$(FLASK) ocop seed-demo
	$(FLASK) ocop export-open-data

run: setup-db
	@echo
	@echo "  OCOP rating is starting on http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	@echo "  Demo logins are listed above (password for all: ocop-demo-2026)."
	@echo
	$(FLASK) run --host $(HOST) --port $(PORT)

# The whole suite on SQLite; set OCOP_TEST_DATABASE_URL to run it on PostgreSQL. The journey
# of tests/e2e (marker e2e) runs in make test-e2e, which .ci/run runs after the two suites.
test: install system-deps
	$(PY) -m pytest -n 2 -q -m "not e2e" $(PYTEST_ARGS)

# The whole journey in a real browser (tests/e2e/test_journey.py), sign-up to revocation.
test-e2e: install system-deps
	$(PY) -m pytest -q -m e2e tests/e2e $(PYTEST_ARGS)

test-postgres:
	OCOP_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test $(MAKE) test

# wrk for the HTTP figures of `make bench` (from Debian, only when missing)
bench-deps:
	bash tools/system-deps.sh bench

# Every figure beside its baseline (benchmarks/run.py), printed and written to
# docs/benchmarks.md; the generated datasets are cached under instance/bench/. The single
# benchmarks/bench_*.py scripts still run on their own.
bench: install bench-deps
	$(PY) benchmarks/run.py

# Mutation testing of the rules engine (docs/testing.md): mutmut over the modules listed in
# setup.cfg [mutmut], each mutant against the tests that cover it; prints the score per module
# and every surviving mutant. Resumable: a second run re-tests only what changed.
mutation: install
	$(VENV)/bin/mutmut run --max-children 2
	$(PY) tools/mutation_report.py --diff

# Extract messages (Vietnamese is the source) with Babel's own tools, merge them into the
# English catalogue and compile it. New messages arrive with an empty msgstr: write their
# English in messages.po (tests/core/test_translations.py fails until every one has it).
POT := build/messages.pot
messages: install
	mkdir -p build
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs '.* __pycache__ build' \
	  --no-location --sort-output --project ocop-rating -o $(POT) .
	$(VENV)/bin/pybabel update -i $(POT) -d ocop_rating/translations -l en --no-fuzzy-matching \
	  --ignore-obsolete --width 100
	$(VENV)/bin/pybabel compile -d ocop_rating/translations --statistics

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis

# The main screens, photographed on a fresh demo database, into docs/screenshots/ (README).
screenshots: install
	$(PY) tools/screenshots.py
