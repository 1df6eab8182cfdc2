# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install index run test test-fast lint format bench eval eval-blind loadtest clean

# Re-install only when pyproject.toml changes.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Idempotent: unchanged documents are skipped, changed ones replaced.
index: install
	$(BIN)/policy-qa ingest

# Builds (or updates) the index, then serves the web UI on http://127.0.0.1:7860.
run: index
	$(BIN)/policy-qa serve

test: install
	$(BIN)/python -m pytest

# Everything except the browser, Chroma-server, race (killed/concurrent process) and slow
# (end-to-end, seconds each) tests; `make test` runs them all.
test-fast: install
	$(BIN)/python -m pytest -q -n 2 -m "not browser and not server and not race and not slow"

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy

format: install
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

bench: install
	$(BIN)/python -m pytest -m bench -s
	$(BIN)/python -m tools.bench
	$(BIN)/python -m tools.bench_ocr

eval: index
	$(BIN)/policy-qa eval

eval-blind: index
	$(BIN)/policy-qa eval --dataset evals/datasets/blind_dev.jsonl
	$(BIN)/policy-qa eval --dataset evals/datasets/blind_test.jsonl

loadtest: index
	$(BIN)/python -m tools.loadtest

clean:
	rm -rf $(VENV) .policy-qa .pytest_cache
