//! Any text through the analyzer, the entity extractor and the teaser.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&b, rest)) = data.split_first() else {
        return;
    };
    let lang = connexe::Language::ALL[b as usize % 19];
    let text = String::from_utf8_lossy(rest);
    let _ = connexe::Analyzer::for_language(lang).terms(&text);
    let _ = connexe::entity::extract_entities(&text, lang, &connexe::AliasTable::new());
    let _ = connexe::page::teaser(&text, 150);
});
