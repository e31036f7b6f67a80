//! From an article to what the index stores: weighted terms, entities, tags, section.
//!
//! Composes analysis (terms) and entity extraction (names): each word of an article is looked
//! up once in the index's memory of words for its terms and its name facts both. A pure
//! function of the article and the configuration (the memory changes no result), so it can
//! run on many threads before the index takes the results one by one.

mod analyzers;

use std::cell::RefCell;

use hashbrown::HashMap;

use super::{FieldWeights, Vocabulary};
use crate::analysis::{TextId, WordIds};
use crate::article::Article;
use crate::buffers::BufferPool;
use crate::entity::{self, AliasTable, Facts, Found};
use crate::language::Language;

pub(crate) use analyzers::Analyzers;
use analyzers::{MemoAnalyzer, NO_NOTE, Session};

/// An article analysed, ready to insert.
#[derive(Clone, Debug)]
pub(crate) struct Prepared {
    pub(crate) article: Article,
    pub(crate) lang: Language,
    /// The article's terms as the index stores them.
    pub(crate) terms: PreparedTerms,
    /// (key, weight multiplier, name as first written), sorted by key.
    pub(crate) entities: Vec<(String, f32, String)>,
    /// (long name key, acronym key) pairs this article teaches.
    pub(crate) learned: Vec<(String, String)>,
    /// Folded tags, sorted, without repeats.
    pub(crate) tags: Vec<String>,
    /// Folded section.
    pub(crate) section: Option<String>,
}

/// An article's terms as the index will store them, made on the core that analysed it: ids
/// of the texts the index's vocabularies have (looked up there, so that inserting, on one
/// core, interns only new words), and those the vocabularies lack. Ids, not strings: a batch
/// of prepared articles takes a fifth of the memory, which the allocator must not fault in.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct PreparedTerms {
    /// (term id, 1 + ln(field-weighted tf)), sorted by the terms' texts: a fixed summation
    /// order makes scores identical however the index was built.
    pub(crate) ids: Vec<(u32, f32)>,
    /// The surface id of each term: the word as the article first writes it (see [`WordIds`]).
    pub(crate) surfaces: Vec<u32>,
    /// The texts to intern first, in term order, with the place of their ids: (a surface,
    /// not a term; position in `ids` and `surfaces`; text). Their places hold 0 until then.
    pub(crate) new: Vec<(bool, u32, Box<str>)>,
}

/// The index's vocabularies, which articles are prepared against.
#[derive(Clone, Copy)]
pub(crate) struct Vocabularies<'v> {
    pub(crate) terms: &'v Vocabulary,
    pub(crate) surfaces: &'v Vocabulary,
}

/// Multiplier of an entity named in the title or lead, or supplied by the CMS.
const PROMINENT: f32 = 2.0;

/// How much text the language detector reads.
const DETECT_BYTES: usize = 2_000;

pub(crate) fn language_of(article: &Article, default: Language) -> Language {
    if let Some(lang) = article.lang {
        return lang;
    }
    let mut sample = String::with_capacity(DETECT_BYTES + 256);
    for part in [Some(&article.title), article.lead.as_ref(), Some(&article.body)]
        .into_iter()
        .flatten()
    {
        sample.push_str(part);
        sample.push('\n');
        if sample.len() > DETECT_BYTES {
            break;
        }
    }
    let mut cut = sample.len().min(DETECT_BYTES);
    while !sample.is_char_boundary(cut) {
        cut -= 1;
    }
    Language::detect(&sample[..cut]).unwrap_or(default)
}

/// The UAX #29 words of `text` with their byte offsets.
pub(crate) fn split(text: &str) -> Vec<(usize, &str)> {
    crate::analysis::word_indices(text)
}

thread_local! {
    /// Buffers of split words, kept between the articles a thread prepares.
    static SPLITS: BufferPool<(usize, &'static str)> = const { BufferPool::new() };
    /// Buffers of the facts of words (see [`count_terms`]).
    static FACTS: BufferPool<Facts> = const { BufferPool::new() };
}

/// [`split`] into a buffer of the thread's pool; give it back with [`SPLITS`].
fn split_pooled(text: &str) -> Vec<(usize, &str)> {
    let mut words = SPLITS.with(BufferPool::take);
    crate::analysis::word_indices_into(text, &mut words);
    words
}

/// The sublinear tf of a field-weighted count: 1 + ln(tf), kept positive below 1.
fn sublinear(tf: f64) -> f32 {
    (if tf >= 1.0 { 1.0 + tf.ln() } else { tf }) as f32
}

/// Where each term is in the list of the article being counted, by text id: an array read
/// per word instead of a hash lookup.
#[derive(Default)]
struct Positions {
    dense: Vec<u32>,
    /// Ids from [`DENSE_IDS`] on: those of a nested session, or of an article of millions of
    /// new words.
    sparse: HashMap<TextId, u32>,
}

/// Text ids below this are placed in the array: 8 MB at most per thread.
const DENSE_IDS: usize = 1 << 21;

/// No position yet.
const ABSENT: u32 = u32::MAX;

impl Positions {
    /// The slot of `id`'s position, `ABSENT` when the article has not had it yet.
    fn slot(&mut self, id: TextId) -> &mut u32 {
        let i = id as usize;
        if i >= DENSE_IDS {
            return self.sparse.entry(id).or_insert(ABSENT);
        }
        if i >= self.dense.len() {
            self.dense.resize((i + 1).next_power_of_two(), ABSENT);
        }
        &mut self.dense[i]
    }
}

thread_local! {
    static POSITIONS: RefCell<Positions> = RefCell::new(Positions::default());
    /// Buffers of term counts, kept between the articles a thread prepares.
    static COUNTS: BufferPool<Count> = const { BufferPool::new() };
}

/// A term of an article, counted.
#[derive(Clone, Copy)]
struct Count {
    /// The term's [`Session::order`], for sorting.
    order: u64,
    ids: WordIds,
    /// Field-weighted count.
    tf: f64,
}

/// Each term of an article with its field-weighted count and its first surface, in order of
/// first appearance; title, lead and body come split. Give the list back to [`COUNTS`].
///
/// With `facts`, the [`entity::word_facts`] of each word of the title, the lead and the body
/// go there, in that order, found with the word's terms (fields of no weight included).
fn count_terms(
    session: &mut Session<'_>,
    article: &Article,
    fields: &FieldWeights,
    title: &[(usize, &str)],
    lead: Option<&[(usize, &str)]>,
    body: &[(usize, &str)],
    mut facts: Option<&mut [Vec<Facts>; 3]>,
) -> Vec<Count> {
    let tags: Vec<Vec<(usize, &str)>> = article.tags.iter().map(|tag| split(tag)).collect();
    let texts = [
        (title, fields.title),
        (lead.unwrap_or_default(), fields.lead),
        (body, fields.body),
    ];
    let mut terms: Vec<Count> = COUNTS.with(BufferPool::take);
    POSITIONS.with(|positions| {
        // A thread counts one article at a time; a nested call (none today) would count
        // with positions of its own.
        let mut borrowed = positions.try_borrow_mut();
        let mut own = Positions::default();
        let positions = borrowed.as_deref_mut().unwrap_or(&mut own);
        let mut add = |session: &Session<'_>, ids: WordIds, weight: f64| {
            let slot = positions.slot(ids.term);
            if *slot == ABSENT {
                *slot = u32::try_from(terms.len()).expect("fewer than 2^32 terms in an article");
                let order = session.order(ids.term);
                terms.push(Count { order, ids, tf: 0.0 });
            }
            let i = *slot as usize;
            terms[i].tf += weight;
        };
        for (n, (words, weight)) in texts.into_iter().enumerate() {
            match facts.as_deref_mut() {
                Some(facts) => {
                    for &(_, word) in words {
                        let (ids, word_facts) = session.word_with(word, entity::word_facts);
                        facts[n].push(word_facts);
                        if let Some(ids) = ids.filter(|_| weight > 0.0) {
                            add(session, ids, weight);
                        }
                    }
                }
                None if weight > 0.0 => {
                    for &(_, word) in words {
                        if let Some(ids) = session.word(word) {
                            add(session, ids, weight);
                        }
                    }
                }
                None => {}
            }
        }
        if fields.tags > 0.0 {
            for &(_, word) in tags.iter().flatten() {
                if let Some(ids) = session.word(word) {
                    add(session, ids, fields.tags);
                }
            }
        }
        for count in &terms {
            *positions.slot(count.ids.term) = ABSENT;
        }
        // Emptied; dropped when large, so that one huge article leaves no memory parked.
        if positions.sparse.capacity() > 1 << 10 {
            positions.sparse = HashMap::new();
        }
        positions.sparse.clear();
    });
    terms
}

/// Each term with its field-weighted count and its first surface (lower case, without an
/// elided article), which explanations show instead of the stem, in order of first
/// appearance.
pub(crate) fn term_counts(
    article: &Article,
    fields: &FieldWeights,
    analyzer: MemoAnalyzer<'_>,
) -> Vec<(String, f64, String)> {
    let (title, body) = (split(&article.title), split(&article.body));
    let lead = article.lead.as_deref().map(split);
    analyzer.session(|session| {
        let counts = count_terms(session, article, fields, &title, lead.as_deref(), &body, None);
        let text = |id| session.text(id).to_owned();
        let terms = counts
            .iter()
            .map(|&Count { ids, tf, .. }| (text(ids.term), tf, text(ids.surface)))
            .collect();
        COUNTS.with(|pool| pool.give(counts));
        terms
    })
}

/// `id`'s id in `vocabulary` when it has the text, noted in `slot` of the text's note for the
/// next article (ids never change: a vocabulary only grows).
fn known_id(session: &mut Session<'_>, id: TextId, slot: usize, vocabulary: &Vocabulary) -> Option<u32> {
    let noted = session.note(id)[slot];
    if noted != NO_NOTE[slot] {
        debug_assert_eq!(vocabulary.text(noted), session.text(id));
        return Some(noted);
    }
    let found = vocabulary.get(session.text(id))?;
    session.note(id)[slot] = found;
    Some(found)
}

/// The article's terms (`counts`), sorted by text, with the ids `known` has for them.
fn prepared_terms(
    session: &mut Session<'_>,
    mut counts: Vec<Count>,
    known: Vocabularies<'_>,
) -> PreparedTerms {
    counts.sort_unstable_by(|a, b| {
        (a.order.cmp(&b.order)).then_with(|| session.text(a.ids.term).cmp(session.text(b.ids.term)))
    });
    let mut terms = PreparedTerms {
        ids: Vec::with_capacity(counts.len()),
        surfaces: Vec::with_capacity(counts.len()),
        new: Vec::new(),
    };
    for (at, &Count { ids, tf, .. }) in counts.iter().enumerate() {
        let at = u32::try_from(at).expect("fewer than 2^32 terms in an article");
        let mut id_of = |text, slot, vocabulary| {
            known_id(session, text, slot, vocabulary).unwrap_or_else(|| {
                terms.new.push((slot == 1, at, session.text(text).into()));
                0
            })
        };
        // The surface first, as inserting interned them before.
        let surface = id_of(ids.surface, 1, known.surfaces);
        let term = id_of(ids.term, 0, known.terms);
        terms.surfaces.push(surface);
        terms.ids.push((term, sublinear(tf)));
    }
    COUNTS.with(|pool| pool.give(counts));
    terms
}

pub(crate) fn prepare(
    article: Article,
    default_language: Language,
    fields: &FieldWeights,
    analyzers: &Analyzers,
    aliases: &AliasTable,
    known: Vocabularies<'_>,
) -> Prepared {
    let lang = language_of(&article, default_language);
    // Title, lead and body are split into words once, for both their terms and their names.
    let title = split_pooled(&article.title);
    let lead = article.lead.as_deref().map(split_pooled);
    let body = split_pooled(&article.body);

    let mut entities: HashMap<String, (f32, String)> = HashMap::new();
    // Keys and names are copied once per entity, not once per mention.
    let add = |entities: &mut HashMap<String, (f32, String)>, key: &str, multiplier: f32, name: &str| {
        match entities.get_mut(key) {
            Some(slot) => slot.0 = slot.0.max(multiplier),
            None => {
                entities.insert(key.to_owned(), (multiplier, name.to_owned()));
            }
        }
    };
    let mut learned = Vec::new();
    let terms = analyzers.get(lang).session(|session| {
        // The facts of the words of the title, the lead and the body, for their names.
        let mut facts = [(); 3].map(|()| FACTS.with(BufferPool::take));
        let counts = count_terms(
            session,
            &article,
            fields,
            &title,
            lead.as_deref(),
            &body,
            Some(&mut facts),
        );
        let terms = prepared_terms(session, counts, known);
        let session: &Session<'_> = session;
        let key_text = |id| session.text(id);
        let mut extract =
            |text: &str, words: &[(usize, &str)], facts: &[Facts], mention: &mut dyn FnMut(&str, &str)| {
                let mut found = Found {
                    mention,
                    learned: &mut learned,
                };
                entity::extract_segmented(text, words, facts, &key_text, lang, aliases, &mut found);
            };
        let [title_facts, lead_facts, body_facts] = &facts;
        extract(&article.body, &body, body_facts, &mut |name, key| {
            add(&mut entities, key, 1.0, name)
        });
        if let (Some(text), Some(words)) = (&article.lead, &lead) {
            extract(text, words, lead_facts, &mut |name, key| {
                add(&mut entities, key, PROMINENT, name)
            });
        }
        // Headlines capitalise freely ("Apple To Launch New iPad"): a title name counts only
        // when the text names it too, the alias table knows it, or it is an acronym.
        extract(&article.title, &title, title_facts, &mut |name, key| {
            let acronym = name.chars().all(|c| !c.is_alphabetic() || c.is_uppercase());
            if entities.contains_key(key) || aliases.contains(key) || acronym {
                add(&mut entities, key, PROMINENT, name);
            }
        });
        FACTS.with(|pool| facts.into_iter().rev().for_each(|buffer| pool.give(buffer)));
        terms
    });
    for name in &article.entities {
        let folded = entity::key(name);
        let key = aliases.canonical(&folded);
        if !key.is_empty() {
            add(&mut entities, key, PROMINENT, name);
        }
    }
    for tag in &article.tags {
        let folded = entity::key(tag);
        let key = aliases.canonical(&folded);
        if !key.is_empty() {
            add(&mut entities, key, 1.0, tag);
        }
    }
    SPLITS.with(|pool| {
        // The pool hands back the last buffer first: the body's large one goes in first, so
        // that the next article's title does not take it.
        for words in [Some(body), lead, Some(title)].into_iter().flatten() {
            pool.give(words);
        }
    });
    let mut entities: Vec<(String, f32, String)> =
        entities.into_iter().map(|(k, (m, name))| (k, m, name)).collect();
    entities.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    learned.sort_unstable();
    learned.dedup();

    let mut tags: Vec<String> = article
        .tags
        .iter()
        .map(|t| entity::key(t))
        .filter(|t| !t.is_empty())
        .collect();
    tags.sort_unstable();
    tags.dedup();
    let section = article
        .section
        .as_deref()
        .map(entity::key)
        .filter(|s| !s.is_empty());

    Prepared {
        article,
        lang,
        terms,
        entities,
        learned,
        tags,
        section,
    }
}

#[cfg(test)]
mod tests;
