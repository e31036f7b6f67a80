#!/usr/bin/env bash
# Recommendation quality of connexe next to scikit-learn TF-IDF (defaults, and with Snowball
# stemming and sublinear tf), rank_bm25 BM25Okapi and tantivy MoreLikeThis, on every data set of
# an evaluation folder (default: ../shared/eval beside the repository). Prints one Markdown
# table, also written to benches/quality/results/table.md with the figures as JSON.
#
#   benches/quality/run.sh [EVAL_DIR]
#
# Creates benches/quality/.venv from requirements.txt (exact pins) and builds the tantivy peer
# (benches/peers/tantivy_mlt, its own workspace: about 6 minutes the first time on 2 cores) and
# connexe in release mode. Not part of `make test`. See docs/quality.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
case "${1:-}" in
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
eval_dir="${1:-$root/../shared/eval}"
[ -d "$eval_dir" ] || { echo "error: $eval_dir: no such folder (give the evaluation folder)" >&2; exit 1; }

step() { printf '\n== %s\n' "$*" >&2; }

step "Python environment: $here/.venv (pins in requirements.txt)"
if [ ! -x "$here/.venv/bin/python" ]; then
    python3 -m venv "$here/.venv"
fi
"$here/.venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"

step "Building the tantivy peer (release, its own workspace)"
cargo build --release --locked --quiet --manifest-path "$root/benches/peers/tantivy_mlt/Cargo.toml"

step "Building connexe (cargo build --release at the repository root)"
(cd "$root" && cargo build --release --quiet)
revision="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if ! git -C "$root" diff --quiet HEAD -- src Cargo.toml Cargo.lock 2>/dev/null; then
    revision="$revision+dirty"
fi

step "Scoring every data set of $eval_dir"
"$here/.venv/bin/python" "$here/peers.py" "$eval_dir" \
    --connexe "$root/target/release/connexe" \
    --tantivy "$root/benches/peers/tantivy_mlt/target/release/tantivy_mlt" \
    --results "$here/results"
echo
echo "connexe $revision, $(date -u +%Y-%m-%d). Bold: the best of the row. tantivy: mean of 10 runs (its term choice is not deterministic); rankings only." \
    | tee -a "$here/results/table.md"
