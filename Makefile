# Two commands for a newcomer: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
CATALOGS := $(wildcard locales/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

.PHONY: run test setup catalogs i18n lint fuzz bench sandbox clean

run: setup
	$(PY) -m bot run

test: setup
	$(PY) -m pytest -q

setup: $(STAMP) $(COMPILED)

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the project's dependencies change.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $(STAMP)

locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(STAMP)
	$(VENV)/bin/pybabel -q compile -d locales -D messages -l $*

catalogs: $(COMPILED)

# Extract strings from the code and merge them into every catalog; then translate the new entries.
i18n: $(STAMP)
	$(VENV)/bin/pybabel -q extract -F babel.cfg -k N_ -k t -k gettext -k ngettext:1,2 \
		--no-location --sort-output --omit-header -o locales/messages.pot .
	$(VENV)/bin/pybabel -q update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching --ignore-obsolete
	$(PY) -m bot.i18n_tools fill-source locales/en/LC_MESSAGES/messages.po
	$(PY) -m bot.i18n_tools report

lint: setup
	$(VENV)/bin/ruff check bot handlers sandbox tests bench

sandbox: setup
	$(PY) -m bot sandbox

# A longer fuzz run than `make test` does: FUZZ_EXAMPLES sequences of FUZZ_STEPS to 2×FUZZ_STEPS updates.
FUZZ_EXAMPLES ?= 500
FUZZ_STEPS ?= 16
fuzz: setup
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_STEPS=$(FUZZ_STEPS) $(PY) -m pytest -q tests/fuzz

# Every benchmark in bench/ (not its _helpers), one JSON line each (about 7 minutes in all).
bench: setup
	@for script in bench/[!_]*.py; do echo "# $$script" >&2; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) $(COMPILED) .pytest_cache .ruff_cache
