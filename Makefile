# wmilab — the two commands a user needs are `make run` and `make test`.
SWIFT ?= swift
CONFIG ?= debug
BIN = .build/$(CONFIG)/wmilab

.PHONY: run test bench build deps-build deps-test deps-bench swift-test

deps-build:
	@scripts/install-deps.sh build
deps-test:
	@scripts/install-deps.sh test
deps-bench:
	@scripts/install-deps.sh bench

build: deps-build
	$(SWIFT) build -c $(CONFIG)

## Serve the embedded default lab on http://127.0.0.1:5985/wsman (labuser / LabPass1!).
run: CONFIG = release
run: build
	$(BIN) serve

## Every test: the Swift suites, then the real-client interop suite.
test: deps-test
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	WMILAB_BIN=$(CURDIR)/.build/debug/wmilab python3 -m pytest -q -p no:cacheprovider Tests/Interop

## Benchmarks against references measured in the same run; the README quotes them. replica.sh drives
## its lab with the interop suite's clients (Tests/Interop), hence deps-test.
bench: CONFIG = release
bench: deps-bench deps-test build
	@for b in Benchmarks/*.sh; do echo "== $$b"; CONFIG=$(CONFIG) bash "$$b" || exit 1; done
