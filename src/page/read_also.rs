//! The "À lire" block: inline links, each after the paragraph its article matches best.

use super::builder::PageBuilder;
use super::items::{ReadAlsoItem, read_also_item};
use crate::error::quoted;
use crate::index::{DocKey, TermVector};
use crate::rank::Rescored;

/// How many of the article's best candidates the "À lire" paragraphs choose from.
const READ_ALSO_CANDIDATES: usize = 50;

/// A candidate link: the paragraph it would follow, and the candidate scored against it.
struct Placement {
    paragraph: usize,
    link: Rescored,
}

impl<'a> PageBuilder<'a> {
    pub(super) fn read_also(&mut self) -> Vec<ReadAlsoItem> {
        let cfg = &self.config.read_also;
        let paragraphs = self.article.article.paragraphs();
        // A link never follows the last paragraph, nor one past `max_paragraphs`.
        let slots = paragraphs.len().saturating_sub(1).min(cfg.max_paragraphs);
        if cfg.links == 0 || slots == 0 {
            return Vec::new();
        }
        let weights = self.weights;
        let vectors: Vec<TermVector> = paragraphs[..slots]
            .iter()
            .map(|text| self.pool.paragraph_vector(text, cfg.article_share))
            .collect();
        let gap_ok = |placed: &[ReadAlsoItem], p: usize| {
            placed
                .iter()
                .all(|l| l.after_paragraph.abs_diff(p) >= cfg.min_gap)
        };
        let mut placed: Vec<ReadAlsoItem> = Vec::new();
        let mut used: Vec<DocKey> = Vec::new();

        // Pins first, each after the free paragraph it matches best.
        for pin in self.pins("read_also", &self.config.pins.read_also.clone()) {
            if placed.len() == cfg.links {
                let id = quoted(&pin.article.id);
                self.notes.push(format!(
                    "read_also: pin {id} does not fit: the block holds {}",
                    cfg.links
                ));
                continue;
            }
            let best = (0..slots)
                .filter(|&p| gap_ok(&placed, p))
                .map(|p| (p, self.pool.cosine_to(&vectors[p], pin.key)))
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
            match best {
                Some((p, cosine)) => {
                    let mut rec = self.recommendation_for(pin);
                    rec.explain.text = cosine;
                    placed.push(read_also_item(p, rec, true, false));
                    used.push(pin.key);
                }
                None => self.notes.push(format!(
                    "read_also: no free paragraph for pin {}",
                    quoted(&pin.article.id)
                )),
            }
        }

        // Then the automatic links: the article's best candidates, each scored against every
        // paragraph (its text component becomes the paragraph's cosine); strongest first.
        let mut candidates = self.ranked(&weights, &|c| self.eligible(c) && !used.contains(&c.key));
        candidates.truncate(READ_ALSO_CANDIDATES);
        let mut options: Vec<Placement> = Vec::new();
        for (p, vector) in vectors.iter().enumerate() {
            for link in self.pool.against(vector, &candidates, &weights) {
                options.push(Placement { paragraph: p, link });
            }
        }
        // The strongest link first; ties go to the earlier paragraph, then to the smaller id.
        let member = |o: &Placement| candidates[o.link.at].member;
        options.sort_by(|a, b| {
            b.link
                .score
                .total_cmp(&a.link.score)
                .then(a.paragraph.cmp(&b.paragraph))
                .then_with(|| member(a).article.id.cmp(&member(b).article.id))
        });
        let mut fallback: Option<Placement> = None;
        for option in options {
            if placed.len() == cfg.links {
                break;
            }
            let (p, key) = (option.paragraph, member(&option).key);
            if used.contains(&key) || !gap_ok(&placed, p) || self.is_near_duplicate(key, &used) {
                continue;
            }
            if option.link.score < cfg.threshold {
                fallback.get_or_insert(option);
                continue;
            }
            let rec = self
                .pool
                .recommendations(vec![option.link.of(&candidates)], Some(&vectors[p]));
            used.push(key);
            placed.push(read_also_item(
                p,
                rec.into_iter().next().expect("one"),
                false,
                false,
            ));
        }
        if placed.is_empty()
            && let Some(option) = fallback
        {
            self.notes.push(format!(
                "read_also: no paragraph reaches the threshold {}; the best link is below it",
                cfg.threshold
            ));
            let p = option.paragraph;
            used.push(member(&option).key);
            let rec = self
                .pool
                .recommendations(vec![option.link.of(&candidates)], Some(&vectors[p]));
            placed.push(read_also_item(
                p,
                rec.into_iter().next().expect("one"),
                false,
                true,
            ));
        }
        self.shown.extend(used);
        placed.sort_by_key(|l| l.after_paragraph);
        placed
    }
}
