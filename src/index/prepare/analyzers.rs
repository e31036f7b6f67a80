//! The index's analyzers, one per language, and what each thread remembers of the words they
//! analysed: a word's term and surface, and its name facts, found with one lookup.
//!
//! Analysis and name facts are pure functions of a word and its language, so remembering them
//! changes no result, only the cost: news repeat their words, and most words cost one hash
//! lookup instead of the pipeline (lower-casing, stemming, accent folding and their
//! allocations) and the extractor's folding. The index owns this memory: it goes with the
//! index, and nothing else sees it.

use std::cell::RefCell;
use std::fmt;
use std::sync::OnceLock;

use thread_local::ThreadLocal;

use crate::analysis::{AnalysisOptions, Analyzer, MEMO_WORDS, Memo, TextId, WordIds, word_indices};
use crate::entity::{Facts, NO_FACTS};
use crate::language::Language;

/// One default analyzer per language, built on first use, and each thread's memos of the
/// words they analysed (articles are prepared on every core).
pub(crate) struct Analyzers {
    options: AnalysisOptions,
    built: [OnceLock<Analyzer>; Language::ALL.len()],
    memos: ThreadLocal<RefCell<Memos>>,
}

impl fmt::Debug for Analyzers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Analyzers")
            .field("options", &self.options)
            .field("built", &self.built)
            .finish_non_exhaustive()
    }
}

/// One thread's memos, one per language, under one bound: a corpus of many languages must not
/// keep as many times the memory.
struct Memos([WordMemo; Language::ALL.len()]);

impl Default for Memos {
    fn default() -> Self {
        Memos(std::array::from_fn(|_| WordMemo::default()))
    }
}

/// What the index remembers of each word and of each text its words give.
type WordMemo = Memo<Remembered, Note>;

/// What the memo keeps of a word: its term and surface ids (see [`pack`]), and its name facts,
/// [`NO_FACTS`] until a caller of [`Session::word_with`] wants them.
#[derive(Clone, Copy)]
struct Remembered {
    ids: u64,
    facts: Facts,
}

/// What the index notes of a text (see [`Session::note`]).
#[derive(Clone, Copy)]
struct Note([u32; 2]);

impl Default for Note {
    fn default() -> Self {
        Note(NO_NOTE)
    }
}

/// A note's slots before the index writes them.
pub(crate) const NO_NOTE: [u32; 2] = [u32::MAX; 2];

/// Computes a word's [`Facts`]: a pure function of the word and the language, which may intern
/// texts as the session's ids. The memo keeps what it returns by language and word, so every
/// session of one [`Analyzers`] must be given the same one (the index's is
/// [`crate::entity::word_facts`]).
pub(crate) type FactsOf = fn(&str, Language, &mut dyn FnMut(&str) -> TextId) -> Facts;

impl Analyzers {
    pub(crate) fn new(options: AnalysisOptions) -> Self {
        Analyzers {
            options,
            built: Default::default(),
            memos: ThreadLocal::new(),
        }
    }

    /// The analyzer of `lang`, with this thread's memory of the words it analysed.
    pub(crate) fn get(&self, lang: Language) -> MemoAnalyzer<'_> {
        MemoAnalyzer {
            analyzer: self.built[lang as usize].get_or_init(|| Analyzer::with_options(lang, self.options)),
            memos: &self.memos,
            lang,
        }
    }
}

/// One language's analyzer as the index uses it: with the memory each thread keeps of the
/// words it analysed, which every text the index analyses goes through.
#[derive(Clone, Copy)]
pub(crate) struct MemoAnalyzer<'a> {
    analyzer: &'a Analyzer,
    memos: &'a ThreadLocal<RefCell<Memos>>,
    lang: Language,
}

impl MemoAnalyzer<'_> {
    /// [`Analyzer::analyze`], through this thread's memo.
    pub(crate) fn analyze(&self, text: &str, mut sink: impl FnMut(&str, &str)) {
        self.session(|session| {
            for (_, word) in word_indices(text) {
                if let Some(ids) = session.word(word) {
                    sink(word, session.text(ids.term));
                }
            }
        })
    }

    /// Runs `f` with the analyzer and this thread's memory of the words it analysed: what the
    /// session gives stays valid until `f` returns.
    pub(crate) fn session<R>(&self, f: impl FnOnce(&mut Session<'_>) -> R) -> R {
        let memos = self.memos.get_or(|| RefCell::new(Memos::default()));
        // A caller that analyses inside `f` finds the memo in use, and goes without.
        let Ok(mut memos) = memos.try_borrow_mut() else {
            return Session::once(self.analyzer, f);
        };
        // Emptied between sessions only, so that ids stay valid through one.
        if memos.0.iter().map(Memo::added).sum::<usize>() >= MEMO_WORDS {
            *memos = Memos::default();
        }
        f(&mut Session::new(self.analyzer, &mut memos.0[self.lang as usize]))
    }
}

/// An analyzer with a memory of its words, for the length of one [`MemoAnalyzer::session`].
pub(crate) struct Session<'m> {
    analyzer: &'m Analyzer,
    memo: &'m mut WordMemo,
}

impl<'m> Session<'m> {
    fn new(analyzer: &'m Analyzer, memo: &'m mut WordMemo) -> Self {
        Session { analyzer, memo }
    }

    /// A session of `analyzer` with a memory of its own, emptied when `f` returns.
    fn once<R>(analyzer: &Analyzer, f: impl FnOnce(&mut Session<'_>) -> R) -> R {
        f(&mut Session::new(analyzer, &mut WordMemo::default()))
    }

    /// The term and surface of `word`, or `None` when the pipeline drops it.
    pub(crate) fn word(&mut self, word: &str) -> Option<WordIds> {
        self.lookup(word, None).0
    }

    /// [`Session::word`], with the [`Facts`] of the word: remembered with its ids, so that the
    /// name extractor's facts cost no lookup of their own.
    pub(crate) fn word_with(&mut self, word: &str, facts_of: FactsOf) -> (Option<WordIds>, Facts) {
        self.lookup(word, Some(facts_of))
    }

    fn lookup(&mut self, word: &str, facts_of: Option<FactsOf>) -> (Option<WordIds>, Facts) {
        let analyzer = self.analyzer;
        let lang = analyzer.language();
        let memo = &mut *self.memo;
        let facts = |memo: &mut WordMemo| {
            facts_of.map_or(NO_FACTS, |facts_of| {
                let facts = facts_of(word, lang, &mut |text| memo.texts_mut().intern(text));
                debug_assert_ne!(facts, NO_FACTS, "facts of {word:?}");
                facts
            })
        };
        if let Some(remembered) = memo.get(word) {
            if facts_of.is_none() || remembered.facts != NO_FACTS {
                return (unpack(remembered.ids), remembered.facts);
            }
            // Remembered by `word`, without facts: they are added.
            let facts = facts(memo);
            memo.replace(word, Remembered { facts, ..remembered });
            return (unpack(remembered.ids), facts);
        }
        // A word too long to remember still shares the ids of the same texts of other words:
        // a term counted once per article, whichever words give it.
        let ids = analyzer.word_ids(word, |text| memo.texts_mut().intern(text));
        let facts = facts(memo);
        memo.insert(
            word,
            Remembered {
                ids: pack(ids),
                facts,
            },
        );
        (ids, facts)
    }

    /// The text of an id that [`Session::word`] or [`Session::word_with`] gave, or that a
    /// [`FactsOf`] interned.
    #[inline]
    pub(crate) fn text(&self, id: TextId) -> &str {
        self.memo.texts().text(id)
    }

    /// See [`Interner::order`](crate::analysis::Interner::order).
    #[inline]
    pub(crate) fn order(&self, id: TextId) -> u64 {
        self.memo.texts().order(id)
    }

    /// The index's note on a text: its ids in the vocabularies of terms and of surfaces, so
    /// that an article's thousandth "gouvernement" costs no lookup in them. Kept as long as
    /// this thread remembers the text (at least until the session ends), [`NO_NOTE`] at first.
    #[inline]
    pub(crate) fn note(&mut self, id: TextId) -> &mut [u32; 2] {
        &mut self.memo.texts_mut().note(id).0
    }
}

/// `ids` in one integer, `u64::MAX` for none (no text id is `u32::MAX`).
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

#[cfg(test)]
mod tests;
