//! The index's handle on a stored article, and what ranking and the page may read of it:
//! they refer to articles by [`DocKey`] and never compute with storage positions.

use super::Index;
use crate::article::Article;
use crate::error::{Error, Result};
use crate::language::Language;

/// An indexed article as the rest of the crate refers to it: a handle the index gives out and
/// takes back. Valid until the index changes. Ordered by storage, which only lookups rely on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct DocKey(pub(super) u32);

/// What ranking and the page read of an indexed article.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Member<'i> {
    pub(crate) key: DocKey,
    pub(crate) article: &'i Article,
    /// The language it was analysed in (given, detected or the default).
    pub(crate) lang: Language,
    /// Its tags, folded, sorted and without repeats.
    pub(crate) tags: &'i [String],
    /// Its section, folded.
    pub(crate) section: Option<&'i str>,
}

impl Index {
    /// The article behind a handle.
    pub(crate) fn member(&self, key: DocKey) -> Member<'_> {
        let doc = self.doc(key.0);
        Member {
            key,
            article: &doc.article,
            lang: doc.lang,
            tags: &doc.tags,
            section: doc.section.as_deref(),
        }
    }

    /// The article with this id.
    ///
    /// # Errors
    /// [`ErrorKind::UnknownId`](crate::ErrorKind::UnknownId) when `id` is not indexed.
    pub(crate) fn member_of(&self, id: &str) -> Result<Member<'_>> {
        let slot = self.slots.get(id).copied().ok_or_else(|| Error::unknown_id(id))?;
        Ok(self.member(DocKey(slot)))
    }

    /// Every indexed article, in storage order.
    pub(crate) fn members(&self) -> impl Iterator<Item = Member<'_>> + '_ {
        (0..self.docs.len() as u32)
            .filter(|&s| self.docs[s as usize].is_some())
            .map(|s| self.member(DocKey(s)))
    }
}
