//! Ablations: the configuration with one part taken away, to see what each part is worth.

use crate::index::IndexConfig;

/// One configuration of an ablation, derived from a base configuration.
///
/// # Examples
/// ```
/// use connexe::{IndexConfig, eval::Variant};
///
/// let base = IndexConfig::default();
/// let text = Variant::TextOnly.apply(&base);
/// assert_eq!((text.weights.text, text.weights.entities), (base.weights.text, 0.0));
/// assert!(!Variant::NoStemming.apply(&base).analysis.stemming);
/// assert_eq!(Variant::ALL.iter().map(|v| v.key()).collect::<Vec<_>>(),
///     ["text-only", "entities-only", "text+entities", "no-stemming", "no-title-weighting"]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Variant {
    /// The text cosine alone: entity, tag and section weights set to 0.
    TextOnly,
    /// The entity overlap alone: text, tag and section weights set to 0.
    EntitiesOnly,
    /// The base configuration unchanged (text and entities, the default).
    Configured,
    /// The base without Snowball stemming.
    NoStemming,
    /// The base with a title word counting as a body word (`fields.title = fields.body`).
    NoTitleWeighting,
}

impl Variant {
    /// Every variant, in the order a report lists them.
    pub const ALL: [Variant; 5] = [
        Variant::TextOnly,
        Variant::EntitiesOnly,
        Variant::Configured,
        Variant::NoStemming,
        Variant::NoTitleWeighting,
    ];

    /// A short stable name, for JSON and tables.
    pub fn key(self) -> &'static str {
        match self {
            Variant::TextOnly => "text-only",
            Variant::EntitiesOnly => "entities-only",
            Variant::Configured => "text+entities",
            Variant::NoStemming => "no-stemming",
            Variant::NoTitleWeighting => "no-title-weighting",
        }
    }

    /// Whether the variant changes how articles are indexed (and so needs its own index),
    /// rather than only the weights of the score.
    pub fn reindexes(self) -> bool {
        matches!(self, Variant::NoStemming | Variant::NoTitleWeighting)
    }

    /// The base configuration with this variant's change.
    pub fn apply(self, base: &IndexConfig) -> IndexConfig {
        let mut config = base.clone();
        let w = &mut config.weights;
        match self {
            Variant::TextOnly => (w.entities, w.tags, w.section) = (0.0, 0.0, 0.0),
            Variant::EntitiesOnly => (w.text, w.tags, w.section) = (0.0, 0.0, 0.0),
            Variant::Configured => {}
            Variant::NoStemming => config.analysis.stemming = false,
            Variant::NoTitleWeighting => config.fields.title = config.fields.body,
        }
        config
    }
}
