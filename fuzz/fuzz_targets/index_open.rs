//! Any bytes as an index snapshot; an index that opens answers for every article.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(index) = connexe::Index::from_bytes(data) else {
        return;
    };
    let config = connexe::PageConfig::default();
    for article in index.articles() {
        let _ = index.similar(&article.id, 3);
        let _ = index.page(&article.id, &config);
    }
});
