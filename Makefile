# The two commands a newcomer needs: `make serve` and `make test`.
.PHONY: deps serve test

deps:
	@scripts/install-deps.sh

# Runs the server on its embedded default store (./kgql-data), seeded on first start.
serve: deps
	cargo run --release -- serve

# Runs every test: unit, integration over real HTTP, conformance suites, independent checks;
# then the integration suite again with Virtuoso as the store (a fresh instance per test), and
# with Oxigraph's own server where it is installed.
test: deps
	@scripts/virtuoso.sh install
	cargo test --all-targets
	# Four at a time: most of a test's time is its engine starting.
	KGQL_TEST_BACKEND=virtuoso cargo test --test api -- --test-threads 4
	@if command -v oxigraph >/dev/null 2>&1; then \
		KGQL_TEST_BACKEND=oxigraph cargo test --test api; \
	else \
		echo "skipped: the integration suite on Oxigraph's server (oxigraph is not installed; cargo install oxigraph-cli)"; \
	fi
