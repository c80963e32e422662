# Task runner: one target each for setup, run, test, lint and the benchmark.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
TEST_EXTRAS := dev,llm,local,ui,excel,panel

.PHONY: setup demo test test-setup lint bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

setup: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

# The main job on the built-in rules engine: no model, no key.
demo: setup
	$(BIN)/summarizer summarize seeds/003_6ddcaf3fcc63026a.txt

test-setup: $(BIN)/python
	bash scripts/install-test-deps.sh $(BIN)/python "$(TEST_EXTRAS)"

test: test-setup
	$(BIN)/python -m pytest

lint: test-setup
	$(BIN)/ruff check summarizer tests ui evals
	$(BIN)/mypy summarizer

bench: setup
	$(BIN)/summarizer bench seeds
