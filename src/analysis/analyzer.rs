//! The analyzer: a tokenizer followed by token filters, for one language, and its builder.
//!
//! Its results are a function of the text alone. An analyzer remembers the terms of the words
//! each thread gave [`Analyzer::analyze`], in a [`Memo`] of its own; a caller that needs more
//! of each word (the index: surfaces, name facts) keeps a memo of its own and analyses one word
//! at a time.

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;

use thread_local::ThreadLocal;

use super::filters::without_elision;
use super::interner::TextId;
use super::memo::{MEMO_WORDS, Memo};
use super::words;
use super::{
    AnalysisOptions, DropSingleLetters, Elision, FoldAccents, Lowercase, MaxChars, Prefix, Stem, StopWords,
    TokenFilter, UnifyApostrophes,
};
use crate::language::Language;

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
pub struct Analyzer {
    lang: Language,
    filters: Vec<Box<dyn TokenFilter>>,
    /// The term of each word each thread analysed: news repeat their words, so most words cost
    /// one hash lookup instead of the pipeline (lower-casing, stemming, accent folding and
    /// their allocations). Filters are pure functions of the token, so remembering changes
    /// nothing.
    terms: ThreadLocal<RefCell<Memo<Option<TextId>, ()>>>,
}

impl fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Analyzer")
            .field("lang", &self.lang)
            .field("filters", &self.filters)
            .finish_non_exhaustive()
    }
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

/// A word's term, and its surface: the word in lower case without an elided article ("l'État"
/// gives "état"), which explanations show instead of the stem; both as the ids a caller's
/// interner gave them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct WordIds {
    pub(crate) term: TextId,
    pub(crate) surface: TextId,
}

impl Analyzer {
    /// An analyzer with the tokenizer only; add stages with [`AnalyzerBuilder::filter`].
    pub fn builder(lang: Language) -> AnalyzerBuilder {
        AnalyzerBuilder {
            analyzer: Analyzer {
                lang,
                filters: Vec::new(),
                terms: ThreadLocal::new(),
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
        let memo = self.terms.get_or(RefCell::default);
        // A sink that analyses text with this analyzer finds the memo in use, and goes without.
        let Ok(mut memo) = memo.try_borrow_mut() else {
            for word in words::words(text) {
                if let Some(term) = self.term_of(word) {
                    sink(word, &term);
                }
            }
            return;
        };
        // Emptied between calls only, so that ids stay valid through one.
        if memo.added() >= MEMO_WORDS {
            *memo = Memo::default();
        }
        for word in words::words(text) {
            let term = memo.get(word).unwrap_or_else(|| {
                let term = self.term_of(word).map(|term| memo.texts_mut().intern(&term));
                memo.insert(word, term);
                term
            });
            if let Some(term) = term {
                sink(word, memo.texts().text(term));
            }
        }
    }

    /// The terms of `text`, in order.
    pub fn terms(&self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        self.analyze(text, |_, term| out.push(term.to_owned()));
        out
    }

    /// What the pipeline makes of one word: `None` when a stage drops it or nothing is left.
    fn term_of<'w>(&self, word: &'w str) -> Option<Cow<'w, str>> {
        let mut token = Cow::Borrowed(word);
        for filter in &self.filters {
            token = filter.filter(token)?;
        }
        (!token.is_empty()).then_some(token)
    }

    /// The term and surface of one word, interned by `intern`; `None` when the pipeline drops
    /// the word.
    pub(crate) fn word_ids(&self, word: &str, mut intern: impl FnMut(&str) -> TextId) -> Option<WordIds> {
        let term = intern(&self.term_of(word)?);
        let surface = without_elision(word, self.lang).to_lowercase();
        Some(WordIds {
            term,
            surface: intern(&surface),
        })
    }
}

#[cfg(test)]
mod tests;
