# sem-carbon: the two set-up commands are `make demo` and `make test` (see README.md).
# Both work on a fresh machine with only python3 (>= 3.10) and make.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
REPORT_DIR ?= reports/demo

.PHONY: demo test lint bench bench-dask bench-docs docs wheel factors clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[all,test,docs]"
	touch $(STAMP)

## demo: create .venv, install, and write the example office's report to $(REPORT_DIR)
demo: $(STAMP)
	$(BIN)/sem-carbon demo --out $(REPORT_DIR)

## test: create .venv if needed, lint, and run the test suite
test: $(STAMP)
	$(BIN)/ruff check sem_carbon tests scripts examples
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check sem_carbon tests scripts examples

## bench: run the pytest-benchmark suite and print ratios
## (the ratios go to .benchmarks/ratios.json; `make bench-docs` writes them into docs/performance.md;
## the 10M-leg Dask benchmark runs only with SEM_CARBON_DASK_BENCH_LEGS=10000000; its ratios
## go to .benchmarks/dask_ratios.json: `make bench-dask`)
bench: $(STAMP)
	SEM_CARBON_BENCH_RATIOS=.benchmarks/ratios.json $(BIN)/python -m pytest tests/benchmarks --benchmark-only --benchmark-columns=mean,stddev,rounds -p no:randomly

## bench-dask: the Dask benchmark, 10M legs from Parquet on a two-worker local cluster (minutes)
bench-dask: $(STAMP)
	SEM_CARBON_DASK_BENCH_LEGS=10000000 SEM_CARBON_BENCH_RATIOS=.benchmarks/dask_ratios.json $(BIN)/python -m pytest tests/benchmarks/test_dask_throughput.py --benchmark-only -p no:randomly -s

## bench-docs: the measured table of docs/performance.md from the last `make bench`
bench-docs:
	$(BIN)/python scripts/performance_doc.py .benchmarks/ratios.json .benchmarks/dask_ratios.json

## docs: build the documentation site into site/ (strict: any warning fails); make test runs it too
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

## wheel: build the wheel into dist/
wheel: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --wheel --outdir dist

## factors: rebuild the bundled editions from the official source files in ../shared/data
factors: $(STAMP)
	$(BIN)/python scripts/build_desnz.py
	$(BIN)/python scripts/build_ember_grid.py
	$(BIN)/python scripts/build_ipcc_gwp.py

clean:
	rm -rf $(VENV) dist build reports site .pytest_cache .ruff_cache
