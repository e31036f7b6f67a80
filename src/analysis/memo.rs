//! A bounded memory of words, of what their owner keeps of each, and of the texts the owner
//! interns for them.
//!
//! Generic over what is kept of a word (`W`) and of a text (`N`): it knows nothing of
//! analyzers, names or an index. Its owner decides what a word's value is, and when to empty
//! the memory (between uses, so that the texts' ids stay valid through one).

use hashbrown::HashMap;

use super::interner::Interner;

/// How many words a memo remembers before it forgets them all: the words of a language's
/// news with their inflections and names (2^16 was too few for 100k articles: forgetting and
/// analysing again cost 15 % of a build). A remembered word takes at most 72 bytes of its
/// table with a 16-byte value; the texts its owner interns for it (a few a word, often
/// shared) at most 80 bytes each with their note and order: some 80 MB at most, or more
/// while one use (one article) of as many new words runs.
pub(crate) const MEMO_WORDS: usize = 1 << 18;

/// Longer words are never remembered (their owner analyses them every time): they are rare,
/// and a hostile text must not park long strings in every thread's memory.
pub(crate) const MEMO_WORD_BYTES: usize = 48;

/// Words with what their owner keeps of each (`W`), and the texts the owner interns for them
/// (with what it notes of each, `N`): text repeats its words, and a word remembered costs its
/// owner one lookup instead of analysing it again.
pub(crate) struct Memo<W, N> {
    words: Words<W>,
    texts: Interner<N>,
    /// Words given to [`Memo::insert`] since the memo was made, remembered or not.
    added: usize,
}

impl<W, N: Default> Default for Memo<W, N> {
    fn default() -> Self {
        Memo {
            words: Words::default(),
            texts: Interner::default(),
            added: 0,
        }
    }
}

impl<W: Copy, N: Copy + Default> Memo<W, N> {
    /// What is remembered of `word`.
    #[inline]
    pub(crate) fn get(&self, word: &str) -> Option<W> {
        self.words.get(word)
    }

    /// Remembers `value` for `word`, which [`Memo::get`] did not find. Words are all forgotten
    /// when [`MEMO_WORDS`] are remembered (the texts' ids stay); a word longer than
    /// [`MEMO_WORD_BYTES`] is counted, never remembered.
    pub(crate) fn insert(&mut self, word: &str, value: W) {
        self.added += 1;
        if word.len() > MEMO_WORD_BYTES {
            return;
        }
        if self.words.len() >= MEMO_WORDS {
            self.words.clear();
        }
        self.words.insert(word, value);
    }

    /// Replaces what is remembered of `word`, which [`Memo::get`] found.
    pub(crate) fn replace(&mut self, word: &str, value: W) {
        self.words.insert(word, value);
    }

    /// How many words [`Memo::insert`] was given: what bounds the memo's texts, which its
    /// owner empties when this is [`MEMO_WORDS`] or more.
    pub(crate) fn added(&self) -> usize {
        self.added
    }

    /// The texts interned on the owner's behalf.
    #[inline]
    pub(crate) fn texts(&self) -> &Interner<N> {
        &self.texts
    }

    #[inline]
    pub(crate) fn texts_mut(&mut self) -> &mut Interner<N> {
        &mut self.texts
    }
}

/// Remembered words, each with its value. A lookup is bound by reading its entry from memory,
/// so entries are as small as the word allows: with a 16-byte value, 24 bytes for words of up
/// to [`TINY_WORD_BYTES`] (most of a text's words: "de", "la", "Maroc"), 32 bytes up to
/// [`SHORT_WORD_BYTES`] (nearly all others). Entries sized for the longest words (72 bytes)
/// missed the cache three times as often.
struct Words<W> {
    tiny: HashMap<u64, W>,
    short: HashMap<ShortKey, W>,
    long: HashMap<WordKey, W>,
}

impl<W> Default for Words<W> {
    fn default() -> Self {
        Words {
            tiny: HashMap::new(),
            short: HashMap::new(),
            long: HashMap::new(),
        }
    }
}

/// Words of at most this many bytes have a [`tiny_key`].
const TINY_WORD_BYTES: usize = 7;

/// A word of at most [`TINY_WORD_BYTES`] as one integer: its bytes from the lowest, and its
/// length in the highest byte. Read in two overlapping loads (or three bytes), without a loop
/// nor a call to `memcpy`: the overlap puts the same bytes in the same places.
#[inline]
fn tiny_key(word: &str) -> Option<u64> {
    let bytes = word.as_bytes();
    let n = bytes.len();
    let packed = match n {
        0 => 0,
        1..=3 => {
            let at = |i: usize| u64::from(bytes[i]) << (8 * i);
            at(0) | at(n / 2) | at(n - 1)
        }
        4..=TINY_WORD_BYTES => {
            let four = |from: usize| {
                u64::from(u32::from_le_bytes(
                    bytes[from..from + 4].try_into().expect("4 bytes"),
                ))
            };
            four(0) | four(n - 4) << (8 * (n - 4))
        }
        _ => return None,
    };
    Some(packed | (n as u64) << 56)
}

/// Words of at most this many bytes are [`ShortKey`]s.
const SHORT_WORD_BYTES: usize = 15;

impl<W: Copy> Words<W> {
    /// The value of `word`.
    #[inline]
    fn get(&self, word: &str) -> Option<W> {
        if let Some(key) = tiny_key(word) {
            return self.tiny.get(&key).copied();
        }
        match ShortKey::new(word) {
            Some(key) => self.short.get(&key).copied(),
            None => self.long.get(&WordKey::new(word)?).copied(),
        }
    }

    /// Remembers `word`, of at most [`MEMO_WORD_BYTES`].
    fn insert(&mut self, word: &str, entry: W) {
        if let Some(key) = tiny_key(word) {
            self.tiny.insert(key, entry);
        } else if let Some(key) = ShortKey::new(word) {
            self.short.insert(key, entry);
        } else if let Some(key) = WordKey::new(word) {
            self.long.insert(key, entry);
        }
    }

    fn len(&self) -> usize {
        self.tiny.len() + self.short.len() + self.long.len()
    }

    fn clear(&mut self) {
        self.tiny.clear();
        self.short.clear();
        self.long.clear();
    }
}

/// A word of at most [`SHORT_WORD_BYTES`]: its bytes zero-padded, then its length, in two
/// integers that compare and hash as such.
#[derive(Clone, Copy, PartialEq, Eq)]
struct ShortKey([u64; 2]);

impl std::hash::Hash for ShortKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.0[0]);
        state.write_u64(self.0[1]);
    }
}

impl ShortKey {
    /// The key of a word of at most [`SHORT_WORD_BYTES`]. A word of 8 bytes or more (every one
    /// that has no [`tiny_key`]) is read in two overlapping loads, without a call to `memcpy`.
    #[inline]
    fn new(word: &str) -> Option<ShortKey> {
        let bytes = word.as_bytes();
        let n = bytes.len();
        let eight = |from: usize| u64::from_le_bytes(bytes[from..from + 8].try_into().expect("8 bytes"));
        let (low, high) = match n {
            0..8 => {
                let mut padded = [0; 8];
                padded[..n].copy_from_slice(bytes);
                (u64::from_le_bytes(padded), 0)
            }
            // The last eight bytes, shifted down to the ninth byte on.
            8..=SHORT_WORD_BYTES => (
                eight(0),
                eight(n - 8).checked_shr(8 * (16 - n) as u32).unwrap_or(0),
            ),
            _ => return None,
        };
        Some(ShortKey([low, high | (n as u64) << 56]))
    }
}

/// A remembered word too long for a [`ShortKey`], stored in the table itself: comparing it
/// reads no other memory, where a boxed word cost a cache miss on most lookups. Its bytes are
/// packed in integers, zero-padded, so that comparing is a few integer comparisons instead of
/// a call to `memcmp`.
#[derive(Clone, Copy, Eq)]
struct WordKey {
    len: u8,
    packed: [u64; MEMO_WORD_BYTES / 8],
}

impl PartialEq for WordKey {
    /// The integers holding the word's bytes only, as [`WordKey::hash`]: most words fit in
    /// one or two, and comparing all six was a call to `memcmp` on every lookup.
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len
            && self.packed[..usize::from(self.len).div_ceil(8)]
                .iter()
                .zip(&other.packed)
                .all(|(a, b)| a == b)
    }
}

impl std::hash::Hash for WordKey {
    /// The integers holding the word's bytes only: hashing the padding would cost more than
    /// the lookup saves.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        for eight in &self.packed[..usize::from(self.len).div_ceil(8)] {
            state.write_u64(*eight);
        }
    }
}

impl WordKey {
    /// The key of a word of at most [`MEMO_WORD_BYTES`] bytes.
    #[inline]
    fn new(word: &str) -> Option<WordKey> {
        let mut bytes = [0; MEMO_WORD_BYTES];
        bytes.get_mut(..word.len())?.copy_from_slice(word.as_bytes());
        let mut packed = [0; MEMO_WORD_BYTES / 8];
        for (eight, chunk) in packed.iter_mut().zip(bytes.chunks_exact(8)) {
            *eight = u64::from_ne_bytes(chunk.try_into().expect("chunks of 8 bytes"));
        }
        Some(WordKey {
            len: u8::try_from(word.len()).ok()?,
            packed,
        })
    }
}

#[cfg(test)]
mod tests;
