//! What each fuzz target does with its input: shared by the targets of `fuzz_targets/` and by
//! `tests/fuzz_regressions.rs`, which replays the inputs they found on stable Rust.

// Each target uses one of these functions; the replay test uses them all.
#![allow(dead_code)]

/// JSON Lines in, an index and its pages out; errors are fine, panics are not.
pub fn jsonl_reader(data: &[u8]) {
    let corpus = connexe::Corpus::from_jsonl(data);
    // The index reads the same articles, a chunk of lines at a time, and checks them more.
    let read = connexe::Index::builder().from_jsonl(connexe::JsonlReader::new(data), |_| {});
    if let Ok((index, warnings)) = read {
        let corpus = corpus.expect("what the index reads, the corpus reads");
        assert_eq!(index.len(), corpus.articles.len());
        assert_eq!(warnings, corpus.warnings);
    }

    let articles: Vec<connexe::Article> = connexe::JsonlReader::new(data)
        .max_line_bytes(4096)
        .filter_map(|r| r.ok().map(|(_, article)| article))
        .collect();
    let Some(first_id) = articles.first().map(|a| a.id.clone()) else {
        return;
    };
    if let Ok(index) = connexe::Index::builder().build(articles) {
        let _ = index.similar(&first_id, 5);
        let _ = index.page(&first_id, &connexe::PageConfig::default());
    }
}

/// Any text through the analyzer, the entity extractor and the teaser of a language chosen by
/// the first byte.
pub fn analyzer(data: &[u8]) {
    let Some((&b, rest)) = data.split_first() else {
        return;
    };
    let lang = connexe::Language::ALL[b as usize % connexe::Language::ALL.len()];
    let text = String::from_utf8_lossy(rest);
    let _ = connexe::Analyzer::for_language(lang).terms(&text);
    let _ = connexe::entity::extract_entities(&text, lang, &connexe::AliasTable::new());
    let _ = connexe::page::teaser(&text, 150);
}

/// Any bytes as an index file; what opens is queried for every article.
pub fn index_open(data: &[u8]) {
    let Ok(index) = connexe::Index::from_bytes(data) else {
        return;
    };
    let config = connexe::PageConfig::default();
    for article in index.articles() {
        let _ = index.similar(&article.id, 3);
        let _ = index.page(&article.id, &config);
    }
}

/// Any text split into words: the same words and offsets as the Unicode algorithm.
pub fn words(data: &[u8]) {
    use unicode_segmentation::UnicodeSegmentation;
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let expected: Vec<(usize, &str)> = text.unicode_word_indices().collect();
    assert_eq!(connexe::analysis::word_indices(text), expected, "{text:?}");
}
