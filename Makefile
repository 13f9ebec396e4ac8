# nianbao: `make run` sets up and runs the main job; `make test` sets up and runs the tests.
VENV ?= .venv
PY := $(VENV)/bin/python
CORPUS ?= ../shared/corpus

.PHONY: setup run test lint bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $@

run: setup
	mkdir -p var
	$(VENV)/bin/nianbao parse $(CORPUS)
	$(VENV)/bin/nianbao parse $(CORPUS) --jsonl > var/records.jsonl
	@echo "records written to var/records.jsonl"

lint: setup
	$(VENV)/bin/ruff check .

test: setup lint
	$(PY) -m pytest -q

bench: setup
	$(PY) bench/parse_bench.py

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
