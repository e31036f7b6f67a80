//! Any bytes as an index snapshot; an index that opens answers for every article.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../targets.rs"]
mod targets;

fuzz_target!(|data: &[u8]| targets::index_open(data));
