# The README's two commands: `make demo` and `make test`. Each builds the virtualenv
# on first use, so a fresh machine with only the package registries needs nothing else.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Real data beside the project, used by tests and experiments when present.
DATA_DIR ?= $(abspath ../shared/data)
OUT ?= demo_out

.PHONY: demo test lint format bench venv clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/jaxnets demo --out $(OUT)

test: $(STAMP)
	@if [ -z "$$JAXNETS_DATA_DIR" ] && [ -d "$(DATA_DIR)" ]; then export JAXNETS_DATA_DIR="$(DATA_DIR)"; fi; \
	$(BIN)/ruff check jaxnets tests experiments benchmarks && \
	$(BIN)/ruff format --check jaxnets tests experiments benchmarks && \
	$(BIN)/python -m pytest -q --durations=15

lint: $(STAMP)
	$(BIN)/ruff check jaxnets tests experiments benchmarks

format: $(STAMP)
	$(BIN)/ruff format jaxnets tests experiments benchmarks
	$(BIN)/ruff check --fix jaxnets tests experiments benchmarks

bench: $(STAMP)
	$(BIN)/pip install -q -e '.[bench]'
	$(BIN)/python benchmarks/train_throughput.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache
