# `make run`: set up and run the whole pipeline on the snapshot. `make test`: set up and run the tests.
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
export MODELLENS_HOME ?= $(CURDIR)/.modellens
export DAGSTER_HOME ?= $(MODELLENS_HOME)/dagster
export PATH := $(BIN):$(PATH)
MANIFEST := dbt_project/target/manifest.json
DBT_SOURCES := $(shell find dbt_project/models dbt_project/macros dbt_project/seeds -type f) dbt_project/dbt_project.yml

.PHONY: setup test-programs run test quick dev stats clean

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

# Debian's programs that tests run for real: chromium (the atlas's browser test) and the PostgreSQL server (Dagster on
# PostgreSQL); where one cannot be installed, its test is skipped and says why
test-programs: export DEBIAN_FRONTEND := noninteractive
test-programs:
	@missing=""; command -v chromium >/dev/null || missing="chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	[ -z "$$missing" ] || apt-get install -y -q $$missing >/dev/null 2>&1 \
		|| (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q $$missing >/dev/null 2>&1) \
		|| echo "could not install$$missing here: the tests that need it will be skipped"

run: setup
	modellens pipeline
	modellens stats --json

test: setup test-programs
	python -m pytest -q

quick: setup  # the inner loop: unit tests only (no pipeline runs, no kills)
	python -m pytest -q -m unit

dev: setup
	dagster dev -w workspace.yaml

stats:
	modellens stats --json

clean:
	rm -rf $(MODELLENS_HOME) dbt_project/target
