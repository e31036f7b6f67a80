//! Finding names in text: capitalised runs, acronyms, « quoted » names, alias phrases.

use std::sync::LazyLock;

use hashbrown::HashSet;

use super::{AliasTable, key};
use crate::analysis::{APOSTROPHES, AnalysisOptions, Analyzers, Facts, Session, TextId};
use crate::language::Language;
use crate::scratch::Pool;

/// A name found in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mention {
    /// The name as written ("Luigi Di Maio").
    pub name: String,
    /// Its folded key, after the alias table ("luigi di maio", "daech").
    pub key: String,
}

/// What the extractor found in one text.
#[derive(Clone, Debug, Default)]
pub(crate) struct Extraction {
    pub(crate) mentions: Vec<Mention>,
    /// (long name key, acronym key) pairs learned from "Long Name (ACRONYM)".
    pub(crate) learned: Vec<(String, String)>,
}

/// Where [`extract_segmented`] puts what it finds: each mention as it comes, borrowed, so
/// that an article's hundredth "Maroc" copies nothing.
pub(crate) struct Found<'s> {
    /// Called with a mention's name as written and its key after the alias table.
    pub(crate) mention: &'s mut dyn FnMut(&str, &str),
    /// (long name key, acronym key) pairs learned from "Long Name (ACRONYM)".
    pub(crate) learned: &'s mut Vec<(String, String)>,
}

/// Lower-case words that join the capitalised words of one name ("Luigi Di Maio",
/// "Ministère de l'Intérieur", "Bachar al-Assad", "Bank of England").
const PARTICLES: &[&str] = &[
    "de", "du", "des", "d", "l", "la", "le", "di", "da", "del", "della", "dos", "das", "do", "van", "von",
    "der", "den", "al", "el", "ben", "bin", "ibn", "ould", "y", "of", "bou", "abou", "abu",
];

thread_local! {
    /// The extractor's buffers, kept between the texts a thread reads.
    static CAPITALS: Pool<usize> = const { Pool::new() };
    static COVERED: Pool<bool> = const { Pool::new() };
}

/// One word of the text, as the extractor sees it (see [`Words::get`]).
#[derive(Clone, Copy, Debug)]
struct Word<'t> {
    /// Byte range of the whole word in the text.
    start: usize,
    end: usize,
    /// Where the name part starts: after an elided prefix ("l'" of "l'Italie").
    main: usize,
    /// The word starts with an elided prefix ("l'", "d'").
    elided: bool,
    text: &'t str,
    capitalised: bool,
    acronym: bool,
    /// The id of the [`key`] of the name part (see [`NameFacts::key`]).
    key: TextId,
}

impl Word<'_> {
    fn main_text(&self) -> &str {
        &self.text[self.main - self.start..]
    }
}

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
/// word and the language, which the index remembers with the word's terms (see
/// [`word_facts`]) so that a text's thousandth "Maroc" costs no folding nor search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct NameFacts {
    /// The id of the [`key`] of the name part, in the ids of the texts of the caller.
    key: TextId,
    /// Where the name part starts in the word: after an elided prefix ("l'" of "l'Italie").
    main: u8,
    /// Bytes the extractor cuts off the word's end: an English possessive ("'s").
    cut: u8,
    elided: bool,
    capitalised: bool,
    acronym: bool,
}

impl NameFacts {
    /// The facts of `word`. `intern` gives the id of a text.
    fn of(word: &str, lang: Language, intern: &mut dyn FnMut(&str) -> TextId) -> NameFacts {
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

    /// These facts in one integer, never `u64::MAX` (see [`crate::analysis::Facts`]).
    fn pack(self) -> Facts {
        let flags = u64::from(self.elided) | u64::from(self.capitalised) << 1 | u64::from(self.acronym) << 2;
        u64::from(self.key) | u64::from(self.main) << 32 | u64::from(self.cut) << 40 | flags << 48
    }

    fn unpack(packed: Facts) -> NameFacts {
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

/// The [`NameFacts`] of `word` in one integer, as [`extract_segmented`] reads them: what the index
/// has the analysis memo remember (see [`crate::analysis::FactsOf`]).
pub(crate) fn word_facts(word: &str, lang: Language, intern: &mut dyn FnMut(&str) -> TextId) -> Facts {
    NameFacts::of(word, lang, intern).pack()
}

/// The words of a text (its UAX #29 words with their byte offsets, and their facts) as the
/// extractor sees them, each made when read: most of what the extractor does reads the
/// facts of every word, and the rest of a few words only.
struct Words<'t, 'w> {
    text: &'t str,
    segmented: &'w [(usize, &'t str)],
    facts: &'w [Facts],
}

impl<'t> Words<'t, '_> {
    fn len(&self) -> usize {
        self.segmented.len()
    }

    fn facts(&self, i: usize) -> NameFacts {
        NameFacts::unpack(self.facts[i])
    }

    fn get(&self, i: usize) -> Word<'t> {
        let (start, word) = self.segmented[i];
        let facts = self.facts(i);
        let end = start + word.len() - usize::from(facts.cut);
        Word {
            start,
            end,
            main: start + usize::from(facts.main),
            elided: facts.elided,
            text: &self.text[start..end],
            capitalised: facts.capitalised,
            acronym: facts.acronym,
            key: facts.key,
        }
    }

    /// Whether word `i` is the first of a sentence, a paragraph or a quotation, and whether
    /// the text between the word before it and it allows both in one name.
    fn gap(&self, i: usize) -> (bool, bool) {
        let Some(before) = i.checked_sub(1) else {
            return (true, false);
        };
        let prev_end = self.get(before).end;
        let start = self.segmented[i].0;
        if start == prev_end + 1 && self.text.as_bytes()[prev_end] == b' ' {
            // Most gaps: one space, cheap to tell.
            return (false, true);
        }
        let gap = &self.text[prev_end..start];
        (
            gap.contains(['.', '!', '?', '…', '\n', '«', '“', '"', '—'])
                || (gap.contains(':') && gap.contains('\n')),
            gap.chars().all(|c| c == ' ' || c == '-' || c == '\u{a0}'),
        )
    }

    fn sentence_start(&self, i: usize) -> bool {
        self.gap(i).0
    }

    fn joined(&self, i: usize) -> bool {
        self.gap(i).1
    }

    /// The number of words before the first for which `after` holds (`after` holds from a
    /// word on, as `slice::partition_point` has it the other way round).
    fn first_where(&self, after: impl Fn(&Word<'t>) -> bool) -> usize {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let middle = low + (high - low) / 2;
            if after(&self.get(middle)) {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        low
    }
}

/// A word that may hold an apostrophe, as the extractor sees it: without an English
/// possessive, whether it starts with an elided prefix ("l'", "d'"), and where its name part
/// starts in it.
fn elision(word: &str, lang: Language) -> (&str, bool, usize) {
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

/// Whether `word` is its own [`key`]: ASCII without capitals, white space or hyphens.
fn is_own_key(word: &str) -> bool {
    word.bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase() && !char::from(b).is_whitespace() && b != b'-')
}

/// The [`key`] of one word: the word itself when it is its own key (ASCII, lower case), as
/// most words of a text are, else written into `buffer`.
fn word_key_into<'a>(word: &'a str, buffer: &'a mut String) -> &'a str {
    if is_own_key(word) {
        word
    } else {
        super::key_into(word, buffer);
        buffer
    }
}

/// `word` in lower case, written into `out`: without allocating for an ASCII word.
fn lowercase_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.push_str(word);
        out.make_ascii_lowercase();
    } else {
        out.push_str(&word.to_lowercase());
    }
}

/// Which keys a set of a text may hold, by their ids: most words of a text have none of the
/// few keys looked for, and cost one bit instead of a hash lookup.
#[derive(Default)]
struct KeyFilter([u64; 16]);

impl KeyFilter {
    /// The word of the filter and the bit in it that stand for `key`.
    fn bit(key: TextId) -> (usize, u64) {
        let bit = key as usize % 1024;
        (bit / 64, 1 << (bit % 64))
    }

    fn insert(&mut self, key: TextId) {
        let (word, bit) = KeyFilter::bit(key);
        self.0[word] |= bit;
    }

    /// `false` only for a key that was never inserted.
    fn may_contain(&self, key: TextId) -> bool {
        let (word, bit) = KeyFilter::bit(key);
        self.0[word] & bit != 0
    }
}

fn is_particle(word: &Word<'_>) -> bool {
    // No particle is longer than five bytes: most words are told apart by their length.
    !word.capitalised && !word.elided && word.text.len() <= 5 && PARTICLES.contains(&word.text)
}

/// Extracts names from one text.
///
/// `lang` gives elisions and stop words; `aliases` maps variants to canonical keys and lends
/// its multi-word variants as phrases to look for.
pub(crate) fn extract(text: &str, lang: Language, aliases: &AliasTable) -> Extraction {
    /// Analyzers whose memo keeps the facts of words for this function, as an index's keep
    /// them for its articles (the terms they find are not used).
    static ANALYZERS: LazyLock<Analyzers> = LazyLock::new(|| Analyzers::new(AnalysisOptions::default()));
    let segmented = crate::analysis::word_indices(text);
    let mut out = Extraction::default();
    let mut mention = |name: &str, key: &str| {
        out.mentions.push(Mention {
            name: name.to_owned(),
            key: key.to_owned(),
        });
    };
    let mut learned = Vec::new();
    ANALYZERS.get(lang).session(|session| {
        let facts: Vec<Facts> = segmented
            .iter()
            .map(|&(_, word)| session.word_with(word, word_facts).1)
            .collect();
        let session: &Session<'_> = session;
        extract_segmented(
            text,
            &segmented,
            &facts,
            &|id| session.text(id),
            lang,
            aliases,
            &mut Found {
                mention: &mut mention,
                learned: &mut learned,
            },
        );
    });
    out.learned = learned;
    out
}

/// [`extract`] of a text already split into its UAX #29 words with their byte offsets, and
/// with their facts ([`word_facts`]), whose key ids `key_text` turns into keys; giving what
/// it finds to `out`.
pub(crate) fn extract_segmented<'t, 'k>(
    text: &'t str,
    segmented: &[(usize, &'t str)],
    facts: &[Facts],
    key_text: &'k dyn Fn(TextId) -> &'k str,
    lang: Language,
    aliases: &AliasTable,
    out: &mut Found<'_>,
) {
    assert_eq!(segmented.len(), facts.len(), "the facts of every word");
    let words = Words {
        text,
        segmented,
        facts,
    };
    let stop = crate::analysis::StopWords::shared(lang);
    let key = |i: usize| key_text(words.facts(i).key);
    // Positions of the capitalised words: the only ones most of what follows reads.
    let mut capitals: Vec<usize> = CAPITALS.with(Pool::take);
    capitals.extend((0..words.len()).filter(|&i| words.facts(i).capitalised));
    // Words seen capitalised where capitals mean a name (not at a sentence start), and the
    // other capitalised words also seen in lower case: they tell a name at a sentence start
    // from an ordinary word.
    let mut capitalised_inside: HashSet<TextId> = HashSet::with_capacity(capitals.len());
    for &i in &capitals {
        if !words.sentence_start(i) {
            capitalised_inside.insert(words.facts(i).key);
        }
    }
    // A capitalised stop word is never part of a name whether or not it is seen in lower case
    // (see the runs below): an ASCII one, whose key is its lower case, is not wanted. ("Sûr"
    // is no stop word, though its key "sur" is.)
    let wanted: HashSet<TextId> = capitals
        .iter()
        .map(|&i| (words.get(i), i))
        .filter(|&(w, i)| {
            !capitalised_inside.contains(&w.key)
                && (w.acronym || !w.main_text().is_ascii() || !stop.contains(key(i)))
        })
        .map(|(w, _)| w.key)
        .collect();
    let mut seen_in_lower_case: HashSet<TextId> = HashSet::new();
    if !wanted.is_empty() {
        let mut filter = KeyFilter::default();
        wanted.iter().for_each(|&key| filter.insert(key));
        for facts in facts.iter().map(|&packed| NameFacts::unpack(packed)) {
            if !facts.capitalised && filter.may_contain(facts.key) && wanted.contains(&facts.key) {
                seen_in_lower_case.insert(facts.key);
            }
        }
    }

    let mut buffer = String::new();
    let mut covered: Vec<bool> = COVERED.with(Pool::take);
    covered.resize(words.len(), false);
    quoted_names(text, &words, &mut covered, aliases, out, &mut buffer);
    alias_phrases(text, &words, &key, &mut covered, aliases, out, &mut buffer);

    // The lower case of a run's first words that are not ASCII, in one reused buffer.
    let mut lower_text = String::new();
    // Words before this one are in a run already.
    let mut next = 0;
    for &i in &capitals {
        if i < next || covered[i] {
            continue;
        }
        // Grow the run: capitalised words, joined by up to two particles.
        let mut last = i;
        let mut j = i + 1;
        while j < words.len() && !covered[j] && words.gap(j) == (false, true) {
            if words.facts(j).capitalised {
                last = j;
                j += 1;
                continue;
            }
            let mut k = j;
            while k < words.len() && k < j + 2 && words.joined(k) && is_particle(&words.get(k)) {
                k += 1;
            }
            if k > j && k < words.len() && words.joined(k) && words.facts(k).capitalised && !covered[k] {
                last = k;
                j = k + 1;
            } else {
                break;
            }
        }
        let end_run = last + 1;
        // A capitalised stop word or ordinary word opening a sentence is not part of a name.
        // A capitalised stop word ("Le Nigeria") is never part of a name; at a sentence start,
        // neither is an ordinary word ("Selon", "Discuter") nor a lone word never capitalised
        // elsewhere in the text ("Créée en 2014").
        let mut first = i;
        let mut common_noun = false;
        while first < end_run {
            let folded = key(first);
            // The key of an ASCII word is its lower case (a word holds no space nor hyphen).
            let word = words.get(first);
            let main = word.main_text();
            let lower: &str = if main.is_ascii() {
                debug_assert_eq!(folded, main.to_ascii_lowercase());
                folded
            } else {
                lowercase_into(main, &mut lower_text);
                &lower_text
            };
            let stop_word = stop.contains(lower) && !word.acronym;
            let ordinary = || {
                lang.not_names().contains(&lower)
                    || (seen_in_lower_case.contains(&word.key) && !capitalised_inside.contains(&word.key))
            };
            let lone_unknown = || {
                first == end_run - 1
                    && !word.acronym
                    && !capitalised_inside.contains(&word.key)
                    && !aliases.contains(folded)
            };
            if !(stop_word || (words.sentence_start(i) && (ordinary() || lone_unknown()))) {
                common_noun = first == last && lang.capitalised_nouns().contains(&lower);
                break;
            }
            first += 1;
            while first < end_run && !words.facts(first).capitalised {
                first += 1;
            }
        }
        if first < end_run && !common_noun {
            let surface = &text[words.get(first).main..words.get(last).end];
            if first == last {
                // One word: its key is known.
                mention(out, surface, key(first), aliases);
            } else {
                push(out, surface, aliases, &mut buffer);
            }
            learn_acronym(text, &words, first, last, aliases, out);
        }
        next = end_run;
    }
    CAPITALS.with(|pool| pool.give(capitals));
    COVERED.with(|pool| pool.give(covered));
}

/// Gives `out` the mention written `surface`, its key folded in `buffer`.
fn push(out: &mut Found<'_>, surface: &str, aliases: &AliasTable, buffer: &mut String) {
    super::key_into(surface, buffer);
    mention(out, surface, buffer, aliases);
}

/// Gives `out` the mention written `surface`, whose key is `folded`.
fn mention(out: &mut Found<'_>, surface: &str, folded: &str, aliases: &AliasTable) {
    if !folded.is_empty() {
        (out.mention)(surface.trim(), aliases.canonical(folded));
    }
}

/// "Bureau Central d'Investigations Judiciaires (BCIJ)": when the acronym's letters are the
/// initials of the name's capitalised words, both name one entity.
fn learn_acronym(
    text: &str,
    words: &Words<'_, '_>,
    first: usize,
    last: usize,
    aliases: &AliasTable,
    out: &mut Found<'_>,
) {
    if last + 1 >= words.len() {
        return;
    }
    let next = words.get(last + 1);
    let gap = &text[words.get(last).end..next.start];
    if gap.trim() != "(" || !next.acronym || !text[next.end..].starts_with(')') {
        return;
    }
    let initials: String = (first..=last)
        .map(|i| words.get(i))
        .filter(|w| w.capitalised)
        .filter_map(|w| w.main_text().chars().next())
        .flat_map(char::to_uppercase)
        .collect();
    let letters: String = next.main_text().chars().filter(|c| c.is_alphabetic()).collect();
    if initials.chars().count() >= 2 && initials == letters {
        let long = aliases
            .canonical(&key(&text[words.get(first).main..words.get(last).end]))
            .to_owned();
        let short = aliases.canonical(&key(next.main_text())).to_owned();
        if long != short {
            out.learned.push((long, short));
        }
    }
}

/// Names written in quotation marks: « État islamique », “Ennahda”. Up to six words, the
/// first one capitalised.
fn quoted_names(
    text: &str,
    words: &Words<'_, '_>,
    covered: &mut [bool],
    aliases: &AliasTable,
    out: &mut Found<'_>,
    buffer: &mut String,
) {
    for (open, close) in [('«', '»'), ('“', '”')] {
        let mut from = 0;
        while let Some(o) = text[from..].find(open).map(|o| from + o + open.len_utf8()) {
            let Some(c) = text[o..].find(close).map(|c| o + c) else {
                break;
            };
            from = c + close.len_utf8();
            // Words are in text order: the ones inside are a contiguous range.
            let a = words.first_where(|w| w.start >= o);
            let b = words.first_where(|w| w.end > c);
            if b <= a
                || b - a > 6
                || !words.facts(a).capitalised
                || text[o..c].contains(['.', ',', ';', '!', '?'])
            {
                continue;
            }
            push(
                out,
                &text[words.get(a).main..words.get(b - 1).end],
                aliases,
                buffer,
            );
            covered[a..b].iter_mut().for_each(|x| *x = true);
        }
    }
}

/// Multi-word variants of the alias table found as phrases, whatever their case.
fn alias_phrases<'k>(
    text: &str,
    words: &Words<'_, '_>,
    key: &dyn Fn(usize) -> &'k str,
    covered: &mut [bool],
    aliases: &AliasTable,
    out: &mut Found<'_>,
    buffer: &mut String,
) {
    if !aliases.has_phrases() {
        return;
    }
    let mut i = 0;
    while i < words.len() {
        let matched = aliases.phrases_starting_with(key(i)).iter().find(|phrase| {
            i + phrase.len() <= words.len()
                && phrase.iter().enumerate().all(|(n, p)| p == key(i + n))
                && (i + 1..i + phrase.len()).all(|j| words.joined(j))
                && (i..i + phrase.len()).all(|j| !covered[j])
        });
        match matched {
            Some(phrase) => {
                let n = phrase.len();
                push(
                    out,
                    &text[words.get(i).main..words.get(i + n - 1).end],
                    aliases,
                    buffer,
                );
                covered[i..i + n].iter_mut().for_each(|c| *c = true);
                i += n;
            }
            None => i += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str, lang: Language, aliases: &AliasTable) -> Vec<String> {
        extract(text, lang, aliases)
            .mentions
            .into_iter()
            .map(|m| m.name)
            .collect()
    }

    proptest::proptest! {
        #[test]
        fn a_key_filter_lets_through_every_key_inserted(keys in proptest::collection::vec(proptest::num::u32::ANY, 0..40)) {
            let mut filter = KeyFilter::default();
            keys.iter().for_each(|&key| filter.insert(key));
            proptest::prop_assert!(keys.iter().all(|&key| filter.may_contain(key)));
        }

        #[test]
        fn facts_come_back_from_their_integer(
            key in proptest::num::u32::ANY,
            main in proptest::num::u8::ANY,
            cut in proptest::num::u8::ANY,
            flags in 0..8_u8,
        ) {
            let facts = NameFacts { key, main, cut, elided: flags & 1 != 0, capitalised: flags & 2 != 0, acronym: flags & 4 != 0 };
            proptest::prop_assert_ne!(facts.pack(), u64::MAX);
            proptest::prop_assert_eq!(NameFacts::unpack(facts.pack()), facts);
        }
    }

    /// The shortcuts of `NameFacts::of` (the bytes that start an apostrophe) and `is_particle`
    /// hold for the lists they stand for.
    #[test]
    fn apostrophes_start_with_a_marked_byte_and_particles_are_short() {
        for c in APOSTROPHES.iter().chain(&['\'']) {
            let first = c.to_string().as_bytes()[0];
            assert!(
                matches!(first, b'\'' | 0xE2 | 0xCA),
                "{c:?} starts with {first:#x}"
            );
        }
        assert!(PARTICLES.iter().all(|p| p.len() <= 5));
    }

    /// The facts of the words of `text`, and the keys they name.
    fn facts_of(text: &str, lang: Language) -> (Vec<(usize, &str)>, Vec<u64>, Vec<String>) {
        let segmented = crate::analysis::word_indices(text);
        let mut keys = Vec::new();
        let facts: Vec<u64> = segmented
            .iter()
            .map(|&(_, word)| {
                word_facts(word, lang, &mut |key| {
                    keys.push(key.to_owned());
                    (keys.len() - 1) as TextId
                })
            })
            .collect();
        (segmented, facts, keys)
    }

    proptest::proptest! {
        /// Words skipped by the search for apostrophes (no byte that starts one) have the
        /// elision and name part that the search would give them, and every word the key of
        /// its name part.
        #[test]
        fn words_without_an_apostrophe_byte_need_no_search(
            text in "([lLdD]?['’ʼ‘′`]?[a-zA-ZéÉ'’ʼ‘′]{0,6}[ ,.\n«»—]{1,2}){0,12}",
            english in proptest::bool::ANY,
        ) {
            let lang = if english { Language::English } else { Language::French };
            let (segmented, facts, keys) = facts_of(&text, lang);
            let words = Words { text: &text, segmented: &segmented, facts: &facts };
            for (i, &(start, word)) in segmented.iter().enumerate() {
                let w = words.get(i);
                let (text_of, elided, main) = elision(word, lang);
                let main = start + main;
                proptest::prop_assert_eq!((w.text, w.elided, w.main), (text_of, elided, main), "{:?}", word);
                proptest::prop_assert_eq!(&keys[w.key as usize], &key(w.main_text()), "{:?}", word);
            }
        }
    }

    proptest::proptest! {
        /// A binary search over words made when read finds what one over a slice finds.
        #[test]
        fn first_where_is_a_partition_point(text in "[a-zA-Z’' .«»]{0,40}", at in 0..45_usize) {
            let (segmented, facts, _) = facts_of(&text, Language::English);
            let words = Words { text: &text, segmented: &segmented, facts: &facts };
            let all: Vec<Word<'_>> = (0..words.len()).map(|i| words.get(i)).collect();
            proptest::prop_assert_eq!(words.first_where(|w| w.start >= at), all.partition_point(|w| w.start < at));
            proptest::prop_assert_eq!(words.first_where(|w| w.end > at), all.partition_point(|w| w.end <= at));
        }
    }

    /// The longest elided prefixes and possessives fit the bytes that [`NameFacts`] has for them.
    #[test]
    fn elided_prefixes_and_possessives_fit_their_facts() {
        let apostrophes: Vec<char> = APOSTROPHES.iter().copied().chain(['\'']).collect();
        for lang in Language::ALL {
            for head in lang.elisions().iter().chain(PARTICLES) {
                // Upper case, and the Kelvin sign (3 bytes) for a "k": the longest heads that
                // lower-case to one of the lists'.
                let upper: String = head
                    .chars()
                    .map(|c| {
                        if c == 'k' {
                            '\u{212a}'
                        } else {
                            c.to_ascii_uppercase()
                        }
                    })
                    .collect();
                for &apostrophe in &apostrophes {
                    let word = format!("{upper}{apostrophe}Abcd's");
                    let facts = NameFacts::of(&word, lang, &mut |_| 0);
                    let (_, elided, main) = elision(&word, lang);
                    assert!(elided, "{word:?}");
                    assert_eq!(usize::from(facts.main), main, "{word:?}");
                }
            }
        }
    }

    #[test]
    fn a_word_borrowed_as_its_own_key_is_its_key() {
        for word in [
            "rome",
            "aujourd'hui",
            "12.9",
            "Rome",
            "état",
            "l’Italie",
            "ÉTAT",
            "co-op",
            "x",
            "a\u{b}b",
        ] {
            assert_eq!(word_key_into(word, &mut String::new()), key(word), "{word}");
        }
    }

    #[test]
    fn runs_particles_elisions_and_sentence_starts() {
        let text = "Créée en 2014, la coalition se réunit à Rome. Le ministre de l’Italie, Luigi Di Maio, \
                    reçoit Antony Blinken. Au cours des travaux, le Bureau Central d’Investigations Judiciaires (BCIJ) \
                    a parlé. Discuter avec Rome reste utile. Selon Nasser Bourita, le Maroc est prêt.";
        let got = names(text, Language::French, &AliasTable::new());
        assert_eq!(
            got,
            vec![
                "Rome",
                "Italie",
                "Luigi Di Maio",
                "Antony Blinken",
                "Bureau Central d’Investigations Judiciaires",
                "BCIJ",
                "Rome",
                "Nasser Bourita",
                "Maroc"
            ]
        );
    }

    #[test]
    fn a_sentence_start_seen_in_lower_case_is_no_name_even_when_its_key_is_a_stop_word() {
        // "Sûr" is no stop word, but its key "sur" is: it must still be looked for in lower case.
        let text = "Il est sûr de lui. Sûr de Rome, il part. Le Maroc reçoit.";
        assert_eq!(
            names(text, Language::French, &AliasTable::new()),
            ["Rome", "Maroc"]
        );
    }

    #[test]
    fn acronym_in_parentheses_is_learned() {
        let text = "Le Bureau Central d'Investigations Judiciaires (BCIJ) a interpellé un suspect.";
        let learned = extract(text, Language::French, &AliasTable::new()).learned;
        assert_eq!(
            learned,
            vec![(
                "bureau central d'investigations judiciaires".to_owned(),
                "bcij".to_owned()
            )]
        );
        let unrelated = extract(
            "La Banque mondiale (FMI) prête.",
            Language::French,
            &AliasTable::new(),
        )
        .learned;
        assert!(unrelated.is_empty());
    }

    #[test]
    fn quoted_names_and_alias_phrases() {
        let aliases = AliasTable::from_json(r#"{"Daech": ["État islamique", "EI"]}"#).unwrap();
        let text =
            "Le groupe « État islamique » menace. Les réseaux de l’EI et de l'état islamique recrutent.";
        let got: Vec<String> = extract(text, Language::French, &aliases)
            .mentions
            .into_iter()
            .map(|m| m.key)
            .collect();
        assert_eq!(got, vec!["daech", "daech", "daech"]);
    }

    #[test]
    fn english_possessives_and_elision_like_prefixes() {
        // Found by fuzzing: a possessive after an elision-like prefix cut a word to nothing.
        for text in ["d's", "Ben's car", "l’s", "'s"] {
            extract(text, Language::English, &AliasTable::new());
        }
        let got = names(
            "Yesterday Apple’s chief met Ben's lawyer.",
            Language::English,
            &AliasTable::new(),
        );
        assert_eq!(got, vec!["Apple", "Ben"]);
    }

    #[test]
    fn hyphenated_and_arabic_particles() {
        let got = names(
            "Des frappes visent les États-Unis et Bachar al-Assad depuis Abou Dhabi.",
            Language::French,
            &AliasTable::new(),
        );
        assert_eq!(got, vec!["États-Unis", "Bachar al-Assad", "Abou Dhabi"]);
    }
}
