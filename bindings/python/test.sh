#!/usr/bin/env bash
# Builds the Python binding into bindings/python/.venv and runs its tests.
# Usage: bindings/python/test.sh [pytest args...]   (from anywhere; `make test` calls it)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

MATURIN_VERSION=1.16.0
PYTEST_VERSION=9.2.0
venv="$here/.venv"
python="$venv/bin/python"

if [ ! -x "$python" ]; then
    python3 -m venv "$venv"
fi
"$python" -m pip install --quiet --disable-pip-version-check \
    "maturin==$MATURIN_VERSION" "pytest==$PYTEST_VERSION"

# One target folder for the crate and the binding: the dependencies they share build once.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/../../target}"

# Build the extension (release: the tests compare with the release CLI and time threads)
# and install it, with the python/ package, into the virtualenv.
VIRTUAL_ENV="$venv" PATH="$venv/bin:$PATH" "$venv/bin/maturin" develop --release --quiet

exec "$python" -m pytest -q "$@"
