//! The page: the three blocks a French news page carries around an article's body, with the
//! filters and controls editors ask for, ready for a CMS to render.
//!
//! - `read_also` ("À lire :"): inline links, each placed after the paragraph it matches best;
//! - `go_further` ("Aller plus loin"): the closest articles, older ones first, with teasers;
//! - `you_may_like` ("Ces articles devraient vous intéresser"): related but diverse
//!   (maximal marginal relevance), fresher, never repeating what the page already shows.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::article::{Article, Timestamp};
use crate::entity;
use crate::error::{Error, Result, quoted};
use crate::index::{Index, ParagraphQuery, Pool};
use crate::language::Language;
use crate::rank::{Explanation, Recommendation, Weights, mmr};

/// Whether `go_further` prefers, requires or ignores articles published before the page's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Chronology {
    /// Older articles first, newer ones after them (default).
    #[default]
    Prefer,
    /// Only articles published no later than this one (undated ones count as older).
    Require,
    /// By score alone.
    Ignore,
}

/// The "À lire" links.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReadAlsoConfig {
    /// How many links, 1 to 3 (0 turns the block off). Default 2.
    pub links: usize,
    /// Two links stand at least this many paragraphs apart. Default 2.
    pub min_gap: usize,
    /// A link needs at least this score against its paragraph. Default 0.1.
    pub threshold: f64,
    /// Share of the whole article in a paragraph's query, in [0, 1]. Default 0.3.
    pub article_share: f64,
    /// Links go after one of the first this many paragraphs. Default 60.
    pub max_paragraphs: usize,
}

impl Default for ReadAlsoConfig {
    fn default() -> Self {
        ReadAlsoConfig {
            links: 2,
            min_gap: 2,
            threshold: 0.1,
            article_share: 0.3,
            max_paragraphs: 60,
        }
    }
}

/// The "Aller plus loin" list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GoFurtherConfig {
    /// How many items, 3 to 5 (0 turns the block off). Default 4.
    pub count: usize,
    /// Older articles first (default), only older ones, or by score alone.
    pub chronology: Chronology,
    /// Teasers are cut at a word to at most this many characters, then `...`. Default 150.
    pub teaser_chars: usize,
}

impl Default for GoFurtherConfig {
    fn default() -> Self {
        GoFurtherConfig {
            count: 4,
            chronology: Chronology::Prefer,
            teaser_chars: 150,
        }
    }
}

/// The "Ces articles devraient vous intéresser" list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct YouMayLikeConfig {
    /// How many items, 4 to 8 (0 turns the block off). Default 6.
    pub count: usize,
    /// Relevance against diversity in maximal marginal relevance, in [0, 1]. Default 0.7.
    pub lambda: f64,
    /// How many of the best candidates MMR chooses from. Default 50.
    pub pool: usize,
    /// The recency half-life of this block, stronger than the index's. Default 180 days.
    pub recency_half_life_days: f64,
    /// Never show what `read_also` or `go_further` already show. Default true.
    pub exclude_shown: bool,
    /// Teaser length, as for `go_further`. Default 150.
    pub teaser_chars: usize,
}

impl Default for YouMayLikeConfig {
    fn default() -> Self {
        YouMayLikeConfig {
            count: 6,
            lambda: 0.7,
            pool: 50,
            recency_half_life_days: 180.0,
            exclude_shown: true,
            teaser_chars: 150,
        }
    }
}

/// Which articles may appear at all. The article itself never does.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Filters {
    /// Only articles in the page's language. Default true.
    pub same_language: bool,
    /// Only articles published at most this many days before the page's (undated ones pass).
    pub max_age_days: Option<f64>,
    /// Never these ids.
    pub exclude_ids: Vec<String>,
    /// Never these sections (compared case- and accent-blind).
    pub exclude_sections: Vec<String>,
    /// An article this close (TF-IDF cosine) to the page's article or to an item already
    /// picked is a near-duplicate (a republication, an update) and dropped. Default 0.9.
    pub near_duplicate: f64,
}

impl Default for Filters {
    fn default() -> Self {
        Filters {
            same_language: true,
            max_age_days: None,
            exclude_ids: Vec::new(),
            exclude_sections: Vec::new(),
            near_duplicate: 0.9,
        }
    }
}

/// An editor's manual picks, per block: placed first, marked `pinned`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Pins {
    /// Links for "À lire", each placed after the paragraph it matches best.
    pub read_also: Vec<String>,
    /// First items of "Aller plus loin".
    pub go_further: Vec<String>,
    /// First items of "Ces articles devraient vous intéresser".
    pub you_may_like: Vec<String>,
}

/// The three headings of a page, in one language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Labels {
    /// Inline links ("À lire").
    pub read_also: String,
    /// The background list ("Aller plus loin").
    pub go_further: String,
    /// The broader list ("Ces articles devraient vous intéresser").
    pub you_may_like: String,
}

impl Labels {
    /// The built-in labels: French and English; every other language falls back to English.
    ///
    /// # Examples
    /// ```
    /// use connexe::{Language, page::Labels};
    /// assert_eq!(Labels::builtin(Language::French).go_further, "Aller plus loin");
    /// assert_eq!(Labels::builtin(Language::German).go_further, "Go further");
    /// ```
    pub fn builtin(lang: Language) -> Labels {
        let (read_also, go_further, you_may_like) = match lang {
            Language::French => (
                "À lire",
                "Aller plus loin",
                "Ces articles devraient vous intéresser",
            ),
            _ => ("Read also", "Go further", "You may also like"),
        };
        Labels {
            read_also: read_also.to_owned(),
            go_further: go_further.to_owned(),
            you_may_like: you_may_like.to_owned(),
        }
    }
}

/// Everything that shapes a page; loadable from TOML or JSON, every field with a default.
///
/// # Examples
/// ```
/// let config = connexe::PageConfig::from_toml(r#"
/// [go_further]
/// count = 5
/// chronology = "require"
///
/// [pins]
/// go_further = ["fra-dev-0066"]
///
/// [labels.de]
/// read_also = "Lesen Sie auch"
/// go_further = "Mehr zum Thema"
/// you_may_like = "Das könnte Sie interessieren"
/// "#).unwrap();
/// assert_eq!(config.go_further.count, 5);
/// assert_eq!(config.you_may_like.count, 6);
/// assert_eq!(config.labels(connexe::Language::German).go_further, "Mehr zum Thema");
///
/// let err = connexe::PageConfig::from_json(r#"{"go_further": {"count": 9}}"#).unwrap_err();
/// assert_eq!(err.to_string(), "page config: `go_further.count` must be 0 (off) or 3 to 5, got 9");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PageConfig {
    /// "À lire" links.
    pub read_also: ReadAlsoConfig,
    /// "Aller plus loin".
    pub go_further: GoFurtherConfig,
    /// "Ces articles devraient vous intéresser".
    pub you_may_like: YouMayLikeConfig,
    /// Which articles may appear.
    pub filters: Filters,
    /// Editors' picks.
    pub pins: Pins,
    /// Labels per ISO 639-1 code, over the built-in ones.
    #[serde(rename = "labels")]
    pub custom_labels: BTreeMap<String, Labels>,
}

impl PageConfig {
    /// Reads TOML and validates.
    ///
    /// # Errors
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) for invalid TOML, unknown keys or an
    /// invalid value.
    pub fn from_toml(text: &str) -> Result<PageConfig> {
        let config: PageConfig =
            toml::from_str(text).map_err(|e| Error::config(format!("page config: {}", e.message())))?;
        config.validate()?;
        Ok(config)
    }

    /// Reads JSON and validates.
    ///
    /// # Errors
    /// As [`PageConfig::from_toml`].
    pub fn from_json(text: &str) -> Result<PageConfig> {
        let config: PageConfig =
            serde_json::from_str(text).map_err(|e| Error::config(format!("page config: {e}")))?;
        config.validate()?;
        Ok(config)
    }

    /// Checks every value.
    ///
    /// # Errors
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) naming the key and the value.
    pub fn validate(&self) -> Result<()> {
        let bad = |key: &str, rule: &str, value: &dyn std::fmt::Display| {
            Err(Error::config(format!(
                "page config: `{key}` must be {rule}, got {value}"
            )))
        };
        if self.read_also.links > 3 {
            return bad("read_also.links", "0 (off) to 3", &self.read_also.links);
        }
        if !(self.go_further.count == 0 || (3..=5).contains(&self.go_further.count)) {
            return bad("go_further.count", "0 (off) or 3 to 5", &self.go_further.count);
        }
        if !(self.you_may_like.count == 0 || (4..=8).contains(&self.you_may_like.count)) {
            return bad(
                "you_may_like.count",
                "0 (off) or 4 to 8",
                &self.you_may_like.count,
            );
        }
        for (key, value) in [
            ("read_also.threshold", self.read_also.threshold),
            ("read_also.article_share", self.read_also.article_share),
            ("you_may_like.lambda", self.you_may_like.lambda),
            ("filters.near_duplicate", self.filters.near_duplicate),
        ] {
            if !(0.0..=1.0).contains(&value) {
                return bad(key, "a number in [0, 1]", &value);
            }
        }
        let half_life = self.you_may_like.recency_half_life_days;
        if !half_life.is_finite() || half_life < 0.0 {
            return bad(
                "you_may_like.recency_half_life_days",
                "a finite number >= 0",
                &half_life,
            );
        }
        if let Some(days) = self.filters.max_age_days
            && !(days.is_finite() && days >= 0.0)
        {
            return bad("filters.max_age_days", "a finite number >= 0", &days);
        }
        for (key, chars) in [
            ("go_further.teaser_chars", self.go_further.teaser_chars),
            ("you_may_like.teaser_chars", self.you_may_like.teaser_chars),
        ] {
            if chars < 20 {
                return bad(key, "at least 20", &chars);
            }
        }
        if self.you_may_like.pool < self.you_may_like.count {
            return bad(
                "you_may_like.pool",
                "at least you_may_like.count",
                &self.you_may_like.pool,
            );
        }
        for code in self.custom_labels.keys() {
            if Language::from_code(code).is_none() {
                return bad("labels", "keyed by ISO 639-1 codes", &quoted(code));
            }
        }
        Ok(())
    }

    /// The labels of a language: configured, else built-in.
    pub fn labels(&self, lang: Language) -> Labels {
        self.custom_labels
            .iter()
            .find(|(code, _)| Language::from_code(code) == Some(lang))
            .map(|(_, labels)| labels.clone())
            .unwrap_or_else(|| Labels::builtin(lang))
    }
}

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

impl Index {
    /// The three blocks of article `id`'s page.
    ///
    /// # Errors
    /// [`ErrorKind::UnknownId`](crate::ErrorKind::UnknownId) when `id` is not indexed;
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) when `config` is invalid.
    ///
    /// # Examples
    /// ```
    /// use connexe::{Article, Index, PageConfig};
    ///
    /// let mut index = Index::default();
    /// let body = "Le Maroc participe à Rome à la réunion de la coalition contre Daech.\n\n\
    ///             La coalition veut contrer Daech en Afrique.\n\nLes travaux durent deux jours.";
    /// index.add(Article::new("a", "Le Maroc à Rome contre Daech", body))?;
    /// index.add(Article::new("b", "Daech en Afrique : le Maroc appelle à l'union", "Le Maroc appelle à contrer Daech en Afrique."))?;
    /// index.add(Article::new("c", "Rome : la coalition se réunit", "La coalition contre Daech se réunit à Rome."))?;
    /// let page = index.page("a", &PageConfig::default())?;
    /// assert_eq!(page.labels.go_further, "Aller plus loin");
    /// let shown: Vec<&str> = page.read_also.iter().map(|l| l.id.as_str())
    ///     .chain(page.go_further.iter().map(|i| i.id.as_str())).collect();
    /// assert!(shown.contains(&"b") && shown.contains(&"c"));
    /// # Ok::<(), connexe::Error>(())
    /// ```
    pub fn page(&self, id: &str, config: &PageConfig) -> Result<PageRecommendations> {
        config.validate()?;
        let slot = self.slot_of(id)?;
        PageBuilder::new(self, slot, config).build()
    }
}

/// Builds one page: the blocks in order, each excluding what earlier ones picked. The
/// article's candidates are scored once (the pool); every block ranks them its own way.
struct PageBuilder<'a> {
    index: &'a Index,
    slot: u32,
    config: &'a PageConfig,
    article: &'a Article,
    lang: Language,
    excluded_sections: Vec<String>,
    pool: Pool<'a>,
    /// Slots on the page so far, in every block.
    shown: Vec<u32>,
    notes: Vec<String>,
    /// Text cosines computed for this page, by (from, to): the blocks compare the same
    /// articles again and again.
    cosines: std::cell::RefCell<hashbrown::HashMap<(u32, u32), f64>>,
}

/// How many of the article's best candidates the "À lire" paragraphs choose from.
const READ_ALSO_CANDIDATES: usize = 50;

impl<'a> PageBuilder<'a> {
    fn new(index: &'a Index, slot: u32, config: &'a PageConfig) -> Self {
        PageBuilder {
            index,
            slot,
            config,
            article: index.article_at(slot),
            lang: index.language_at(slot),
            excluded_sections: config
                .filters
                .exclude_sections
                .iter()
                .map(|s| entity::key(s))
                .collect(),
            pool: index.pool(slot),
            shown: Vec::new(),
            notes: Vec::new(),
            cosines: Default::default(),
        }
    }

    /// Text cosine of the article and `candidate`: the pool has it.
    fn cosine_to_article(&self, candidate: u32) -> f64 {
        match self.pool.candidates.binary_search_by_key(&candidate, |c| c.slot) {
            Ok(i) => self.pool.candidates[i].text(),
            Err(_) => self.index.text_cosine(self.slot, candidate),
        }
    }

    /// Text cosines of `from` and each of `tos`, remembered for the page; those not known
    /// yet are computed together, loading `from` once.
    fn cosines_from(&self, from: u32, tos: &[u32]) -> Vec<f64> {
        let mut known = self.cosines.borrow_mut();
        let missing: Vec<u32> = tos
            .iter()
            .copied()
            .filter(|&to| !known.contains_key(&(from, to)))
            .collect();
        if !missing.is_empty() {
            let computed = self.index.text_cosines(from, &missing);
            for (to, cosine) in missing.into_iter().zip(computed) {
                known.insert((from, to), cosine);
            }
        }
        tos.iter().map(|&to| known[&(from, to)]).collect()
    }

    fn build(mut self) -> Result<PageRecommendations> {
        let read_also = self.read_also();
        let go_further = self.go_further();
        let you_may_like = self.you_may_like();
        Ok(PageRecommendations {
            id: self.article.id.clone(),
            lang: self.lang,
            labels: self.config.labels(self.lang),
            read_also,
            go_further,
            you_may_like,
            notes: self.notes,
        })
    }

    /// The filters every automatic pick passes; pins pass only the first (an editor may
    /// pin an old or off-language article, never the article itself).
    fn eligible(&self, candidate: u32) -> bool {
        if candidate == self.slot || self.shown.contains(&candidate) {
            return false;
        }
        let filters = &self.config.filters;
        let other = self.index.article_at(candidate);
        if filters.same_language && self.index.language_at(candidate) != self.lang {
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
        if let (Some(max), Some(mine), Some(theirs)) =
            (filters.max_age_days, self.article.published, other.published)
            && theirs.days_until(mine) > max
        {
            return false;
        }
        true
    }

    /// Near-duplicate of the article, of an item already on the page, or of one of `also`.
    fn is_near_duplicate(&self, candidate: u32, also: &[u32]) -> bool {
        let limit = self.config.filters.near_duplicate;
        if self.cosine_to_article(candidate) >= limit {
            return true;
        }
        let others: Vec<u32> = self.shown.iter().chain(also).copied().collect();
        self.cosines_from(candidate, &others)
            .into_iter()
            .any(|cosine| cosine >= limit)
    }

    fn older(&self, candidate: u32) -> bool {
        match (self.index.article_at(candidate).published, self.article.published) {
            (Some(theirs), Some(mine)) => theirs <= mine,
            _ => true,
        }
    }

    /// Resolves a block's pins to slots, noting the ones that cannot be placed.
    fn pins(&mut self, block: &str, ids: &[String]) -> Vec<u32> {
        let mut out = Vec::new();
        for id in ids {
            match self.index.slot_of(id) {
                Ok(slot) if slot == self.slot => self
                    .notes
                    .push(format!("{block}: pin {} is the article itself", quoted(id))),
                Ok(slot) if self.shown.contains(&slot) || out.contains(&slot) => self
                    .notes
                    .push(format!("{block}: pin {} is already on the page", quoted(id))),
                Ok(slot) => out.push(slot),
                Err(_) => self
                    .notes
                    .push(format!("{block}: pin {} is not in the index", quoted(id))),
            }
        }
        out
    }

    /// A list block's pinned items, first on the list and on the page.
    fn pinned_items(&mut self, block: &str, ids: &[String], count: usize, chars: usize) -> Vec<ListItem> {
        let mut items = Vec::new();
        let pins = self.pins(block, ids);
        for &pin in pins.iter().skip(count) {
            let id = quoted(&self.index.article_at(pin).id);
            self.notes
                .push(format!("{block}: pin {id} does not fit: the block holds {count}"));
        }
        for pin in pins.into_iter().take(count) {
            let rec = self.recommendation_for(pin);
            items.push(list_item(rec, self.index.article_at(pin), chars, true, false));
            self.shown.push(pin);
        }
        items
    }

    /// The pool ranked with `weights` among the candidates `keep` accepts.
    fn ranked(&self, weights: &Weights, keep: &dyn Fn(u32) -> bool) -> Vec<(usize, f64, Explanation)> {
        self.index.rank(&self.pool, weights, keep, usize::MAX)
    }

    fn read_also(&mut self) -> Vec<ReadAlsoItem> {
        let cfg = &self.config.read_also;
        let paragraphs = self.article.paragraphs();
        // A link never follows the last paragraph, nor one past `max_paragraphs`.
        let slots = paragraphs.len().saturating_sub(1).min(cfg.max_paragraphs);
        if cfg.links == 0 || slots == 0 {
            return Vec::new();
        }
        let weights = self.index.config().weights;
        let queries: Vec<ParagraphQuery> = paragraphs[..slots]
            .iter()
            .map(|text| self.index.paragraph_query(&self.pool, text, cfg.article_share))
            .collect();
        let gap_ok = |placed: &[ReadAlsoItem], p: usize| {
            placed
                .iter()
                .all(|l| l.after_paragraph.abs_diff(p) >= cfg.min_gap)
        };
        let mut placed: Vec<ReadAlsoItem> = Vec::new();
        let mut used: Vec<u32> = Vec::new();

        // Pins first, each after the free paragraph it matches best.
        for pin in self.pins("read_also", &self.config.pins.read_also.clone()) {
            if placed.len() == cfg.links {
                let id = quoted(&self.index.article_at(pin).id);
                self.notes.push(format!(
                    "read_also: pin {id} does not fit: the block holds {}",
                    cfg.links
                ));
                continue;
            }
            let best = (0..slots)
                .filter(|&p| gap_ok(&placed, p))
                .map(|p| (p, self.index.paragraph_cosines(&queries[p], &[pin])[0]))
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
            match best {
                Some((p, cosine)) => {
                    let mut rec = self.recommendation_for(pin);
                    rec.explain.text = cosine;
                    placed.push(read_also_item(p, rec, true, false));
                    used.push(pin);
                }
                None => self.notes.push(format!(
                    "read_also: no free paragraph for pin {}",
                    quoted(&self.index.article_at(pin).id)
                )),
            }
        }

        // Then the automatic links: the article's best candidates, each scored against every
        // paragraph (its text component becomes the paragraph's cosine); strongest first.
        let mut candidates = self.ranked(&weights, &|c| self.eligible(c) && !used.contains(&c));
        candidates.truncate(READ_ALSO_CANDIDATES);
        let slots_of: Vec<u32> = candidates
            .iter()
            .map(|(i, _, _)| self.pool.candidates[*i].slot)
            .collect();
        let mut options: Vec<(usize, usize, f64, Explanation)> = Vec::new();
        for (p, query) in queries.iter().enumerate() {
            let cosines = self.index.paragraph_cosines(query, &slots_of);
            for ((i, _, explain), cosine) in candidates.iter().zip(cosines) {
                let explain = Explanation {
                    text: cosine,
                    ..explain.clone()
                };
                let score = weights.combine(&explain);
                if score > 0.0 {
                    options.push((p, *i, score, explain));
                }
            }
        }
        options.sort_by(|a, b| {
            b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)).then_with(|| {
                let id = |i: usize| &self.index.article_at(self.pool.candidates[i].slot).id;
                id(a.1).cmp(id(b.1))
            })
        });
        let mut fallback: Option<(usize, usize, f64, Explanation)> = None;
        for (p, i, score, explain) in options {
            if placed.len() == cfg.links {
                break;
            }
            let slot = self.pool.candidates[i].slot;
            if used.contains(&slot) || !gap_ok(&placed, p) || self.is_near_duplicate(slot, &used) {
                continue;
            }
            if score < cfg.threshold {
                fallback.get_or_insert((p, i, score, explain));
                continue;
            }
            let rec = self
                .index
                .recommendations(&self.pool, vec![(i, score, explain)], Some(&queries[p]));
            used.push(slot);
            placed.push(read_also_item(
                p,
                rec.into_iter().next().expect("one"),
                false,
                false,
            ));
        }
        if placed.is_empty()
            && let Some((p, i, score, explain)) = fallback
        {
            self.notes.push(format!(
                "read_also: no paragraph reaches the threshold {}; the best link is below it",
                cfg.threshold
            ));
            used.push(self.pool.candidates[i].slot);
            let rec = self
                .index
                .recommendations(&self.pool, vec![(i, score, explain)], Some(&queries[p]));
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

    fn go_further(&mut self) -> Vec<ListItem> {
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
        let weights = self.index.config().weights;
        let mut ranked = self.ranked(&weights, &|c| self.eligible(c) && (!require || self.older(c)));
        if cfg.chronology == Chronology::Prefer {
            // Stable: each group keeps the total order.
            ranked.sort_by_key(|(i, _, _)| !self.older(self.pool.candidates[*i].slot));
        }
        let mut picked: Vec<(usize, f64, Explanation)> = Vec::new();
        let mut picked_slots: Vec<u32> = Vec::new();
        for (i, score, explain) in ranked {
            if items.len() + picked.len() == cfg.count {
                break;
            }
            let slot = self.pool.candidates[i].slot;
            if !self.is_near_duplicate(slot, &picked_slots) {
                picked.push((i, score, explain));
                picked_slots.push(slot);
            }
        }
        let recommendations = self.index.recommendations(&self.pool, picked, None);
        for (rec, &slot) in recommendations.into_iter().zip(&picked_slots) {
            items.push(list_item(
                rec,
                self.index.article_at(slot),
                cfg.teaser_chars,
                false,
                false,
            ));
        }
        self.shown.extend(picked_slots);
        if items.is_empty() {
            self.fill_with_latest("go_further", &mut items, cfg.count, cfg.teaser_chars, require);
        }
        items
    }

    fn you_may_like(&mut self) -> Vec<ListItem> {
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
            ..self.index.config().weights
        };
        let mut pool = self.ranked(&weights, &|c| self.eligible(c));
        pool.truncate(cfg.pool);
        pool.retain(|(i, _, _)| !self.is_near_duplicate(self.pool.candidates[*i].slot, &[]));
        let slots: Vec<u32> = pool
            .iter()
            .map(|(i, _, _)| self.pool.candidates[*i].slot)
            .collect();
        let top = pool.first().map_or(0.0, |p| p.1);
        let relevance: Vec<f64> = pool
            .iter()
            .map(|p| if top > 0.0 { p.1 / top } else { 0.0 })
            .collect();
        // A few picks more than needed, in MMR order: near-duplicates among them are skipped
        // and the next pick takes their place.
        let needed = cfg.count - items.len();
        // MMR asks for every remaining item against the one just chosen: one row each.
        let mut row: Option<(usize, Vec<f64>)> = None;
        let chosen = mmr(&relevance, needed + 3, cfg.lambda, |item, picked| match &row {
            Some((of, cosines)) if *of == picked => cosines[item],
            _ => {
                let cosines = self.cosines_from(slots[picked], &slots);
                let cosine = cosines[item];
                row = Some((picked, cosines));
                cosine
            }
        });
        let limit = self.config.filters.near_duplicate;
        let mut picked: Vec<(usize, f64, Explanation)> = Vec::new();
        let mut picked_slots: Vec<u32> = Vec::new();
        for c in chosen {
            if picked.len() == needed {
                break;
            }
            // Two pool items may be near-duplicates of each other: keep the first.
            if self
                .cosines_from(slots[c], &picked_slots)
                .into_iter()
                .any(|cosine| cosine >= limit)
            {
                continue;
            }
            picked_slots.push(slots[c]);
            picked.push(pool[c].clone());
        }
        for (rec, slot) in self
            .index
            .recommendations(&self.pool, picked, None)
            .into_iter()
            .zip(&picked_slots)
        {
            items.push(list_item(
                rec,
                self.index.article_at(*slot),
                cfg.teaser_chars,
                false,
                false,
            ));
        }
        self.shown.extend(picked_slots);
        if items.is_empty() {
            self.fill_with_latest("you_may_like", &mut items, cfg.count, cfg.teaser_chars, false);
        }
        if !cfg.exclude_shown {
            let mine: Vec<u32> = std::mem::replace(&mut self.shown, shown_before);
            for slot in mine {
                if !self.shown.contains(&slot) {
                    self.shown.push(slot);
                }
            }
        }
        items
    }

    /// When nothing related passes the filters, the latest articles that do, so that a block
    /// is never empty while a candidate exists; each marked `fallback`.
    fn fill_with_latest(
        &mut self,
        block: &str,
        items: &mut Vec<ListItem>,
        count: usize,
        chars: usize,
        older_only: bool,
    ) {
        let mut latest: Vec<u32> = self
            .index
            .live_slots()
            .filter(|&c| self.eligible(c) && (!older_only || self.older(c)))
            .collect();
        latest.sort_by(|&a, &b| {
            let (a, b) = (self.index.article_at(a), self.index.article_at(b));
            b.published.cmp(&a.published).then_with(|| a.id.cmp(&b.id))
        });
        for slot in latest {
            if items.len() == count {
                break;
            }
            if self.is_near_duplicate(slot, &[]) {
                continue;
            }
            items.push(list_item(
                self.unscored(slot),
                self.index.article_at(slot),
                chars,
                false,
                true,
            ));
            self.shown.push(slot);
        }
        if !items.is_empty() {
            self.notes.push(format!(
                "{block}: nothing related passes the filters; showing the latest articles"
            ));
        }
    }

    /// A pinned article's recommendation: its real score when the pool has it.
    fn recommendation_for(&self, slot: u32) -> Recommendation {
        let ranked = self.ranked(&self.index.config().weights, &|c| c == slot);
        self.index
            .recommendations(&self.pool, ranked, None)
            .into_iter()
            .next()
            .unwrap_or_else(|| self.unscored(slot))
    }

    fn unscored(&self, slot: u32) -> Recommendation {
        let article = self.index.article_at(slot);
        Recommendation {
            id: article.id.clone(),
            title: article.title.clone(),
            url: article.url.clone(),
            published: article.published,
            score: 0.0,
            explain: Explanation {
                recency: 1.0,
                ..Explanation::default()
            },
        }
    }
}

fn read_also_item(after_paragraph: usize, rec: Recommendation, pinned: bool, fallback: bool) -> ReadAlsoItem {
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

fn list_item(rec: Recommendation, article: &Article, chars: usize, pinned: bool, fallback: bool) -> ListItem {
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

/// The teaser of a text: white space folded, then, when longer than `max_chars`, cut after
/// the last whole word that fits (trailing `,;:.` and dashes dropped) and ended with `...`, as
/// on French news pages. A first word longer than `max_chars` is cut inside.
///
/// # Examples
/// ```
/// use connexe::page::teaser;
/// assert_eq!(teaser("Le Maroc mène depuis quelques années une lutte", 30), "Le Maroc mène depuis quelques...");
/// assert_eq!(teaser("Court  texte.", 30), "Court texte.");
/// assert_eq!(teaser("Fin de phrase. Suite", 16), "Fin de phrase...");
/// assert_eq!(teaser("Un, deux, trois", 9), "Un, deux...");
/// ```
pub fn teaser(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    let mut chars = 0;
    for word in text.split_whitespace() {
        let word_chars = word.chars().count();
        let needed = if out.is_empty() {
            word_chars
        } else {
            word_chars + 1
        };
        if chars + needed > max_chars {
            if out.is_empty() {
                out.extend(word.chars().take(max_chars));
            }
            let kept = out
                .trim_end_matches([',', ';', ':', '.', '-', '–', '—', ' '])
                .len();
            out.truncate(kept);
            out.push_str("...");
            return out;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
        chars += needed;
    }
    out
}

impl PageRecommendations {
    /// An HTML fragment of the three blocks; every text is escaped (titles and teasers are
    /// untrusted), and only `http`, `https` and relative URLs become links.
    ///
    /// "À lire" links come as `<aside data-after-paragraph="N">` elements for the CMS to
    /// place; the lists as `<section>`s.
    ///
    /// # Examples
    /// ```
    /// use connexe::{Article, Index, PageConfig};
    ///
    /// let mut index = Index::default();
    /// index.add(Article::new("a", "Daech <b>menace</b>", "Daech menace Rome."))?;
    /// index.add(Article::new("b", "Daech & \"Rome\" <script>alert(1)</script>", "Daech menace Rome encore."))?;
    /// let html = index.page("a", &PageConfig::default())?.to_html();
    /// assert!(html.contains("Daech &amp; &quot;Rome&quot; &lt;script&gt;alert(1)&lt;/script&gt;"));
    /// assert!(!html.contains("<script>"));
    /// # Ok::<(), connexe::Error>(())
    /// ```
    pub fn to_html(&self) -> String {
        let mut html = String::new();
        let lang = self.lang.code();
        for link in &self.read_also {
            let _ = writeln!(
                html,
                r#"<aside class="connexe-read-also" lang="{lang}" data-after-paragraph="{}"><span class="connexe-label">{} :</span> {}</aside>"#,
                link.after_paragraph,
                escape(&self.labels.read_also),
                anchor(&link.title, link.url.as_deref()),
            );
        }
        for (class, label, items) in [
            ("connexe-go-further", &self.labels.go_further, &self.go_further),
            (
                "connexe-you-may-like",
                &self.labels.you_may_like,
                &self.you_may_like,
            ),
        ] {
            if items.is_empty() {
                continue;
            }
            let _ = writeln!(html, r#"<section class="{class}" lang="{lang}">"#);
            let _ = writeln!(html, "  <h2>{}</h2>", escape(label));
            let _ = writeln!(html, "  <ul>");
            for item in items {
                let _ = writeln!(
                    html,
                    r#"    <li data-id="{}">{}<p>{}</p></li>"#,
                    escape(&item.id),
                    anchor(&item.title, item.url.as_deref()),
                    escape(&item.teaser)
                );
            }
            let _ = writeln!(html, "  </ul>\n</section>");
        }
        html
    }
}

fn anchor(title: &str, url: Option<&str>) -> String {
    let safe = url.filter(|u| {
        let lower = u.trim_start().to_ascii_lowercase();
        lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with('/')
    });
    match safe {
        Some(url) => format!(r#"<a href="{}">{}</a>"#, escape(url), escape(title)),
        None => format!("<span>{}</span>", escape(title)),
    }
}

/// Escapes the five characters that matter in HTML text and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn teaser_matches_the_reference_page_style() {
        let lead = "Le Maroc mène depuis quelques années une lutte acharnée et constante contre le \
                    terrorisme dans la région sahélo-saharienne. Dans ce cadre, il a noué des partenariats avec \
                    plusieurs pays.";
        let t = teaser(lead, 150);
        assert!(t.ends_with("..."));
        assert!(t.chars().count() <= 153);
        assert!(lead.starts_with(t.trim_end_matches("...")));
    }

    #[test]
    fn huge_first_word_is_cut_inside() {
        let word = "x".repeat(1000);
        assert_eq!(teaser(&word, 20), format!("{}...", "x".repeat(20)));
        assert_eq!(teaser("", 20), "");
    }

    #[test]
    fn only_web_urls_become_links() {
        assert_eq!(anchor("T", Some("javascript:alert(1)")), "<span>T</span>");
        assert_eq!(
            anchor("T", Some("/a?b=1&c=2")),
            r#"<a href="/a?b=1&amp;c=2">T</a>"#
        );
        assert_eq!(
            anchor("T", Some("HTTPS://x.fr")),
            r#"<a href="HTTPS://x.fr">T</a>"#
        );
    }

    #[test]
    fn config_validation_names_the_key() {
        let err = PageConfig::from_toml("[read_also]\nlinks = 4\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "page config: `read_also.links` must be 0 (off) to 3, got 4"
        );
        let err = PageConfig::from_toml("[read_also]\nlinkz = 1\n").unwrap_err();
        assert!(err.to_string().contains("unknown field `linkz`"), "{err}");
        let err = PageConfig::from_json(r#"{"you_may_like": {"lambda": 1.5}}"#).unwrap_err();
        assert!(
            err.to_string()
                .contains("`you_may_like.lambda` must be a number in [0, 1], got 1.5")
        );
        let err = PageConfig::from_json(
            r#"{"labels": {"xx": {"read_also": "a", "go_further": "b", "you_may_like": "c"}}}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("keyed by ISO 639-1 codes"));
    }
}
