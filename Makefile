# The one command that checks everything: `make test`. CI runs exactly this (.ci/run).

CARGO ?= cargo
export RUSTDOCFLAGS := -D warnings

.PHONY: test fmt lint rust-test bench-build docs python-test demo

test: fmt lint rust-test docs bench-build python-test

fmt:
	$(CARGO) fmt --all -- --check

lint:
	$(CARGO) clippy --all-targets -- -D warnings
	$(CARGO) clippy --lib --no-default-features -- -D warnings  # the library as the binding builds it

rust-test:
	$(CARGO) test --release

docs:
	$(CARGO) doc --no-deps --quiet

bench-build:
	$(CARGO) bench --no-run --quiet

# Builds the Python binding in bindings/python/.venv (created if missing) and runs pytest.
python-test:
	bash bindings/python/test.sh

demo:
	$(CARGO) run --release -- demo
