# Two commands for a newcomer: `make run` and `make test`. Everything else is called by them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)

.PHONY: venv run test test-fast browser-deps lint bench serve-prod messages

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $@

venv: $(STAMP)

# embedded default: SQLite, eager Celery, local-memory cache, database search, console mail/SMS
run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

# the whole suite on SQLite, then on PostgreSQL (+ Redis and a real Celery worker) when reachable
test: venv browser-deps
	bash scripts/test.sh

# Debian packages the tests use: Chromium for browser tests (Playwright cannot download
# browsers here), an embeddable CJK font for PDFs, poppler to render PDFs to images.
SYSTEM_PACKAGES := chromium fonts-wqy-zenhei poppler-utils
browser-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing$$missing"; \
	    (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing) >/dev/null; \
	  else echo "missing Debian packages:$$missing (browser/PDF tests will be skipped)"; fi; \
	fi
	@if [ ! -f node_modules/axe-core/axe.min.js ] && command -v npm >/dev/null; then \
	  npm ci --silent --no-audit --no-fund >/dev/null 2>&1 || npm install --silent --no-audit --no-fund >/dev/null; \
	fi

lint: venv
	$(VENV)/bin/ruff check .


messages: venv
	$(PY) manage.py makemessages -l en --ignore '.venv/*' --ignore 'node_modules/*'
	$(PY) manage.py compilemessages --ignore '.venv/*'

bench: venv
	bash scripts/bench.sh

# production settings on this machine: gunicorn + Celery worker + beat on local PostgreSQL and Redis
serve-prod: venv
	bash scripts/serve-prod.sh
