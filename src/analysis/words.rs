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
    // Where the last chunk with a sure boundary before it starts (byte, words found before).
    let mut anchor = (0, 0);
    // A run of chunks that may belong to the text before them: from the anchor up to here is
    // split again by the Unicode algorithm, once, when a chunk with a sure boundary comes.
    let mut unsure: Option<(usize, usize)> = None;
    let mut start = 0;
    // Split at bytes, not characters: space and line feed are ASCII, so every piece of the
    // bytes is a piece of the text.
    for piece in text.as_bytes().split(|&b| b == b' ' || b == b'\n') {
        let chunk = &text[start..start + piece.len()];
        if !chunk.is_empty() {
            // A plain chunk starts with a letter or punctuation: surely a segment start.
            let plain = plain_word(chunk);
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
        }
        start += chunk.len() + 1;
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

/// The one word of a chunk of the form: punctuation, letters joined by single apostrophes,
/// punctuation (`Some(None)` when it has no letters); `None` for any other chunk.
///
/// Letters here are ASCII and Latin letters (all ALetter in UAX #29, which never breaks
/// between two of them); an apostrophe between two letters is MidNumLet and joins them;
/// the punctuation is never part of a word, and no rule joins it to a letter without a
/// letter or digit on its other side.
fn plain_word(chunk: &str) -> Option<Option<(usize, &str)>> {
    if chunk.is_ascii() {
        return plain_ascii_word(chunk);
    }
    let mut chars = chunk.char_indices().peekable();
    while chars.next_if(|&(_, c)| is_edge_punctuation(c)).is_some() {}
    let Some(&(first, _)) = chars.peek() else {
        return Some(None);
    };
    let mut end = first;
    let mut after_letter = false;
    while let Some(&(at, c)) = chars.peek() {
        if is_plain_letter(c) {
            end = at + c.len_utf8();
            after_letter = true;
        } else if is_apostrophe(c) && after_letter {
            // Joins only when a letter follows.
            let next = chunk[at + c.len_utf8()..].chars().next();
            if !next.is_some_and(is_plain_letter) {
                break;
            }
            after_letter = false;
        } else {
            break;
        }
        chars.next();
    }
    while chars.next_if(|&(_, c)| is_edge_punctuation(c)).is_some() {}
    if chars.peek().is_some() {
        return None;
    }
    Some((end > first).then(|| (first, &chunk[first..end])))
}

/// [`plain_word`] of an ASCII chunk, a byte at a time: most chunks of news text.
fn plain_ascii_word(chunk: &str) -> Option<Option<(usize, &str)>> {
    let bytes = chunk.as_bytes();
    let edge = |at: usize| bytes.get(at).is_some_and(|&b| is_edge_punctuation(char::from(b)));
    let mut at = 0;
    while edge(at) {
        at += 1;
    }
    if at == bytes.len() {
        return Some(None);
    }
    let (first, mut end, mut after_letter) = (at, at, false);
    while let Some(&b) = bytes.get(at) {
        if b.is_ascii_alphabetic() {
            end = at + 1;
            after_letter = true;
        } else if b == b'\'' && after_letter {
            // Joins only when a letter follows.
            if !bytes.get(at + 1).is_some_and(u8::is_ascii_alphabetic) {
                break;
            }
            after_letter = false;
        } else {
            break;
        }
        at += 1;
    }
    while edge(at) {
        at += 1;
    }
    if at < bytes.len() {
        return None;
    }
    Some((end > first).then(|| (first, &chunk[first..end])))
}

fn is_plain_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || (('\u{c0}'..='\u{24f}').contains(&c) && c != '×' && c != '÷')
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// Punctuation that opens or closes a word in running text, never part of one.
fn is_edge_punctuation(c: char) -> bool {
    matches!(
        c,
        '.' | ',' | ';' | ':' | '!' | '?' | '(' | ')' | '[' | ']' | '"' | '«' | '»' | '“' | '”' | '…'
    )
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
    }
}
