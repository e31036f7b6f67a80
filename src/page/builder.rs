//! Builds one page: the blocks in order, each excluding what earlier ones picked. The
//! article's candidate pool is drawn once; every block ranks it its own way. This file holds
//! what the blocks share: filters, near-duplicates, pins and the fallback fill.

use std::cell::RefCell;

use hashbrown::HashMap;

use super::config::PageConfig;
use super::items::{ListItem, PageRecommendations, list_item};
use crate::entity;
use crate::error::quoted;
use crate::index::{DocKey, Index, Member};
use crate::rank::{CandidatePool, Explanation, Recommendation, Scored, Weights};

pub(super) struct PageBuilder<'a> {
    pub(super) config: &'a PageConfig,
    /// The index's weights, which every block but `you_may_like` ranks with.
    pub(super) weights: Weights,
    /// The page's article.
    pub(super) article: Member<'a>,
    excluded_sections: Vec<String>,
    pub(super) pool: CandidatePool<'a>,
    /// Articles on the page so far, in every block.
    pub(super) shown: Vec<DocKey>,
    pub(super) notes: Vec<String>,
    /// Text cosines computed for this page, by (from, to): the blocks compare the same
    /// articles again and again.
    cosines: RefCell<HashMap<(DocKey, DocKey), f64>>,
}

impl<'a> PageBuilder<'a> {
    pub(super) fn new(index: &'a Index, article: Member<'a>, config: &'a PageConfig) -> Self {
        PageBuilder {
            config,
            weights: index.config().weights,
            article,
            excluded_sections: config
                .filters
                .exclude_sections
                .iter()
                .map(|s| entity::key(s))
                .collect(),
            pool: CandidatePool::retrieve(index, article),
            shown: Vec::new(),
            notes: Vec::new(),
            cosines: Default::default(),
        }
    }

    pub(super) fn build(mut self) -> PageRecommendations {
        let read_also = self.read_also();
        let go_further = self.go_further();
        let you_may_like = self.you_may_like();
        PageRecommendations {
            id: self.article.article.id.clone(),
            lang: self.article.lang,
            labels: self.config.labels(self.article.lang),
            read_also,
            go_further,
            you_may_like,
            notes: self.notes,
        }
    }

    /// Text cosines of `from` and each of `tos`, remembered for the page; those not known
    /// yet are computed together, loading `from` once.
    pub(super) fn cosines_from(&self, from: DocKey, tos: &[DocKey]) -> Vec<f64> {
        let mut known = self.cosines.borrow_mut();
        let missing: Vec<DocKey> = tos
            .iter()
            .copied()
            .filter(|&to| !known.contains_key(&(from, to)))
            .collect();
        if !missing.is_empty() {
            let computed = self.pool.text_cosines(from, &missing);
            for (to, cosine) in missing.into_iter().zip(computed) {
                known.insert((from, to), cosine);
            }
        }
        tos.iter().map(|&to| known[&(from, to)]).collect()
    }

    /// The filters every automatic pick passes; pins pass only the first (an editor may
    /// pin an old or off-language article, never the article itself).
    pub(super) fn eligible(&self, candidate: &Member<'_>) -> bool {
        if candidate.key == self.article.key || self.shown.contains(&candidate.key) {
            return false;
        }
        let filters = &self.config.filters;
        let other = candidate.article;
        if filters.same_language && candidate.lang != self.article.lang {
            return false;
        }
        if filters.exclude_ids.contains(&other.id) {
            return false;
        }
        if let Some(section) = &other.section
            && self.excluded_sections.contains(&entity::key(section))
        {
            return false;
        }
        if let (Some(max), Some(mine), Some(theirs)) = (
            filters.max_age_days,
            self.article.article.published,
            other.published,
        ) && theirs.days_until(mine) > max
        {
            return false;
        }
        true
    }

    /// Near-duplicate of the article, of an item already on the page, or of one of `also`.
    pub(super) fn is_near_duplicate(&self, candidate: DocKey, also: &[DocKey]) -> bool {
        let limit = self.config.filters.near_duplicate;
        if self.pool.cosine_to_article(candidate) >= limit {
            return true;
        }
        let others: Vec<DocKey> = self.shown.iter().chain(also).copied().collect();
        self.cosines_from(candidate, &others)
            .into_iter()
            .any(|cosine| cosine >= limit)
    }

    pub(super) fn older(&self, candidate: &Member<'_>) -> bool {
        match (candidate.article.published, self.article.article.published) {
            (Some(theirs), Some(mine)) => theirs <= mine,
            _ => true,
        }
    }

    /// Resolves a block's pins, noting the ones that cannot be placed.
    pub(super) fn pins(&mut self, block: &str, ids: &[String]) -> Vec<Member<'a>> {
        let mut out: Vec<Member<'a>> = Vec::new();
        for id in ids {
            match self.pool.member_of(id) {
                Ok(pin) if pin.key == self.article.key => self
                    .notes
                    .push(format!("{block}: pin {} is the article itself", quoted(id))),
                Ok(pin) if self.shown.contains(&pin.key) || out.iter().any(|o| o.key == pin.key) => self
                    .notes
                    .push(format!("{block}: pin {} is already on the page", quoted(id))),
                Ok(pin) => out.push(pin),
                Err(_) => self
                    .notes
                    .push(format!("{block}: pin {} is not in the index", quoted(id))),
            }
        }
        out
    }

    /// A list block's pinned items, first on the list and on the page.
    pub(super) fn pinned_items(
        &mut self,
        block: &str,
        ids: &[String],
        count: usize,
        chars: usize,
    ) -> Vec<ListItem> {
        let mut items = Vec::new();
        let pins = self.pins(block, ids);
        for pin in pins.iter().skip(count) {
            let id = quoted(&pin.article.id);
            self.notes
                .push(format!("{block}: pin {id} does not fit: the block holds {count}"));
        }
        for pin in pins.into_iter().take(count) {
            let rec = self.recommendation_for(pin);
            items.push(list_item(rec, pin.article, chars, true, false));
            self.shown.push(pin.key);
        }
        items
    }

    /// The pool ranked with `weights` among the candidates `keep` accepts.
    pub(super) fn ranked(&self, weights: &Weights, keep: &dyn Fn(&Member<'_>) -> bool) -> Vec<Scored<'a>> {
        self.pool.rank(weights, keep, usize::MAX)
    }

    /// When nothing related passes the filters, the latest articles that do, so that a block
    /// is never empty while a candidate exists; each marked `fallback`.
    pub(super) fn fill_with_latest(
        &mut self,
        block: &str,
        items: &mut Vec<ListItem>,
        count: usize,
        chars: usize,
        older_only: bool,
    ) {
        let mut latest: Vec<Member<'a>> = self
            .pool
            .everyone()
            .filter(|c| self.eligible(c) && (!older_only || self.older(c)))
            .collect();
        latest.sort_by(|a, b| {
            let (a, b) = (a.article, b.article);
            b.published.cmp(&a.published).then_with(|| a.id.cmp(&b.id))
        });
        for member in latest {
            if items.len() == count {
                break;
            }
            if self.is_near_duplicate(member.key, &[]) {
                continue;
            }
            items.push(list_item(unscored(&member), member.article, chars, false, true));
            self.shown.push(member.key);
        }
        if !items.is_empty() {
            self.notes.push(format!(
                "{block}: nothing related passes the filters; showing the latest articles"
            ));
        }
    }

    /// A pinned article's recommendation: its real score when the pool has it.
    pub(super) fn recommendation_for(&self, pin: Member<'_>) -> Recommendation {
        let ranked = self.ranked(&self.weights, &|c| c.key == pin.key);
        self.pool
            .recommendations(ranked, None)
            .into_iter()
            .next()
            .unwrap_or_else(|| unscored(&pin))
    }
}

/// An article shown without a score: a fallback, or a pin the pool does not have.
fn unscored(member: &Member<'_>) -> Recommendation {
    let explain = Explanation {
        recency: 1.0,
        ..Explanation::default()
    };
    Recommendation::of(member.article, 0.0, explain)
}
