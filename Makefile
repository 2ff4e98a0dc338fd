# Everything a fresh clone needs: `make serve` and `make test` create the virtualenv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
PORT ?= 3000

.PHONY: install serve test check browser lint openapi schemas generated build validate cost load bench bench-mix bench-faults bench-memory bench-serve-load bench-scale catalogue lock clean

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

install: $(INSTALLED)

serve: $(INSTALLED)
	PORT=$(PORT) $(BIN)/python -m infra.local.serve

# The browser tests drive Debian's Chromium (never a downloaded build); install it when missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# One worker per core, at most four (pytest-xdist). Tests that share an expensive fixture (Chromium, sam build,
# a module's seeded stack, schemathesis) carry an xdist_group mark: each group runs whole on one worker.
test: $(INSTALLED) browser check
	$(BIN)/python -m pytest -n auto --maxprocesses 4 --dist loadgroup

# Static checks: lint, types (mypy, strict) and the layers (import-linter contracts in pyproject.toml).
check: $(INSTALLED)
	$(BIN)/ruff check functions infra tests
	$(BIN)/ruff format --check functions infra tests
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

lint: check

# Regenerate the committed artefacts that tests check for drift.
generated: openapi schemas
openapi: $(INSTALLED)
	$(BIN)/python -m infra.openapi_examples --write
	$(BIN)/content-api openapi --write
schemas: $(INSTALLED)
	$(BIN)/content-api schemas --write

# docs/cost.md from the cost model (infra/cost/): prices, the traffic mix, the API's own cache lifetimes and the
# last `make load` run. A test fails when the file differs from what this makes.
cost: $(INSTALLED)
	$(BIN)/python -m infra.cost

# The cost model's traffic against `make serve` with Locust, then through a caching proxy (about a minute of load,
# plus starting and publishing LOAD_ARTICLES synthetic articles); records the figures and remakes docs/cost.md.
LOAD_SECONDS ?= 60
LOAD_USERS ?= 16
LOAD_ARTICLES ?= 200
load: $(INSTALLED)
	$(BIN)/python -m infra.load --seconds $(LOAD_SECONDS) --users $(LOAD_USERS) --articles $(LOAD_ARTICLES)
	$(BIN)/python -m infra.cost

bench: build
	$(BIN)/python -m infra.benchmarks.cause_lookup
	$(BIN)/python -m infra.benchmarks.article_search
	$(BIN)/python -m infra.benchmarks.api_speed

# CPU per request on a Zipf mix over 1,000 synthetic articles, published through ingest on moto (several
# minutes), this build against another (AGAINST=path/to/.aws-sam/build/ApiFunction; default: itself).
bench-mix: build
	$(BIN)/python -m infra.benchmarks.request_mix $(if $(AGAINST),--against $(AGAINST))

# What a client sees when the store is refused, hung, slow, trickling, throttled, failing or corrupt (README).
bench-faults: $(INSTALLED)
	$(BIN)/python -m infra.benchmarks.store_faults

# make serve's memory under 16 clients for five minutes, then idle for one (CLIENTS, SECONDS).
CLIENTS ?= 16
SECONDS ?= 300
bench-serve-load: $(INSTALLED)
	$(BIN)/python -m infra.benchmarks.serve_load --clients $(CLIENTS) --seconds $(SECONDS)

# A warm container's memory under requests that never repeat (distinct cause lookups and searches, then a mix):
# make bench-memory REQUESTS=60000
REQUESTS ?= 60000
bench-memory: $(INSTALLED)
	$(BIN)/python -m infra.benchmarks.cache_memory --requests $(REQUESTS)

# Issue 19's scale table: per catalogue size (articles per locale), publish time through ingest on moto, a fresh
# API container's cold start, first article, search and cause lookup, warm p50/p99, memory and its reads after one
# change, with ratios to the 1-article catalogue. make bench-scale SIZES="1 100 1000 10000" SCALE_JSON=/tmp/scale.json
SIZES ?= 1 100 1000
bench-scale: build
	$(BIN)/python -m infra.benchmarks.scale --sizes $(SIZES) $(if $(SCALE_JSON),--json $(SCALE_JSON))

# A synthetic catalogue laid out like content/, for publishing or measuring at scale (issue 19):
# make catalogue ARTICLES=1000 CAUSES=76 OUT=/tmp/catalogue, then content-api publish --content /tmp/catalogue
ARTICLES ?= 1000
CAUSES ?= 76
OUT ?= /tmp/synthetic-catalogue
catalogue: $(INSTALLED)
	$(BIN)/python -m infra.benchmarks.catalogue --articles $(ARTICLES) --causes $(CAUSES) --out $(OUT)

validate: $(INSTALLED)
	$(BIN)/sam validate --lint

# The Lambda packages are built from locks with hashes (functions/requirements/*.lock); after changing a
# requirements file, lock again: make lock (uv resolves for Lambda's Python 3.13 on arm64).
lock: $(INSTALLED)
	cd functions && for name in api publishing webhooks; do \
		../$(BIN)/uv pip compile --quiet --generate-hashes --no-header --python-version 3.13 \
			--python-platform aarch64-manylinux2014 --only-binary :all: requirements/$$name.txt \
			-o requirements/$$name.lock; done

build: $(INSTALLED)
	PATH="$$($(BIN)/python -m infra.python313):$$PATH" $(BIN)/sam build

clean:
	rm -rf $(VENV) .venv-lambda .aws-sam .pytest_cache .mypy_cache .import_linter_cache
