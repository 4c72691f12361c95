# gdsim: `make serve` to work on the site, `make test` to check everything. `make help` lists all.
.DEFAULT_GOAL := help
SHELL := /bin/bash
export NO_MKDOCS_2_WARNING := 1
# NumPy's BLAS on one thread per process: the simulations multiply small matrices, where extra
# threads only add overhead, and render and test workers already fill every core (a practice
# chapter's runs took 2–20× longer with OpenBLAS's default threads on a busy 2-core machine).
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000
JOBS ?=
FORCE ?=
# Tests run in parallel, in the units and order tests/conftest.py gives (longest first). One
# worker more than there are cores: the browser and fault tests wait on other processes, and the
# extra worker keeps every core busy.
WORKERS := $(shell $(PYTHON) -c "import os; print(len(os.sched_getaffinity(0)) + 1)" 2>/dev/null || echo 2)
PYTEST_PARALLEL ?= -n $(WORKERS) --dist loadgroup --no-loadscope-reorder
# FRESH=1: nothing is reused: every figure redrawn, every long run computed again in an empty
# result store, every notebook run, every check run again (tests/conftest.py, the MkDocs hook)
export GDSIM_FRESH := $(if $(FRESH),1,)
ifdef FRESH
export GDSIM_RESULTS := $(CURDIR)/.cache/fresh/results
endif

.PHONY: help serve build figures lint lock test test-fast bench audit clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# Every Python package is pinned, with its hashes, in requirements.lock (CI, the deploy and every
# contributor install exactly these; `make lock` refreshes it after pyproject.toml changes). uv
# installs them (12 s on a fresh machine where pip took 51 s); uv itself is pinned in requirements-uv.lock.
UV := 0.13.10
LOCK := uv pip compile --quiet --generate-hashes --universal --python-version 3.10 --custom-compile-command "make lock"
$(STAMP): pyproject.toml requirements.lock requirements-uv.lock node_modules/.installed
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-uv.lock
	$(BIN)/python -m uv pip install --quiet --python $(BIN)/python --require-hashes -r requirements.lock
	$(BIN)/python -m uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $@

lock: ## pin every Python package with its hashes (requirements.lock), after editing pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV)
	$(BIN)/python -m $(LOCK) pyproject.toml --extra test -o requirements.lock
	echo "uv==$(UV)" | $(BIN)/python -m $(LOCK) --no-annotate - -o requirements-uv.lock

# KaTeX, which typesets the formulas when the site is built (Node.js needed at build time only)
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

serve: $(STAMP) ## render stale figures and serve the site with live reload on http://$(HOST)
	$(BIN)/python -m gdsim render $(if $(JOBS),--jobs $(JOBS))
	$(BIN)/mkdocs serve --dev-addr $(HOST) --livereload

build: $(STAMP) ## build the static site into site/ (mkdocs build --strict)
	$(BIN)/mkdocs build --strict --site-dir site

figures: $(STAMP) ## render stale figures into figures/ (FORCE=1 re-renders all, JOBS=N)
	$(BIN)/python -m gdsim render $(if $(FORCE),--force) $(if $(JOBS),--jobs $(JOBS))

lint: $(STAMP) ## check the code with ruff (configured in pyproject.toml)
	$(BIN)/ruff check gdsim tests

test: $(STAMP) lint ## lint, then run every test (unit, registry, site build, browser); FRESH=1 reuses nothing
	$(if $(FRESH),rm -rf .cache/fresh)
	$(BIN)/python -m pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi; exit $$status

test-fast: $(STAMP) lint ## lint, then every test but the browser ones (quick checks while editing)
	$(BIN)/python -m pytest -m "not browser" $(PYTEST_PARALLEL) $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi; exit $$status

bench: $(STAMP) ## measure render times and animation sizes (a report, not a test)
	$(BIN)/python -m gdsim.build.bench

audit: build .ci/audit/node_modules/.installed ## Lighthouse on every page of site/, served with gzip (a report; fails below the goals)
	$(BIN)/python -m gdsim.site.audit

.ci/audit/node_modules/.installed: .ci/audit/package.json .ci/audit/package-lock.json
	npm ci --prefix .ci/audit --no-audit --no-fund --loglevel=error
	@touch $@

clean: ## remove rendered figures, the built site and caches (keeps .venv)
	find figures -mindepth 1 ! -name README.md -delete
	rm -rf site .pytest_cache bench .cache
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +
