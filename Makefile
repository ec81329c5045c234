# make test: what CI runs (.ci/run). See README.md, "Testing".
GO ?= go
PKGS ?= ./...
TESTFLAGS ?=
export PKGS TESTFLAGS

# make zk-up keeps its servers here between runs (gitignored).
ZK_DIR := $(CURDIR)/.zk

.PHONY: test vet fmt zk-up zk-down db-up db-down bench

test:
	bash scripts/test.sh

# The quickstart service (examples/quickstart) on the embedded registry, run from its own
# directory so that its application.yaml is found; Ctrl-C stops it.
.PHONY: run
run:
	$(GO) build -o $(CURDIR)/bin/quickstart ./examples/quickstart
	cd examples/quickstart && exec $(CURDIR)/bin/quickstart

vet:
	$(GO) vet $(PKGS)

fmt:
	@files=$$(gofmt -l .); if [ -n "$$files" ]; then echo "gofmt would change:"; echo "$$files"; exit 1; fi

# Start a standalone server and an ensemble for running `go test` by hand; prints the exports:
#   eval "$(make -s zk-up)"
zk-up:
	@bash scripts/zookeeper.sh install
	@bash scripts/zookeeper.sh start-standalone $(ZK_DIR)/standalone
	@bash scripts/zookeeper.sh start-ensemble $(ZK_DIR)/ensemble
	@echo "export ZK_SERVERS=$$(cat $(ZK_DIR)/standalone/servers) ZK_ENSEMBLE=$$(cat $(ZK_DIR)/ensemble/ensemble) ZK_ENSEMBLE_DIR=$(ZK_DIR)/ensemble"

zk-down:
	@bash scripts/zookeeper.sh stop $(ZK_DIR)/standalone
	@bash scripts/zookeeper.sh stop $(ZK_DIR)/ensemble
	@rm -rf $(ZK_DIR)

# Start a PostgreSQL and a MariaDB server for the tracing tests by hand; prints the exports:
#   eval "$$(make -s db-up)"
DB_DIR := $(CURDIR)/.db
db-up:
	@bash scripts/postgres.sh install
	@bash scripts/mariadb.sh install
	@bash scripts/postgres.sh start $(DB_DIR)/postgres
	@bash scripts/mariadb.sh start $(DB_DIR)/mariadb
	@echo "export TRACING_POSTGRES_URL=$$(cat $(DB_DIR)/postgres/url) TRACING_MARIADB_URL=$$(cat $(DB_DIR)/mariadb/url) TRACING_MARIADB_PASSWORD=$$(cat $(DB_DIR)/mariadb/password)"

db-down:
	@bash scripts/postgres.sh stop $(DB_DIR)/postgres
	@bash scripts/mariadb.sh stop $(DB_DIR)/mariadb
	@rm -rf $(DB_DIR)

# The chaos harness (package chaos): faults for DURATION against a 3-node ensemble and 3
# service processes, then the figures; fails on a broken promise. SEED replays a schedule
# (0: from the clock, printed).
DURATION ?= 1m
SEED ?= 0
.PHONY: chaos
chaos:
	$(GO) run ./chaos/cmd/ejchaos -duration $(DURATION) -seed $(SEED)

# What metrics add to a fire of the engine's BenchmarkFire, in instructions counted by valgrind
# (callgrind), which a loaded machine does not distort; prints the ratio (target: at most 1.05).
# FIRES per run, REPS runs of each (the median); installs valgrind when missing.
FIRES ?= 5000
REPS ?= 3
.PHONY: bench-overhead
bench-overhead:
	@bash scripts/instructions.sh $(FIRES) $(REPS)

# The benchmarks (cmd/ejbench): starts its own ZooKeeper, runs every row (about 12 minutes),
# prints the table and writes it into BENCHMARKS.md. BENCHFLAGS adds flags, e.g. -reps 5.
BENCHFLAGS ?=
bench:
	@bash scripts/zookeeper.sh install
	$(GO) build -o $(CURDIR)/bin/ejbench ./cmd/ejbench
	$(CURDIR)/bin/ejbench -out BENCHMARKS.md $(BENCHFLAGS)
