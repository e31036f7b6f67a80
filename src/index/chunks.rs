//! Adding a long stream of articles a chunk at a time, each failure named by the number of
//! its item in the whole stream: for a caller that cannot hand the stream over at once (a
//! binding converts a chunk while it holds its interpreter's lock, then adds it without).
//!
//! Knows nothing of where the chunks come from; the adding itself is [`Index::add_many`]'s.

use super::Index;
use crate::article::Article;
use crate::error::Result;

impl Index {
    /// Adds `articles`, the items numbered from `first_item` (0-based) of a longer stream, as
    /// [`Index::add_many`] does; returns how many were added (all of them, on success).
    ///
    /// # Errors
    /// As [`Index::add_many`], its message prefixed with `item N: `, N the failing article's
    /// number in the stream; the articles before it are added.
    ///
    /// # Examples
    /// ```
    /// use connexe::{Article, Index};
    ///
    /// let mut index = Index::default();
    /// let added = index.add_chunk(0, [Article::new("a", "Rome", "Rome."), Article::new("b", "Rabat", "Rabat.")])?;
    /// assert_eq!(added, 2);
    /// let err = index.add_chunk(2, [Article::new("c", "Rome", "Rome."), Article::new("a", "Rome", "Rome.")]).unwrap_err();
    /// assert_eq!(err.to_string(), r#"item 3: article id "a" is already indexed; update or upsert it instead"#);
    /// assert_eq!(index.len(), 3); // "c" was added before the error
    /// # Ok::<(), connexe::Error>(())
    /// ```
    pub fn add_chunk(
        &mut self,
        first_item: usize,
        articles: impl IntoIterator<Item = Article>,
    ) -> Result<usize> {
        let before = self.len();
        match self.add_many(articles) {
            Ok(()) => Ok(self.len() - before),
            Err(e) => Err(e.in_item(first_item + self.len() - before)),
        }
    }
}
