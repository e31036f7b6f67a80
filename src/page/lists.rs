//! The two list blocks: "Aller plus loin" (the closest, older first) and "Ces articles
//! devraient vous intéresser" (diverse by maximal marginal relevance, fresher).

use super::builder::PageBuilder;
use super::config::Chronology;
use super::items::{ListItem, list_item};
use crate::index::DocKey;
use crate::rank::{Scored, Weights, mmr};

impl<'a> PageBuilder<'a> {
    pub(super) fn go_further(&mut self) -> Vec<ListItem> {
        let cfg = &self.config.go_further;
        if cfg.count == 0 {
            return Vec::new();
        }
        let mut items = self.pinned_items(
            "go_further",
            &self.config.pins.go_further,
            cfg.count,
            cfg.teaser_chars,
        );
        let require = cfg.chronology == Chronology::Require;
        let weights = self.weights;
        let mut ranked = self.ranked(&weights, &|c| self.eligible(c) && (!require || self.older(c)));
        if cfg.chronology == Chronology::Prefer {
            // Stable: each group keeps the total order.
            ranked.sort_by_key(|s| !self.older(&s.member));
        }
        let mut picked: Vec<Scored<'a>> = Vec::new();
        let mut picked_keys: Vec<DocKey> = Vec::new();
        for scored in ranked {
            if items.len() + picked.len() == cfg.count {
                break;
            }
            let key = scored.member.key;
            if !self.is_near_duplicate(key, &picked_keys) {
                picked.push(scored);
                picked_keys.push(key);
            }
        }
        self.push_picked(&mut items, picked, cfg.teaser_chars);
        if items.is_empty() {
            self.fill_with_latest("go_further", &mut items, cfg.count, cfg.teaser_chars, require);
        }
        items
    }

    pub(super) fn you_may_like(&mut self) -> Vec<ListItem> {
        let cfg = &self.config.you_may_like;
        if cfg.count == 0 {
            return Vec::new();
        }
        let shown_before = self.shown.clone();
        if !cfg.exclude_shown {
            self.shown.clear();
        }
        let mut items = self.pinned_items(
            "you_may_like",
            &self.config.pins.you_may_like,
            cfg.count,
            cfg.teaser_chars,
        );
        let weights = Weights {
            recency_half_life_days: cfg.recency_half_life_days,
            ..self.weights
        };
        let mut pool = self.ranked(&weights, &|c| self.eligible(c));
        pool.truncate(cfg.pool);
        pool.retain(|s| !self.is_near_duplicate(s.member.key, &[]));
        let keys: Vec<DocKey> = pool.iter().map(|s| s.member.key).collect();
        let top = pool.first().map_or(0.0, |s| s.score);
        let relevance: Vec<f64> = pool
            .iter()
            .map(|s| if top > 0.0 { s.score / top } else { 0.0 })
            .collect();
        // A few picks more than needed, in MMR order: near-duplicates among them are skipped
        // and the next pick takes their place.
        let needed = cfg.count - items.len();
        // MMR asks for every remaining item against the one just chosen: one row each.
        let mut row: Option<(usize, Vec<f64>)> = None;
        let chosen = mmr(&relevance, needed + 3, cfg.lambda, |item, picked| match &row {
            Some((of, cosines)) if *of == picked => cosines[item],
            _ => {
                let cosines = self.cosines_from(keys[picked], &keys);
                let cosine = cosines[item];
                row = Some((picked, cosines));
                cosine
            }
        });
        let limit = self.config.filters.near_duplicate;
        let mut picked: Vec<Scored<'a>> = Vec::new();
        let mut picked_keys: Vec<DocKey> = Vec::new();
        for c in chosen {
            if picked.len() == needed {
                break;
            }
            // Two pool items may be near-duplicates of each other: keep the first.
            if self
                .cosines_from(keys[c], &picked_keys)
                .into_iter()
                .any(|cosine| cosine >= limit)
            {
                continue;
            }
            picked_keys.push(keys[c]);
            picked.push(pool[c].clone());
        }
        self.push_picked(&mut items, picked, cfg.teaser_chars);
        if items.is_empty() {
            self.fill_with_latest("you_may_like", &mut items, cfg.count, cfg.teaser_chars, false);
        }
        if !cfg.exclude_shown {
            let mine: Vec<DocKey> = std::mem::replace(&mut self.shown, shown_before);
            for key in mine {
                if !self.shown.contains(&key) {
                    self.shown.push(key);
                }
            }
        }
        items
    }

    /// Adds a block's automatic picks to its items and to the page.
    fn push_picked(&mut self, items: &mut Vec<ListItem>, picked: Vec<Scored<'a>>, chars: usize) {
        let members: Vec<_> = picked.iter().map(|s| s.member).collect();
        for (rec, member) in self.pool.recommendations(picked, None).into_iter().zip(&members) {
            items.push(list_item(rec, member.article, chars, false, false));
        }
        self.shown.extend(members.iter().map(|m| m.key));
    }
}
