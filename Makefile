# The two commands of this project: `make demo` and `make test`. See README.md.
PYTHON ?= python3
DEVENV := $(PYTHON) scripts/devenv.py

.PHONY: demo demo-reset test test-addon lint bench clean-odoo

demo:            ## build (first time) and serve the dunning_demo database on :8069
	$(DEVENV) demo

demo-reset:      ## drop and rebuild dunning_demo, then serve it
	$(DEVENV) demo --reset

test:            ## lint, every addon's tests (tours in Chromium), out-of-process tests
	$(DEVENV) test

test-addon:      ## one addon's tests: make test-addon ADDON=exchange_tracking
	$(DEVENV) test --no-lint --no-external --addons $(ADDON) --db test_$(ADDON)

lint:
	$(DEVENV) lint

bench:           ## benchmark figures (see README, Performance)
	$(PYTHON) tests/bench/run.py

clean-odoo:      ## remove the Odoo 18.0 fetched into .odoo/ (source and virtual environment)
	rm -rf .odoo
