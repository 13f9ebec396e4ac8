# nianbao: `make run` sets up and runs the main job (the demo); `make test` sets up and runs the tests.
VENV ?= .venv
PY := $(VENV)/bin/python
CORPUS ?= ../shared/corpus

DEMO_ARGS ?=

.PHONY: setup run parse-corpus test lint bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $@

run: setup
	$(VENV)/bin/nianbao demo --archive var/demo $(DEMO_ARGS)

parse-corpus: setup
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
	$(PY) bench/archive_bench.py
	$(PY) bench/crawl_bench.py

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
