# CareNet: `make demo` sets everything up and runs it; `make test` runs the test suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
SEED   ?= 1
export CARENET_DATA_DIR ?= $(CURDIR)/var

.PHONY: install demo run test test-browser bench lint messages compilemessages clean chromium pdf-deps pg-client stack-check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $(STAMP)

install: $(STAMP)

demo: install pdf-deps
	CARENET_REQUIRE_2FA=0 $(BIN)/carenet migrate --no-input
	$(BIN)/carenet load-areas ukraine
	$(BIN)/carenet load-areas poland
	$(BIN)/carenet load-taxonomies
	$(BIN)/carenet load-community-reference
	$(BIN)/carenet load-cop-reference
	$(BIN)/carenet load-peer-reference
	$(BIN)/carenet load-feedback-reference
	$(BIN)/carenet load-instruments
	$(BIN)/carenet demo-data --seed $(SEED) --scale small
	@echo ""
	@echo "CareNet is starting at http://$(HOST):$(PORT)/  (stop it with Ctrl+C)"
	@$(BIN)/carenet demo-data --print-sign-ins
	CARENET_REQUIRE_2FA=0 $(BIN)/carenet runserver $(HOST):$(PORT)

run: install
	$(BIN)/carenet migrate --no-input
	$(BIN)/carenet runserver $(HOST):$(PORT)

# Tests run in parallel (pytest-xdist, one worker per core); `make test WORKERS=0` runs them in
# one process, `make test WORKERS=0 ARGS='src/carenet/referrals -x'` a part of them.
WORKERS ?= auto
ARGS    ?=
test: install pdf-deps pg-client
	$(BIN)/pytest -n $(WORKERS) $(ARGS)

# pg_dump and pg_restore, for `carenet backup`/`restore` and their test on PostgreSQL.
pg-client:
	@command -v pg_dump >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq postgresql-client >/dev/null)

# The production stack on loopback (Redis, PostgreSQL, gunicorn, an RQ worker): see
# scripts/stack_check.py. Needs a PostgreSQL server at STACK_POSTGRES (127.0.0.1:5432).
stack-check: install pg-client
	@command -v redis-server >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq redis-server >/dev/null)
	$(BIN)/python scripts/stack_check.py

# Browser tests need Debian's chromium (installed here when missing; no browser download).
chromium:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

# Report packs are PDFs made by WeasyPrint: it needs Pango and a font with Cyrillic and Polish
# letters (DejaVu); the tests read and draw the pages with poppler (pdftotext, pdftoppm).
pdf-deps:
	@(ldconfig -p | grep -q libpangoft2-1.0 && fc-list 2>/dev/null | grep -qi dejavu && command -v pdftoppm >/dev/null 2>&1) || (apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core poppler-utils >/dev/null)

BROWSER_WORKERS ?= 0
test-browser: install chromium pdf-deps
	$(BIN)/pytest -m browser -n $(BROWSER_WORKERS) tests_browser $(ARGS)

bench: install
	$(BIN)/python benchmarks/run.py

lint: install
	$(BIN)/ruff format --check src benchmarks tests_browser scripts
	$(BIN)/ruff check src benchmarks tests_browser scripts
	$(BIN)/mypy src

messages: install
	@command -v xgettext >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq gettext >/dev/null)
	$(BIN)/python scripts/messages.py extract
	$(BIN)/python scripts/messages.py compile

compilemessages: install
	$(BIN)/python scripts/messages.py compile

clean:
	rm -rf $(VENV) var
