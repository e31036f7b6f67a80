//! The stages of the analysis pipeline, each a [`TokenFilter`].
//!
//! A stage returns `None` to drop the token and borrows the text unless it must change it.

use std::borrow::Cow;
use std::fmt;

use hashbrown::HashSet;
use unicode_normalization::UnicodeNormalization;

use crate::language::Language;

/// One stage of an [`Analyzer`](super::Analyzer): takes a token, returns it (changed or not),
/// or `None` to drop it. The result must depend on the token alone: an analyzer and an index
/// remember the terms of the words they have analysed.
pub trait TokenFilter: Send + Sync + fmt::Debug {
    /// Applies the stage to one token.
    fn filter<'a>(&self, token: Cow<'a, str>) -> Option<Cow<'a, str>>;
}

/// Drops words of more than this many characters: no news word is that long, and a hostile
/// 1 MB "word" must not become a term.
#[derive(Clone, Copy, Debug)]
pub struct MaxChars(pub usize);

impl TokenFilter for MaxChars {
    fn filter<'a>(&self, token: Cow<'a, str>) -> Option<Cow<'a, str>> {
        // Bytes bound characters from above: count only when it can matter.
        (token.len() <= self.0 || token.chars().count() <= self.0).then_some(token)
    }
}

/// Maps the apostrophe variants (’ ʼ ‘ ′) to `'`, so "l’Italie" and "l'Italie" agree.
#[derive(Clone, Copy, Debug, Default)]
pub struct UnifyApostrophes;

/// The apostrophe variants that [`UnifyApostrophes`] maps to `'`.
pub(crate) const APOSTROPHES: [char; 4] = ['\u{2019}', '\u{02BC}', '\u{2018}', '\u{2032}'];

impl TokenFilter for UnifyApostrophes {
    fn filter<'a>(&self, token: Cow<'a, str>) -> Option<Cow<'a, str>> {
        if token.contains(APOSTROPHES) {
            Some(Cow::Owned(token.replace(APOSTROPHES, "'")))
        } else {
            Some(token)
        }
    }
}

/// Lower-cases the token (Unicode-aware).
#[derive(Clone, Copy, Debug, Default)]
pub struct Lowercase;

impl TokenFilter for Lowercase {
    fn filter<'a>(&self, token: Cow<'a, str>) -> Option<Cow<'a, str>> {
        if token.chars().any(char::is_uppercase) {
            Some(Cow::Owned(token.to_lowercase()))
        } else {
            Some(token)
        }
    }
}

/// Splits off and drops an elided article or pronoun ("l'", "qu'", "jusqu'"); expects
/// lower-case text with unified apostrophes.
#[derive(Clone, Debug)]
pub struct Elision {
    prefixes: &'static [&'static str],
}

impl Elision {
    /// The elisions of `lang` (none for most languages).
    pub fn new(lang: Language) -> Self {
        Elision {
            prefixes: lang.elisions(),
        }
    }
}

impl TokenFilter for Elision {
    fn filter<'a>(&self, token: Cow<'a, str>) -> Option<Cow<'a, str>> {
        let Some(at) = token.find('\'') else {
            return Some(token);
        };
        if !self.prefixes.contains(&&token[..at]) {
            return Some(token);
        }
        let rest_start = at + 1;
        if rest_start >= token.len() {
            return None;
        }
        Some(match token {
            Cow::Borrowed(s) => Cow::Borrowed(&s[rest_start..]),
            Cow::Owned(s) => Cow::Owned(s[rest_start..].to_owned()),
        })
    }
}

/// The word without its elided prefix ("l’arrestation" -> "arrestation"), for display.
pub(crate) fn without_elision(word: &str, lang: Language) -> &str {
    match word.find(|c| c == '\'' || APOSTROPHES.contains(&c)) {
        Some(at)
            if lang
                .elisions()
                .iter()
                .any(|e| e.eq_ignore_ascii_case(&word[..at])) =>
        {
            let rest = &word[at..];
            let skip = rest.chars().next().map_or(0, char::len_utf8);
            if skip < rest.len() { &rest[skip..] } else { word }
        }
        _ => word,
    }
}

/// Drops the stop words of a language; expects lower-case text.
#[derive(Clone, Debug)]
pub struct StopWords {
    words: HashSet<&'static str>,
}

impl StopWords {
    /// The stop words of `lang`.
    pub fn new(lang: Language) -> Self {
        StopWords {
            words: lang.stop_words().iter().copied().collect(),
        }
    }

    #[inline]
    pub(crate) fn contains(&self, word: &str) -> bool {
        self.words.contains(word)
    }
}

impl TokenFilter for StopWords {
    fn filter<'a>(&self, token: Cow<'a, str>) -> Option<Cow<'a, str>> {
        (!self.words.contains(token.as_ref())).then_some(token)
    }
}

/// Drops one-letter tokens that are not digits: leftovers like the "s" of "it's".
#[derive(Clone, Copy, Debug, Default)]
pub struct DropSingleLetters;

impl TokenFilter for DropSingleLetters {
    fn filter<'a>(&self, token: Cow<'a, str>) -> Option<Cow<'a, str>> {
        let mut chars = token.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_numeric() => None,
            _ => Some(token),
        }
    }
}

/// Snowball stemming of the language (rust-stemmers); expects lower-case text.
pub struct Stem {
    lang: Language,
    stemmer: rust_stemmers::Stemmer,
}

impl Stem {
    /// The Snowball stemmer of `lang`, or `None` for a language without one (Polish).
    pub fn new(lang: Language) -> Option<Self> {
        Some(Stem {
            lang,
            stemmer: rust_stemmers::Stemmer::create(lang.stemmer()?),
        })
    }
}

impl fmt::Debug for Stem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stem").field("lang", &self.lang).finish()
    }
}

impl TokenFilter for Stem {
    fn filter<'a>(&self, token: Cow<'a, str>) -> Option<Cow<'a, str>> {
        Some(match token {
            Cow::Borrowed(s) => self.stemmer.stem(s),
            Cow::Owned(s) => Cow::Owned(self.stemmer.stem(&s).into_owned()),
        })
    }
}

/// Keeps the first `n` characters of a token: the stemmer of a language that has no Snowball
/// stemmer (Polish). It runs after accents are folded, so that composed and decomposed text
/// give the same prefix; numbers are kept whole, as Snowball keeps them.
#[derive(Clone, Copy, Debug)]
pub struct Prefix(pub usize);

impl TokenFilter for Prefix {
    fn filter<'a>(&self, token: Cow<'a, str>) -> Option<Cow<'a, str>> {
        if token.chars().any(|c| c.is_numeric()) {
            return Some(token);
        }
        Some(match token.char_indices().nth(self.0) {
            None => token,
            Some((cut, _)) => match token {
                Cow::Borrowed(s) => Cow::Borrowed(&s[..cut]),
                Cow::Owned(mut s) => {
                    s.truncate(cut);
                    Cow::Owned(s)
                }
            },
        })
    }
}

/// Removes accents: the one accent rule for all text, applied after stemming (which needs
/// them), so "Etat" in a capitalised headline and "État" in the body agree.
#[derive(Clone, Copy, Debug, Default)]
pub struct FoldAccents;

impl TokenFilter for FoldAccents {
    fn filter<'a>(&self, token: Cow<'a, str>) -> Option<Cow<'a, str>> {
        Some(fold_accents(token))
    }
}

/// Combining marks that count as accents: Latin, Greek and Cyrillic diacritics and Arabic
/// harakat. Marks that are letters' vowels in other scripts (Tamil) are kept.
fn is_accent(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{064B}'..='\u{065F}' | '\u{0670}')
}

/// Folds accents of `text` (see [`FoldAccents`]); borrows when there is nothing to fold.
pub(crate) fn fold_accents(text: Cow<'_, str>) -> Cow<'_, str> {
    if text.is_ascii() {
        return text;
    }
    let folded: String = text.nfd().filter(|c| !is_accent(*c)).nfc().collect();
    if folded == text.as_ref() {
        text
    } else {
        Cow::Owned(folded)
    }
}
