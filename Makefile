# furthest: two commands on a fresh Debian 12/13 machine.
#   make demo   install what is missing, build, run the embedded demo
#   make test   install what is missing, build, run every test (ctest + pytest, notebooks included)

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
PY_TEST_DEPS  := pytest nbclient nbformat ipykernel

VPY := $(VENV)/bin/python
SOURCES := $(shell git ls-files src bindings CMakeLists.txt pyproject.toml cmake data/demo 2>/dev/null)

.PHONY: demo test deps cpp-build cpp-test py-test python clean
.DEFAULT_GOAL := demo

demo: python
	$(VENV)/bin/furthest demo --output furthest-demo/furthton.gpkg

test: cpp-test py-test

deps: $(BUILD)/.deps-ok
$(BUILD)/.deps-ok:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@mkdir -p $(BUILD) && touch $@

$(VENV)/.env-ok: pyproject.toml | deps
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install -q --upgrade pip
	$(VPY) -m pip install -q $(PY_BUILD_DEPS) $(PY_TEST_DEPS)
	touch $@

# The extension is built without isolation so the build folder is reused between runs.
$(VENV)/.furthest-ok: $(VENV)/.env-ok $(SOURCES)
	$(VPY) -m pip install -q --no-build-isolation .
	touch $@

python: $(VENV)/.furthest-ok

cpp-build: deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DFURTHEST_BUILD_TESTS=ON
	cmake --build $(BUILD) -j $(JOBS)

cpp-test: cpp-build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

py-test: python
	$(VPY) -m pytest

clean:
	rm -rf $(BUILD) furthest-demo out
