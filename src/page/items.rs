//! What a page holds: its "À lire" links and its list items, each a recommendation with what
//! the page adds to it (placement, teaser, pinned, fallback).
//!
//! The items are their own flat types rather than a [`Recommendation`] plus extras: the page
//! JSON is a published format, and a flattened `Recommendation` would move `explain` before the
//! block's fields and give "À lire" links a `published` they never carried. Each is made from a
//! recommendation in one place ([`read_also_item`], [`list_item`]).

use serde::{Deserialize, Serialize};

use super::Labels;
use super::teaser::teaser;
use crate::article::{Article, Timestamp};
use crate::language::Language;
use crate::rank::{Explanation, Recommendation};

/// An "À lire" link.
///
/// # Examples
/// ```
/// use connexe::{Article, Index, PageConfig};
///
/// let mut index = Index::default();
/// let body = "La coalition contre Daech se réunit à Rome.\n\nLe Maroc y est représenté.\n\nFin.";
/// index.add(Article::new("a", "Rome accueille la coalition", body))?;
/// index.add(Article::new("b", "Daech et la coalition", "La coalition contre Daech se réunit."))?;
/// let link = &index.page("a", &PageConfig::default())?.read_also[0];
/// assert_eq!((link.id.as_str(), link.after_paragraph), ("b", 0)); // after the first paragraph
/// assert!(!link.pinned && !link.fallback);
/// # Ok::<(), connexe::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReadAlsoItem {
    /// The 0-based paragraph the link follows.
    pub after_paragraph: usize,
    /// The linked article.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Its score against the paragraph.
    pub score: f64,
    /// An editor's pick.
    pub pinned: bool,
    /// Below the threshold: taken because nothing better passed the filters.
    pub fallback: bool,
    /// Why this article, against this paragraph.
    pub explain: Explanation,
}

/// An item of "Aller plus loin" or "Ces articles devraient vous intéresser".
///
/// # Examples
/// ```
/// use connexe::{Article, Index, PageConfig};
///
/// let mut index = Index::default();
/// index.add(Article::new("a", "Inflation record", "L'inflation atteint un record en juin."))?;
/// index.add(Article::new("b", "La BCE et l'inflation", "L'inflation inquiète la BCE, qui réunit son conseil jeudi."))?;
/// let item = &index.page("a", &PageConfig::default())?.go_further[0];
/// assert_eq!(item.id, "b");
/// assert_eq!(item.teaser, "L'inflation inquiète la BCE, qui réunit son conseil jeudi.");
/// assert!(item.score > 0.0 && !item.fallback);
/// # Ok::<(), connexe::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListItem {
    /// The article.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Its publication time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<Timestamp>,
    /// Its score.
    pub score: f64,
    /// The lead, or the body's first sentences, cut at a word, ending in `...`.
    pub teaser: String,
    /// An editor's pick.
    pub pinned: bool,
    /// Taken only so that the block is not empty: it shares nothing with the page's article.
    pub fallback: bool,
    /// Why this article.
    pub explain: Explanation,
}

/// The three blocks of one article's page.
///
/// # Examples
/// ```
/// use connexe::{Article, Index, Language, PageConfig};
///
/// let mut index = Index::default();
/// index.add(Article::new("a", "Inflation record", "L'inflation atteint un record."))?;
/// index.add(Article::new("b", "La BCE et l'inflation", "L'inflation inquiète la BCE."))?;
/// let page = index.page("a", &PageConfig::default())?;
/// assert_eq!((page.id.as_str(), page.lang), ("a", Language::French));
/// assert_eq!(page.labels.you_may_like, "Ces articles devraient vous intéresser");
/// // "b" is shown once: in "Aller plus loin", so not again below it.
/// assert_eq!(page.go_further.len(), 1);
/// assert!(page.you_may_like.is_empty());
/// let json = serde_json::to_string(&page).unwrap();
/// assert!(json.starts_with(r#"{"id":"a","lang":"fr","labels":"#));
/// # Ok::<(), connexe::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PageRecommendations {
    /// The page's article.
    pub id: String,
    /// Its language.
    pub lang: Language,
    /// The headings, in that language.
    pub labels: Labels,
    /// "À lire" links, in paragraph order.
    pub read_also: Vec<ReadAlsoItem>,
    /// "Aller plus loin".
    pub go_further: Vec<ListItem>,
    /// "Ces articles devraient vous intéresser".
    pub you_may_like: Vec<ListItem>,
    /// What the page had to work around: pins it could not place, blocks that fell back.
    pub notes: Vec<String>,
}

pub(super) fn read_also_item(
    after_paragraph: usize,
    rec: Recommendation,
    pinned: bool,
    fallback: bool,
) -> ReadAlsoItem {
    ReadAlsoItem {
        after_paragraph,
        id: rec.id,
        title: rec.title,
        url: rec.url,
        score: rec.score,
        pinned,
        fallback,
        explain: rec.explain,
    }
}

pub(super) fn list_item(
    rec: Recommendation,
    article: &Article,
    chars: usize,
    pinned: bool,
    fallback: bool,
) -> ListItem {
    let source = article
        .lead
        .as_deref()
        .filter(|l| !l.trim().is_empty())
        .unwrap_or(&article.body);
    ListItem {
        id: rec.id,
        title: rec.title,
        url: rec.url,
        published: rec.published,
        score: rec.score,
        teaser: teaser(source, chars),
        pinned,
        fallback,
        explain: rec.explain,
    }
}
