# furthest: two commands on a fresh Debian 12/13 machine.
#   make demo   install what is missing, build, run the embedded demo
#   make test   install what is missing, build, run every test (ctest + pytest, notebooks included)
#               and a short fuzz run of every harness (TEST_FUZZ_SECONDS each)
#   make lint   check the house format (ruff, clang-format); `make format` applies it

PYTHON   ?= python3
VENV     ?= .venv
BUILD    ?= build
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# System libraries come from Debian packages only; nothing is downloaded at configure time.
DEB_PACKAGES := build-essential cmake ninja-build pkg-config \
                libgdal-dev libgeos-dev libeigen3-dev libgtest-dev libgmock-dev \
                libtomlplusplus-dev nlohmann-json3-dev
PY_BUILD_DEPS := "scikit-build-core>=0.10" "pybind11>=2.12"
# The Python tests open the HTML report in headless Chromium (tests/python/test_report.py).
TEST_DEB_PACKAGES ?= chromium chromium-driver
# Only `make fuzz` needs clang and libFuzzer (libclang-rt-dev follows the default clang on Debian 12 and 13).
FUZZ_PACKAGES ?= clang libclang-rt-dev

VPY := $(VENV)/bin/python
SOURCES := $(shell git ls-files include src bindings CMakeLists.txt pyproject.toml cmake data/demo 2>/dev/null)

.PHONY: demo test deps cpp-build cpp-test py-test python clean fuzz sanitize tsan lint format
.DEFAULT_GOAL := demo

demo: python
	$(VENV)/bin/furthest demo --output furthest-demo/furthton.gpkg

# The fuzz run is short here (the seeds and regressions also replay in ctest); CI and
# `make fuzz FUZZ_SECONDS=600` run it longer.
TEST_FUZZ_SECONDS ?= 10
test: cpp-test py-test
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(TEST_FUZZ_SECONDS)

deps: $(BUILD)/.deps-ok
# Install whichever of the Debian packages $(1) are missing (apt-get update only when needed).
define install_missing
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

$(BUILD)/.deps-ok:
	$(call install_missing,$(DEB_PACKAGES))
	@mkdir -p $(BUILD) && touch $@

$(VENV)/.env-ok: | deps
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install -q --upgrade pip
	$(VPY) -m pip install -q $(PY_BUILD_DEPS)
	touch $@

# The extension is built without isolation so the build folder is reused between runs.
$(VENV)/.furthest-ok: $(VENV)/.env-ok $(SOURCES)
	$(VPY) -m pip install -q --no-build-isolation .
	touch $@

# The test extra of pyproject.toml (pytest and the peer libraries results are checked against),
# and the Debian packages the tests drive (a browser for the report).
$(VENV)/.test-deps-ok: pyproject.toml Makefile $(VENV)/.env-ok
	$(call install_missing,$(TEST_DEB_PACKAGES))
	$(VPY) -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']['test']))" > $(VENV)/test-requirements.txt
	$(VPY) -m pip install -q -r $(VENV)/test-requirements.txt
	touch $@

python: $(VENV)/.furthest-ok

cpp-build: deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DFURTHEST_BUILD_TESTS=ON
	cmake --build $(BUILD) -j $(JOBS)

cpp-test: cpp-build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

py-test: python $(VENV)/.test-deps-ok
	$(VPY) -m pytest

# ---- house format: ruff for Python (pyproject.toml [tool.ruff]), clang-format for C++ (.clang-format) ----
# Both pinned: a new release may format differently, so an upgrade is one commit that also reformats.
LINT_TOOLS := "ruff==0.17.5" "clang-format==18.1.8"
PY_LINT_PATHS := bindings/python tests benchmarks data/demo/make_demo.py examples notebooks
# Tracked and new (not ignored) C++ files that exist; ruff reads the notebooks itself.
CXX_FORMAT_FILES = $(wildcard $(shell git ls-files --cached --others --exclude-standard -- \
                     include src bindings tests/cpp tests/fuzz tests/consumer 2>/dev/null | grep -E '\.(cpp|hpp)$$'))

$(VENV)/.lint-ok: $(VENV)/.env-ok Makefile
	$(VPY) -m pip install -q $(LINT_TOOLS)
	touch $@

# Every check runs, so one pass shows everything to fix.
lint: $(VENV)/.lint-ok
	@status=0; \
	echo "ruff check"; $(VENV)/bin/ruff check $(PY_LINT_PATHS) || status=1; \
	echo "ruff format --check"; $(VENV)/bin/ruff format --check $(PY_LINT_PATHS) || status=1; \
	echo "clang-format --dry-run --Werror ($(words $(CXX_FORMAT_FILES)) files)"; \
	$(VENV)/bin/clang-format --dry-run --Werror $(CXX_FORMAT_FILES) || status=1; \
	if [ $$status != 0 ]; then echo "lint: run 'make format' (what ruff cannot fix is listed above)"; fi; \
	exit $$status

# Applies the safe fixes and both formats; findings ruff cannot fix stay listed for `make lint`.
format: $(VENV)/.lint-ok
	$(VENV)/bin/ruff check --fix --exit-zero $(PY_LINT_PATHS)
	$(VENV)/bin/ruff format $(PY_LINT_PATHS)
	$(VENV)/bin/clang-format -i $(CXX_FORMAT_FILES)

# ---- robustness: sanitizers and fuzzing ---------------------------------------------------
# make sanitize  the C++ suite (consumer check included) under AddressSanitizer + UBSan, leaks on
# make tsan      the C++ suite under ThreadSanitizer: with threads = 0 (all cores) or 2, every run
#                and crosswalk test goes through the worker threads
# make fuzz      libFuzzer on the config parser, numbers, CSV tables, WKB and GeoJSON,
#                FUZZ_SECONDS each; fails on any crash, leak or sanitizer report
ASAN_BUILD   ?= build-asan
TSAN_BUILD   ?= build-tsan
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= config number table encoding wkb geojson
# Debug builds the sanitizer trees about 40% faster than RelWithDebInfo and gives exact stacks.
SANITIZE_TYPE ?= Debug

sanitize: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=$(SANITIZE_TYPE) -DFURTHEST_BUILD_TESTS=ON -DFURTHEST_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

tsan: deps
	cmake -S . -B $(TSAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=$(SANITIZE_TYPE) -DFURTHEST_BUILD_TESTS=ON -DFURTHEST_TSAN=ON
	cmake --build $(TSAN_BUILD) -j $(JOBS) --target furthest_tests
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$(CURDIR)/tests/sanitizers/tsan.supp \
	  ctest --test-dir $(TSAN_BUILD) --output-on-failure -j $(JOBS) -E '^consumer\.'

$(FUZZ_BUILD)/.fuzz-deps-ok: | deps
	$(call install_missing,$(FUZZ_PACKAGES))
	@mkdir -p $(FUZZ_BUILD) && touch $@

# New inputs the fuzzer finds go to $(FUZZ_BUILD)/corpus (scratch); the seeds in tests/fuzz are
# only read. A crash leaves $(FUZZ_BUILD)/artifacts/<target>-crash-*: copy it into
# tests/fuzz/regressions/<target>/ with the fix, and the C++ suite replays it from then on.
fuzz: $(FUZZ_BUILD)/.fuzz-deps-ok
	cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DFURTHEST_BUILD_TESTS=OFF -DFURTHEST_FUZZ=ON
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	@failed=""; for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$t $(FUZZ_BUILD)/artifacts; \
	  seeds="tests/fuzz/corpus/$$t"; [ -d tests/fuzz/regressions/$$t ] && seeds="$$seeds tests/fuzz/regressions/$$t"; \
	  echo "fuzzing $$t for $(FUZZ_SECONDS) s"; \
	  $(FUZZ_BUILD)/tests/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=30 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD)/artifacts/$$t- \
	    $(FUZZ_BUILD)/corpus/$$t $$seeds > $(FUZZ_BUILD)/fuzz_$$t.log 2>&1 \
	    || { failed="$$failed $$t"; tail -n 60 $(FUZZ_BUILD)/fuzz_$$t.log; }; \
	  grep -E "^stat::number_of_executed_units|^Done " $(FUZZ_BUILD)/fuzz_$$t.log || true; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzzing found problems in:$$failed (logs and inputs in $(FUZZ_BUILD))"; exit 1; fi

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD) $(FUZZ_BUILD) furthest-demo out
