# The two commands a newcomer needs: `make serve` and `make test`.
.PHONY: deps serve test

deps:
	@scripts/install-deps.sh

# Runs the server on its embedded default store (./kgql-data), seeded on first start.
serve: deps
	cargo run --release -- serve

# Runs every test: unit, integration over real HTTP, conformance suites, independent checks.
test: deps
	cargo test --all-targets
