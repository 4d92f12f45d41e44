# wirepy -- make targets for users, developers and CI.
#
#   make demo    install what is missing, build, dissect the sample capture
#   make test    install what is missing, build, fetch Wireshark's test
#                captures, run the whole test suite
#   make deps    install the Debian packages wirepy needs (as root)
#   make build   build the compiled module into a virtualenv (.venv)
#   make bench   run the benchmarks (ratios against tshark and peers)
#   make fuzz    a long fuzzing run (FUZZ_CASES, FUZZ_SEED, FUZZ_START, FUZZ_TIMEOUT,
#                FUZZ_MINUTES: a time budget, 0 for none)
#   make docs    build the Sphinx documentation (warnings are errors)
#   make lint    ruff
#   make clean   remove build products and the virtualenv
#
# Other Debian releases, each in a debootstrap root cached outside the
# repository ($$WIREPY_CACHE/roots/DIST; as root; see .ci/debian-root):
#   make root DIST=trixie          create (or finish, or update) the root of DIST
#   make test-in-root DIST=trixie  copy the committed checkout (git archive HEAD)
#                                  into it and run ROOT_CMD there (default: make test)
#   make test-matrix               test-in-root for each of MATRIX_DISTS
#                                  (trixie: Wireshark 4.4, testing: 4.6)

SHELL := /bin/sh
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
PYTEST_ARGS ?=
FUZZ_CASES ?= 3000
FUZZ_SEED ?= 1
FUZZ_START ?= 0
FUZZ_TIMEOUT ?= 30
FUZZ_MINUTES ?= 0
DIST ?= trixie
MATRIX_DISTS ?= trixie testing
ROOT_CMD ?= make test

# Debian 12 packages: the C libraries and their headers, the tools the tests
# use as oracle and fixture makers (tshark, text2pcap, editcap, dumpcap), and
# what building a C extension in a venv needs.
DEB_PACKAGES := libwireshark-dev libwiretap-dev libwsutil-dev libpcap-dev \
	libglib2.0-dev wireshark-common tshark pkg-config gcc make iproute2 tcpdump zstd lz4

BUILD_INPUTS := $(wildcard cdefs/*.py cdefs/shim/*.c cdefs/shim/*.h) \
	wirepy/lib/_build.py configure setup.py pyproject.toml

.PHONY: all deps python-deps test-deps test-browser build bytecode captures test fuzz demo bench docs \
	lint clean distclean \
	deb-packages root test-in-root test-matrix

all: build

deps:
	@missing=""; \
	for p in $(DEB_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" \
	        || missing="$$missing $$p"; \
	done; \
	if ! $(PYTHON) -c 'import venv, ensurepip' >/dev/null 2>&1; then missing="$$missing python3-venv"; fi; \
	if ! $(PYTHON) -c 'import os, sysconfig; \
	        raise SystemExit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
	        >/dev/null 2>&1; then missing="$$missing python3-dev"; fi; \
	if [ -z "$$missing" ]; then echo "deps: all Debian packages present"; exit 0; fi; \
	echo "deps: missing Debian packages:$$missing"; \
	if [ "$$(id -u)" -ne 0 ]; then \
	    echo "deps: run as root:  apt-get update && apt-get install -y$$missing" >&2; exit 1; \
	fi; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get update -q && apt-get install -y -q --no-install-recommends$$missing

# The package list, for .ci/debian-root (it installs the same in each root).
deb-packages:
	@echo $(DEB_PACKAGES)

root:
	.ci/debian-root root $(DIST)

test-in-root:
	.ci/debian-root run $(DIST) $(ROOT_CMD)

test-matrix:
	@failed=""; for d in $(MATRIX_DISTS); do \
	    .ci/debian-root run $$d $(ROOT_CMD) || failed="$$failed $$d"; \
	done; \
	if [ -n "$$failed" ]; then echo "test-matrix: failed on:$$failed" >&2; exit 1; fi; \
	echo "test-matrix: passed on $(MATRIX_DISTS)"

$(VENV)/.created:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -U pip setuptools wheel
	touch $@

python-deps: $(VENV)/.deps
$(VENV)/.deps: $(VENV)/.created pyproject.toml
	$(PIP) install "cffi>=1.15" pytest pytest-xdist ruff pandas pyarrow
	touch $@

# What only the tests use: dpkt and netifaces for cypcap's own test suite
# (tests/test_cypcap_suite.py fetches that suite itself, into ~/.cache/wirepy),
# matplotlib for wirepy.plot (tests/test_plot.py); impacket (an SMB server
# and client), pynetdicom and pydicom (a DICOM Storage SCP and SCU) make the
# SMB and DICOM captures of tests/test_export_objects_smb_dicom.py; dask and
# distributed for wirepy.dask (tests/test_dask.py: a real local cluster; the
# floor keeps pip from pairing the newest dask with a distributed years
# older when the two have not been released together yet), duckdb to read
# back the Parquet files (tests/test_parquet.py).
test-deps: $(VENV)/.test-deps
$(VENV)/.test-deps: $(VENV)/.created Makefile
	$(PIP) install dpkt netifaces matplotlib impacket pynetdicom pydicom \
	    "dask[dataframe]" "distributed>=2024.1" duckdb
	touch $@

# A browser for the rendering test of tests/test_html.py: installed when
# missing (as root, best effort); without one that test skips, saying why.
test-browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
	    || { [ "$$(id -u)" -eq 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	        --no-install-recommends chromium >/dev/null 2>&1; } \
	    || echo "test-browser: chromium not installed: the browser rendering test will skip"

wirepy-build.conf: configure
	./configure

build: deps $(VENV)/.built bytecode
$(VENV)/.built: $(VENV)/.deps wirepy-build.conf $(BUILD_INPUTS)
	$(PIP) install --no-build-isolation -e .
	touch $@

# Bytecode for the editable install, as pip writes it for a regular one:
# without it every process compiles wirepy's modules again (about 60 ms,
# e.g. where PYTHONDONTWRITEBYTECODE is set).
bytecode: $(VENV)/.built
	$(PY) -m compileall -q wirepy

# Wireshark's own test captures (from the installed version's source
# package), fetched once into a cache outside the repository
# ($$WIREPY_CACHE, default ~/.cache/wirepy): the captures nobody here wrote.
captures:
	$(PYTHON) tests/fetch_wireshark_captures.py

test: build test-deps test-browser captures
	$(PY) tests/run_per_file.py $(PYTEST_ARGS)

# Mutated captures and random frames in every mode, in worker processes;
# reproducers of crashes, hangs and unexpected exceptions go to
# $$WIREPY_CACHE/fuzz-failures (tests/fuzzing.py; the short run is in make test).
fuzz: build captures
	$(PY) tests/fuzzing.py run --seed $(FUZZ_SEED) --start $(FUZZ_START) \
	    --cases $(FUZZ_CASES) --timeout $(FUZZ_TIMEOUT) --max-minutes $(FUZZ_MINUTES)

demo: build
	$(VENV)/bin/wirepy version
	$(VENV)/bin/wirepy read examples/sample.pcapng
	$(VENV)/bin/wirepy fields examples/sample.pcapng -Y "dns || http" -E header=y \
	    -e frame.number -e ip.src -e ipv6.src -e dns.qry.name -e http.request.uri \
	    -e http.response.code

# The peers measured side by side (benchmark-only, not project dependencies).
BENCH_PEERS := cypcap pcapy-ng pypcap dpkt pyshark pandas

bench: build
	$(PIP) install $(BENCH_PEERS)
	$(PY) benchmarks/run.py

# HTML, then every example of the pages and docstrings run as doctests
# against examples/sample.pcapng (live-capture examples need root; those of
# docs/many-captures.rst need dask).
docs: build
	$(PIP) install sphinx "dask[dataframe]" "distributed>=2024.1"
	$(PY) -m sphinx -W --keep-going -q -b html docs docs/_build/html
	$(PY) -m sphinx -W --keep-going -q -b doctest docs docs/_build/doctest

lint: python-deps
	$(VENV)/bin/ruff check wirepy tests benchmarks cdefs examples

clean:
	rm -rf build dist *.egg-info wirepy/lib/_wireshark*.so wirepy/lib/_wireshark.c \
	    wirepy/lib/_wireshark.o docs/_build wirepy-build.conf $(VENV)/.built
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
