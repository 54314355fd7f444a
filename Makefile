# The two commands: `make run` (set up and serve on SQLite) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/portal
export PYTHONDONTWRITEBYTECODE := 1
# Development-only management commands (a generated key in var/, SQLite unless DATABASE_URL says otherwise).
MANAGE := DEBUG=1 $(PY) manage.py
MAKEMESSAGES_OPTIONS := --no-location --no-obsolete --ignore=.venv --ignore=node_modules --ignore=benchmarks \
	--ignore=staticfiles --ignore=var --ignore=media -v0

# backup / restore: the development database and media; in production run `manage.py backup` itself.
.PHONY: backup restore run serve setup test lint check-migrations test-sqlite test-postgres test-third-language test-browser browser-deps messages compilemessages bench bench-cold bench-peer import-corpus clean

$(VENV)/.requirements: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.requirements-dev: requirements-dev.txt requirements.txt $(VENV)/.requirements
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

gettext-tools:
	@command -v msgfmt >/dev/null || { echo "Installing gettext (msgfmt) with apt"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext) >/dev/null; }

compilemessages: $(VENV)/.requirements gettext-tools
	$(MANAGE) compilemessages --ignore=.venv -v0

setup: $(VENV)/.requirements compilemessages
	$(MANAGE) prepare_database
	$(MANAGE) load_demo
	$(MANAGE) ensure_admin

run: setup
	@echo "Serving http://127.0.0.1:$(PORT)/ (admin: http://127.0.0.1:$(PORT)/admin/)"
	$(MANAGE) runserver 127.0.0.1:$(PORT)

messages: $(VENV)/.requirements gettext-tools
	mkdir -p locale
	$(MANAGE) makemessages -l zh_Hans -l en $(MAKEMESSAGES_OPTIONS)
	@# JavaScript strings get their own catalogue once a script calls gettext().
	@if grep -rqsE '\b(n|p)?gettext\(' --include='*.js' static/js; then \
	  $(MANAGE) makemessages -d djangojs -l zh_Hans -l en $(MAKEMESSAGES_OPTIONS) --ignore=static/vendor; fi
	@# A file whose only change is its creation date keeps its committed version.
	@for po in locale/*/LC_MESSAGES/*.po; do \
	  git diff --quiet -I'^"POT-Creation-Date: ' -- $$po 2>/dev/null && git checkout -q -- $$po 2>/dev/null; true; done
	$(MANAGE) compilemessages --ignore=.venv -v0
	@for po in locale/*/LC_MESSAGES/*.po; do echo -n "$$po: "; msgfmt --check --statistics -o /dev/null $$po; done

lint: $(VENV)/.requirements-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

check-migrations: $(VENV)/.requirements-dev
	$(MANAGE) makemigrations --check --dry-run

test-sqlite: $(VENV)/.requirements-dev compilemessages
	DATABASE_URL= $(VENV)/bin/pytest -m "not browser" -q

test-postgres: $(VENV)/.requirements-dev compilemessages
	@if $(PY) -c "import psycopg,sys; psycopg.connect('$(PG_URL)'.rsplit('/',1)[0]+'/postgres', connect_timeout=3).close()" 2>/dev/null; then \
	  DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest -m "not browser" -q; \
	elif [ "$$CI" = "true" ]; then \
	  echo "PostgreSQL is not reachable at $(PG_URL), and CI needs it." >&2; exit 1; \
	else \
	  echo; echo "!!!!!! PostgreSQL is not reachable at $(PG_URL): the PostgreSQL half of the suite was SKIPPED !!!!!!"; echo; \
	fi

browser-deps: $(VENV)/.requirements-dev
	@test -x /usr/bin/chromium || { echo "Installing Debian's chromium with apt"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; }
	@test -f node_modules/axe-core/axe.min.js || npm ci --no-audit --no-fund --loglevel=error
	@fc-list :lang=zh 2>/dev/null | grep -q . || { echo "Installing Chinese fonts for the screenshots with apt"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk) >/dev/null || true; }

# A third language enabled by settings alone: the suite passes with Japanese on (migrations describe two languages,
# so the test database is built from the models).
THIRD_LANGUAGE ?= ja
test-third-language: $(VENV)/.requirements-dev compilemessages
	PORTAL_LANGUAGES=zh-hans,en,$(THIRD_LANGUAGE) DATABASE_URL= $(VENV)/bin/pytest -m "not browser" -q --no-migrations

test-browser: browser-deps compilemessages
	DATABASE_URL= $(VENV)/bin/pytest -m browser -q

# The runs are independent (their own test databases): SQLite, PostgreSQL, the third-language run and the
# browser tests, two at a time on the two cores, each started as soon as a core is free (in turn, the
# browser tests waited for all three and left a core idle: 17.6 minutes against 15.3 here).
test: lint check-migrations $(VENV)/.requirements-dev compilemessages browser-deps
	$(MAKE) --no-print-directory -j2 --output-sync=target test-postgres test-sqlite test-third-language test-browser

# Page benchmarks with gunicorn and wrk, and the import benchmark; writes BENCHMARKS.md (QUICK=1: a smoke run).
bench: $(VENV)/.requirements compilemessages
	@command -v wrk >/dev/null || { echo "Installing wrk with apt"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) >/dev/null; }
	$(PY) benchmarks/bench.py $(if $(QUICK),--quick)

# The portal against a Wagtail 8 site of the same 2,000 generated articles per language, side by side (Wagtail
# installed in var/bench-wagtail/): prints the table and puts it in BENCHMARKS.md as its "Against a peer" section.
bench-peer: $(VENV)/.requirements compilemessages
	@command -v wrk >/dev/null || { echo "Installing wrk with apt"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) >/dev/null; }
	$(PY) benchmarks/peer.py --output BENCHMARKS.md

# Uncached pages at 2,000 and 20,000 articles, in-process with the test client: does a page's cost grow with the archive.
bench-cold: $(VENV)/.requirements compilemessages
	$(PY) benchmarks/cold_pages.py

# The openEuler corpus beside the repository, imported into the development database.
CORPUS ?= ../shared/corpus/openeuler
import-corpus: $(VENV)/.requirements
	DEBUG=1 $(PY) manage.py migrate --no-input -v0
	DEBUG=1 $(PY) manage.py import_news $(CORPUS) \
	  --static-root $(CORPUS)/website-v2/web-ui/docs/.vuepress/public \
	  --static-root $(CORPUS)/openEuler-portal/app/.vitepress/public

backup: $(VENV)/.requirements
	$(MANAGE) backup

# make restore FILE=var/backups/portal-….tar.gz [FORCE=1]
restore: $(VENV)/.requirements
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=var/backups/portal-YYYYmmdd-HHMMSS.tar.gz [FORCE=1]" >&2; exit 2; }
	$(MANAGE) migrate --no-input -v0
	$(MANAGE) restore "$(FILE)" $(if $(FORCE),--force)

clean:
	rm -rf $(VENV) var media staticfiles artifacts node_modules
