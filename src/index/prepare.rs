//! From an article to what the index stores: weighted terms, entities, tags, section.
//!
//! A pure function of the article and the configuration, so it can run on many threads
//! before the index takes the results one by one.

use hashbrown::HashMap;

use super::FieldWeights;
use crate::analysis::{Analyzer, Analyzers, TermId};
use crate::article::Article;
use crate::entity::{self, AliasTable, Extraction};
use crate::language::Language;
use crate::scratch::Pool;

/// An article analysed, ready to insert.
#[derive(Clone, Debug)]
pub(crate) struct Prepared {
    pub(crate) article: Article,
    pub(crate) lang: Language,
    /// (term, 1 + ln(field-weighted tf), the word as the article first writes it), sorted by
    /// term: a fixed summation order makes scores identical however the index was built.
    pub(crate) terms: Vec<(String, f32, String)>,
    /// (key, weight multiplier, name as first written), sorted by key.
    pub(crate) entities: Vec<(String, f32, String)>,
    /// Ids of `terms` (term, surface) already in the index's vocabularies, looked up while
    /// analysing on every core (see `Index::upsert_batch`), so inserting, which runs on one
    /// core, looks up only new words. Empty when not looked up.
    pub(crate) known: Vec<(Option<u32>, Option<u32>)>,
    /// (long name key, acronym key) pairs this article teaches.
    pub(crate) learned: Vec<(String, String)>,
    /// Folded tags, sorted, without repeats.
    pub(crate) tags: Vec<String>,
    /// Folded section.
    pub(crate) section: Option<String>,
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
    static SPLITS: Pool<(usize, &'static str)> = const { Pool::new() };
}

/// [`split`] into a buffer of the thread's pool; give it back with [`SPLITS`].
fn split_pooled(text: &str) -> Vec<(usize, &str)> {
    let mut words = SPLITS.with(Pool::take);
    crate::analysis::word_indices_into(text, &mut words);
    words
}

/// The sublinear tf of a field-weighted count: 1 + ln(tf), kept positive below 1.
fn sublinear(tf: f64) -> f32 {
    (if tf >= 1.0 { 1.0 + tf.ln() } else { tf }) as f32
}

/// Each term with its field-weighted count and its first surface (lower case, without an
/// elided article), which explanations show instead of the stem, in order of first
/// appearance; title, lead and body come split.
pub(crate) fn term_counts(
    article: &Article,
    lang: Language,
    fields: &FieldWeights,
    analyzer: &Analyzer,
    title: &[(usize, &str)],
    lead: Option<&[(usize, &str)]>,
    body: &[(usize, &str)],
) -> Vec<(String, f64, String)> {
    let tags: Vec<Vec<(usize, &str)>> = article.tags.iter().map(|tag| split(tag)).collect();
    let parts = [
        (title, fields.title),
        (lead.unwrap_or_default(), fields.lead),
        (body, fields.body),
    ]
    .into_iter()
    .chain(tags.iter().map(|words| (words.as_slice(), fields.tags)))
    .filter(|(_, weight)| *weight > 0.0);
    let words = parts.flat_map(|(words, weight)| words.iter().map(move |w| (w.1, weight)));
    // Counted by term id: a word costs no hashing of its term.
    let mut position_of: HashMap<TermId, usize> = HashMap::new();
    let mut terms: Vec<(String, f64, String)> = Vec::new();
    analyzer.analyze_word_ids(words, |surface, weight, id, term| {
        let i = *position_of.entry(id).or_insert_with(|| {
            let first_surface = crate::analysis::without_elision(surface, lang).to_lowercase();
            terms.push((term.to_owned(), 0.0, first_surface));
            terms.len() - 1
        });
        terms[i].1 += weight;
    });
    terms
}

pub(crate) fn prepare(
    article: Article,
    default_language: Language,
    fields: &FieldWeights,
    analyzers: &Analyzers,
    aliases: &AliasTable,
) -> Prepared {
    let lang = language_of(&article, default_language);
    let analyzer = analyzers.get(lang);
    // Title, lead and body are split into words once, for both their terms and their names.
    let title = split_pooled(&article.title);
    let lead = article.lead.as_deref().map(split_pooled);
    let body = split_pooled(&article.body);

    let counts = term_counts(&article, lang, fields, analyzer, &title, lead.as_deref(), &body);
    let mut terms: Vec<(String, f32, String)> = counts
        .into_iter()
        .map(|(t, tf, surface)| (t, sublinear(tf), surface))
        .collect();
    terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));

    let mut entities: HashMap<String, (f32, String)> = HashMap::new();
    let add = |entities: &mut HashMap<String, (f32, String)>, key: String, multiplier: f32, name: &str| {
        let slot = entities.entry(key).or_insert((multiplier, name.to_owned()));
        slot.0 = slot.0.max(multiplier);
    };
    let mut learned = Vec::new();
    let mut from_text = |text: &str, words: &[(usize, &str)]| {
        let Extraction {
            mentions,
            learned: taught,
        } = entity::extract_segmented(text, words, lang, aliases);
        learned.extend(taught);
        mentions
    };
    for m in from_text(&article.body, &body) {
        add(&mut entities, m.key, 1.0, &m.name);
    }
    if let (Some(text), Some(words)) = (&article.lead, &lead) {
        for m in from_text(text, words) {
            add(&mut entities, m.key, PROMINENT, &m.name);
        }
    }
    // Headlines capitalise freely ("Apple To Launch New iPad"): a title name counts only
    // when the text names it too, the alias table knows it, or it is an acronym.
    for m in from_text(&article.title, &title) {
        let acronym = m.name.chars().all(|c| !c.is_alphabetic() || c.is_uppercase());
        if entities.contains_key(&m.key) || aliases.contains(&m.key) || acronym {
            add(&mut entities, m.key, PROMINENT, &m.name);
        }
    }
    for name in &article.entities {
        let key = aliases.canonical(&entity::key(name)).to_owned();
        if !key.is_empty() {
            add(&mut entities, key, PROMINENT, name);
        }
    }
    for tag in &article.tags {
        let key = aliases.canonical(&entity::key(tag)).to_owned();
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
        known: Vec::new(),
        terms,
        entities,
        learned,
        tags,
        section,
    }
}
