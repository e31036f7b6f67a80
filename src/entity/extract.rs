//! Finding names in text: capitalised runs, acronyms, « quoted » names, alias phrases.

use hashbrown::HashSet;

use super::{AliasTable, key};
use crate::analysis::APOSTROPHES;
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
    static WORDS: Pool<Word<'static>> = const { Pool::new() };
    static CAPITALS: Pool<usize> = const { Pool::new() };
    static KEY_RANGES: Pool<(usize, usize)> = const { Pool::new() };
    /// The keys of one text's words, end to end (see [`extract_segmented`]).
    static KEY_TEXT: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    static COVERED: Pool<bool> = const { Pool::new() };
}

/// One word of the text, as the extractor sees it.
#[derive(Debug)]
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
    /// First word of a sentence, a paragraph or a quotation.
    sentence_start: bool,
    /// The text between the previous word and this one allows both in one name.
    joined: bool,
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

/// The words of `text` (its UAX #29 words with their byte offsets) as the extractor sees them.
fn split_words<'t>(text: &'t str, segmented: &[(usize, &'t str)], lang: Language) -> Vec<Word<'t>> {
    let mut marks = memchr::memchr3_iter(b'\'', 0xE2, 0xCA, text.as_bytes());
    let mut next_mark = 0;
    let mut words: Vec<Word<'t>> = WORDS.with(Pool::take);
    words.reserve(segmented.len());
    let mut prev_end = 0;
    for &(start, word) in segmented {
        let (sentence_start, joined) = if words.is_empty() {
            (true, false)
        } else if start == prev_end + 1 && text.as_bytes()[prev_end] == b' ' {
            // Most gaps: one space, cheap to tell.
            (false, true)
        } else {
            let gap = &text[prev_end..start];
            (
                gap.contains(['.', '!', '?', '…', '\n', '«', '“', '"', '—'])
                    || (gap.contains(':') && gap.contains('\n')),
                gap.chars().all(|c| c == ' ' || c == '-' || c == '\u{a0}'),
            )
        };
        // Bytes that start an apostrophe ('\'' and the first byte of each of `APOSTROPHES`)
        // are rare: a word without one has no elision nor English possessive, and needs no
        // search for them.
        while next_mark < start {
            next_mark = marks.next().unwrap_or(usize::MAX);
        }
        let (word, elided, main) = if next_mark >= start + word.len() {
            (word, false, start)
        } else {
            elision(start, word, lang)
        };
        let end = start + word.len();
        let main_text = if main == start { word } else { &text[main..end] };
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
        words.push(Word {
            start,
            end,
            main,
            elided,
            text: word,
            capitalised,
            acronym,
            sentence_start,
            joined,
        });
        prev_end = end;
    }
    words
}

/// A word that may hold an apostrophe, as the extractor sees it: without an English
/// possessive, whether it starts with an elided prefix ("l'", "d'"), and where its name part
/// starts (the byte offset of the word, `start`, plus that of the name in it).
fn elision(start: usize, word: &str, lang: Language) -> (&str, bool, usize) {
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
                (word, true, start + after)
            } else {
                (word, false, start)
            }
        }
        None => (word, false, start),
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

/// The keys of a text's words, end to end in one buffer instead of a string each.
struct Keys {
    text: String,
    /// Where each word's key is in `text` (empty for the words that need none).
    ranges: Vec<(usize, usize)>,
}

impl Keys {
    fn get(&self, word: usize) -> &str {
        let (start, end) = self.ranges[word];
        &self.text[start..end]
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

/// Longer key buffers are not kept between texts.
const KEY_TEXT_BYTES: usize = 1 << 20;

/// Which keys a set may hold, by their first and last bytes: most words of a text are let
/// through by none of the few keys looked for, and cost no hashing, nor even their own key
/// when it starts and ends as the word does (see [`ascii_ends`]).
#[derive(Default)]
struct KeyFilter([u64; 8]);

impl KeyFilter {
    fn bit((first, last): (u8, u8)) -> usize {
        (usize::from(first) * 37 + usize::from(last)) % 512
    }

    /// The first and last bytes of a key (0 for an empty key).
    fn ends(key: &str) -> (u8, u8) {
        let bytes = key.as_bytes();
        (
            bytes.first().copied().unwrap_or(0),
            bytes.last().copied().unwrap_or(0),
        )
    }

    fn insert(&mut self, key: &str) {
        let bit = KeyFilter::bit(KeyFilter::ends(key));
        self.0[bit / 64] |= 1 << (bit % 64);
    }

    /// `false` only when no key inserted has these first and last bytes.
    fn may_contain_ends(&self, ends: (u8, u8)) -> bool {
        let bit = KeyFilter::bit(ends);
        self.0[bit / 64] & (1 << (bit % 64)) != 0
    }

    /// `false` only for a key that was never inserted.
    fn may_contain(&self, key: &str) -> bool {
        self.may_contain_ends(KeyFilter::ends(key))
    }
}

/// The first and last bytes of `word`'s [`key`], read off the word without folding it, when
/// the word starts and ends with an ASCII letter or digit: folding lower-cases those and never
/// moves, drops or adds a character before the first or after the last of them.
fn ascii_ends(word: &str) -> Option<(u8, u8)> {
    let (&first, &last) = (word.as_bytes().first()?, word.as_bytes().last()?);
    (first.is_ascii_alphanumeric() && last.is_ascii_alphanumeric())
        .then(|| (first.to_ascii_lowercase(), last.to_ascii_lowercase()))
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
    let segmented = crate::analysis::word_indices(text);
    let mut out = Extraction::default();
    let mut mention = |name: &str, key: &str| {
        out.mentions.push(Mention {
            name: name.to_owned(),
            key: key.to_owned(),
        });
    };
    let mut learned = Vec::new();
    extract_segmented(
        text,
        &segmented,
        lang,
        aliases,
        &mut Found {
            mention: &mut mention,
            learned: &mut learned,
        },
    );
    out.learned = learned;
    out
}

/// [`extract`] of a text already split into its UAX #29 words with their byte offsets, giving
/// what it finds to `out`.
pub(crate) fn extract_segmented<'t>(
    text: &'t str,
    segmented: &[(usize, &'t str)],
    lang: Language,
    aliases: &AliasTable,
    out: &mut Found<'_>,
) {
    let words = split_words(text, segmented, lang);
    let stop = crate::analysis::StopWords::shared(lang);
    // Positions of the capitalised words: the only ones most of what follows reads.
    let mut capitals: Vec<usize> = CAPITALS.with(Pool::take);
    capitals.extend(
        words
            .iter()
            .enumerate()
            .filter(|(_, w)| w.capitalised)
            .map(|(i, _)| i),
    );
    // Keys of the words that need one: capitalised words, and every word when the alias table
    // has phrases to look for. The others get "" and are never read.
    let every_key = aliases.has_phrases();
    let mut keys = Keys {
        text: KEY_TEXT.with(|kept| kept.take()),
        ranges: KEY_RANGES.with(Pool::take),
    };
    keys.ranges.resize(words.len(), (0, 0));
    let mut buffer = String::new();
    let keyed: &mut dyn Iterator<Item = usize> = if every_key {
        &mut (0..words.len())
    } else {
        &mut capitals.iter().copied()
    };
    for i in keyed {
        let start = keys.text.len();
        keys.text
            .push_str(word_key_into(words[i].main_text(), &mut buffer));
        keys.ranges[i] = (start, keys.text.len());
    }
    // Words seen capitalised where capitals mean a name (not at a sentence start), and the
    // other capitalised words also seen in lower case: they tell a name at a sentence start
    // from an ordinary word.
    let mut capitalised_inside: HashSet<&str> = HashSet::with_capacity(capitals.len());
    for &i in &capitals {
        if !words[i].sentence_start {
            capitalised_inside.insert(keys.get(i));
        }
    }
    // A capitalised stop word is never part of a name whether or not it is seen in lower case
    // (see the runs below): an ASCII one, whose key is its lower case, is not wanted. ("Sûr"
    // is no stop word, though its key "sur" is.)
    let wanted: HashSet<&str> = capitals
        .iter()
        .map(|&i| (&words[i], keys.get(i)))
        .filter(|(w, key)| {
            !capitalised_inside.contains(key)
                && (w.acronym || !w.main_text().is_ascii() || !stop.contains(key))
        })
        .map(|(_, key)| key)
        .collect();
    let mut seen_in_lower_case: HashSet<&str> = HashSet::new();
    if !wanted.is_empty() {
        let mut filter = KeyFilter::default();
        wanted.iter().for_each(|key| filter.insert(key));
        for (i, w) in words.iter().enumerate() {
            if w.capitalised {
                continue;
            }
            if ascii_ends(w.main_text()).is_some_and(|ends| !filter.may_contain_ends(ends)) {
                continue;
            }
            let key: &str = if every_key {
                keys.get(i)
            } else {
                word_key_into(w.main_text(), &mut buffer)
            };
            if filter.may_contain(key)
                && let Some(&found) = wanted.get(key)
            {
                seen_in_lower_case.insert(found);
            }
        }
    }

    let mut covered: Vec<bool> = COVERED.with(Pool::take);
    covered.resize(words.len(), false);
    quoted_names(text, &words, &mut covered, aliases, out, &mut buffer);
    alias_phrases(text, &words, &keys, &mut covered, aliases, out, &mut buffer);

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
        while j < words.len() && words[j].joined && !covered[j] && !words[j].sentence_start {
            if words[j].capitalised {
                last = j;
                j += 1;
                continue;
            }
            let mut k = j;
            while k < words.len() && k < j + 2 && words[k].joined && is_particle(&words[k]) {
                k += 1;
            }
            if k > j && k < words.len() && words[k].joined && words[k].capitalised && !covered[k] {
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
            let folded = keys.get(first);
            // The key of an ASCII word is its lower case (a word holds no space nor hyphen).
            let main = words[first].main_text();
            let lower: &str = if main.is_ascii() {
                debug_assert_eq!(folded, main.to_ascii_lowercase());
                folded
            } else {
                lowercase_into(main, &mut lower_text);
                &lower_text
            };
            let stop_word = stop.contains(lower) && !words[first].acronym;
            let ordinary = || {
                lang.not_names().contains(&lower)
                    || (seen_in_lower_case.contains(folded) && !capitalised_inside.contains(folded))
            };
            let lone_unknown = || {
                first == end_run - 1
                    && !words[first].acronym
                    && !capitalised_inside.contains(folded)
                    && !aliases.contains(folded)
            };
            if !(stop_word || (words[i].sentence_start && (ordinary() || lone_unknown()))) {
                common_noun = first == last && lang.capitalised_nouns().contains(&lower);
                break;
            }
            first += 1;
            while first < end_run && !words[first].capitalised {
                first += 1;
            }
        }
        if first < end_run && !common_noun {
            let surface = &text[words[first].main..words[last].end];
            if first == last {
                // One word: its key is known.
                mention(out, surface, keys.get(first), aliases);
            } else {
                push(out, surface, aliases, &mut buffer);
            }
            learn_acronym(text, &words, first, last, aliases, out);
        }
        next = end_run;
    }
    // These sets borrow the keys, whose buffers are kept for the next text.
    drop((capitalised_inside, wanted, seen_in_lower_case));
    let Keys { mut text, ranges } = keys;
    KEY_RANGES.with(|pool| pool.give(ranges));
    text.clear();
    if text.capacity() <= KEY_TEXT_BYTES {
        KEY_TEXT.with(|kept| kept.replace(text));
    }
    CAPITALS.with(|pool| pool.give(capitals));
    WORDS.with(|pool| pool.give(words));
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
    words: &[Word<'_>],
    first: usize,
    last: usize,
    aliases: &AliasTable,
    out: &mut Found<'_>,
) {
    let Some(next) = words.get(last + 1) else { return };
    let gap = &text[words[last].end..next.start];
    if gap.trim() != "(" || !next.acronym || !text[next.end..].starts_with(')') {
        return;
    }
    let initials: String = words[first..=last]
        .iter()
        .filter(|w| w.capitalised)
        .filter_map(|w| w.main_text().chars().next())
        .flat_map(char::to_uppercase)
        .collect();
    let letters: String = next.main_text().chars().filter(|c| c.is_alphabetic()).collect();
    if initials.chars().count() >= 2 && initials == letters {
        let long = aliases
            .canonical(&key(&text[words[first].main..words[last].end]))
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
    words: &[Word<'_>],
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
            let a = words.partition_point(|w| w.start < o);
            let b = words.partition_point(|w| w.end <= c);
            if b <= a || b - a > 6 || !words[a].capitalised || text[o..c].contains(['.', ',', ';', '!', '?'])
            {
                continue;
            }
            push(out, &text[words[a].main..words[b - 1].end], aliases, buffer);
            covered[a..b].iter_mut().for_each(|x| *x = true);
        }
    }
}

/// Multi-word variants of the alias table found as phrases, whatever their case.
fn alias_phrases(
    text: &str,
    words: &[Word<'_>],
    keys: &Keys,
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
        let matched = aliases.phrases_starting_with(keys.get(i)).iter().find(|phrase| {
            i + phrase.len() <= words.len()
                && phrase.iter().enumerate().all(|(n, p)| p == keys.get(i + n))
                && (i + 1..i + phrase.len()).all(|j| words[j].joined)
                && (i..i + phrase.len()).all(|j| !covered[j])
        });
        match matched {
            Some(phrase) => {
                let n = phrase.len();
                push(out, &text[words[i].main..words[i + n - 1].end], aliases, buffer);
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
        fn a_key_filter_lets_through_every_key_inserted(keys in proptest::collection::vec(".{0,12}", 0..40)) {
            let mut filter = KeyFilter::default();
            keys.iter().for_each(|key| filter.insert(key));
            proptest::prop_assert!(keys.iter().all(|key| filter.may_contain(key)));
        }
    }

    proptest::proptest! {
        #[test]
        fn the_ascii_ends_of_a_word_are_those_of_its_key(word in "[a-zA-Z0-9éÉœŒßİ'’\u{301}\u{a0}-]{1,8}") {
            if let Some(ends) = ascii_ends(&word) {
                proptest::prop_assert_eq!(ends, KeyFilter::ends(&key(&word)));
            }
        }
    }

    /// The shortcuts of `split_words` and `is_particle` hold for the lists they stand for.
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

    proptest::proptest! {
        /// Words skipped by the search for apostrophes (no byte that starts one) have the
        /// elision and name part that the search would give them.
        #[test]
        fn words_without_an_apostrophe_byte_need_no_search(
            text in "([lLdD]?['’ʼ‘′`]?[a-zA-ZéÉ'’ʼ‘′]{0,6}[ ,.\n«»—]{1,2}){0,12}",
            english in proptest::bool::ANY,
        ) {
            let lang = if english { Language::English } else { Language::French };
            let segmented = crate::analysis::word_indices(&text);
            let words = split_words(&text, &segmented, lang);
            proptest::prop_assert_eq!(words.len(), segmented.len());
            for (w, &(start, word)) in words.iter().zip(&segmented) {
                let (text_of, elided, main) = elision(start, word, lang);
                proptest::prop_assert_eq!((w.text, w.elided, w.main), (text_of, elided, main), "{:?}", word);
            }
        }
    }

    #[test]
    fn a_key_filter_of_few_keys_stops_most_others() {
        let mut filter = KeyFilter::default();
        ["maroc", "rome", "selon", "le"]
            .iter()
            .for_each(|key| filter.insert(key));
        let words = [
            "ministre",
            "reçoit",
            "coalition",
            "contre",
            "réunit",
            "travaux",
            "parlé",
            "reste",
            "utile",
        ];
        assert!(words.iter().filter(|w| filter.may_contain(w)).count() <= 1);
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
