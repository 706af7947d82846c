# Quick start: `make run` (install what is missing, build, open the app) and `make test`
# (the same, then the whole test suite with a throwaway PostgreSQL).
SHELL := /bin/bash
.DEFAULT_GOAL := run

SRC := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
# ccache: one cache for every checkout of this tree, so CI's fresh clone hits what a developer built.
export CCACHE_BASEDIR := $(SRC)
export CCACHE_NOHASHDIR := 1
export CCACHE_DIR ?= $(if $(HOME),$(HOME)/.cache/ccache,/var/tmp/mistudio-ccache)
export CCACHE_MAXSIZE ?= 8G
# CUDA 13 lives outside Debian; let CMake find nvcc where the toolkit installs it.
ifneq ($(wildcard /usr/local/cuda/bin/nvcc),)
export CUDACXX ?= /usr/local/cuda/bin/nvcc
endif
JOBS ?= $(shell nproc)

.PHONY: deps run build test check package headless sanitize fuzz clean format

deps:
	@bash packaging/debian/install-deps.sh

build: deps
	cmake --preset release
	cmake --build --preset release -j $(JOBS)

# Only the app (and the GUI module it loads): the tests are built by `make test`.
run: deps
	cmake --preset release
	cmake --build --preset release -j $(JOBS) --target mistudio
	./build/release/bin/mistudio $(ARGS)

# The CI entry point (.ci/run): warnings are errors, every test label runs, PostgreSQL is a
# throwaway cluster started and stopped by the test fixtures (tests/pg).
# The Widgets-free build is guarded twice: tests/layering checks the link graph, and the
# headless preset must still configure (`make headless` builds and tests it in full).
# Then the sanitized half (`make sanitize`: a second, clang ASan+UBSan tree); SANITIZE=0 skips it
# for a quicker local run.
SANITIZE ?= 1
test: deps
	cmake --preset ci
	cmake --build --preset ci -j $(JOBS)
	QT_QPA_PLATFORM=offscreen ctest --preset ci
	cmake --preset headless >/dev/null
	@if [ "$(SANITIZE)" = 1 ]; then $(MAKE) --no-print-directory sanitize; fi

# One clang ASan+UBSan tree (build/fuzz, docs/fuzzing.md) compiled once for both: the unit tests
# that need no network, PostgreSQL or display, and every fuzz target for MISTUDIO_FUZZ_SECONDS
# (15) from its generated seeds. A sanitizer report or a fuzz finding fails the run.
sanitize: deps
	cmake --preset fuzz
	cmake --build --preset fuzz -j $(JOBS)
	ctest --preset fuzz

# Every fuzz target for FUZZ_SECONDS, FUZZ_JOBS at a time, each with a fresh corpus under
# build/fuzz/fuzz-runs/<target>/; fails on any crash, leak, timeout or broken invariant.
FUZZ_SECONDS ?= 60
FUZZ_JOBS ?= $(JOBS)
fuzz: deps
	cmake --preset fuzz
	cmake --build --preset fuzz -j $(JOBS) --target fuzzers
	tests/fuzz/run_all.sh build/fuzz $(FUZZ_SECONDS) $(FUZZ_JOBS)

headless: deps
	cmake --preset headless
	cmake --build --preset headless -j $(JOBS)
	QT_QPA_PLATFORM=offscreen ctest --preset headless

package: build
	cd build/release && cpack -G DEB

format:
	git ls-files '*.cpp' '*.h' '*.cu' '*.cuh' | xargs clang-format -i

clean:
	rm -rf build
