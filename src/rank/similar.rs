//! The related-articles list of one article: [`Index::similar`] and the explanation of any
//! pair.

use super::explanation::Recommendation;
use super::pool::CandidatePool;
use super::weights::Weights;
use crate::error::Result;
use crate::index::Index;

impl Index {
    /// The `k` articles most related to article `id`, best first, in the documented total
    /// order (see [`total_order`](crate::rank::total_order)), each with its explanation.
    ///
    /// Articles that share nothing with `id` are never returned, so the list may be shorter
    /// than `k`; `k = 0` gives an empty list.
    ///
    /// # Errors
    /// [`ErrorKind::UnknownId`](crate::ErrorKind::UnknownId) when `id` is not indexed.
    ///
    /// # Examples
    /// ```
    /// use connexe::{Article, Index};
    ///
    /// let mut index = Index::default();
    /// index.add(Article::new("a", "Inflation record en zone euro", "L'inflation atteint un record."))?;
    /// index.add(Article::new("b", "La BCE face à l'inflation", "L'inflation inquiète la BCE."))?;
    /// let related = index.similar("a", 5)?;
    /// assert_eq!(related.len(), 1);
    /// assert_eq!(related[0].explain.shared_terms, ["inflation"]);
    /// # Ok::<(), connexe::Error>(())
    /// ```
    pub fn similar(&self, id: &str, k: usize) -> Result<Vec<Recommendation>> {
        self.similar_with(id, k, &self.config().weights)
    }

    /// [`Index::similar`] with other weights than the configured ones.
    ///
    /// # Errors
    /// [`ErrorKind::UnknownId`](crate::ErrorKind::UnknownId) when `id` is not indexed,
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) when a weight is invalid.
    ///
    /// # Examples
    /// ```
    /// use connexe::{Article, Index, Weights};
    ///
    /// let mut index = Index::default();
    /// index.add(Article { entities: vec!["BCE".into()], ..Article::new("a", "Taux", "Les taux montent.") })?;
    /// index.add(Article { entities: vec!["BCE".into()], ..Article::new("b", "Banque", "La banque décide.") })?;
    /// // The texts share no word: only the entity weight can relate them.
    /// assert!(index.similar_with("a", 5, &Weights { entities: 0.0, ..Weights::default() })?.is_empty());
    /// assert_eq!(index.similar_with("a", 5, &Weights::default())?[0].id, "b");
    /// # Ok::<(), connexe::Error>(())
    /// ```
    pub fn similar_with(&self, id: &str, k: usize, weights: &Weights) -> Result<Vec<Recommendation>> {
        weights.validate()?;
        let article = self.member_of(id)?;
        if k == 0 {
            return Ok(Vec::new());
        }
        let pool = CandidatePool::retrieve(self, article);
        let ranked = pool.rank(weights, &|_| true, k);
        Ok(pool.recommendations(ranked, None))
    }

    /// The score and explanation of article `to` as a recommendation for article `from`,
    /// whatever the retrieval would have done.
    ///
    /// # Errors
    /// [`ErrorKind::UnknownId`](crate::ErrorKind::UnknownId) when either id is not indexed.
    ///
    /// # Examples
    /// ```
    /// use connexe::{Article, Index};
    ///
    /// let mut index = Index::default();
    /// index.add(Article::new("a", "Inflation record", "L'inflation atteint un record."))?;
    /// index.add(Article::new("b", "Football", "Le Wydad remporte le championnat."))?;
    /// let pair = index.explain("a", "b")?; // never in `similar`: they share nothing
    /// assert_eq!((pair.score, pair.explain.text), (0.0, 0.0));
    /// assert!(index.explain("a", "zz").is_err());
    /// # Ok::<(), connexe::Error>(())
    /// ```
    pub fn explain(&self, from: &str, to: &str) -> Result<Recommendation> {
        let from = self.member_of(from)?;
        let to = self.member_of(to)?;
        let pool = CandidatePool::of(self, from, &[to.key]);
        let scored = pool.score(
            pool.candidate(to.key).expect("the one candidate"),
            &self.config().weights,
        );
        Ok(pool.recommendations(vec![scored], None).remove(0))
    }
}
