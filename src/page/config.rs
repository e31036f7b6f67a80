//! The page's configuration: each block's settings, the filters, editors' pins and labels,
//! loadable from TOML or JSON with every value checked.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, quoted};
use crate::language::Language;

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

#[cfg(test)]
mod tests {
    use super::*;

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
