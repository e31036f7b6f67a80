//! Ranking, the one place that turns candidates into ordered, explained results: the
//! candidate pool of an article (its candidates' components computed once), the weights of
//! the hybrid score, the documented total order, maximal marginal relevance, and the
//! [`Recommendation`]s with their [`Explanation`]s. [`Index::similar`](crate::Index::similar),
//! the page's blocks and the evaluation all rank through here.
//!
//! It reads the index through its handles and measures (retrieval, text cosines, entity
//! overlap, shared words); it never reaches into postings or storage.

mod components;
mod explanation;
mod mmr;
mod order;
mod pool;
mod similar;
mod weights;

pub(crate) use components::Components;
pub use explanation::{Explanation, Recommendation};
pub use mmr::mmr;
pub(crate) use order::best_first;
pub use order::total_order;
pub(crate) use pool::{CandidatePool, Rescored, Scored};
pub use weights::Weights;
