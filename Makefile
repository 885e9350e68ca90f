# Two commands for a newcomer: `make run` and `make test`. Everything else is called by them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# the exact versions of the dev lock (hash-checked), then the project itself without dependencies;
# the venv reinstalls when pyproject.toml or the lock changes
LOCK := requirements-dev.lock
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml $(LOCK) | sha1sum | cut -c1-12)

.PHONY: venv run test test-fast browser-deps lint bench serve-prod messages lock

$(STAMP): pyproject.toml $(LOCK)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q --require-hashes -r $(LOCK)
	$(VENV)/bin/pip install -q --no-deps -e .
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
# browsers here), an embeddable CJK font for PDFs, poppler to render PDFs to images, nginx-light
# to run the real deploy/nginx.conf in front of gunicorn (tests/faults/test_behind_nginx.py,
# bench/load_bench.py --through-nginx; each starts its own unprivileged nginx on free ports,
# never the system service).
SYSTEM_PACKAGES := chromium fonts-wqy-zenhei poppler-utils nginx-light flite
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
	$(VENV)/bin/lint-imports --no-cache

# after a change of pins in pyproject.toml: re-resolve both locks (the runtime one the image
# installs, the dev one `make venv` installs) with pip-tools from a scratch venv, then review
# the diff. pip-compile keeps a version already in a lock while pyproject.toml allows it (add
# `--upgrade-package NAME` to move one).
LOCK_VENV := $(or $(TMPDIR),/tmp)/portal-lock-venv
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile -q \
	--generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links
lock:
	test -x $(LOCK_VENV)/bin/pip-compile || \
	  ($(PYTHON) -m venv $(LOCK_VENV) && $(LOCK_VENV)/bin/pip install -q pip-tools==7.6.2)
	$(PIP_COMPILE) -o requirements.lock pyproject.toml
	$(PIP_COMPILE) --extra dev -o $(LOCK) pyproject.toml


messages: venv
	$(PY) manage.py makemessages -l en --ignore '.venv/*' --ignore 'node_modules/*'
	$(PY) manage.py compilemessages --ignore '.venv/*'

bench: venv
	bash scripts/bench.sh

# production settings on this machine: gunicorn + Celery worker + beat on local PostgreSQL and Redis
serve-prod: venv
	bash scripts/serve-prod.sh
