//! Index files of earlier format versions, read into what the current version holds.
//!
//! Version 1 stored no surfaces (the words as articles write their terms): they are found
//! again by analysing the stored articles. Versions 1 and 2 did not know
//! `analysis.prefix_stem_chars`: their articles were analysed without a prefix stemmer, and
//! the articles added to them are too.

use hashbrown::HashMap;
use serde::{Deserialize, Serialize};

use super::format::{StoredArticle, StoredDoc, corrupt, decode_error};
use crate::error::Result;
use crate::index::prepare;
use crate::index::prepare::Analyzers;
use crate::index::store::{Doc, Vocabulary};
use crate::index::{FieldWeights, IndexConfig};

/// A document of a version 1 file: no surfaces.
#[derive(Serialize, Deserialize)]
pub(super) struct StoredDocV1 {
    pub(super) article: StoredArticle,
    pub(super) lang: String,
    pub(super) terms: Vec<(u32, f32)>,
    pub(super) entities: Vec<(u32, f32, String)>,
    pub(super) learned: Vec<(u32, u32)>,
    pub(super) tags: Vec<String>,
    pub(super) section: Option<String>,
}

impl From<StoredDocV1> for StoredDoc {
    fn from(d: StoredDocV1) -> Self {
        StoredDoc {
            article: d.article,
            lang: d.lang,
            terms: d.terms,
            surfaces: Vec::new(),
            entities: d.entities,
            learned: d.learned,
            tags: d.tags,
            section: d.section,
        }
    }
}

/// The TERM section: the terms, and the surfaces (none before version 2).
pub(super) fn terms(payload: &[u8], version: u32) -> Result<(Vec<String>, Vec<String>)> {
    if version == 1 {
        let terms = postcard::from_bytes(payload).map_err(decode_error("TERM"))?;
        return Ok((terms, Vec::new()));
    }
    postcard::from_bytes(payload).map_err(decode_error("TERM"))
}

/// The next document of a DOCS chunk, of any version, as the current version stores it.
pub(super) fn take_doc(bytes: &[u8], version: u32) -> postcard::Result<(Option<StoredDoc>, &[u8])> {
    if version == 1 {
        let (d, rest) = postcard::take_from_bytes::<Option<StoredDocV1>>(bytes)?;
        return Ok((d.map(StoredDoc::from), rest));
    }
    postcard::take_from_bytes::<Option<StoredDoc>>(bytes)
}

/// Makes `config`, read from `config_json`, what a file of `version` means: before version 3,
/// no prefix stemmer.
///
/// # Errors
/// When the configuration and the version disagree: the version is outside every checksum,
/// and a flipped bit must not change how new articles are analysed.
pub(super) fn reconcile(config: &mut IndexConfig, config_json: &str, version: u32) -> Result<()> {
    let named = serde_json::from_str::<serde_json::Value>(config_json)
        .ok()
        .is_some_and(|c| c["analysis"].get("prefix_stem_chars").is_some());
    if named != (version >= 3) {
        let verb = if named { "cannot set" } else { "must set" };
        return Err(corrupt(
            "META",
            format!("a version {version} file {verb} analysis.prefix_stem_chars"),
        ));
    }
    if version < 3 {
        // Written before Polish terms were cut to a prefix: new articles are analysed as the
        // stored ones were, or Polish articles old and new would not share their terms.
        config.analysis.prefix_stem_chars = 0;
    }
    Ok(())
}

/// The words as each article writes its terms, for the documents of a version 1 file (up
/// to the first chunk that could not be read: no index is made past it), interned in slot
/// order into `surfaces`. The articles are analysed again as when they were indexed, on
/// every core.
pub(super) fn find_surfaces(
    chunks: &mut [Result<Vec<Option<Doc>>>],
    terms: &Vocabulary,
    surfaces: &mut Vocabulary,
    fields: &FieldWeights,
    analyzers: &Analyzers,
) {
    use rayon::prelude::*;
    let docs: Vec<&mut Doc> = chunks
        .iter_mut()
        .map_while(|chunk| chunk.as_mut().ok())
        .flatten()
        .flatten()
        .collect();
    let found: Vec<Vec<String>> = docs
        .par_iter()
        .map(|doc| {
            let counts = prepare::term_counts(&doc.article, fields, analyzers.get(doc.lang));
            let surfaces: HashMap<&str, &str> = counts
                .iter()
                .map(|(term, _, surface)| (term.as_str(), surface.as_str()))
                .collect();
            let words = doc.terms.iter().map(|&(t, _)| {
                let term = terms.text(t);
                surfaces.get(term).map_or(term, |surface| surface).to_owned()
            });
            words.collect()
        })
        .collect();
    for (doc, words) in docs.into_iter().zip(found) {
        doc.surfaces = words.iter().map(|w| surfaces.intern(w)).collect();
    }
}
