//! The index snapshot file: what an index holds, written atomically, read back with every
//! byte checked.
//!
//! Layout (all integers little-endian):
//!
//! ```text
//! magic    8 bytes  "CONNEXE\0"
//! version  u32      FORMAT_VERSION
//! count    u32      number of sections (4)
//! then, per section, in this order: META, TERM, ENTY, DOCS
//!   tag    4 bytes  ASCII
//!   length u64      payload bytes
//!   crc32  u32      of the payload
//!   payload         postcard
//! ```
//!
//! META holds the configuration (JSON) and the alias table; TERM the terms and the words as
//! articles write them, ENTY the entity keys, each vocabulary in
//! id order; DOCS every slot with its article and its analysed terms and entities, in chunks
//! of 2048 slots that open on every core (a count, then each chunk's length and bytes). Postings,
//! idf and norms are rebuilt from those on open, so the index answers exactly as the saved one.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use hashbrown::HashMap;
use serde::{Deserialize, Serialize};

use super::{Doc, Index, IndexConfig, Posting, Vocabulary};
use crate::article::{Article, Timestamp};
use crate::entity::AliasTable;
use crate::error::{Error, Result};
use crate::language::Language;

/// The first bytes of every index file.
pub const MAGIC: [u8; 8] = *b"CONNEXE\0";
/// The format this build writes, and the newest it reads. Version 1 files (without the
/// words as articles write them) are read too: those words are found again by analysing the
/// stored articles, and the next save writes the current version. Version 3 analyses Polish
/// terms with a prefix stemmer; files of earlier versions were analysed without one, and keep
/// that analysis (`prefix_stem_chars` 0) for the articles added to them.
pub const FORMAT_VERSION: u32 = 3;

/// Slots per chunk of the DOCS section.
const CHUNK_SLOTS: usize = 2048;
const SECTIONS: [[u8; 4]; 4] = [*b"META", *b"TERM", *b"ENTY", *b"DOCS"];
const HEADER_BYTES: usize = 16;
const SECTION_HEADER_BYTES: usize = 16;

#[derive(Serialize, Deserialize)]
struct Meta {
    config_json: String,
    aliases: Vec<(String, Vec<String>)>,
}

/// An article as the file stores it: every field present (postcard is not self-describing).
#[derive(Serialize, Deserialize)]
struct StoredArticle {
    id: String,
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

/// A document of a version 1 file: no surfaces.
#[derive(Serialize, Deserialize)]
struct StoredDocV1 {
    article: StoredArticle,
    lang: String,
    terms: Vec<(u32, f32)>,
    entities: Vec<(u32, f32, String)>,
    learned: Vec<(u32, u32)>,
    tags: Vec<String>,
    section: Option<String>,
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

#[derive(Serialize, Deserialize)]
struct StoredDoc {
    article: StoredArticle,
    lang: String,
    terms: Vec<(u32, f32)>,
    surfaces: Vec<u32>,
    entities: Vec<(u32, f32, String)>,
    learned: Vec<(u32, u32)>,
    tags: Vec<String>,
    section: Option<String>,
}

fn stored_article(a: &Article) -> StoredArticle {
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

fn language(code: &str, section: &str) -> Result<Language> {
    Language::from_code(code).ok_or_else(|| {
        corrupt(
            section,
            format!("unknown language code {}", crate::error::quoted(code)),
        )
    })
}

fn corrupt(section: &str, message: impl std::fmt::Display) -> Error {
    Error::input(format!("index file: section {section}: {message}"))
}

impl Index {
    /// The words as each article writes its terms, for an index read from a version 1 file:
    /// the articles are analysed again as when they were indexed, on every core.
    fn find_surfaces(&mut self) {
        use rayon::prelude::*;
        let found: Vec<Option<Vec<String>>> = self
            .docs
            .par_iter()
            .map(|doc| {
                let doc = doc.as_ref()?;
                let a = &doc.article;
                let counts =
                    super::prepare::term_counts(a, &self.config.fields, self.analyzers.get(doc.lang));
                let surfaces: hashbrown::HashMap<&str, &str> = counts
                    .iter()
                    .map(|(term, _, surface)| (term.as_str(), surface.as_str()))
                    .collect();
                let words = doc.terms.iter().map(|&(t, _)| {
                    let term = self.terms.text(t);
                    surfaces.get(term).map_or(term, |surface| surface).to_owned()
                });
                Some(words.collect())
            })
            .collect();
        for (slot, words) in found.into_iter().enumerate() {
            if let (Some(doc), Some(words)) = (self.docs[slot].as_mut(), words) {
                doc.surfaces = words.iter().map(|w| self.surfaces.intern(w)).collect();
            }
        }
    }
}

/// A document as the file stores it.
fn stored_doc(d: &Doc) -> StoredDoc {
    StoredDoc {
        article: stored_article(&d.article),
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

/// The file's layout: magic, `version`, then each section behind its tag, length and CRC32,
/// a section given as pieces (its length and checksum are taken over them).
fn write_sections(out: &mut impl Write, version: u32, sections: &[Vec<Vec<u8>>; 4]) -> std::io::Result<()> {
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

fn texts(v: &Vocabulary) -> Vec<&str> {
    v.texts.iter().map(|t| &**t).collect()
}

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl Index {
    /// Saves a snapshot of the index to `path`, atomically: the data goes to a temporary file
    /// in the same folder, is synced, then renamed over `path` and the folder synced. A crash
    /// or an error midway leaves any previous file at `path` as it was.
    ///
    /// # Errors
    /// [`ErrorKind::Io`](crate::ErrorKind::Io) naming the file.
    ///
    /// # Examples
    /// ```
    /// use connexe::{Article, Index};
    ///
    /// let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join("news.connexe");
    /// let mut index = Index::default();
    /// index.add(Article::new("a", "Daech menace Rome", "La coalition se réunit à Rome."))?;
    /// index.add(Article::new("b", "Rome contre Daech", "Rome accueille la coalition."))?;
    /// index.save(&path)?;
    /// let reopened = Index::open(&path)?;
    /// assert_eq!(reopened.similar("a", 5)?, index.similar("a", 5)?);
    /// # Ok::<(), connexe::Error>(())
    /// ```
    pub fn save(&self, path: impl AsRef<Path>) -> Result<()> {
        self.save_with(path.as_ref(), |index, file| index.write_to(BufWriter::new(file)))
    }

    /// [`Index::save`] with the writing step given, so a test can make it fail midway.
    fn save_with(&self, path: &Path, write: impl FnOnce(&Index, &mut File) -> Result<()>) -> Result<()> {
        let name = path
            .file_name()
            .ok_or_else(|| Error::io(path.display(), std::io::Error::other("not a file name")))?;
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!(
            ".{}.tmp-{}-{n}",
            name.to_string_lossy(),
            std::process::id()
        ));
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .map_err(|e| Error::io(temp.display(), e))?;
        let written =
            write(self, &mut file).and_then(|()| file.sync_all().map_err(|e| Error::io(temp.display(), e)));
        drop(file);
        if let Err(e) = written {
            let _ = std::fs::remove_file(&temp);
            return Err(e);
        }
        if let Err(e) = std::fs::rename(&temp, path) {
            let _ = std::fs::remove_file(&temp);
            return Err(Error::io(path.display(), e));
        }
        // The rename is durable once the folder is synced (where the platform allows it).
        if let Ok(d) = File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }

    /// Writes the snapshot to any writer (a file, a buffer, object storage).
    ///
    /// # Errors
    /// [`ErrorKind::Io`](crate::ErrorKind::Io) when the writer fails.
    pub fn write_to(&self, mut out: impl Write) -> Result<()> {
        let meta = Meta {
            config_json: serde_json::to_string(&self.config).expect("the configuration serialises"),
            aliases: self.aliases.entries(),
        };
        let terms = (texts(&self.terms), texts(&self.surfaces));
        let entities = texts(&self.entities);
        // DOCS is a list of chunks of CHUNK_SLOTS slots, each a postcard sequence of its own
        // behind its byte length, so that opening decodes the chunks on every core (and
        // saving encodes them on every core).
        let chunks: Vec<Vec<u8>> = {
            use rayon::prelude::*;
            self.docs
                .par_chunks(CHUNK_SLOTS)
                .map(|chunk| {
                    let mut bytes = postcard::to_allocvec(&(chunk.len() as u64)).expect("a count serialises");
                    for d in chunk {
                        let stored = d.as_ref().map(stored_doc);
                        bytes =
                            postcard::to_extend(&stored, bytes).expect("in-memory serialisation cannot fail");
                    }
                    bytes
                })
                .collect()
        };
        // DOCS goes out piece by piece (count, then each chunk behind its length), never
        // copied into one buffer: its length and checksum are taken over the pieces.
        let mut docs: Vec<Vec<u8>> = Vec::with_capacity(2 * chunks.len() + 1);
        docs.push(postcard::to_allocvec(&(chunks.len() as u64)).expect("a count serialises"));
        for chunk in chunks {
            docs.push(postcard::to_allocvec(&(chunk.len() as u64)).expect("a length serialises"));
            docs.push(chunk);
        }
        let encode = |value: &dyn erased::Encode| vec![value.encode()];
        let sections = [encode(&meta), encode(&terms), encode(&entities), docs];
        write_sections(&mut out, FORMAT_VERSION, &sections)
            .and_then(|()| out.flush())
            .map_err(|e| Error::io("writing the index", e))
    }

    /// Opens an index saved by [`Index::save`].
    ///
    /// # Errors
    /// [`ErrorKind::Io`](crate::ErrorKind::Io) when the file cannot be read;
    /// [`ErrorKind::Input`](crate::ErrorKind::Input) when it is empty, not a connexe index,
    /// of a newer format, truncated or corrupt: the message names the section, what was
    /// expected and what was found. Never panics on any content.
    pub fn open(path: impl AsRef<Path>) -> Result<Index> {
        let path = path.as_ref();
        let bytes = File::open(path)
            .and_then(|mut f| {
                // One allocation of the file's size: no regrowth, no copies.
                let size = f.metadata().map(|m| m.len() as usize).unwrap_or(0);
                let mut bytes = Vec::with_capacity(size);
                f.read_to_end(&mut bytes).map(|_| bytes)
            })
            .map_err(|e| Error::io(path.display(), e))?;
        Index::from_bytes(&bytes).map_err(|e| match e.kind() {
            crate::ErrorKind::Io => e,
            _ => Error::input(format!("{}: {e}", path.display())),
        })
    }

    /// Reads a snapshot from bytes (see [`Index::open`]).
    ///
    /// # Errors
    /// As [`Index::open`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Index> {
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
        let mut payloads: Vec<&[u8]> = Vec::with_capacity(SECTIONS.len());
        for tag in SECTIONS {
            let name = String::from_utf8_lossy(&tag).into_owned();
            let Some(header) = bytes.get(at..at + SECTION_HEADER_BYTES) else {
                return Err(corrupt(
                    &name,
                    format!(
                        "truncated: expected a {SECTION_HEADER_BYTES}-byte section header at byte {at}, found {} bytes",
                        bytes.len().saturating_sub(at)
                    ),
                ));
            };
            if header[..4] != tag {
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
            let payload = &bytes[start..start + len as usize];
            let actual = crc32fast::hash(payload);
            if actual != crc {
                return Err(corrupt(
                    &name,
                    format!("checksum mismatch: expected {crc:#010x}, found {actual:#010x}"),
                ));
            }
            payloads.push(payload);
            at = start + len as usize;
        }
        if at != bytes.len() {
            return Err(Error::input(format!(
                "index file: {} unexpected bytes after the last section",
                bytes.len() - at
            )));
        }
        fn decode_error(name: &'static str) -> impl Fn(postcard::Error) -> Error {
            move |e| corrupt(name, format!("cannot decode: {e}"))
        }
        let meta: Meta = postcard::from_bytes(payloads[0]).map_err(decode_error("META"))?;
        let terms: (Vec<String>, Vec<String>) = if version == 1 {
            let terms = postcard::from_bytes(payloads[1]).map_err(decode_error("TERM"))?;
            (terms, Vec::new())
        } else {
            postcard::from_bytes(payloads[1]).map_err(decode_error("TERM"))?
        };
        let entities: Vec<String> = postcard::from_bytes(payloads[2]).map_err(decode_error("ENTY"))?;
        let mut index = rebuild(meta, terms, entities, payloads[3], version)?;
        if version == 1 {
            index.find_surfaces();
        }
        Ok(index)
    }
}

fn vocabulary(texts: Vec<String>, section: &str) -> Result<Vocabulary> {
    let mut vocabulary = Vocabulary::default();
    for text in texts {
        let id = vocabulary.texts.len() as u32;
        if vocabulary.ids.insert(text.as_str().into(), id).is_some() {
            return Err(corrupt(
                section,
                format!("{} appears twice", crate::error::quoted(&text)),
            ));
        }
        vocabulary.texts.push(text.into());
    }
    Ok(vocabulary)
}

/// The index a snapshot describes, every id checked before it is used.
fn rebuild(
    meta: Meta,
    (terms, surfaces): (Vec<String>, Vec<String>),
    entities: Vec<String>,
    docs: &[u8],
    version: u32,
) -> Result<Index> {
    let mut config: IndexConfig = serde_json::from_str(&meta.config_json)
        .map_err(|e| corrupt("META", format!("configuration: {e}")))?;
    // Version 3 writes `prefix_stem_chars`; earlier versions did not know it. The version
    // byte is outside every checksum, so the configuration must agree with it: a flipped bit
    // must not change how new articles are analysed.
    let named = serde_json::from_str::<serde_json::Value>(&meta.config_json)
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
    let mut aliases = AliasTable::new();
    for (name, variants) in meta.aliases {
        aliases.insert(&name, variants).map_err(|e| corrupt("META", e))?;
    }
    let mut index = Index::with_aliases(config, aliases).map_err(|e| corrupt("META", e))?;
    index.terms = vocabulary(terms, "TERM")?;
    index.surfaces = vocabulary(surfaces, "TERM")?;
    let n_surfaces = index.surfaces.texts.len() as u32;
    index.entities = vocabulary(entities, "ENTY")?;
    let (n_terms, n_entities) = (index.terms.texts.len() as u32, index.entities.texts.len() as u32);

    // The chunks of documents, decoded on every core, then taken in slot order with every id
    // checked before it is used.
    let decode = |e: postcard::Error| corrupt("DOCS", format!("cannot decode: {e}"));
    let (n_chunks, mut rest) = postcard::take_from_bytes::<u64>(docs).map_err(decode)?;
    let mut chunks: Vec<&[u8]> = Vec::new();
    for _ in 0..n_chunks {
        let (len, tail) = postcard::take_from_bytes::<u64>(rest).map_err(decode)?;
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
    // Decoded and checked on every core; only the id map and the learned counts are built
    // in slot order afterwards.
    let decoded: Vec<Result<Vec<Option<Doc>>>> = {
        use rayon::prelude::*;
        chunks
            .into_par_iter()
            .map(|chunk| {
                let (count, mut rest) = postcard::take_from_bytes::<u64>(chunk).map_err(decode)?;
                let mut docs = Vec::new();
                for _ in 0..count {
                    let (stored, tail) = if version == 1 {
                        let (d, tail) =
                            postcard::take_from_bytes::<Option<StoredDocV1>>(rest).map_err(decode)?;
                        (d.map(StoredDoc::from), tail)
                    } else {
                        postcard::take_from_bytes::<Option<StoredDoc>>(rest).map_err(decode)?
                    };
                    docs.push(
                        stored
                            .map(|d| doc(d, n_terms, n_surfaces, n_entities, version))
                            .transpose()?,
                    );
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
            .collect()
    };
    let mut learned: HashMap<(u32, u32), u32> = HashMap::new();
    for chunk in decoded {
        for stored in chunk? {
            let slot =
                u32::try_from(index.docs.len()).map_err(|_| corrupt("DOCS", "more than 2^32 slots"))?;
            if let Some(d) = &stored {
                if index.slots.insert(d.article.id.clone(), slot).is_some() {
                    return Err(corrupt(
                        "DOCS",
                        format!("id {} appears twice", crate::error::quoted(&d.article.id)),
                    ));
                }
                for &pair in &d.learned {
                    *learned.entry(pair).or_insert(0) += 1;
                }
            } else {
                index.free.push(slot);
            }
            index.docs.push(stored);
        }
    }
    index.learned = learned;

    // Postings, filled on every core: two halves of the term ids, and the entities.
    let docs = &index.docs;
    let (mut term_df, mut entity_df) = (vec![0usize; n_terms as usize], vec![0usize; n_entities as usize]);
    for doc in docs.iter().flatten() {
        doc.terms.iter().for_each(|&(t, _)| term_df[t as usize] += 1);
        doc.entities
            .iter()
            .for_each(|(e, _, _)| entity_df[*e as usize] += 1);
    }
    let half = n_terms / 2;
    let ((mut term_postings, upper), entity_postings) = rayon::join(
        || {
            rayon::join(
                || {
                    invert(docs, 0..half, &term_df[..half as usize], |d| {
                        d.terms.iter().copied()
                    })
                },
                || {
                    invert(docs, half..n_terms, &term_df[half as usize..], |d| {
                        d.terms.iter().copied()
                    })
                },
            )
        },
        || {
            invert(docs, 0..n_entities, &entity_df, |d| {
                d.entities.iter().map(|(e, w, _)| (*e, *w))
            })
        },
    );
    term_postings.extend(upper);
    index.term_postings = term_postings;
    index.entity_postings = entity_postings;
    Ok(index)
}

/// A stored document as the index keeps it, every term and entity id checked against the
/// vocabularies' sizes.
fn doc(d: StoredDoc, n_terms: u32, n_surfaces: u32, n_entities: u32, version: u32) -> Result<Doc> {
    let bad_id = |what: &str, id: u32, max: u32| {
        corrupt(
            "DOCS",
            format!(
                "article {}: {what} id {id} out of range (< {max})",
                crate::error::quoted(&d.article.id)
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
                crate::error::quoted(&d.article.id),
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
    let a = d.article;
    let article = Article {
        published: a.published.map(Timestamp::from_unix_seconds),
        lang: a.lang.as_deref().map(|c| language(c, "DOCS")).transpose()?,
        id: a.id,
        title: a.title,
        body: a.body,
        lead: a.lead,
        url: a.url,
        section: a.section,
        tags: a.tags,
        entities: a.entities,
    };
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

/// The posting lists of the ids in `range`, from every document's (id, weight) pairs; each
/// list allocated once at its final size (`df`, indexed from `range.start`).
fn invert<'d, I: Iterator<Item = (u32, f32)>>(
    docs: &'d [Option<Doc>],
    range: std::ops::Range<u32>,
    df: &[usize],
    pairs: impl Fn(&'d Doc) -> I,
) -> Vec<Vec<Posting>> {
    let mut lists: Vec<Vec<Posting>> = df.iter().map(|&n| Vec::with_capacity(n)).collect();
    for (slot, doc) in docs.iter().enumerate() {
        let Some(doc) = doc else { continue };
        for (id, weight) in pairs(doc).filter(|p| range.contains(&p.0)) {
            lists[(id - range.start) as usize].push(Posting {
                slot: slot as u32,
                weight,
            });
        }
    }
    lists
}

/// Postcard encoding of the section values, behind one object-safe trait.
mod erased {
    pub(super) trait Encode {
        fn encode(&self) -> Vec<u8>;
    }

    impl<T: serde::Serialize> Encode for T {
        fn encode(&self) -> Vec<u8> {
            postcard::to_allocvec(self).expect("in-memory serialisation cannot fail")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            let stored = d.as_ref().map(stored_doc).map(|d| StoredDocV1 {
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
            vec![postcard::to_allocvec(&texts(&index.terms)).unwrap()],
            vec![postcard::to_allocvec(&texts(&index.entities)).unwrap()],
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
                .starts_with("index file: not a connexe index: expected magic \"CONNEXE\\0\", found \"PK\\u{3}\\u{4} a z\"")
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
}
