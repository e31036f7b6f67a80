//! Text analysis: from text to index terms, as a pipeline of small stages.
//!
//! Unicode word segmentation (UAX #29) splits the text; then, in order: overlong words dropped,
//! apostrophe
//! unification, lower-casing, French (and Italian) elisions, stop words, one-letter leftovers,
//! Snowball stemming, accent folding. Numbers are kept: years matter in news.

mod filters;
mod words;

use std::borrow::Cow;
use std::cell::RefCell;
use std::hash::BuildHasher;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use hashbrown::DefaultHashBuilder;
use hashbrown::{HashMap, HashTable};

use serde::{Deserialize, Serialize};

pub(crate) use filters::{APOSTROPHES, fold_accents, without_elision};
pub use filters::{
    DropSingleLetters, Elision, FoldAccents, Lowercase, MaxChars, Prefix, Stem, StopWords, TokenFilter,
    UnifyApostrophes,
};
pub use words::word_indices;
pub(crate) use words::word_indices_into;

use crate::language::Language;

/// Which optional stages the default pipeline runs (for ablations and special corpora).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AnalysisOptions {
    /// Snowball stemming, and the prefix that stands in for it in Polish (default on).
    pub stemming: bool,
    /// Stop-word removal (default on).
    pub stop_words: bool,
    /// Longer words are not terms (default 64 characters): URLs, hashes, a 1 MB "word".
    pub max_token_chars: usize,
    /// With stemming on, the terms of a language without a Snowball stemmer (Polish) are cut
    /// to their first this many characters (default 5; 0 leaves them whole): a crude stemmer
    /// that suits a highly inflected language. On SemEval-2022's Polish pairs it takes the
    /// Pearson correlation from 0.345 to 0.445. Index files written before it keep 0.
    pub prefix_stem_chars: usize,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        AnalysisOptions {
            stemming: true,
            stop_words: true,
            max_token_chars: 64,
            prefix_stem_chars: 5,
        }
    }
}

/// A tokenizer followed by token filters, for one language.
///
/// # Examples
/// ```
/// use connexe::{Analyzer, Language};
///
/// let fr = Analyzer::for_language(Language::French);
/// assert_eq!(fr.terms("L’Italie et l'État islamique"), vec!["ital", "etat", "islam"]);
///
/// // A custom pipeline: lower-case words only.
/// let words = Analyzer::builder(Language::English).filter(connexe::analysis::Lowercase).build();
/// assert_eq!(words.terms("The Rome talks"), vec!["the", "rome", "talks"]);
/// ```
#[derive(Debug)]
pub struct Analyzer {
    lang: Language,
    filters: Vec<Box<dyn TokenFilter>>,
    /// Tells this analyzer's remembered words from another's (see [`Memo`]).
    id: u64,
}

/// Source of [`Analyzer`] ids.
static NEXT_ANALYZER: AtomicU64 = AtomicU64::new(0);

/// How many words a thread remembers before it forgets them all: the words of a language's
/// news with their inflections and names (2^16 was too few for 100k articles: forgetting and
/// analysing again cost 15 % of a build). A remembered word takes at most 72 bytes of its
/// table, and its term, surface and the text of its [`Facts`] (a name's key: often one or two
/// texts in all) at most 80 bytes each with their note and order: some 80 MB at most, or more
/// while one session (one article) of as many new words runs.
const MEMO_WORDS: usize = 1 << 18;

/// Longer words are analysed every time, never remembered: they are rare, and a hostile text
/// must not park long strings in every thread's memory.
const MEMO_WORD_BYTES: usize = 48;

/// Words this thread has analysed, by analyzer: news repeat their words, so most words cost
/// one hash lookup instead of the pipeline (lower-casing, stemming, accent folding and their
/// allocations). Filters are pure functions of the token, so remembering changes nothing.
#[derive(Default)]
struct Memo {
    by_analyzer: HashMap<u64, Texts>,
    /// Words remembered since the memo was last emptied, all analyzers together: analyzers
    /// come and go (each index has its own), and those dropped must not pile up.
    words: usize,
}

/// Words with their terms and surfaces as ids into one list of texts: a caller that counts
/// terms adds by id instead of hashing each term again.
#[derive(Default)]
struct Texts {
    /// Remembered words (none in the texts that a session keeps to itself).
    words: Words,
    texts: Vec<Box<str>>,
    /// What the caller noted of each of `texts` (see [`Session::note`]).
    notes: Vec<Note>,
    /// The first bytes of each of `texts` (see [`Session::order`]).
    orders: Vec<u64>,
    /// Ids of `texts`, hashed by their text, which is stored once.
    ids: HashTable<TextId>,
    hasher: DefaultHashBuilder,
}

/// A text's id within one [`Session`]: the same text, the same id.
pub(crate) type TextId = u32;

/// What a caller remembers of a text for as long as the memo does: the index keeps there the
/// text's ids in its vocabularies of terms and of surfaces, so that an article's thousandth
/// "gouvernement" costs no lookup in them. [`NO_NOTE`] until the caller writes one.
pub(crate) type Note = [u32; 2];

/// A note's slots before the caller writes them.
pub(crate) const NO_NOTE: Note = [u32::MAX; 2];

/// A word's term, and its surface: the word in lower case without an elided article ("l'État"
/// gives "état"), which explanations show instead of the stem.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct WordIds {
    pub(crate) term: TextId,
    pub(crate) surface: TextId,
}

/// What a caller of [`Session::word_with`] keeps of a word beside its ids, packed in one
/// integer that is never [`NO_FACTS`].
pub(crate) type Facts = u64;

/// Computes a word's [`Facts`]: a pure function of the word and the language, which may intern
/// texts as the session's ids. The memo keeps what it returns by analyzer and word, so an
/// analyzer's sessions must all be given the same one (the index's is
/// `entity::word_facts`).
pub(crate) type FactsOf = fn(&str, Language, &mut dyn FnMut(&str) -> TextId) -> Facts;

/// The facts of a word remembered by [`Session::word`], which computes none.
const NO_FACTS: Facts = u64::MAX;

/// Marks the ids of texts that a session keeps to itself: those of a session nested in
/// another, which is using the memo.
const CALL_ONLY: TextId = 1 << 31;

impl Texts {
    /// The id of `text`, interned on first sight.
    fn intern(&mut self, text: &str) -> TextId {
        let hash = self.hasher.hash_one(text);
        let texts = &self.texts;
        if let Some(&id) = self.ids.find(hash, |&id| *texts[id as usize] == *text) {
            return id;
        }
        let id = TextId::try_from(self.texts.len())
            .ok()
            .filter(|id| id & CALL_ONLY == 0)
            .expect("fewer than 2^31 texts in one session");
        self.texts.push(text.into());
        self.notes.push(NO_NOTE);
        self.orders.push(order_of(text));
        let (texts, hasher) = (&self.texts, &self.hasher);
        self.ids
            .insert_unique(hash, id, |&id| hasher.hash_one(&*texts[id as usize]));
        id
    }
}

/// See [`Session::order`].
fn order_of(text: &str) -> u64 {
    let mut first = [0; 8];
    let n = text.len().min(8);
    first[..n].copy_from_slice(&text.as_bytes()[..n]);
    u64::from_be_bytes(first)
}

/// An analyzer's memory of words for the length of one [`Analyzer::session`].
pub(crate) struct Session<'m> {
    analyzer: &'m Analyzer,
    /// The thread's memo for this analyzer; `None` when an outer session holds it.
    known: Option<&'m mut Texts>,
    /// Words remembered by all analyzers since the memo was emptied.
    remembered: Option<&'m mut usize>,
    /// The texts of a nested session, with ids marked [`CALL_ONLY`].
    call_only: Texts,
}

impl Session<'_> {
    /// The term and surface of `word`, or `None` when the pipeline drops it.
    pub(crate) fn word(&mut self, word: &str) -> Option<WordIds> {
        self.lookup(word, None).0
    }

    /// [`Session::word`], with the caller's [`Facts`] of the word: remembered with its ids,
    /// so that a caller who needs more of each word than its terms (the name extractor) pays
    /// one lookup for both.
    pub(crate) fn word_with(&mut self, word: &str, facts_of: FactsOf) -> (Option<WordIds>, Facts) {
        self.lookup(word, Some(facts_of))
    }

    fn lookup(&mut self, word: &str, facts_of: Option<FactsOf>) -> (Option<WordIds>, Facts) {
        let analyzer = self.analyzer;
        let lang = analyzer.lang;
        let facts = |texts: &mut Texts, id_bits: TextId| {
            facts_of.map_or(NO_FACTS, |facts_of| {
                let facts = facts_of(word, lang, &mut |text| texts.intern(text) | id_bits);
                debug_assert_ne!(facts, NO_FACTS, "facts of {word:?}");
                facts
            })
        };
        match (self.known.as_deref_mut(), self.remembered.as_deref_mut()) {
            (Some(known), Some(remembered)) if word.len() <= MEMO_WORD_BYTES => {
                if let Some([ids, remembered_facts]) = known.words.get(word) {
                    if facts_of.is_none() || remembered_facts != NO_FACTS {
                        return (unpack(ids), remembered_facts);
                    }
                    // Remembered by `word`, without facts: they are added.
                    let facts = facts(known, 0);
                    known.words.insert(word, [ids, facts]);
                    return (unpack(ids), facts);
                }
                let ids = analyzer.word_ids(word, |text| known.intern(text));
                let facts = facts(known, 0);
                // Words are forgotten when too many; their texts' ids stay.
                if known.words.len() >= MEMO_WORDS {
                    known.words.clear();
                }
                known.words.insert(word, [pack(ids), facts]);
                *remembered += 1;
                (ids, facts)
            }
            (Some(known), Some(remembered)) => {
                // Too long to remember, but its texts share the ids of the same texts of other
                // words: a term counted once per article, whichever words give it. Counted,
                // so that the memo is emptied after sessions of many such words.
                *remembered += 1;
                let ids = analyzer.word_ids(word, |text| known.intern(text));
                (ids, facts(known, 0))
            }
            _ => {
                let call_only = &mut self.call_only;
                let ids = analyzer.word_ids(word, |text| call_only.intern(text) | CALL_ONLY);
                (ids, facts(call_only, CALL_ONLY))
            }
        }
    }

    /// The texts that hold `id`, and its place there.
    fn texts(&self, id: TextId) -> (&Texts, usize) {
        if id & CALL_ONLY == 0 {
            (
                self.known.as_deref().expect("an id this session gave"),
                id as usize,
            )
        } else {
            (&self.call_only, (id & !CALL_ONLY) as usize)
        }
    }

    /// The text of an id that [`Session::word`] or [`Session::word_with`] gave, or that a
    /// [`FactsOf`] interned.
    pub(crate) fn text(&self, id: TextId) -> &str {
        let (texts, at) = self.texts(id);
        &texts.texts[at]
    }

    /// The first eight bytes of a text (zero-padded) as an integer: two texts of different
    /// orders are in the order of their integers, so that sorting compares integers and reads
    /// the texts only on a tie.
    pub(crate) fn order(&self, id: TextId) -> u64 {
        let (texts, at) = self.texts(id);
        texts.orders[at]
    }

    /// The caller's note on a text: kept as long as this thread remembers the text for this
    /// analyzer (at least until the session ends), [`NO_NOTE`] at first.
    pub(crate) fn note(&mut self, id: TextId) -> &mut Note {
        let texts = if id & CALL_ONLY == 0 {
            self.known.as_deref_mut().expect("an id this session gave")
        } else {
            &mut self.call_only
        };
        &mut texts.notes[(id & !CALL_ONLY) as usize]
    }
}

/// Remembered words with their term and surface, and their [`Facts`], packed in two
/// integers. A lookup is bound by reading its entry from memory, so entries are as small as
/// the word allows: 24 bytes for words of up to [`TINY_WORD_BYTES`] (most of a text's words:
/// "de", "la", "ministre"), 32 bytes up to [`SHORT_WORD_BYTES`] (nearly all others). Entries
/// sized for the longest words (72 bytes) missed the cache three times as often.
#[derive(Default)]
struct Words {
    tiny: HashMap<u64, [u64; 2]>,
    short: HashMap<ShortKey, [u64; 2]>,
    long: HashMap<WordKey, [u64; 2]>,
}

/// Words of at most this many bytes have a [`tiny_key`].
const TINY_WORD_BYTES: usize = 7;

/// A word of at most [`TINY_WORD_BYTES`] as one integer: its bytes from the lowest, and its
/// length in the highest byte. Read in two overlapping loads (or three bytes), without a loop
/// nor a call to `memcpy`: the overlap puts the same bytes in the same places.
fn tiny_key(word: &str) -> Option<u64> {
    let bytes = word.as_bytes();
    let n = bytes.len();
    let packed = match n {
        0 => 0,
        1..=3 => {
            let at = |i: usize| u64::from(bytes[i]) << (8 * i);
            at(0) | at(n / 2) | at(n - 1)
        }
        4..=TINY_WORD_BYTES => {
            let four = |from: usize| {
                u64::from(u32::from_le_bytes(
                    bytes[from..from + 4].try_into().expect("4 bytes"),
                ))
            };
            four(0) | four(n - 4) << (8 * (n - 4))
        }
        _ => return None,
    };
    Some(packed | (n as u64) << 56)
}

/// Words of at most this many bytes are [`ShortKey`]s.
const SHORT_WORD_BYTES: usize = 15;

impl Words {
    /// The remembered ids of `word` (see [`pack`]) and its facts.
    fn get(&self, word: &str) -> Option<[u64; 2]> {
        if let Some(key) = tiny_key(word) {
            return self.tiny.get(&key).copied();
        }
        match ShortKey::new(word) {
            Some(key) => self.short.get(&key).copied(),
            None => self.long.get(&WordKey::new(word)?).copied(),
        }
    }

    /// Remembers `word`, of at most [`MEMO_WORD_BYTES`].
    fn insert(&mut self, word: &str, entry: [u64; 2]) {
        if let Some(key) = tiny_key(word) {
            self.tiny.insert(key, entry);
        } else if let Some(key) = ShortKey::new(word) {
            self.short.insert(key, entry);
        } else if let Some(key) = WordKey::new(word) {
            self.long.insert(key, entry);
        }
    }

    fn len(&self) -> usize {
        self.tiny.len() + self.short.len() + self.long.len()
    }

    fn clear(&mut self) {
        self.tiny.clear();
        self.short.clear();
        self.long.clear();
    }
}

/// `ids` in one integer, `u64::MAX` for none (text ids are below 2^31).
fn pack(ids: Option<WordIds>) -> u64 {
    ids.map_or(u64::MAX, |ids| {
        u64::from(ids.term) | (u64::from(ids.surface) << 32)
    })
}

fn unpack(packed: u64) -> Option<WordIds> {
    (packed != u64::MAX).then_some(WordIds {
        term: packed as u32,
        surface: (packed >> 32) as u32,
    })
}

/// A word of at most [`SHORT_WORD_BYTES`]: its bytes zero-padded, then its length, in two
/// integers that compare and hash as such.
#[derive(Clone, Copy, PartialEq, Eq)]
struct ShortKey([u64; 2]);

impl std::hash::Hash for ShortKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.0[0]);
        state.write_u64(self.0[1]);
    }
}

impl ShortKey {
    /// The key of a word of at most [`SHORT_WORD_BYTES`]. A word of 8 bytes or more (every one
    /// that has no [`tiny_key`]) is read in two overlapping loads, without a call to `memcpy`.
    fn new(word: &str) -> Option<ShortKey> {
        let bytes = word.as_bytes();
        let n = bytes.len();
        let eight = |from: usize| u64::from_le_bytes(bytes[from..from + 8].try_into().expect("8 bytes"));
        let (low, high) = match n {
            0..8 => {
                let mut padded = [0; 8];
                padded[..n].copy_from_slice(bytes);
                (u64::from_le_bytes(padded), 0)
            }
            // The last eight bytes, shifted down to the ninth byte on.
            8..=SHORT_WORD_BYTES => (
                eight(0),
                eight(n - 8).checked_shr(8 * (16 - n) as u32).unwrap_or(0),
            ),
            _ => return None,
        };
        Some(ShortKey([low, high | (n as u64) << 56]))
    }
}

/// A remembered word too long for a [`ShortKey`], stored in the table itself: comparing it
/// reads no other memory, where a boxed word cost a cache miss on most lookups. Its bytes are
/// packed in integers, zero-padded, so that comparing is a few integer comparisons instead of
/// a call to `memcmp`.
#[derive(Clone, Copy, Eq)]
struct WordKey {
    len: u8,
    packed: [u64; MEMO_WORD_BYTES / 8],
}

impl PartialEq for WordKey {
    /// The integers holding the word's bytes only, as [`WordKey::hash`]: most words fit in
    /// one or two, and comparing all six was a call to `memcmp` on every lookup.
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len
            && self.packed[..usize::from(self.len).div_ceil(8)]
                .iter()
                .zip(&other.packed)
                .all(|(a, b)| a == b)
    }
}

impl std::hash::Hash for WordKey {
    /// The integers holding the word's bytes only: hashing the padding would cost more than
    /// the lookup saves.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        for eight in &self.packed[..usize::from(self.len).div_ceil(8)] {
            state.write_u64(*eight);
        }
    }
}

impl WordKey {
    /// The key of a word of at most [`MEMO_WORD_BYTES`] bytes.
    fn new(word: &str) -> Option<WordKey> {
        let mut bytes = [0; MEMO_WORD_BYTES];
        bytes.get_mut(..word.len())?.copy_from_slice(word.as_bytes());
        let mut packed = [0; MEMO_WORD_BYTES / 8];
        for (eight, chunk) in packed.iter_mut().zip(bytes.chunks_exact(8)) {
            *eight = u64::from_ne_bytes(chunk.try_into().expect("chunks of 8 bytes"));
        }
        Some(WordKey {
            len: u8::try_from(word.len()).ok()?,
            packed,
        })
    }
}

thread_local! {
    static MEMO: RefCell<Memo> = RefCell::new(Memo::default());
}

/// Builds an [`Analyzer`] one stage at a time.
#[derive(Debug)]
pub struct AnalyzerBuilder {
    analyzer: Analyzer,
}

impl AnalyzerBuilder {
    /// Appends a stage.
    pub fn filter(mut self, filter: impl TokenFilter + 'static) -> Self {
        self.analyzer.filters.push(Box::new(filter));
        self
    }

    /// The analyzer.
    pub fn build(self) -> Analyzer {
        self.analyzer
    }
}

impl Analyzer {
    /// An analyzer with the tokenizer only; add stages with [`AnalyzerBuilder::filter`].
    pub fn builder(lang: Language) -> AnalyzerBuilder {
        AnalyzerBuilder {
            analyzer: Analyzer {
                lang,
                filters: Vec::new(),
                id: NEXT_ANALYZER.fetch_add(1, Ordering::Relaxed),
            },
        }
    }

    /// The default pipeline of `lang`.
    pub fn for_language(lang: Language) -> Analyzer {
        Analyzer::with_options(lang, AnalysisOptions::default())
    }

    /// The default pipeline of `lang`, with optional stages switched by `options`.
    pub fn with_options(lang: Language, options: AnalysisOptions) -> Analyzer {
        let mut builder = Analyzer::builder(lang)
            .filter(MaxChars(options.max_token_chars))
            .filter(UnifyApostrophes)
            .filter(Lowercase)
            .filter(Elision::new(lang));
        if options.stop_words {
            builder = builder.filter(StopWords::new(lang));
        }
        builder = builder.filter(DropSingleLetters);
        let stem = Stem::new(lang).filter(|_| options.stemming);
        let prefix = options.stemming && stem.is_none() && options.prefix_stem_chars > 0;
        if let Some(stem) = stem {
            builder = builder.filter(stem);
        }
        builder = builder.filter(FoldAccents);
        if prefix {
            builder = builder.filter(Prefix(options.prefix_stem_chars));
        }
        builder.build()
    }

    /// The language this analyzer is for.
    pub fn language(&self) -> Language {
        self.lang
    }

    /// Calls `sink(surface, term)` for every term of `text`, in text order: `surface` is the
    /// word as written, `term` what the pipeline made of it.
    pub fn analyze(&self, text: &str, mut sink: impl FnMut(&str, &str)) {
        self.session(|session| {
            for word in words::words(text) {
                if let Some(ids) = session.word(word) {
                    sink(word, session.text(ids.term));
                }
            }
        })
    }

    /// Runs `f` with this thread's memory of the words this analyzer has analysed: what
    /// [`Session::word`] gives stays valid until `f` returns.
    pub(crate) fn session<R>(&self, f: impl FnOnce(&mut Session<'_>) -> R) -> R {
        MEMO.with(|memo| {
            // A caller that analyses text inside `f` finds the memo in use, and goes without.
            let mut borrowed = memo.try_borrow_mut().ok();
            let (known, remembered) = match borrowed.as_deref_mut() {
                Some(memo) => {
                    // Emptied between sessions only, so that ids stay valid through one.
                    if memo.words >= MEMO_WORDS {
                        *memo = Memo::default();
                    }
                    let Memo { by_analyzer, words } = memo;
                    (Some(by_analyzer.entry(self.id).or_default()), Some(words))
                }
                None => (None, None),
            };
            f(&mut Session {
                analyzer: self,
                known,
                remembered,
                call_only: Texts::default(),
            })
        })
    }

    /// What the pipeline makes of one word: `None` when a stage drops it or nothing is left.
    fn term_of<'w>(&self, word: &'w str) -> Option<Cow<'w, str>> {
        let mut token = Cow::Borrowed(word);
        for filter in &self.filters {
            token = filter.filter(token)?;
        }
        (!token.is_empty()).then_some(token)
    }

    /// The term and surface of one word, interned by `intern`.
    fn word_ids(&self, word: &str, mut intern: impl FnMut(&str) -> TextId) -> Option<WordIds> {
        let term = intern(&self.term_of(word)?);
        let surface = without_elision(word, self.lang).to_lowercase();
        Some(WordIds {
            term,
            surface: intern(&surface),
        })
    }

    /// The terms of `text`, in order.
    pub fn terms(&self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.analyze(text, |_, term| out.push(term.to_owned()));
        out
    }
}

/// One default analyzer per language, built on first use and shared.
#[derive(Debug, Default)]
pub(crate) struct Analyzers {
    options: AnalysisOptions,
    built: [OnceLock<Analyzer>; Language::ALL.len()],
}

impl Analyzers {
    pub(crate) fn new(options: AnalysisOptions) -> Self {
        Analyzers {
            options,
            built: Default::default(),
        }
    }

    pub(crate) fn get(&self, lang: Language) -> &Analyzer {
        self.built[lang as usize].get_or_init(|| Analyzer::with_options(lang, self.options))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Case {
        name: &'static str,
        lang: Language,
        input: &'static str,
        expected: &'static [&'static str],
    }

    macro_rules! cases {
        ($($name:ident: $lang:ident, $input:expr => $expected:expr;)*) => {
            &[$(Case { name: stringify!($name), lang: Language::$lang, input: $input, expected: &$expected }),*]
        };
    }

    #[test]
    fn more_words_than_remembered_and_long_words_give_the_same_terms() {
        let fr = Analyzer::for_language(Language::French);
        let many: String = (0..MEMO_WORDS + 100).map(|i| format!("mot{i} ")).collect();
        let long = format!("{} fin", "2".repeat(MEMO_WORD_BYTES + 1));
        for text in [many.as_str(), long.as_str()] {
            let first = fr.terms(text);
            assert_eq!(fr.terms(text), first);
        }
        assert_eq!(fr.terms(&many).len(), MEMO_WORDS + 100);
        // Analyzers that come and go (one per index) share one bound: none piles up.
        let nearly: String = (0..MEMO_WORDS - 1).map(|i| format!("m{i} ")).collect();
        for _ in 0..3 {
            let short_lived = Analyzer::for_language(Language::French);
            assert_eq!(short_lived.terms(&nearly).len(), MEMO_WORDS - 1);
        }
        let remembered = MEMO.with(|memo| {
            let memo = memo.borrow();
            memo.by_analyzer
                .values()
                .map(|terms| terms.words.len() + terms.texts.len())
                .sum::<usize>()
        });
        assert!(remembered <= 2 * MEMO_WORDS, "{remembered} words remembered");
        assert_eq!(
            fr.terms(&long),
            ["2".repeat(MEMO_WORD_BYTES + 1), "fin".to_owned()]
        );
    }

    #[test]
    fn remembered_words_give_the_same_terms_even_from_a_sink_that_analyses() {
        let fr = Analyzer::for_language(Language::French);
        let text = "L’Italie et l'État islamique: l'Italie reçoit Rome, États et Italie.";
        let first = fr.terms(text);
        assert_eq!(fr.terms(text), first);
        // A sink that analyses text finds the memo busy and runs the pipeline itself.
        let mut nested = Vec::new();
        fr.analyze(text, |word, term| {
            nested.push((term.to_owned(), fr.terms(word)));
        });
        let terms: Vec<String> = nested.iter().map(|(t, _)| t.clone()).collect();
        assert_eq!(terms, first);
        assert!(nested.iter().all(|(t, again)| again == &vec![t.clone()]));
        // Two analyzers of the same language with other stages keep their own memories.
        let words = Analyzer::builder(Language::French).filter(Lowercase).build();
        assert_eq!(words.terms("Italie"), ["italie"]);
        assert_eq!(fr.terms("Italie"), ["ital"]);
    }

    proptest::proptest! {
        /// Orders, ties broken by the texts, sort texts as the texts themselves do.
        #[test]
        fn orders_sort_texts_as_their_bytes(a in "[a\\x00é]{0,10}", b in "[a\\x00é]{0,10}") {
            let by_order = order_of(&a).cmp(&order_of(&b)).then_with(|| a.cmp(&b));
            proptest::prop_assert_eq!(by_order, a.cmp(&b));
        }
    }

    proptest::proptest! {
        /// The loads of `tiny_key` and `ShortKey::new` pack a word as copying its bytes into
        /// zeroed integers does.
        #[test]
        fn word_keys_are_the_zero_padded_bytes_and_the_length(word in "[a-zé\0\u{10000}]{0,9}") {
            let bytes = word.as_bytes();
            let mut padded = [0_u8; 16];
            if bytes.len() <= SHORT_WORD_BYTES {
                padded[..bytes.len()].copy_from_slice(bytes);
                padded[15] = bytes.len() as u8;
            }
            let low = u64::from_le_bytes(padded[..8].try_into().unwrap());
            let high = u64::from_le_bytes(padded[8..].try_into().unwrap());
            let tiny = (bytes.len() <= TINY_WORD_BYTES).then(|| {
                u64::from_le_bytes(padded[..8].try_into().unwrap()) | (bytes.len() as u64) << 56
            });
            proptest::prop_assert_eq!(tiny_key(&word), tiny);
            let short = ShortKey::new(&word).map(|key| key.0);
            proptest::prop_assert_eq!(short, (bytes.len() <= SHORT_WORD_BYTES).then_some([low, high]));
        }
    }

    #[test]
    fn remembered_words_of_every_length_keep_apart() {
        let mut words = Words::default();
        let fifteen = "é".repeat(7) + "a";
        let sixteen = "é".repeat(8);
        let longest = "a".repeat(MEMO_WORD_BYTES);
        let kept = [
            "a",
            "a\0",
            "\0a",
            "ab",
            "abcdefg",
            "abcdef\0",
            "abcdefgh",
            "é\0\0\0\0",
            &fifteen,
            &sixteen,
            &longest,
        ];
        for (i, word) in kept.iter().enumerate() {
            let i = u32::try_from(i).unwrap();
            let ids = Some(WordIds {
                term: i,
                surface: i + 10,
            });
            words.insert(word, [pack(ids), u64::from(i) + 20]);
        }
        words.insert("le", [pack(None), NO_FACTS]);
        words.insert(&"a".repeat(MEMO_WORD_BYTES + 1), [pack(None), NO_FACTS]);
        assert_eq!(words.len(), kept.len() + 1, "the overlong word is not remembered");
        for (i, word) in kept.iter().enumerate() {
            let i = u32::try_from(i).unwrap();
            let [ids, facts] = words.get(word).unwrap();
            assert_eq!(
                (unpack(ids), facts),
                (
                    Some(WordIds {
                        term: i,
                        surface: i + 10
                    }),
                    u64::from(i) + 20
                ),
                "{word:?}"
            );
        }
        assert_eq!(
            words.get("le").map(|[ids, facts]| (unpack(ids), facts)),
            Some((None, NO_FACTS))
        );
        assert_eq!(words.get("abc"), None);
        assert_eq!(words.get(&"a".repeat(MEMO_WORD_BYTES + 1)), None);
        words.clear();
        assert_eq!((words.len(), words.get("a")), (0, None));
    }

    thread_local! {
        static FACTS_CALLS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    /// Facts for tests: the id of the word in upper case, and its length; counts its calls.
    fn test_facts(word: &str, _: Language, intern: &mut dyn FnMut(&str) -> TextId) -> Facts {
        FACTS_CALLS.with(|calls| calls.set(calls.get() + 1));
        u64::from(intern(&word.to_uppercase())) | (word.len() as u64) << 32
    }

    #[test]
    fn facts_are_computed_once_per_remembered_word_and_on_every_call_otherwise() {
        let fr = Analyzer::for_language(Language::French);
        let calls = || FACTS_CALLS.with(std::cell::Cell::get);
        let long = "x".repeat(MEMO_WORD_BYTES + 1);
        fr.session(|s| {
            // Remembered without facts first: they are added on the first call that wants them.
            let ids = s.word("Rome");
            let before = calls();
            let (with, facts) = s.word_with("Rome", test_facts);
            assert_eq!((with, calls()), (ids, before + 1));
            assert_eq!((s.text(facts as TextId), facts >> 32), ("ROME", 4));
            assert_eq!(s.word_with("Rome", test_facts), (ids, facts));
            assert_eq!(s.word("Rome"), ids);
            assert_eq!(calls(), before + 1, "remembered");
            // A stop word has facts too; a word too long to remember has them every time.
            let (none, le) = s.word_with("le", test_facts);
            assert_eq!((none, s.text(le as TextId)), (None, "LE"));
            let before = calls();
            let (_, first) = s.word_with(&long, test_facts);
            assert_eq!(s.word_with(&long, test_facts).1, first);
            assert_eq!(calls(), before + 2, "not remembered");
            // A nested session has facts of its own ids.
            fr.session(|inner| {
                let (_, nested) = inner.word_with("Rome", test_facts);
                assert_eq!(inner.text(nested as TextId), "ROME");
            });
        });
    }

    #[test]
    fn a_session_gives_terms_and_surfaces_and_keeps_notes_while_it_remembers_the_text() {
        let fr = Analyzer::for_language(Language::French);
        let (ids, term, surface) = fr.session(|s| {
            let ids = s.word("l'État").expect("a term");
            assert_eq!(s.word("le"), None, "a stop word");
            assert_eq!(*s.note(ids.term), NO_NOTE);
            s.note(ids.term)[1] = 7;
            (ids, s.text(ids.term).to_owned(), s.text(ids.surface).to_owned())
        });
        assert_eq!((term.as_str(), surface.as_str()), ("etat", "état"));
        fr.session(|s| {
            assert_eq!(s.word("l'État"), Some(ids), "the same ids in the next session");
            assert_eq!(*s.note(ids.term), [u32::MAX, 7]);
            // A session inside a session goes without the memo: its notes start afresh.
            fr.session(|inner| {
                let nested = inner.word("l'État").expect("a term");
                assert_eq!(inner.text(nested.term), "etat");
                assert_eq!(*inner.note(nested.term), NO_NOTE);
            });
        });
        // Another analyzer has its own memory, and its own notes.
        Analyzer::for_language(Language::French).session(|s| {
            let other = s.word("l'État").expect("a term");
            assert_eq!(*s.note(other.term), NO_NOTE);
        });
    }

    #[test]
    fn default_pipelines() {
        let cases: &[Case] = cases! {
            fr_elisions_all_apostrophes: French, "l’Italie, l'Italie, lʼItalie, qu’il, jusqu'à, aujourd'hui" =>
                ["ital", "ital", "ital", "aujourd'hui"];
            fr_stop_words_and_stems: French, "Le Maroc mène une lutte acharnée contre le terrorisme" =>
                ["maroc", "men", "lutt", "acharn", "contr", "terror"];
            fr_accents_fold_after_stemming: French, "État ETAT Etat états" => ["etat", "etat", "etat", "etat"];
            fr_numbers_kept: French, "Créée en 2014, 83 pays" => ["cre", "2014", "83", "pay"];
            en_stems_and_possessive: English, "Apple's suppliers are preparing the iPads" =>
                ["appl", "supplier", "prepar", "ipad"];
            en_decimal_and_hyphen: English, "a 12.9-inch display" => ["12.9", "inch", "display"];
            // Snowball's Arabic stemmer reads the initial و of وزير as "and".
            ar_stop_words_and_stems: Arabic, "قال وزير الخارجية إن المحادثات في روما" =>
                ["قال", "زير", "خارج", "محادث", "روم"];
            ar_harakat_folded: Arabic, "وَزِير" => ["زير"];
            pl_stop_words_and_prefixes: Polish, "Minister spraw zagranicznych i premier ministrów" =>
                ["minis", "spraw", "zagra", "premi", "minis"];
            // Cut after accents are folded (ł has none to fold), composed or not; numbers whole.
            pl_prefix_counts_characters: Polish, "Łódź Żółtą źdźbła 1500000 1,5" =>
                ["łodz", "zołta", "zdzbł", "1500000", "1,5"];
            pl_prefix_of_decomposed_text: Polish, "Z\u{307}o\u{301}łta\u{328}" => ["zołta"];
            de_umlauts_after_stemming: German, "Die Außenminister trafen sich in Rom" =>
                ["aussenminist", "traf", "rom"];
            empty: French, "" => [];
            overlong_word_dropped: French, "Rome aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa Maroc" => ["rom", "maroc"];
            punctuation_only: French, " ... !? « » " => [];
        };
        for case in cases {
            let got = Analyzer::for_language(case.lang).terms(case.input);
            assert_eq!(got, case.expected, "case {}", case.name);
        }
    }

    /// Every stage must keep these promises: it never panics, never returns an empty token
    /// from a non-empty one unless it drops it, and borrows text it leaves unchanged.
    macro_rules! stage_conformance {
        ($($name:ident: $stage:expr;)*) => {$(
            #[test]
            fn $name() {
                let stage = $stage;
                for input in ["", "a", "É", "l'", "'", "ǅemal", "straße", "12.9", "ﬁn", "قال", "தமிழ்", "x\u{0}y"] {
                    match stage.filter(Cow::Borrowed(input)) {
                        Some(out) => {
                            assert!(input.is_empty() || !out.is_empty(), "{input:?} became empty");
                            if out == input {
                                assert!(matches!(out, Cow::Borrowed(_)), "{input:?} copied for nothing");
                            }
                        }
                        None => {}
                    }
                }
            }
        )*};
    }

    stage_conformance! {
        conformance_unify_apostrophes: UnifyApostrophes;
        conformance_lowercase: Lowercase;
        conformance_elision: Elision::new(Language::French);
        conformance_stop_words: StopWords::new(Language::French);
        conformance_single_letters: DropSingleLetters;
        conformance_max_chars: MaxChars(3);
        conformance_stem_fr: Stem::new(Language::French).unwrap();
        conformance_stem_ta: Stem::new(Language::Tamil).unwrap();
        conformance_fold_accents: FoldAccents;
    }

    #[test]
    fn options_switch_stages() {
        let raw = Analyzer::with_options(
            Language::French,
            AnalysisOptions {
                stemming: false,
                stop_words: false,
                ..AnalysisOptions::default()
            },
        );
        assert_eq!(raw.terms("Le Maroc mène"), vec!["le", "maroc", "mene"]);
    }

    #[test]
    fn analyze_reports_surface_forms() {
        let mut pairs = Vec::new();
        Analyzer::for_language(Language::French).analyze("Les Marocains résidant", |s, t| {
            pairs.push((s.to_owned(), t.to_owned()))
        });
        assert_eq!(
            pairs,
            vec![
                ("Marocains".into(), "marocain".into()),
                ("résidant".into(), "resid".into())
            ]
        );
    }
}
