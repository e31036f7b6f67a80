//! The index file's tests: round trips, every bit flip and truncation refused, older
//! versions opened, a failed save leaving the previous file.

use std::io::Write;

use super::format::{HEADER_BYTES, MAGIC, SECTION_HEADER_BYTES};
use super::legacy::StoredDocV1;
use super::*;
use crate::article::Article;
use crate::entity::AliasTable;
use crate::index::IndexConfig;
use crate::language::Language;

fn small_index() -> Index {
    let aliases = AliasTable::from_json(r#"{"Daech": ["EI", "État islamique"]}"#).unwrap();
    let mut index = Index::with_aliases(IndexConfig::default(), aliases).unwrap();
    for (id, title, body) in [
        (
            "a",
            "Daech menace Rome",
            "Le Bureau Central d'Investigations Judiciaires (BCIJ) enquête sur l'EI à Rome.",
        ),
        (
            "b",
            "Rome contre Daech",
            "Rome accueille la coalition contre l'État islamique.",
        ),
        ("c", "Le BCIJ frappe", "Le BCIJ démantèle une cellule."),
    ] {
        index.add(Article::new(id, title, body)).unwrap();
    }
    index
}

/// `index` as a version 1 file: no surfaces in TERM and DOCS, one chunk.
fn v1_bytes(index: &Index) -> Vec<u8> {
    let meta = Meta {
        config_json: config_before_v3(index),
        aliases: index.aliases.entries(),
    };
    let mut chunk = postcard::to_allocvec(&(index.docs.len() as u64)).unwrap();
    for d in &index.docs {
        // Version 2's document without its surfaces.
        let stored = d.as_ref().map(StoredDoc::from).map(|d| StoredDocV1 {
            article: d.article,
            lang: d.lang,
            terms: d.terms,
            entities: d.entities,
            learned: d.learned,
            tags: d.tags,
            section: d.section,
        });
        chunk = postcard::to_extend(&stored, chunk).unwrap();
    }
    let mut docs = postcard::to_allocvec(&1u64).unwrap();
    docs = postcard::to_extend(&(chunk.len() as u64), docs).unwrap();
    docs.extend_from_slice(&chunk);
    let sections = [
        vec![postcard::to_allocvec(&meta).unwrap()],
        vec![postcard::to_allocvec(&index.terms.texts()).unwrap()],
        vec![postcard::to_allocvec(&index.entities.texts()).unwrap()],
        vec![docs],
    ];
    let mut out = Vec::new();
    write_sections(&mut out, 1, &sections).unwrap();
    out
}

/// Each article's terms with the words it writes them as.
fn words(index: &Index) -> Vec<(String, Vec<(String, String)>)> {
    let mut out: Vec<(String, Vec<(String, String)>)> = index
        .docs
        .iter()
        .flatten()
        .map(|d| {
            let words = d
                .terms
                .iter()
                .zip(&d.surfaces)
                .map(|(&(t, _), &s)| (index.terms.text(t).to_owned(), index.surfaces.text(s).to_owned()))
                .collect();
            (d.article.id.clone(), words)
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_version_1_file_opens_with_its_words_found_again_and_saves_as_the_current_version() {
    let index = small_index();
    let old = Index::from_bytes(&v1_bytes(&index)).unwrap();
    assert_eq!(words(&old), words(&index));
    assert!(
        words(&old)
            .iter()
            .flat_map(|(_, w)| w)
            .any(|(term, word)| term != word)
    );
    for id in ["a", "b", "c"] {
        assert_eq!(old.similar(id, 5).unwrap(), index.similar(id, 5).unwrap());
    }
    let saved = bytes(&old);
    assert_eq!(
        u32::from_le_bytes(saved[8..12].try_into().unwrap()),
        FORMAT_VERSION
    );
    assert_eq!(words(&Index::from_bytes(&saved).unwrap()), words(&index));
}

#[test]
fn a_version_2_file_keeps_polish_terms_whole_for_the_articles_added_to_it() {
    let polish = |id: &str| {
        let mut article = Article::new(id, "Minister spraw", "Minister spraw zagranicznych i premier.");
        article.lang = Some(Language::Polish);
        article
    };
    let terms_of = |index: &Index, id: &str| -> Vec<String> {
        words(index)
            .into_iter()
            .find(|(i, _)| i == id)
            .map(|(_, w)| w.into_iter().map(|(term, _)| term).collect())
            .unwrap()
    };
    // As a connexe before version 3 analysed Polish, and wrote it.
    let mut config = IndexConfig::default();
    config.analysis.prefix_stem_chars = 0;
    let mut before = Index::with_aliases(config, AliasTable::new()).unwrap();
    before.add(polish("old")).unwrap();
    let mut opened = Index::from_bytes(&v2_bytes(&before)).unwrap();
    assert_eq!(opened.config.analysis.prefix_stem_chars, 0);
    opened.add(polish("new")).unwrap();
    assert_eq!(terms_of(&opened, "new"), terms_of(&opened, "old"));
    assert!(terms_of(&opened, "new").contains(&"zagranicznych".to_owned()));
    // Saved as version 3, it says so itself.
    let again = Index::from_bytes(&bytes(&opened)).unwrap();
    assert_eq!(again.config.analysis.prefix_stem_chars, 0);
    // A new index cuts Polish terms to five characters.
    let mut fresh = Index::default();
    fresh.add(polish("new")).unwrap();
    assert!(terms_of(&fresh, "new").contains(&"zagra".to_owned()));
    let reopened = Index::from_bytes(&bytes(&fresh)).unwrap();
    assert_eq!(reopened.config.analysis.prefix_stem_chars, 5);
}

/// The configuration as files before version 3 wrote it: without `prefix_stem_chars`.
fn config_before_v3(index: &Index) -> String {
    let mut config = serde_json::to_value(&index.config).unwrap();
    config["analysis"]
        .as_object_mut()
        .unwrap()
        .remove("prefix_stem_chars");
    config.to_string()
}

/// `index` as a version 2 file: the same sections, but a configuration without
/// `prefix_stem_chars`, which version 2 did not know.
fn v2_bytes(index: &Index) -> Vec<u8> {
    let v3 = bytes(index);
    let meta_len = u64::from_le_bytes(v3[20..28].try_into().unwrap()) as usize;
    let rest = &v3[HEADER_BYTES + SECTION_HEADER_BYTES + meta_len..];
    let meta = Meta {
        config_json: config_before_v3(index),
        aliases: index.aliases.entries(),
    };
    let payload = postcard::to_allocvec(&meta).unwrap();
    let mut out = MAGIC.to_vec();
    out.extend(2u32.to_le_bytes());
    out.extend(&v3[12..16]);
    out.extend(b"META");
    out.extend((payload.len() as u64).to_le_bytes());
    out.extend(crc32fast::hash(&payload).to_le_bytes());
    out.extend(&payload);
    out.extend(rest);
    out
}

#[test]
fn a_file_whose_version_and_configuration_disagree_is_refused() {
    let mut v3 = bytes(&small_index());
    v3[8..12].copy_from_slice(&2u32.to_le_bytes());
    assert_eq!(
        Index::from_bytes(&v3).unwrap_err().to_string(),
        "index file: section META: a version 2 file cannot set analysis.prefix_stem_chars"
    );
    let mut v2 = v2_bytes(&small_index());
    v2[8..12].copy_from_slice(&3u32.to_le_bytes());
    assert_eq!(
        Index::from_bytes(&v2).unwrap_err().to_string(),
        "index file: section META: a version 3 file must set analysis.prefix_stem_chars"
    );
}

fn bytes(index: &Index) -> Vec<u8> {
    let mut out = Vec::new();
    index.write_to(&mut out).unwrap();
    out
}

#[test]
fn round_trip_answers_the_same() {
    let mut index = small_index();
    index.remove("b").unwrap(); // a free slot must survive too
    let again = Index::from_bytes(&bytes(&index)).unwrap();
    for id in ["a", "c"] {
        assert_eq!(again.similar(id, 5).unwrap(), index.similar(id, 5).unwrap());
    }
    assert_eq!(bytes(&again), bytes(&index));
}

#[test]
fn every_single_bit_flip_is_refused_without_panic() {
    let good = bytes(&small_index());
    for i in 0..good.len() {
        for bit in [0x01u8, 0x80] {
            let mut bad = good.clone();
            bad[i] ^= bit;
            let err =
                Index::from_bytes(&bad).expect_err(&format!("flip of bit {bit:#x} at byte {i} accepted"));
            assert!(err.to_string().starts_with("index file: "), "{err}");
        }
    }
}

#[test]
fn every_truncation_is_refused() {
    let good = bytes(&small_index());
    for len in 0..good.len() {
        assert!(
            Index::from_bytes(&good[..len]).is_err(),
            "truncated to {len} bytes accepted"
        );
    }
    let mut longer = good.clone();
    longer.push(0);
    assert_eq!(
        Index::from_bytes(&longer).unwrap_err().to_string(),
        "index file: 1 unexpected bytes after the last section"
    );
}

#[test]
fn specific_messages() {
    let good = bytes(&small_index());
    assert_eq!(
        Index::from_bytes(b"").unwrap_err().to_string(),
        "index file: empty (0 bytes): not a connexe index"
    );
    assert!(
        Index::from_bytes(b"PK\x03\x04 a zip file, not ours")
            .unwrap_err()
            .to_string()
            .starts_with(
                "index file: not a connexe index: expected magic \"CONNEXE\\0\", found \"PK\\u{3}\\u{4} a z\""
            )
    );
    let mut newer = good.clone();
    newer[8..12].copy_from_slice(&4u32.to_le_bytes());
    assert_eq!(
        Index::from_bytes(&newer).unwrap_err().to_string(),
        "index file: format version 4 is newer than this connexe reads (3); upgrade connexe"
    );
    let mut flipped = good.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0x10;
    let msg = Index::from_bytes(&flipped).unwrap_err().to_string();
    assert!(
        msg.starts_with("index file: section DOCS: checksum mismatch: expected 0x"),
        "{msg}"
    );
    let cut = Index::from_bytes(&good[..good.len() - 10])
        .unwrap_err()
        .to_string();
    assert!(
        cut.starts_with("index file: section DOCS: truncated: expected "),
        "{cut}"
    );
}

#[test]
fn a_save_that_fails_midway_leaves_the_previous_file_intact() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index.connexe");
    let before = small_index();
    before.save(&path).unwrap();
    let saved = std::fs::read(&path).unwrap();

    let mut after = small_index();
    after.remove("a").unwrap();
    let err = after
        .save_with(&path, |index, file| {
            let mut all = Vec::new();
            index.write_to(&mut all)?;
            file.write_all(&all[..all.len() / 2]).unwrap();
            Err(Error::io(
                "writing the index",
                std::io::Error::other("disk full (injected)"),
            ))
        })
        .unwrap_err();
    assert!(err.to_string().contains("disk full (injected)"));
    assert_eq!(std::fs::read(&path).unwrap(), saved, "the previous file changed");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "temporary file left behind: {leftovers:?}");
    let reopened = Index::open(&path).unwrap();
    assert_eq!(reopened.similar("a", 5).unwrap(), before.similar("a", 5).unwrap());
}

#[test]
fn open_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.connexe");
    std::fs::write(&path, b"").unwrap();
    let msg = Index::open(&path).unwrap_err().to_string();
    assert_eq!(
        msg,
        format!(
            "{}: index file: empty (0 bytes): not a connexe index",
            path.display()
        )
    );
    let missing = Index::open(dir.path().join("missing")).unwrap_err();
    assert_eq!(missing.kind(), crate::ErrorKind::Io);
}
