//! Splitting text into words: the UAX #29 words of `unicode-segmentation`, found faster.
//!
//! Most chunks of news text between two spaces are one plain word, maybe with punctuation
//! around it ("l’Italie,", "(Rome"). Those are recognised directly; any other chunk goes
//! through the full Unicode algorithm, alone when its first character surely starts a
//! segment, else together with the chunks before it back to one that surely does. The result is the same as
//! [`UnicodeSegmentation::unicode_word_indices`] on the whole text: a property test and the
//! `words` fuzz target check it, and would catch a change of `unicode-segmentation` that
//! breaks it. Splitting was a fifth of building an index.

use unicode_segmentation::UnicodeSegmentation;

/// The UAX #29 words of `text` (segments with a letter or a digit) with their byte offsets:
/// the words that [`Analyzer::analyze`](super::Analyzer::analyze) and the name extractor read.
///
/// # Examples
/// ```
/// let words = connexe::analysis::word_indices("« l’Italie », 12.9 %");
/// assert_eq!(words, [(3, "l’Italie"), (18, "12.9")]);
/// ```
pub fn word_indices(text: &str) -> Vec<(usize, &str)> {
    let mut words = Vec::with_capacity(text.len() / 6);
    word_indices_into(text, &mut words);
    words
}

/// [`word_indices`] into `words`, emptied first: a caller splitting text after text keeps one
/// buffer instead of allocating one per text.
pub(crate) fn word_indices_into<'t>(text: &'t str, words: &mut Vec<(usize, &'t str)>) {
    words.clear();
    let bytes = text.as_bytes();
    // Where the last chunk with a sure boundary before it starts (byte, words found before).
    let mut anchor = (0, 0);
    // A run of chunks that may belong to the text before them: from the anchor up to here is
    // split again by the Unicode algorithm, once, when a chunk with a sure boundary comes.
    let mut unsure: Option<(usize, usize)> = None;
    let mut start = 0;
    // Chunks end at bytes, not characters: space and line feed are ASCII, so every chunk of
    // the bytes is a piece of the text.
    while start < bytes.len() {
        if matches!(bytes[start], b' ' | b'\n') {
            start += 1;
            continue;
        }
        // Most chunks are plain, told in the one pass that finds their end.
        let (end, plain) = match plain_chunk(bytes, start) {
            Ok((end, word)) => (
                end,
                Some(word.map(|(first, last)| (first - start, &text[first..last]))),
            ),
            Err(at) => (
                memchr::memchr2(b' ', b'\n', &bytes[at..]).map_or(bytes.len(), |n| at + n),
                None,
            ),
        };
        let chunk = &text[start..end];
        // A plain chunk starts with a letter or punctuation: surely a segment start.
        if plain.is_none() && !starts_a_segment(chunk) {
            unsure.get_or_insert(anchor);
        } else {
            if let Some(from) = unsure.take() {
                resplit(text, from, start - 1, words);
            }
            anchor = (start, words.len());
            match plain {
                Some(Some((at, word))) => words.push((start + at, word)),
                Some(None) => {}
                None => words.extend(chunk.unicode_word_indices().map(|(at, word)| (start + at, word))),
            }
        }
        start = end + 1;
    }
    if let Some(from) = unsure {
        resplit(text, from, text.len(), words);
    }
}

/// Replaces the words found from `from` (byte, words found before it) by the Unicode
/// algorithm's words of `text[from.0..end]`. They are the whole text's words there: the chunk
/// at `from` surely starts a segment, and `end` is a space, a line feed or the end, which a
/// word never crosses (a segment that does, as CR LF, holds no letter or digit).
fn resplit<'t>(text: &'t str, from: (usize, usize), end: usize, words: &mut Vec<(usize, &'t str)>) {
    words.truncate(from.1);
    words.extend(
        text[from.0..end]
            .unicode_word_indices()
            .map(|(at, word)| (from.0 + at, word)),
    );
}

/// The words of `text`, as [`word_indices`] without offsets.
pub(crate) fn words(text: &str) -> impl Iterator<Item = &str> {
    word_indices(text).into_iter().map(|(_, word)| word)
}

/// What a chunk's character is to [`plain_chunk`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Space or line feed: the end of a chunk.
    Separator,
    /// An ASCII letter, or a Latin one from U+00C0 to U+024F but × and ÷.
    Letter,
    /// The apostrophes "'" and "’", which join two letters into one word.
    Quote,
    /// Punctuation that opens or closes a word in running text, never part of one:
    /// `. , ; : ! ? ( ) [ ] "`, « », “ ” and ….
    Edge,
    /// Past the end of the text.
    End,
    /// Anything else: digits, other scripts, other symbols.
    Other,
}

/// The class of each ASCII byte.
static ASCII_CLASSES: [Class; 128] = {
    let mut classes = [Class::Other; 128];
    let mut b = 0;
    while b < 128 {
        classes[b] = match b as u8 {
            b' ' | b'\n' => Class::Separator,
            b'a'..=b'z' | b'A'..=b'Z' => Class::Letter,
            b'\'' => Class::Quote,
            b'.' | b',' | b';' | b':' | b'!' | b'?' | b'(' | b')' | b'[' | b']' | b'"' => Class::Edge,
            _ => Class::Other,
        };
        b += 1;
    }
    classes
};

/// The class of the character at byte `at` of a text's bytes (at a character's start), and
/// its length in bytes. Read off the UTF-8 bytes: the text is valid UTF-8, so a lead byte is
/// followed by its continuation bytes.
#[inline(always)]
fn class_at(bytes: &[u8], at: usize) -> (Class, usize) {
    let Some(&lead) = bytes.get(at) else {
        return (Class::End, 0);
    };
    if lead < 0x80 {
        return (ASCII_CLASSES[usize::from(lead)], 1);
    }
    let next = |n: usize| bytes.get(at + n).copied().unwrap_or(0);
    match (lead, next(1)) {
        // « and ».
        (0xC2, 0xAB | 0xBB) => (Class::Edge, 2),
        // À to ÿ, but × (U+00D7) and ÷ (U+00F7).
        (0xC3, second) if second != 0x97 && second != 0xB7 => (Class::Letter, 2),
        // Ā to ɏ (U+0100 to U+024F).
        (0xC4..=0xC8, _) | (0xC9, 0x80..=0x8F) => (Class::Letter, 2),
        (0xE2, 0x80) => match next(2) {
            0x99 => (Class::Quote, 3),
            // “, ” and ….
            0x9C | 0x9D | 0xA6 => (Class::Edge, 3),
            _ => (Class::Other, 1),
        },
        _ => (Class::Other, 1),
    }
}

/// The chunk that starts at `start` and ends before the next space or line feed, when it is
/// plain: one word of letters, maybe joined by apostrophes ("aujourd’hui"), between opening
/// and closing punctuation ("(l’Italie),"), which the Unicode algorithm splits the same way.
/// Found in one pass over its bytes with the chunk's end: `Ok((end, the word's byte range))`,
/// no range for a chunk of punctuation only; or `Err(at)` for any other chunk, `at` being a
/// byte of the chunk (no space nor line feed before it).
///
/// Letters here are all ALetter in UAX #29, which never breaks between two of them; an
/// apostrophe between two letters is MidNumLet and joins them; the punctuation is never part
/// of a word, and no rule joins it to a letter without a letter or digit on its other side.
fn plain_chunk(bytes: &[u8], start: usize) -> Result<(usize, Option<(usize, usize)>), usize> {
    let mut at = start;
    let mut class = class_at(bytes, at);
    while class.0 == Class::Edge {
        at += class.1;
        class = class_at(bytes, at);
    }
    let first = at;
    // The word's end so far: `at` right after a letter.
    let mut end = at;
    loop {
        match class.0 {
            Class::Letter => {
                at += class.1;
                at += ascii_letters(bytes, at);
                end = at;
            }
            // Joins only between two letters.
            Class::Quote if end == at && at > first && class_at(bytes, at + class.1).0 == Class::Letter => {
                at += class.1;
            }
            _ => break,
        }
        class = class_at(bytes, at);
    }
    while class.0 == Class::Edge {
        at += class.1;
        class = class_at(bytes, at);
    }
    match class.0 {
        Class::Separator | Class::End => Ok((at, (end > first).then_some((first, end)))),
        _ => Err(at),
    }
}

/// How many ASCII letters come from byte `from` on, read eight bytes at a time: most words of
/// news text are one run of them, found without a branch per byte.
#[inline(always)]
fn ascii_letters(bytes: &[u8], from: usize) -> usize {
    let mut at = from;
    while let Some(eight) = bytes.get(at..at + 8) {
        let eight = u64::from_le_bytes(eight.try_into().expect("8 bytes"));
        let others = !ascii_letter_bits(eight) & HIGH_BITS;
        if others != 0 {
            // The lowest byte is the first: its high bit is bit 7, then 15, and so on.
            return at - from + (others.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    while bytes.get(at).is_some_and(u8::is_ascii_alphabetic) {
        at += 1;
    }
    at - from
}

/// The high bit of each byte.
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `eight` that is an ASCII letter, every other bit clear. No
/// subtraction borrows across bytes: each byte's high bit is set before it.
fn ascii_letter_bits(eight: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    // 'A'..='Z' become 'a'..='z'; no other ASCII byte becomes a letter.
    let low = (eight | (0x20 * ONES)) & !HIGH_BITS;
    let from_a = (low | HIGH_BITS) - u64::from(b'a') * ONES;
    let to_z = (u64::from(b'z') | 0x80) * ONES - low;
    from_a & to_z & !eight & HIGH_BITS
}

/// Whether a segment boundary falls before the chunk's first character whatever precedes
/// it: true unless that character could attach to the space before it (Extend, Format and
/// ZWJ characters do). Conservative: ASCII, Latin and common punctuation only.
fn starts_a_segment(chunk: &str) -> bool {
    chunk.chars().next().is_some_and(|c| {
        c.is_ascii()
            || (('\u{a0}'..='\u{24f}').contains(&c) && c != '\u{ad}')
            || ('\u{2010}'..='\u{2027}').contains(&c)
            || ('\u{2030}'..='\u{205e}').contains(&c)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn reference(text: &str) -> Vec<(usize, &str)> {
        text.unicode_word_indices().collect()
    }

    #[test]
    fn news_text_splits_as_the_unicode_algorithm_does() {
        for text in [
            "Le ministre de l’Italie, Luigi Di-Maio, reçoit « Antony Blinken » à Rome.",
            "Créée en 2014 (BCIJ) : 12.9 % des U.S.A. jusqu' aujourd'hui… l'",
            "  deux  espaces\n\nlignes \u{301}accent x\u{200d}\u{1f600} \u{ad}mot \u{3000}fin",
            "Ça coûte 3,5 milliards d'euros ; «Bonjour» dit-il ?! [sic] “quoted” — tiret",
            "a'b' 'c ' ’d’ e’’f g'h'i 2×3 a×b c÷d",
            "",
        ] {
            assert_eq!(word_indices(text), reference(text), "{text:?}");
        }
    }

    proptest! {
        // Enough cases to meet each rare character (a "÷" in a word) many times.
        #![proptest_config(ProptestConfig::with_cases(8_192))]

        /// Texts drawn from the characters where the shortcut and the algorithm could differ.
        #[test]
        fn word_indices_are_unicode_word_indices(
            text in "[ \n\r\t\u{b}\u{c}a-zA-Z0-9'’.,;:!?()«»“”…\"\\-_\u{a0}\u{ad}\u{c0}-\u{24f}\u{300}-\u{302}\u{5d0}\u{1680}\u{2000}\u{200b}-\u{200d}\u{2018}\u{2019}\u{2024}\u{2027}\u{202f}\u{205f}\u{2060}\u{3000}\u{627}-\u{62a}\u{93e}\u{1f1e6}\u{1f600}]{0,40}"
        ) {
            prop_assert_eq!(word_indices(&text), reference(&text));
        }

        /// Long runs of letters, which [`ascii_letters`] reads eight bytes at a time, next to
        /// the bytes that border the ASCII letters and the characters that end or join a word.
        #[test]
        fn long_words_split_as_the_algorithm_does(
            text in "([a-zA-Z]{1,20}|[@\\[`{~0-9 \n'’.é\u{300}\u{1f600}]){0,24}"
        ) {
            prop_assert_eq!(word_indices(&text), reference(&text));
        }

        /// Every byte value, at every place of an eight-byte load and past the end.
        #[test]
        fn ascii_letters_counts_as_a_byte_loop(
            bytes in proptest::collection::vec(prop_oneof![any::<u8>(), b'a'..=b'z', b'A'..=b'Z'], 0..40),
            from in 0usize..40,
        ) {
            let from = from.min(bytes.len());
            let expected = bytes[from..].iter().take_while(|b| b.is_ascii_alphabetic()).count();
            prop_assert_eq!(ascii_letters(&bytes, from), expected);
        }
    }
}
