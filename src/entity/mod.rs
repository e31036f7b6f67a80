//! Named entities: extraction from text, folding keys, aliases.
//!
//! Reads text through the public pieces of [`analysis`](crate::analysis) (words, apostrophes,
//! accent folding) and knows nothing of the index: a caller that remembers what the extractor
//! needs of each word (its facts) from one text to the next gives them to it.

mod alias;
mod extract;
mod facts;

use std::borrow::Cow;

pub use alias::AliasTable;
pub use extract::Mention;
pub(crate) use extract::{Found, extract, extract_segmented};
pub(crate) use facts::{Facts, NO_FACTS, word_facts};

use crate::analysis::{APOSTROPHES, fold_accents};
use crate::language::Language;

/// The folded key of a name: lower case, no accents, one kind of apostrophe, hyphens and runs
/// of white space as one space. "Luigi  Di-Maio" and "luigi di maio" share a key.
///
/// # Examples
/// ```
/// assert_eq!(connexe::entity::key("  État-Islamique "), "etat islamique");
/// assert_eq!(connexe::entity::key("d’Investigations"), "d'investigations");
/// ```
pub fn key(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    key_into(name, &mut out);
    out
}

/// [`key`] written into `out`, which is cleared first: a caller folding many words reuses one
/// buffer instead of allocating a key for each.
pub(crate) fn key_into(name: &str, out: &mut String) {
    out.clear();
    // Most words of a name: ASCII without white space or hyphens, whose key is their lower case.
    if name
        .bytes()
        .all(|b| b.is_ascii() && b != b'-' && !char::from(b).is_whitespace())
    {
        out.push_str(name);
        out.make_ascii_lowercase();
        return;
    }
    if !latin_key_into(name, out) {
        *out = unicode_key(name);
    }
}

/// [`key`] by its definition: Unicode lower case, accents folded through NFD and NFC.
fn unicode_key(name: &str) -> String {
    let lower = name.to_lowercase();
    let folded = fold_accents(Cow::Owned(lower));
    let mut out = String::with_capacity(folded.len());
    for part in folded.split(|c: char| c.is_whitespace() || c == '-') {
        if part.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        for c in part.chars() {
            out.push(if APOSTROPHES.contains(&c) { '\'' } else { c });
        }
    }
    out
}

/// The first and last characters that [`LATIN_KEYS`] folds one at a time.
const LATIN_FIRST: u32 = 0xC0;
const LATIN_LAST: u32 = 0x17F;

/// The key of each Latin-1 and Latin Extended-A letter (À to ſ), found by [`unicode_key`]
/// once per process; `None` for the few whose key is not a plain string of base letters.
static LATIN_KEYS: std::sync::LazyLock<Vec<Option<String>>> = std::sync::LazyLock::new(|| {
    (LATIN_FIRST..=LATIN_LAST)
        .map(|code| {
            let c = char::from_u32(code)?;
            let folded = unicode_key(c.encode_utf8(&mut [0; 4]));
            let plain = !folded.is_empty()
                && folded
                    .chars()
                    .all(|f| f.is_alphanumeric() && !f.is_whitespace() && f != '-');
            plain.then_some(folded)
        })
        .collect()
});

/// [`key`] of a name written in ASCII and Latin letters, a character at a time: the same
/// result as [`unicode_key`] without normalising the text, which most of the cost of
/// extracting names was. `false`, with `out` partly written, for any other character.
fn latin_key_into(name: &str, out: &mut String) -> bool {
    let mut space = false;
    for c in name.chars() {
        if c.is_whitespace() || c == '-' {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if APOSTROPHES.contains(&c) {
            out.push('\'');
        } else if (LATIN_FIRST..=LATIN_LAST).contains(&u32::from(c)) {
            match &LATIN_KEYS[(u32::from(c) - LATIN_FIRST) as usize] {
                Some(folded) => out.push_str(folded),
                None => return false,
            }
        } else {
            return false;
        }
    }
    true
}

/// The names found in `text` (capitalised runs, acronyms, « quoted » names and the alias
/// table's phrases), with their keys after `aliases`.
///
/// Each call reads its text afresh: it remembers nothing between texts (an index remembers
/// what it learned of the words of its articles).
///
/// # Examples
/// ```
/// use connexe::{AliasTable, Language, entity::extract_entities};
///
/// let aliases = AliasTable::from_json(r#"{"Daech": ["EI"]}"#).unwrap();
/// let found = extract_entities("Créée en 2014, la coalition contre l’EI se réunit à Rome.", Language::French, &aliases);
/// let keys: Vec<&str> = found.iter().map(|m| m.key.as_str()).collect();
/// assert_eq!(keys, ["daech", "rome"]);
/// ```
pub fn extract_entities(text: &str, lang: Language, aliases: &AliasTable) -> Vec<Mention> {
    extract(text, lang, aliases).mentions
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The Latin fast path gives exactly the key of the definition: names mixing ASCII,
        /// Latin letters, apostrophes, separators, combining accents and other scripts.
        #[test]
        fn latin_keys_are_unicode_keys(name in "[ \\x0b\\x0c\\r\\na-zA-Z0-9'’ʼ\\-\t\u{a0}\u{b7}\u{c0}-\u{24f}\u{300}-\u{36f}\u{391}-\u{3c9}\u{130}\u{1e9e}]{0,12}") {
            prop_assert_eq!(key(&name), unicode_key(&name));
        }
    }

    #[test]
    fn every_latin_letter_alone_and_in_a_word_has_its_unicode_key() {
        for code in 0..0x250 {
            let Some(c) = char::from_u32(code) else { continue };
            for name in [c.to_string(), format!("A{c}b"), format!("{c}{c} x")] {
                assert_eq!(key(&name), unicode_key(&name), "{name:?}");
            }
        }
    }

    /// The body of ../shared/reference-page.txt must give at least these names, and none of
    /// the capitalised sentence openers.
    #[test]
    fn reference_page_entities() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/reference-page.txt");
        let Ok(page) = std::fs::read_to_string(path) else {
            eprintln!("skipped: {path} is absent");
            return;
        };
        let body: String = page
            .lines()
            .skip_while(|l| !l.starts_with("Nasser Bourita"))
            .take_while(|l| *l != "Aller plus loin")
            .filter(|l| !l.starts_with("À lire"))
            .collect::<Vec<_>>()
            .join("\n\n");
        let aliases =
            AliasTable::from_json(r#"{"Daech": ["État islamique", "EI", "ISIS", "Daesh"]}"#).unwrap();
        let found = extract(&body, Language::French, &aliases);
        let keys: Vec<&str> = found.mentions.iter().map(|m| m.key.as_str()).collect();
        for expected in [
            "nasser bourita",
            "maroc",
            "daech",
            "rome",
            "luigi di maio",
            "antony blinken",
            "italie",
            "irak",
            "syrie",
            "afrique",
        ] {
            assert!(keys.contains(&expected), "{expected} missing from {keys:?}");
        }
        assert!(
            keys.iter().filter(|k| **k == "daech").count() >= 2,
            "EI and Daech are one entity"
        );
        for wrong in ["discuter", "creee", "au cours", "cours", "au"] {
            assert!(!keys.contains(&wrong), "{wrong} wrongly found in {keys:?}");
        }
        // The BCIJ teaser of the same page teaches its acronym.
        let teaser = page.lines().find(|l| l.contains("(BCIJ)")).expect("BCIJ teaser");
        let learned = extract(teaser, Language::French, &aliases).learned;
        assert_eq!(
            learned,
            vec![(
                "bureau central d'investigations judiciaires".into(),
                "bcij".into()
            )]
        );
    }
}
