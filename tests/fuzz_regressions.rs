//! Inputs found by the cargo-fuzz targets of `fuzz/`, replayed through the same code as each
//! target: every file of `tests/fuzz_regressions/<target>/` must run without a panic (errors
//! are fine). The folders hold a few corpus inputs per target and every crash input found.
//! `index_open_crc/` holds inputs of the `index_open_crc` target stored with their section
//! checksums already recomputed (as that target does), so they replay through `index_open`.

use std::path::{Path, PathBuf};

/// The files of one target's folder, sorted by name.
fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_regressions")
        .join(target);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a folder entry").path())
        .filter(|path| path.is_file())
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "{}: no input", dir.display());
    paths
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (path, bytes)
        })
        .collect()
}

/// Runs `each` on every input of `target`, and fails naming every input that panicked.
fn replay(target: &str, each: fn(&[u8])) {
    let mut panicked = Vec::new();
    for (path, bytes) in inputs(target) {
        if std::panic::catch_unwind(|| each(&bytes)).is_err() {
            panicked.push(path.display().to_string());
        }
    }
    assert!(panicked.is_empty(), "{target}: panicked on {panicked:#?}");
}

#[path = "../fuzz/targets.rs"]
mod targets;
use targets::{analyzer, index_open, jsonl_reader};

#[test]
fn jsonl_reader_inputs_do_not_panic() {
    replay("jsonl_reader", jsonl_reader);
}

#[test]
fn analyzer_inputs_do_not_panic() {
    replay("analyzer", analyzer);
}

#[test]
fn index_open_inputs_do_not_panic() {
    replay("index_open", index_open);
}

#[test]
fn index_open_crc_inputs_do_not_panic() {
    replay("index_open_crc", index_open);
}
