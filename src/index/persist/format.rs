//! The index file's layout (see the parent module): its header, its four checksummed
//! sections, and the stored form of an article and of a document. Knows nothing of how an
//! index is rebuilt from them.

use std::io::Write;

use serde::{Deserialize, Serialize};

use crate::article::Article;
use crate::error::{Error, Result, quoted};
use crate::index::store::Doc;
use crate::language::Language;
use crate::timestamp::Timestamp;

/// The first bytes of every index file.
pub(super) const MAGIC: [u8; 8] = *b"CONNEXE\0";
/// The format this build writes, and the newest it reads. Version 1 files (without the
/// words as articles write them) are read too: those words are found again by analysing the
/// stored articles, and the next save writes the current version. Version 3 analyses Polish
/// terms with a prefix stemmer; files of earlier versions were analysed without one, and keep
/// that analysis (`prefix_stem_chars` 0) for the articles added to them.
pub(crate) const FORMAT_VERSION: u32 = 3;

/// Slots per chunk of the DOCS section.
pub(super) const CHUNK_SLOTS: usize = 2048;
pub(super) const SECTIONS: [[u8; 4]; 4] = [*b"META", *b"TERM", *b"ENTY", *b"DOCS"];
pub(super) const HEADER_BYTES: usize = 16;
pub(super) const SECTION_HEADER_BYTES: usize = 16;

#[derive(Serialize, Deserialize)]
pub(super) struct Meta {
    pub(super) config_json: String,
    pub(super) aliases: Vec<(String, Vec<String>)>,
}

/// An article as the file stores it: every field present (postcard is not self-describing,
/// so `Article`'s own serde form, which leaves out empty fields, cannot be stored), the time
/// in seconds and the language as its code.
#[derive(Serialize, Deserialize)]
pub(super) struct StoredArticle {
    pub(super) id: String,
    title: String,
    body: String,
    lead: Option<String>,
    url: Option<String>,
    published: Option<i64>,
    section: Option<String>,
    tags: Vec<String>,
    entities: Vec<String>,
    lang: Option<String>,
}

impl From<&Article> for StoredArticle {
    fn from(a: &Article) -> Self {
        StoredArticle {
            id: a.id.clone(),
            title: a.title.clone(),
            body: a.body.clone(),
            lead: a.lead.clone(),
            url: a.url.clone(),
            published: a.published.map(Timestamp::unix_seconds),
            section: a.section.clone(),
            tags: a.tags.clone(),
            entities: a.entities.clone(),
            lang: a.lang.map(|l| l.code().to_owned()),
        }
    }
}

impl StoredArticle {
    /// The article, its language code checked.
    pub(super) fn into_article(self) -> Result<Article> {
        Ok(Article {
            published: self.published.map(Timestamp::from_unix_seconds),
            lang: self.lang.as_deref().map(|c| language(c, "DOCS")).transpose()?,
            id: self.id,
            title: self.title,
            body: self.body,
            lead: self.lead,
            url: self.url,
            section: self.section,
            tags: self.tags,
            entities: self.entities,
        })
    }
}

/// A document as the file stores it.
#[derive(Serialize, Deserialize)]
pub(super) struct StoredDoc {
    pub(super) article: StoredArticle,
    pub(super) lang: String,
    pub(super) terms: Vec<(u32, f32)>,
    pub(super) surfaces: Vec<u32>,
    pub(super) entities: Vec<(u32, f32, String)>,
    pub(super) learned: Vec<(u32, u32)>,
    pub(super) tags: Vec<String>,
    pub(super) section: Option<String>,
}

impl From<&Doc> for StoredDoc {
    fn from(d: &Doc) -> Self {
        StoredDoc {
            article: StoredArticle::from(&d.article),
            lang: d.lang.code().to_owned(),
            terms: d.terms.clone(),
            surfaces: d.surfaces.clone(),
            entities: d
                .entities
                .iter()
                .map(|(e, m, n)| (*e, *m, n.to_string()))
                .collect(),
            learned: d.learned.clone(),
            tags: d.tags.clone(),
            section: d.section.clone(),
        }
    }
}

pub(super) fn language(code: &str, section: &str) -> Result<Language> {
    Language::from_code(code)
        .ok_or_else(|| corrupt(section, format!("unknown language code {}", quoted(code))))
}

/// An error about a section of the file.
pub(super) fn corrupt(section: &str, message: impl std::fmt::Display) -> Error {
    Error::input(format!("index file: section {section}: {message}"))
}

/// A value's postcard encoding.
pub(super) fn encode(value: &impl Serialize) -> Vec<u8> {
    postcard::to_allocvec(value).expect("in-memory serialisation cannot fail")
}

/// The file's layout: magic, `version`, then each section behind its tag, length and CRC32,
/// a section given as pieces (its length and checksum are taken over them).
pub(super) fn write_sections(
    out: &mut impl Write,
    version: u32,
    sections: &[Vec<Vec<u8>>; 4],
) -> std::io::Result<()> {
    out.write_all(&MAGIC)?;
    out.write_all(&version.to_le_bytes())?;
    out.write_all(&(SECTIONS.len() as u32).to_le_bytes())?;
    for (tag, pieces) in SECTIONS.iter().zip(sections) {
        let len: usize = pieces.iter().map(Vec::len).sum();
        let mut crc = crc32fast::Hasher::new();
        pieces.iter().for_each(|piece| crc.update(piece));
        out.write_all(tag)?;
        out.write_all(&(len as u64).to_le_bytes())?;
        out.write_all(&crc.finalize().to_le_bytes())?;
        for piece in pieces {
            out.write_all(piece)?;
        }
    }
    Ok(())
}

/// The version and the four section payloads of a file, every length and checksum checked.
///
/// # Errors
/// [`ErrorKind::Input`](crate::ErrorKind::Input) naming what was expected and found.
pub(super) fn read_sections(bytes: &[u8]) -> Result<(u32, [&[u8]; 4])> {
    if bytes.is_empty() {
        return Err(Error::input("index file: empty (0 bytes): not a connexe index"));
    }
    if bytes.len() < HEADER_BYTES || bytes[..8] != MAGIC {
        let found = &bytes[..bytes.len().min(8)];
        return Err(Error::input(format!(
            "index file: not a connexe index: expected magic {:?}, found {:?}",
            String::from_utf8_lossy(&MAGIC),
            String::from_utf8_lossy(found)
        )));
    }
    let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
    if version > FORMAT_VERSION {
        return Err(Error::input(format!(
            "index file: format version {version} is newer than this connexe reads ({FORMAT_VERSION}); upgrade connexe"
        )));
    }
    if version == 0 {
        return Err(Error::input("index file: format version 0 does not exist"));
    }
    let count = u32::from_le_bytes(bytes[12..16].try_into().expect("4 bytes"));
    if count as usize != SECTIONS.len() {
        return Err(Error::input(format!(
            "index file: expected {} sections, found {count}",
            SECTIONS.len()
        )));
    }
    let mut at = HEADER_BYTES;
    let mut payloads: [&[u8]; 4] = [&[]; 4];
    for (tag, payload) in SECTIONS.iter().zip(&mut payloads) {
        let name = String::from_utf8_lossy(tag).into_owned();
        let Some(header) = bytes.get(at..at + SECTION_HEADER_BYTES) else {
            return Err(corrupt(
                &name,
                format!(
                    "truncated: expected a {SECTION_HEADER_BYTES}-byte section header at byte {at}, found {} bytes",
                    bytes.len().saturating_sub(at)
                ),
            ));
        };
        if header[..4] != *tag {
            return Err(corrupt(
                &name,
                format!(
                    "expected tag {name:?} at byte {at}, found {:?}",
                    String::from_utf8_lossy(&header[..4])
                ),
            ));
        }
        let len = u64::from_le_bytes(header[4..12].try_into().expect("8 bytes"));
        let crc = u32::from_le_bytes(header[12..16].try_into().expect("4 bytes"));
        let start = at + SECTION_HEADER_BYTES;
        let available = (bytes.len() - start) as u64;
        if len > available {
            return Err(corrupt(
                &name,
                format!("truncated: expected {len} bytes, found {available}"),
            ));
        }
        *payload = &bytes[start..start + len as usize];
        let actual = crc32fast::hash(payload);
        if actual != crc {
            return Err(corrupt(
                &name,
                format!("checksum mismatch: expected {crc:#010x}, found {actual:#010x}"),
            ));
        }
        at = start + len as usize;
    }
    if at != bytes.len() {
        return Err(Error::input(format!(
            "index file: {} unexpected bytes after the last section",
            bytes.len() - at
        )));
    }
    Ok((version, payloads))
}

/// A postcard decoding error, as the error of a section.
pub(super) fn decode_error(section: &'static str) -> impl Fn(postcard::Error) -> Error {
    move |e| corrupt(section, format!("cannot decode: {e}"))
}
