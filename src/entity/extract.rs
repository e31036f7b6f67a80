//! Finding names in text: capitalised runs, acronyms, « quoted » names, alias phrases.
//!
//! The extractor reads the [facts](super::facts) of each word of a text, which its caller
//! gives it with the text's words: it knows nothing of who found or remembers them (the
//! index keeps them in its memo with the words' terms).

use std::sync::OnceLock;

use hashbrown::HashSet;

use super::facts::{Facts, NameFacts, PARTICLES, word_facts};
use super::{AliasTable, key};
use crate::analysis::{Interner, StopWords, TextId};
use crate::buffers::BufferPool;
use crate::language::Language;

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

thread_local! {
    /// The extractor's buffers, kept between the texts a thread reads.
    static CAPITALS: BufferPool<usize> = const { BufferPool::new() };
    static COVERED: BufferPool<bool> = const { BufferPool::new() };
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

/// Extracts names from one text, finding the facts of its words afresh (an index remembers
/// them from one article to the next).
///
/// `lang` gives elisions and stop words; `aliases` maps variants to canonical keys and lends
/// its multi-word variants as phrases to look for.
pub(crate) fn extract(text: &str, lang: Language, aliases: &AliasTable) -> Extraction {
    let segmented = crate::analysis::word_indices(text);
    let mut keys = Interner::<()>::default();
    let facts: Vec<Facts> = segmented
        .iter()
        .map(|&(_, word)| word_facts(word, lang, &mut |key| keys.intern(key)))
        .collect();
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
        &facts,
        &|id| keys.text(id),
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

/// The stop words of `lang`, built once per process: a capitalised stop word is no name.
fn stop_words(lang: Language) -> &'static StopWords {
    static SETS: [OnceLock<StopWords>; Language::ALL.len()] =
        [const { OnceLock::new() }; Language::ALL.len()];
    SETS[lang as usize].get_or_init(|| StopWords::new(lang))
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
    let stop = stop_words(lang);
    let key = |i: usize| key_text(words.facts(i).key);
    // Positions of the capitalised words: the only ones most of what follows reads.
    let mut capitals: Vec<usize> = CAPITALS.with(BufferPool::take);
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
    let mut covered: Vec<bool> = COVERED.with(BufferPool::take);
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
mod tests;
