//! Raw bytes as JSON Lines: the reader, the corpus, and an index built from what is read.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../targets.rs"]
mod targets;

fuzz_target!(|data: &[u8]| targets::jsonl_reader(data));
