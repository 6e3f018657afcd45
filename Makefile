# Minsheng (民生) — run `make help` for the targets.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# `nameko test` applies eventlet's monkey-patch before pytest imports anything.
PYTEST := $(BIN)/nameko test
T ?=
# Every folder under services/ is a service (contracts.registry lists what runs).
SRC_ROOTS := libs/contracts libs/servicekit $(sort $(wildcard services/*)) gateway

.DEFAULT_GOAL := help
.PHONY: help install run test lint fmt test-unit test-contract test-service test-int test-e2e \
        test-faults test-browser browsers prometheus test-one migrate topology bench compose-check clean new-service typecheck

help: ## list the targets
	@grep -hE '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | \
	  awk -F':.*## ' '{printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "需要 Python 3.11 ($(PYTHON) not found)"; exit 1; }
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@# Plain source paths: setuptools' editable finder runs after the path finder, so the
	@# repo's top-level gateway/ folder would shadow the gateway package as a namespace.
	@printf '%s\n' $(addprefix $(CURDIR)/,$(SRC_ROOTS)) > $(VENV)/lib/python3.11/site-packages/minsheng-src.pth
	@touch $(STAMP)

install: $(STAMP) ## create the virtualenv and install pinned dependencies

run: $(STAMP) ## start the platform locally (migrate, start workers + gateway, load demo data)
	$(BIN)/python -m scripts.run_platform

test: $(STAMP) lint test-unit test-contract test-service test-int test-e2e test-browser test-faults ## run every test tier (what CI runs)

lint: $(STAMP) ## ruff, the import-layering contracts and mypy strict (typecheck)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

typecheck: $(STAMP) ## mypy strict on contracts, servicekit and every domain package
	$(BIN)/mypy

fmt: $(STAMP) ## format the code
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

test-unit: $(STAMP) ## pure rules: no broker, no database
	$(PYTEST) -q tests/unit

test-contract: $(STAMP) ## contracts against the code that uses them
	$(PYTEST) -q tests/contract

test-service: $(STAMP) ## nameko containers with SQLite
	$(PYTEST) -q tests/service

test-int: $(STAMP) prometheus ## the machine's RabbitMQ and PostgreSQL, Alembic, deployment files, alert and dashboard checks
	$(PYTEST) -q tests/integration

test-e2e: $(STAMP) ## processes as `make run` starts them, HTTP only
	$(PYTEST) -q tests/e2e

# Debian's packages, as root (CI's machine): Playwright's own browser download is unreachable.
APT_INSTALL = apt-get install -y -q $(1) || { apt-get update -q && apt-get install -y -q $(1); }
browsers: ## Debian's Chromium and a Chinese font for the browser tests, when missing
	@test -x /usr/bin/chromium || { echo "安装 Debian 的 chromium (installing Debian's chromium for tests/browser)"; $(call APT_INSTALL,chromium); }
	@fc-list :lang=zh family | grep -q . || { echo "安装中文字体 (installing a Chinese font: fonts-wqy-microhei)"; $(call APT_INSTALL,fonts-wqy-microhei); }

prometheus: ## Debian's prometheus package for promtool (alert unit tests, dashboard PromQL), when missing
	@command -v promtool >/dev/null || { echo "安装 Debian 的 prometheus，用其 promtool (installing Debian's prometheus for promtool)"; $(call APT_INSTALL,prometheus); }

test-browser: $(STAMP) browsers ## the pages in Chromium at phone width, axe-core on each (plain pytest: Playwright)
	$(BIN)/pytest -q -p no:warnings tests/browser

test-faults: $(STAMP) ## kill -9 a worker; kill and restart a private broker
	$(PYTEST) -q tests/faults

test-one: $(STAMP) ## run one test path quickly: make test-one T=tests/unit/test_x.py
	$(PYTEST) -q $(T)

migrate: $(STAMP) ## migrate every registered service database (SERVICE=x for one)
	$(BIN)/python -m servicekit.migrate $(SERVICE)

topology: $(STAMP) ## declare every event queue and dead-letter queue on the broker
	$(BIN)/python -m servicekit.topology

bench: $(STAMP) ## public submission through the gateway vs a bare @http→RPC echo
	$(BIN)/python -m bench.bench_intake

new-service: $(STAMP) ## scaffold a service that runs: make new-service NAME=x TITLE=中文名 (docs/adding-a-service.md)
	@test -n "$(NAME)" || { echo "用法 (usage): make new-service NAME=x TITLE=中文名"; exit 2; }
	$(BIN)/python -m scripts.new_service $(NAME) --title "$(TITLE)"

compose-check: $(STAMP) ## validate docker-compose.yml against the Compose specification
	$(BIN)/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml

clean: ## remove the virtualenv and local data
	rm -rf $(VENV) var
