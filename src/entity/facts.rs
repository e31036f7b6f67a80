//! What the name extractor needs of one word, whatever the text around it: a pure function
//! of the word and the language, packed in one integer that a caller may remember with the
//! word (the index keeps it in its memo beside the word's terms).
//!
//! Knows nothing of who remembers the facts: the ids of the keys come from the caller's
//! interner.

use crate::analysis::{APOSTROPHES, TextId};
use crate::language::Language;

/// Lower-case words that join the capitalised words of one name ("Luigi Di Maio",
/// "Ministère de l'Intérieur", "Bachar al-Assad", "Bank of England").
pub(super) const PARTICLES: &[&str] = &[
    "de", "du", "des", "d", "l", "la", "le", "di", "da", "del", "della", "dos", "das", "do", "van", "von",
    "der", "den", "al", "el", "ben", "bin", "ibn", "ould", "y", "of", "bou", "abou", "abu",
];

/// A word's [`NameFacts`] in one integer (see [`word_facts`]), never [`NO_FACTS`].
pub(crate) type Facts = u64;

/// No word's facts: what a caller may keep for facts not found yet.
pub(crate) const NO_FACTS: Facts = u64::MAX;

/// Whether `word` in lower case is one of `list` (lower-case ASCII words), without
/// allocating for an ASCII word, as nearly all are.
fn lowercase_in(word: &str, list: &[&str]) -> bool {
    if word.is_ascii() {
        list.iter().any(|entry| entry.eq_ignore_ascii_case(word))
    } else {
        list.contains(&word.to_lowercase().as_str())
    }
}

/// What the extractor needs of one word, whatever the text around it: a pure function of the
/// word and the language, which a caller may remember with the word (see [`word_facts`]) so
/// that a text's thousandth "Maroc" costs no folding nor search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct NameFacts {
    /// The id of the [`key`](super::key) of the name part, in the ids of the caller's texts.
    pub(super) key: TextId,
    /// Where the name part starts in the word: after an elided prefix ("l'" of "l'Italie").
    pub(super) main: u8,
    /// Bytes the extractor cuts off the word's end: an English possessive ("'s").
    pub(super) cut: u8,
    pub(super) elided: bool,
    pub(super) capitalised: bool,
    pub(super) acronym: bool,
}

impl NameFacts {
    /// The facts of `word`. `intern` gives the id of a text.
    pub(super) fn of(word: &str, lang: Language, intern: &mut dyn FnMut(&str) -> TextId) -> NameFacts {
        // Bytes that start an apostrophe ('\'' and the first byte of each of `APOSTROPHES`)
        // are rare: a word without one has no elision nor English possessive, and needs no
        // search for them.
        let (kept, elided, main) = if memchr::memchr3(b'\'', 0xE2, 0xCA, word.as_bytes()).is_some() {
            elision(word, lang)
        } else {
            (word, false, 0)
        };
        let main_text = &kept[main..];
        let first = match main_text.as_bytes().first() {
            Some(&b) if b.is_ascii() => Some(char::from(b)),
            _ => main_text.chars().next(),
        };
        let capitalised = first.is_some_and(char::is_uppercase);
        // An acronym starts with a capital letter, so only capitalised words need the count.
        let acronym = capitalised
            && first.is_some_and(char::is_alphabetic)
            && main_text.chars().all(|c| !c.is_alphabetic() || c.is_uppercase())
            && main_text.chars().filter(|c| c.is_alphabetic()).nth(1).is_some();
        let mut buffer = String::new();
        NameFacts {
            key: intern(word_key_into(main_text, &mut buffer)),
            // An elided prefix is an elision or a particle (at most 6 letters, each of at most
            // 3 bytes: the Kelvin sign lower-cases to "k") and its apostrophe (at most 3
            // bytes); a possessive is at most 4 bytes. A test tries the longest.
            main: u8::try_from(main).expect("an elided prefix of at most 21 bytes"),
            cut: u8::try_from(word.len() - kept.len()).expect("a possessive of at most 4 bytes"),
            elided,
            capitalised,
            acronym,
        }
    }

    /// These facts in one integer, never [`NO_FACTS`].
    pub(super) fn pack(self) -> Facts {
        let flags = u64::from(self.elided) | u64::from(self.capitalised) << 1 | u64::from(self.acronym) << 2;
        u64::from(self.key) | u64::from(self.main) << 32 | u64::from(self.cut) << 40 | flags << 48
    }

    pub(super) fn unpack(packed: Facts) -> NameFacts {
        let flags = packed >> 48;
        NameFacts {
            key: packed as u32,
            main: (packed >> 32) as u8,
            cut: (packed >> 40) as u8,
            elided: flags & 1 != 0,
            capitalised: flags & 2 != 0,
            acronym: flags & 4 != 0,
        }
    }
}

/// The [`NameFacts`] of `word` in one integer, as
/// [`extract_segmented`](super::extract_segmented) reads them; `intern` gives the id of the
/// word's key among the caller's texts. The same word and language always give the same
/// facts, up to the key's id: a caller may remember them with the word.
pub(crate) fn word_facts(word: &str, lang: Language, intern: &mut dyn FnMut(&str) -> TextId) -> Facts {
    NameFacts::of(word, lang, intern).pack()
}

/// A word that may hold an apostrophe, as the extractor sees it: without an English
/// possessive, whether it starts with an elided prefix ("l'", "d'"), and where its name part
/// starts in it.
pub(super) fn elision(word: &str, lang: Language) -> (&str, bool, usize) {
    // English possessives: "Apple’s" names Apple. Stripped first, so that "d's" is no elision.
    let word = if lang == Language::English {
        ["'s", "’s", "ʼs"]
            .iter()
            .find_map(|s| word.strip_suffix(s))
            .filter(|w| !w.is_empty())
            .unwrap_or(word)
    } else {
        word
    };
    let apostrophe = if word.is_ascii() {
        word.bytes().position(|b| b == b'\'')
    } else {
        word.find(|c: char| c == '\'' || (!c.is_ascii() && APOSTROPHES.contains(&c)))
    };
    match apostrophe {
        Some(at) => {
            let head = &word[..at];
            let after = at + word[at..].chars().next().map_or(1, char::len_utf8);
            if (lowercase_in(head, lang.elisions()) || lowercase_in(head, PARTICLES)) && after < word.len() {
                (word, true, after)
            } else {
                (word, false, 0)
            }
        }
        None => (word, false, 0),
    }
}

/// Whether `word` is its own [`key`](super::key): ASCII without capitals, white space or hyphens.
fn is_own_key(word: &str) -> bool {
    word.bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase() && !char::from(b).is_whitespace() && b != b'-')
}

/// The [`key`](super::key) of one word: the word itself when it is its own key (ASCII, lower case), as
/// most words of a text are, else written into `buffer`.
pub(super) fn word_key_into<'a>(word: &'a str, buffer: &'a mut String) -> &'a str {
    if is_own_key(word) {
        word
    } else {
        super::key_into(word, buffer);
        buffer
    }
}

#[cfg(test)]
mod tests;
