//! The index an index file describes: its configuration and aliases, its vocabularies, and
//! its documents decoded on every core with every id checked before it is used. The
//! documents are then put back by the index's own code (`Index::restore`), which places them
//! as inserting does and rebuilds the postings.

use super::format::{Meta, StoredDoc, corrupt, decode_error, language};
use super::legacy;
use crate::entity::AliasTable;
use crate::error::{Result, quoted};
use crate::index::store::{Doc, StoredVocabularies, Unrestorable, Vocabulary};
use crate::index::{Index, IndexConfig};

/// The index of a file's decoded META, TERM and ENTY sections and its DOCS payload.
pub(super) fn rebuild(
    meta: Meta,
    (terms, surfaces): (Vec<String>, Vec<String>),
    entities: Vec<String>,
    docs: &[u8],
    version: u32,
) -> Result<Index> {
    let mut config: IndexConfig = serde_json::from_str(&meta.config_json)
        .map_err(|e| corrupt("META", format!("configuration: {e}")))?;
    legacy::reconcile(&mut config, &meta.config_json, version)?;
    let mut aliases = AliasTable::new();
    for (name, variants) in meta.aliases {
        aliases.insert(&name, variants).map_err(|e| corrupt("META", e))?;
    }
    let mut index = Index::with_aliases(config, aliases).map_err(|e| corrupt("META", e))?;
    let terms = vocabulary(terms, "TERM")?;
    let mut surfaces = vocabulary(surfaces, "TERM")?;
    let entities = vocabulary(entities, "ENTY")?;
    let sizes = Sizes {
        terms: terms.len() as u32,
        surfaces: surfaces.len() as u32,
        entities: entities.len() as u32,
    };
    let mut chunks = decode_docs(docs, version, sizes)?;
    if version == 1 {
        legacy::find_surfaces(
            &mut chunks,
            &terms,
            &mut surfaces,
            &index.config.fields,
            &index.analyzers,
        );
    }
    // The slots in order, a chunk that could not be read in its place.
    let slots = chunks.into_iter().flat_map(|chunk| {
        let (docs, error) = match chunk {
            Ok(docs) => (docs, None),
            Err(e) => (Vec::new(), Some(e)),
        };
        docs.into_iter().map(Ok).chain(error.map(Err))
    });
    let vocabularies = StoredVocabularies {
        terms,
        surfaces,
        entities,
    };
    index.restore(vocabularies, slots).map_err(|e| match e {
        Unrestorable::Slot(e) => e,
        Unrestorable::RepeatedId(id) => corrupt("DOCS", format!("id {} appears twice", quoted(&id))),
        Unrestorable::TooManySlots => corrupt("DOCS", "more than 2^32 slots"),
    })?;
    Ok(index)
}

fn vocabulary(texts: Vec<String>, section: &str) -> Result<Vocabulary> {
    Vocabulary::from_texts(texts).map_err(|text| corrupt(section, format!("{} appears twice", quoted(&text))))
}

/// How many texts each vocabulary holds: the bound of every id a document gives.
#[derive(Clone, Copy)]
struct Sizes {
    terms: u32,
    surfaces: u32,
    entities: u32,
}

/// The chunks of the DOCS section, each decoded on a core of its own with every id checked
/// against `sizes`: each chunk's slots, or the first error in it.
///
/// # Errors
/// When the list of chunks itself cannot be read.
fn decode_docs(docs: &[u8], version: u32, sizes: Sizes) -> Result<Vec<Result<Vec<Option<Doc>>>>> {
    use rayon::prelude::*;
    let decode = decode_error("DOCS");
    let (n_chunks, mut rest) = postcard::take_from_bytes::<u64>(docs).map_err(&decode)?;
    let mut chunks: Vec<&[u8]> = Vec::new();
    for _ in 0..n_chunks {
        let (len, tail) = postcard::take_from_bytes::<u64>(rest).map_err(&decode)?;
        let len = usize::try_from(len)
            .ok()
            .filter(|&l| l <= tail.len())
            .ok_or_else(|| corrupt("DOCS", format!("chunk of {len} bytes, {} left", tail.len())))?;
        chunks.push(&tail[..len]);
        rest = &tail[len..];
    }
    if !rest.is_empty() {
        return Err(corrupt(
            "DOCS",
            format!("{} unexpected bytes after the last chunk", rest.len()),
        ));
    }
    let decoded = chunks
        .into_par_iter()
        .map(|chunk| {
            let (count, mut rest) = postcard::take_from_bytes::<u64>(chunk).map_err(&decode)?;
            let mut docs = Vec::new();
            for _ in 0..count {
                let (stored, tail) = legacy::take_doc(rest, version).map_err(&decode)?;
                docs.push(stored.map(|d| doc(d, sizes, version)).transpose()?);
                rest = tail;
            }
            if !rest.is_empty() {
                return Err(corrupt(
                    "DOCS",
                    format!("{} unexpected bytes after a chunk", rest.len()),
                ));
            }
            Ok(docs)
        })
        .collect();
    Ok(decoded)
}

/// A stored document as the index keeps it, every term and entity id checked against the
/// vocabularies' sizes.
fn doc(d: StoredDoc, sizes: Sizes, version: u32) -> Result<Doc> {
    let Sizes {
        terms: n_terms,
        surfaces: n_surfaces,
        entities: n_entities,
    } = sizes;
    let bad_id = |what: &str, id: u32, max: u32| {
        corrupt(
            "DOCS",
            format!(
                "article {}: {what} id {id} out of range (< {max})",
                quoted(&d.article.id)
            ),
        )
    };
    if let Some(&(t, _)) = d.terms.iter().find(|(t, _)| *t >= n_terms) {
        return Err(bad_id("term", t, n_terms));
    }
    // Version 1 stored no surfaces: they are found again once every article is read.
    if version > 1 && d.surfaces.len() != d.terms.len() {
        return Err(corrupt(
            "DOCS",
            format!(
                "article {}: {} terms but {} surfaces",
                quoted(&d.article.id),
                d.terms.len(),
                d.surfaces.len()
            ),
        ));
    }
    if let Some(&s) = d.surfaces.iter().find(|&&s| s >= n_surfaces) {
        return Err(bad_id("surface", s, n_surfaces));
    }
    if let Some((e, _, _)) = d.entities.iter().find(|(e, _, _)| *e >= n_entities) {
        return Err(bad_id("entity", *e, n_entities));
    }
    if let Some(&(long, short)) = d
        .learned
        .iter()
        .find(|(l, s)| *l >= n_entities || *s >= n_entities)
    {
        return Err(bad_id("learned entity", long.max(short), n_entities));
    }
    let article = d.article.into_article()?;
    Ok(Doc {
        lang: language(&d.lang, "DOCS")?,
        article,
        terms: d.terms,
        surfaces: d.surfaces,
        entities: d
            .entities
            .into_iter()
            .map(|(e, m, n)| (e, m, n.into_boxed_str()))
            .collect(),
        learned: d.learned,
        tags: d.tags,
        section: d.section,
    })
}
