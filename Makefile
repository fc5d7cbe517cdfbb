# `make run`: set up and run the whole pipeline on the snapshot. `make test`: set up and run the tests.
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
export MODELLENS_HOME ?= $(CURDIR)/.modellens
export DAGSTER_HOME ?= $(MODELLENS_HOME)/dagster
export PATH := $(BIN):$(PATH)
MANIFEST := dbt_project/target/manifest.json
DBT_SOURCES := $(shell find dbt_project/models dbt_project/macros dbt_project/seeds -type f) dbt_project/dbt_project.yml

.PHONY: setup browser run test quick dev stats clean

setup: $(VENV)/.installed $(MANIFEST)

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q --no-compile -e '.[dev]'  # modules compile when first imported, not all at install
	touch $@

$(MANIFEST): $(VENV)/.installed $(DBT_SOURCES)
	mkdir -p $(MODELLENS_HOME)
	dagster-dbt project prepare-and-package --file orchestration/defs/transform/project.py
	touch $@

# Debian's chromium for the atlas's browser test; where it cannot be installed, that test is skipped and says why
browser: export DEBIAN_FRONTEND := noninteractive
browser:
	@command -v chromium >/dev/null || apt-get install -y -q chromium >/dev/null 2>&1 \
		|| (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null 2>&1) \
		|| echo "chromium could not be installed here: the browser test will be skipped"

run: setup
	modellens pipeline
	modellens stats --json

test: setup browser
	python -m pytest -q

quick: setup  # the inner loop: unit tests only (no pipeline runs, no kills)
	python -m pytest -q -m unit

dev: setup
	dagster dev -w workspace.yaml

stats:
	modellens stats --json

clean:
	rm -rf $(MODELLENS_HOME) dbt_project/target
