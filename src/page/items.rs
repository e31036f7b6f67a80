//! What a page holds: its "À lire" links and its list items, each a recommendation with what
//! the page adds to it (placement, teaser, pinned, fallback).

use serde::{Deserialize, Serialize};

use super::Labels;
use super::teaser::teaser;
use crate::article::{Article, Timestamp};
use crate::language::Language;
use crate::rank::{Explanation, Recommendation};

/// An "À lire" link.
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
