//! What the index stores of its articles: ids for strings, posting lists, each slot's
//! document, and the one place that changes them together (inserting, removing, or putting
//! back the documents of an index file), with the id map and the count of learned acronyms.
//! Knows nothing of analysis, of weights derived from the postings, or of the file format.

use std::sync::OnceLock;

use hashbrown::HashMap;

use super::Index;
use super::derived::Derived;
use super::prepare::{self, Prepared};
use crate::article::Article;
use crate::error::{Error, Result};
use crate::language::Language;

/// Ids for strings (terms, entity keys): postings hold `u32`s, not strings.
#[derive(Debug, Default)]
pub(super) struct Vocabulary {
    ids: HashMap<Box<str>, u32>,
    texts: Vec<Box<str>>,
}

impl Vocabulary {
    /// The vocabulary whose ids are the positions of `texts`, or the first text that repeats.
    pub(super) fn from_texts(texts: Vec<String>) -> std::result::Result<Vocabulary, String> {
        let mut vocabulary = Vocabulary::default();
        for text in texts {
            let id = vocabulary.texts.len() as u32;
            if vocabulary.ids.insert(text.as_str().into(), id).is_some() {
                return Err(text);
            }
            vocabulary.texts.push(text.into());
        }
        Ok(vocabulary)
    }

    pub(super) fn intern(&mut self, text: &str) -> u32 {
        if let Some(&id) = self.ids.get(text) {
            return id;
        }
        let id = u32::try_from(self.texts.len()).expect("fewer than 2^32 distinct terms");
        self.texts.push(text.into());
        self.ids.insert(text.into(), id);
        id
    }

    pub(super) fn get(&self, text: &str) -> Option<u32> {
        self.ids.get(text).copied()
    }

    pub(super) fn text(&self, id: u32) -> &str {
        &self.texts[id as usize]
    }

    /// Every text, in id order.
    pub(super) fn texts(&self) -> Vec<&str> {
        self.texts.iter().map(|t| &**t).collect()
    }

    pub(super) fn len(&self) -> usize {
        self.texts.len()
    }
}

/// One article's entry in a posting list.
#[derive(Clone, Copy, Debug)]
pub(super) struct Posting {
    pub(super) slot: u32,
    /// Sublinear tf for terms; weight multiplier for entities.
    pub(super) weight: f32,
}

/// What the index keeps of one article.
#[derive(Debug)]
pub(super) struct Doc {
    pub(super) article: Article,
    pub(super) lang: Language,
    /// (term id, sublinear tf), in term text order.
    pub(super) terms: Vec<(u32, f32)>,
    /// The surface id of each of `terms`: how the article first writes it.
    pub(super) surfaces: Vec<u32>,
    /// (entity id, multiplier, name as written), in key text order.
    pub(super) entities: Vec<(u32, f32, Box<str>)>,
    /// (long name, acronym) entity ids this article teaches.
    pub(super) learned: Vec<(u32, u32)>,
    pub(super) tags: Vec<String>,
    pub(super) section: Option<String>,
}

/// A prepared article whose new texts have their ids (see `Index::resolve`): what
/// [`Contents::insert`] takes.
pub(super) struct Resolved(pub(super) Prepared);

/// What inserting and removing articles change in the index, borrowed apart from what
/// preparing one reads, so that the two can run at once.
pub(super) struct Contents<'i> {
    pub(super) docs: &'i mut Vec<Option<Doc>>,
    pub(super) free: &'i mut Vec<u32>,
    pub(super) slots: &'i mut HashMap<String, u32>,
    pub(super) term_postings: &'i mut Vec<Vec<Posting>>,
    pub(super) entities: &'i mut Vocabulary,
    pub(super) entity_postings: &'i mut Vec<Vec<Posting>>,
    pub(super) learned: &'i mut HashMap<(u32, u32), u32>,
    pub(super) derived: &'i mut OnceLock<Derived>,
}

impl Contents<'_> {
    /// Inserts the article, replacing the one of the same id.
    pub(super) fn upsert(&mut self, r: Resolved) {
        if self.slots.contains_key(&r.0.article.id) {
            self.remove(&r.0.article.id).expect("a contained id");
        }
        self.insert(r);
    }

    pub(super) fn insert(&mut self, Resolved(p): Resolved) {
        let prepare::PreparedTerms {
            ids: terms,
            surfaces,
            new,
        } = p.terms;
        debug_assert!(new.is_empty(), "texts interned by Index::resolve");
        let slot = match self.free.pop() {
            Some(slot) => slot,
            None => {
                self.docs.push(None);
                u32::try_from(self.docs.len() - 1).expect("fewer than 2^32 articles")
            }
        };
        for &(id, weight) in &terms {
            if id as usize >= self.term_postings.len() {
                self.term_postings.resize_with(id as usize + 1, Vec::new);
            }
            self.term_postings[id as usize].push(Posting { slot, weight });
        }
        let mut entities = Vec::with_capacity(p.entities.len());
        for (key, weight, name) in p.entities {
            let id = self.intern_entity(&key);
            self.entity_postings[id as usize].push(Posting { slot, weight });
            entities.push((id, weight, name.into_boxed_str()));
        }
        let learned = p
            .learned
            .iter()
            .map(|(long, short)| (self.intern_entity(long), self.intern_entity(short)))
            .collect();
        let doc = Doc {
            article: p.article,
            lang: p.lang,
            terms,
            surfaces,
            entities,
            learned,
            tags: p.tags,
            section: p.section,
        };
        let replaced = self.place(slot, doc);
        debug_assert!(replaced.is_none(), "an id inserted once");
        *self.derived = OnceLock::new();
    }

    /// Puts `doc` in `slot` (whose postings are the caller's): maps its id and counts the
    /// acronyms it teaches. The slot its id had, if it had one.
    fn place(&mut self, slot: u32, doc: Doc) -> Option<u32> {
        for &pair in &doc.learned {
            *self.learned.entry(pair).or_insert(0) += 1;
        }
        let before = self.slots.insert(doc.article.id.clone(), slot);
        self.docs[slot as usize] = Some(doc);
        before
    }

    fn intern_entity(&mut self, key: &str) -> u32 {
        let id = self.entities.intern(key);
        if id as usize == self.entity_postings.len() {
            self.entity_postings.push(Vec::new());
        }
        id
    }

    pub(super) fn remove(&mut self, id: &str) -> Result<Article> {
        let slot = self.slots.remove(id).ok_or_else(|| Error::unknown_id(id))?;
        let doc = self.docs[slot as usize]
            .take()
            .expect("a mapped slot holds a document");
        for &(term, _) in &doc.terms {
            self.term_postings[term as usize].retain(|p| p.slot != slot);
        }
        for (entity, _, _) in &doc.entities {
            self.entity_postings[*entity as usize].retain(|p| p.slot != slot);
        }
        for pair in &doc.learned {
            if let Some(count) = self.learned.get_mut(pair) {
                *count -= 1;
                if *count == 0 {
                    self.learned.remove(pair);
                }
            }
        }
        self.free.push(slot);
        *self.derived = OnceLock::new();
        Ok(doc.article)
    }
}

/// What an index file gives back of an index: its vocabularies, each id of its documents
/// checked against them.
pub(super) struct StoredVocabularies {
    pub(super) terms: Vocabulary,
    pub(super) surfaces: Vocabulary,
    pub(super) entities: Vocabulary,
}

/// Why the slots of an index file cannot be put back: the first in slot order.
pub(super) enum Unrestorable<E> {
    /// A slot could not be read.
    Slot(E),
    /// Two documents have this id.
    RepeatedId(String),
    /// More than 2^32 slots.
    TooManySlots,
}

impl Index {
    /// Fills this empty index with what a file stored: the vocabularies, then every slot in
    /// order (`None` for a free one), each document placed as inserting places one; the
    /// posting lists are then rebuilt from the documents.
    pub(super) fn restore<E>(
        &mut self,
        vocabularies: StoredVocabularies,
        slots: impl IntoIterator<Item = std::result::Result<Option<Doc>, E>>,
    ) -> std::result::Result<(), Unrestorable<E>> {
        debug_assert!(self.docs.is_empty(), "an empty index");
        let StoredVocabularies {
            terms,
            surfaces,
            entities,
        } = vocabularies;
        let (n_terms, n_entities) = (terms.len() as u32, entities.len() as u32);
        self.terms = terms;
        self.surfaces = surfaces;
        self.entities = entities;
        let mut contents = self.split().1;
        for doc in slots {
            let doc = doc.map_err(Unrestorable::Slot)?;
            let slot = u32::try_from(contents.docs.len()).map_err(|_| Unrestorable::TooManySlots)?;
            contents.docs.push(None);
            match doc {
                Some(doc) => {
                    if contents.place(slot, doc).is_some() {
                        let doc = contents.docs[slot as usize].as_ref().expect("placed");
                        return Err(Unrestorable::RepeatedId(doc.article.id.clone()));
                    }
                }
                None => contents.free.push(slot),
            }
        }
        self.invert(n_terms, n_entities);
        Ok(())
    }

    /// The posting lists of every term and entity id, from the documents, filled on every core:
    /// two halves of the term ids, and the entities.
    fn invert(&mut self, n_terms: u32, n_entities: u32) {
        let docs = &self.docs;
        let (mut term_df, mut entity_df) =
            (vec![0usize; n_terms as usize], vec![0usize; n_entities as usize]);
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
        self.term_postings = term_postings;
        self.entity_postings = entity_postings;
    }
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
