# The two commands: `make demo` and `make test`. Everything else is a helper for them.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo demo-reset test venv node messages makemessages worker beat bench clean

$(STAMP): requirements.lock requirements-dev.lock
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	touch $(STAMP)

venv: $(STAMP)

# The browser tests' accessibility checks inject axe-core (package.json, pinned in package-lock.json).
# Only `make test` needs npm; without it the axe checks skip loudly (and fail under CI=true).
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $(NODE_STAMP); \
	else echo "npm not found: the axe accessibility checks of the browser tests will be skipped"; fi

node: $(NODE_STAMP)

# The compiled catalogs (.mo) are committed, so a fresh machine needs no gettext; after editing a
# .po file run `make messages` (needs msgfmt) — a test fails while .mo and .po disagree.
messages: $(STAMP)
	DEBUG=true $(PY) manage.py compilemessages --ignore=.venv -v0

# After changing visible strings: refresh the catalogs, translate the new entries, then `make test`.
makemessages: $(STAMP)
	DEBUG=true $(PY) manage.py makemessages -l de -l hu -e html,txt,py --no-obsolete \
		--ignore=.venv --ignore=staticfiles --ignore=var --ignore=tests --ignore=bench --ignore=node_modules

# `make demo PORT=8001`; another HOST than a loopback address only with DEMO_PUBLIC=yes (the demo's
# accounts are public). Re-running is safe: the demo data is loaded once. `make demo-reset` starts over.
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_PUBLIC ?= no

demo: $(STAMP)
	DEBUG=true $(PY) manage.py demo --host "$(HOST)" --port "$(PORT)" --public "$(DEMO_PUBLIC)"

demo-reset:
	rm -rf var/partnercenter.sqlite3 var/sent-mail

# The suite runs in TEST_WORKERS pytest-xdist processes (`make test TEST_WORKERS=0` for one process), a
# test file per worker at a time: each worker has its own test database and Redis databases.
TEST_WORKERS ?= 2

test: $(STAMP) $(NODE_STAMP)
	$(VENV)/bin/ruff check .
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run -v0
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

worker: $(STAMP)
	$(VENV)/bin/celery -A partnercenter worker -l info

beat: $(STAMP)
	$(VENV)/bin/celery -A partnercenter beat -l info

bench: $(STAMP)
	$(PY) bench/customers_list.py
	$(PY) bench/gdap_bulk.py
	$(PY) bench/api.py
	$(PY) bench/acceptance_pipeline.py
	$(PY) bench/outbox_mail.py
	$(PY) bench/exports.py

clean:
	rm -rf $(VENV) node_modules staticfiles var .pytest_cache .ruff_cache
