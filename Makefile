# Two commands do all setup on a fresh machine with Python 3.11 and make:
#   make demo   create .venv and run the whole pipeline on the bundled UMSAB sample
#   make test   create .venv and .venv-labelstudio and run the whole test suite

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
LS_VENV := .venv-labelstudio
DEMO_OUT ?= runs/umsab

.PHONY: setup labelstudio demo test lint benchmarks clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[dev]'
	touch $@

labelstudio: $(LS_VENV)/.installed

$(LS_VENV)/.installed: requirements/labelstudio.txt
	$(PYTHON) -m venv $(LS_VENV)
	$(LS_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LS_VENV)/bin/python -m pip install --quiet -r requirements/labelstudio.txt
	touch $@

demo: setup
	$(VENV)/bin/regionkit run samples/umsab/workflow.toml --out $(DEMO_OUT)

test: setup labelstudio
	REGIONKIT_LABEL_STUDIO_BIN=$(CURDIR)/$(LS_VENV)/bin/label-studio $(VENV)/bin/python -m pytest

lint: setup
	$(VENV)/bin/ruff check src tests benchmarks

benchmarks: setup
	$(VENV)/bin/python benchmarks/cold_start.py

clean:
	rm -rf $(VENV) $(LS_VENV) runs .pytest_cache
