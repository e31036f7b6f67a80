//! The index snapshot file: what an index holds, written through [`AtomicFile`], read back
//! with every byte checked. The files: `format` (the layout and the stored forms), `legacy`
//! (older versions), `rebuild` (the index a file describes); this one holds the API.
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

mod format;
mod legacy;
mod rebuild;

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use super::Index;
use crate::atomic_file::AtomicFile;
use crate::error::{Error, Result};
use format::FORMAT_VERSION;
use format::{CHUNK_SLOTS, Meta, StoredDoc, decode_error, encode, read_sections, write_sections};

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
        self.save_with(path.as_ref(), |index, file| index.write_to(file))
    }

    /// [`Index::save`] with the writing step given, so a test can make it fail midway.
    fn save_with(
        &self,
        path: &Path,
        write: impl FnOnce(&Index, &mut AtomicFile) -> Result<()>,
    ) -> Result<()> {
        let mut file = AtomicFile::create(path)?;
        write(self, &mut file)?;
        file.commit()
    }

    /// Writes the snapshot to any writer (a file, a buffer, object storage).
    ///
    /// # Errors
    /// [`ErrorKind::Io`](crate::ErrorKind::Io) when the writer fails.
    ///
    /// # Examples
    /// ```
    /// use connexe::{Article, Index};
    ///
    /// let mut index = Index::default();
    /// index.add(Article::new("a", "Rome", "La coalition se réunit à Rome."))?;
    /// let mut bytes = Vec::new();
    /// index.write_to(&mut bytes)?;
    /// assert!(bytes.starts_with(b"CONNEXE\0"));
    /// assert_eq!(Index::from_bytes(&bytes)?.get("a"), index.get("a"));
    /// # Ok::<(), connexe::Error>(())
    /// ```
    pub fn write_to(&self, mut out: impl Write) -> Result<()> {
        let meta = Meta {
            config_json: serde_json::to_string(&self.config).expect("the configuration serialises"),
            aliases: self.aliases.entries(),
        };
        let terms = (self.terms.texts(), self.surfaces.texts());
        let entities = self.entities.texts();
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
                        let stored = d.as_ref().map(StoredDoc::from);
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
        let sections = [
            vec![encode(&meta)],
            vec![encode(&terms)],
            vec![encode(&entities)],
            docs,
        ];
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
    ///
    /// # Examples
    /// ```
    /// use connexe::{ErrorKind, Index};
    ///
    /// let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join("corpus.jsonl");
    /// std::fs::write(&path, "{\"id\": \"a\"}\n").unwrap();
    /// let err = Index::open(&path).unwrap_err(); // a corpus, not an index file
    /// assert_eq!(err.kind(), ErrorKind::Input);
    /// assert!(err.to_string().starts_with(&format!("{}: ", path.display())), "{err}");
    /// assert_eq!(Index::open(dir.path().join("missing")).unwrap_err().kind(), ErrorKind::Io);
    /// ```
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
    ///
    /// # Examples
    /// ```
    /// let mut bytes = Vec::new();
    /// connexe::Index::default().write_to(&mut bytes)?;
    /// assert!(connexe::Index::from_bytes(&bytes)?.is_empty());
    /// bytes[20] ^= 1; // one bit flipped: refused, never served
    /// assert!(connexe::Index::from_bytes(&bytes).is_err());
    /// # Ok::<(), connexe::Error>(())
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<Index> {
        let (version, [meta, terms, entities, docs]) = read_sections(bytes)?;
        let meta: Meta = postcard::from_bytes(meta).map_err(decode_error("META"))?;
        let terms = legacy::terms(terms, version)?;
        let entities: Vec<String> = postcard::from_bytes(entities).map_err(decode_error("ENTY"))?;
        rebuild::rebuild(meta, terms, entities, docs, version)
    }
}

#[cfg(test)]
mod tests;
