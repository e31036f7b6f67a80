//! Raw bytes as JSON Lines: the reader, the corpus, and an index built from what is read.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = connexe::Corpus::from_jsonl(data);

    let articles: Vec<connexe::Article> = connexe::JsonlReader::new(data)
        .max_line_bytes(4096)
        .filter_map(|r| r.ok().map(|(_, article)| article))
        .collect();
    let Some(first_id) = articles.first().map(|a| a.id.clone()) else {
        return;
    };
    if let Ok(index) = connexe::Index::build(Default::default(), Default::default(), articles) {
        let _ = index.similar(&first_id, 5);
        let _ = index.page(&first_id, &connexe::PageConfig::default());
    }
});
