//! Any text through the analyzer, the entity extractor and the teaser.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../targets.rs"]
mod targets;

fuzz_target!(|data: &[u8]| targets::analyzer(data));
