# One-command set-up: every target creates .venv and installs what it needs.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast venv clean dist translations

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[server,erp,routing,dev]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m fieldcrm.demo.run

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

test-fast: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -m "not slow"

# The one-folder desktop bundle (build.spec) and its .tar.gz, for IT.
dist: $(STAMP)
	$(BIN)/python -m PyInstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller build.spec
	cd dist && tar -czf fieldcrm-$$(../$(BIN)/python -c 'import fieldcrm; print(fieldcrm.__version__)')-$$(uname -s | tr '[:upper:]' '[:lower:]')-$$(uname -m).tar.gz fieldcrm

# Extract tr() strings into resources/translations/*.ts and compile the .qm files.
translations: $(STAMP)
	$(BIN)/python resources/translations/build.py

clean:
	rm -rf $(VENV) build dist .pytest_cache

.PHONY: demo-erp
# A local Tryton ERP, the embedded server connected to it, and one order from a laptop to the ERP and back.
demo-erp: $(STAMP)
	$(BIN)/python -m fieldcrm.server.erp.demo
