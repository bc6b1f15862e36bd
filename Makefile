# genqueue: `make run` serves it on SQLite, `make test` runs every test. Both set up .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
BENCH_STAMP := $(VENV)/.installed-bench
PEERS_STAMP := $(VENV)/.installed-peers
# arq pins redis<6, the other peers need redis>=6.4: it gets a venv of its own.
ARQ_VENV := .venv-peers/arq
ARQ_STAMP := $(ARQ_VENV)/.installed
ARQ_REQUIREMENTS = $$($(PYTHON) -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']['peers-arq'])")
NODE_PEER := bench/peers/bullmq_node
NODE_STAMP := $(NODE_PEER)/node_modules/.installed
.PHONY: .venv run test lint format bench bench-api bench-peers bench-realtime clean

.venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -m venv --help >/dev/null 2>&1 || (apt-get update -q && apt-get install -y -q python3-venv)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

$(BENCH_STAMP): $(STAMP)
	$(BIN)/pip install -q -e '.[dev,bench]'
	touch $@

$(PEERS_STAMP): $(STAMP)
	$(BIN)/pip install -q -e '.[dev,peers]'
	touch $@

$(ARQ_STAMP): pyproject.toml
	$(PYTHON) -m venv $(ARQ_VENV)
	$(ARQ_VENV)/bin/pip install -q $(ARQ_REQUIREMENTS)
	touch $@

$(NODE_STAMP): $(NODE_PEER)/package.json
	cd $(NODE_PEER) && npm install --no-audit --no-fund --silent
	touch $@

run: .venv
	exec $(BIN)/genqueue serve

# Redis tests use 127.0.0.1:6379, else a redis-server they start; install one if missing.
# Browser tests drive Debian's chromium (Playwright, no browser download).
test: .venv
	@command -v redis-server >/dev/null 2>&1 || (apt-get update -q && apt-get install -y -q redis-server) \
		|| echo "redis-server could not be installed: the Redis tests will be skipped (failed under CI=true)"
	@command -v chromium >/dev/null 2>&1 || (apt-get update -q && apt-get install -y -q chromium) \
		|| echo "chromium could not be installed: the browser tests will be skipped (failed under CI=true)"
	$(BIN)/pytest

lint: .venv
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

format: .venv
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: $(BENCH_STAMP)
	$(BIN)/python bench/sqlite_throughput.py

bench-api: $(BENCH_STAMP)
	@command -v wrk >/dev/null 2>&1 || (apt-get update -q && apt-get install -y -q wrk)
	$(BIN)/python bench/api_load.py

# PEERS="taskiq dramatiq" runs genqueue and those two only.
bench-peers: $(PEERS_STAMP) $(ARQ_STAMP) $(NODE_STAMP)
	$(BIN)/python bench/peers/run.py

clean:
	rm -rf $(VENV) .venv-peers $(NODE_PEER)/node_modules build src/*.egg-info .pytest_cache .mypy_cache .ruff_cache

# QUICK=1 runs 200 subscribers once (a smoke run).
bench-realtime: $(BENCH_STAMP)
	$(BIN)/python bench/realtime_fanout.py $(if $(QUICK),--quick,)
