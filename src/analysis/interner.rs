//! Texts interned as small integer ids, each with what its owner notes of it.
//!
//! Generic over the note: it knows nothing of what the texts are (terms, surfaces, name keys)
//! nor of who keeps ids of them.

use std::hash::BuildHasher;

use hashbrown::{DefaultHashBuilder, HashTable};

/// A text's id within one [`Interner`]: the same text, the same id.
pub(crate) type TextId = u32;

/// Texts by id, each stored once, with a note of type `N` for each (`N::default()` until its
/// owner writes one): a caller that counts texts adds by id instead of hashing each again.
#[derive(Default)]
pub(crate) struct Interner<N> {
    texts: Vec<Box<str>>,
    /// What the owner noted of each of `texts` (see [`Interner::note`]).
    notes: Vec<N>,
    /// The first bytes of each of `texts` (see [`Interner::order`]).
    orders: Vec<u64>,
    /// Ids of `texts`, hashed by their text.
    ids: HashTable<TextId>,
    hasher: DefaultHashBuilder,
}

impl<N: Copy + Default> Interner<N> {
    /// The id of `text`, interned on first sight.
    pub(crate) fn intern(&mut self, text: &str) -> TextId {
        let hash = self.hasher.hash_one(text);
        let texts = &self.texts;
        if let Some(&id) = self.ids.find(hash, |&id| *texts[id as usize] == *text) {
            return id;
        }
        let id = TextId::try_from(self.texts.len())
            .ok()
            .filter(|&id| id != TextId::MAX)
            .expect("fewer than 2^32 - 1 texts");
        self.texts.push(text.into());
        self.notes.push(N::default());
        self.orders.push(order_of(text));
        let (texts, hasher) = (&self.texts, &self.hasher);
        self.ids
            .insert_unique(hash, id, |&id| hasher.hash_one(&*texts[id as usize]));
        id
    }

    /// The text of an id this interner gave.
    #[inline]
    pub(crate) fn text(&self, id: TextId) -> &str {
        &self.texts[id as usize]
    }

    /// The first eight bytes of a text (zero-padded) as an integer: two texts of different
    /// orders are in the order of their integers, so that sorting compares integers and reads
    /// the texts only on a tie.
    #[inline]
    pub(crate) fn order(&self, id: TextId) -> u64 {
        self.orders[id as usize]
    }

    /// The owner's note on a text, `N::default()` until it writes one.
    #[inline]
    pub(crate) fn note(&mut self, id: TextId) -> &mut N {
        &mut self.notes[id as usize]
    }

    /// How many texts are interned.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.texts.len()
    }
}

/// See [`Interner::order`].
fn order_of(text: &str) -> u64 {
    let mut first = [0; 8];
    let n = text.len().min(8);
    first[..n].copy_from_slice(&text.as_bytes()[..n]);
    u64::from_be_bytes(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Orders, ties broken by the texts, sort texts as the texts themselves do.
        #[test]
        fn orders_sort_texts_as_their_bytes(a in "[a\\x00é]{0,10}", b in "[a\\x00é]{0,10}") {
            let by_order = order_of(&a).cmp(&order_of(&b)).then_with(|| a.cmp(&b));
            proptest::prop_assert_eq!(by_order, a.cmp(&b));
        }
    }

    #[test]
    fn the_same_text_has_the_same_id_and_keeps_its_note() {
        let mut texts = Interner::<u32>::default();
        let rome = texts.intern("rome");
        let etat = texts.intern("état");
        assert_ne!(rome, etat);
        assert_eq!(texts.intern("rome"), rome);
        assert_eq!((texts.text(rome), texts.text(etat)), ("rome", "état"));
        assert_eq!(*texts.note(etat), 0);
        *texts.note(etat) = 7;
        texts.intern("maroc");
        assert_eq!((*texts.note(etat), *texts.note(rome)), (7, 0));
        assert_eq!(texts.len(), 3);
        assert!(texts.order(etat) > texts.order(rome));
    }
}
