//! Grid search of the weights on one set of judgments.
//!
//! A configuration tuned on one set and measured on the same set says little: report it on
//! other sets (`connexe tune --check`) before adopting it.

use super::{Qrels, RankingReport, RankingSet};
use crate::article::Article;
use crate::entity::AliasTable;
use crate::error::{Error, Result};
use crate::index::{Index, IndexConfig};

/// The values a grid search tries; every combination is one trial.
///
/// # Examples
/// ```
/// let grid = connexe::eval::Grid::default();
/// assert_eq!(grid.trials(true), grid.entity_shares.len() * grid.title.len() * grid.lead.len());
/// assert_eq!(grid.trials(false), grid.entity_shares.len() * grid.title.len());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Grid {
    /// The entities' share of the text and entity weights: `text = s·(1 − e)` and
    /// `entities = s·e`, with `s` their sum in the base configuration (so tags and section
    /// keep their relative weight). Each in [0, 1].
    pub entity_shares: Vec<f64>,
    /// Values of `fields.title`.
    pub title: Vec<f64>,
    /// Values of `fields.lead`; tried only when some article has a lead.
    pub lead: Vec<f64>,
}

impl Default for Grid {
    fn default() -> Self {
        Grid {
            entity_shares: vec![0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5],
            title: vec![1.0, 2.0, 3.0, 4.0, 5.0],
            lead: vec![1.0, 2.0, 3.0],
        }
    }
}

impl Grid {
    /// How many trials the grid makes (`leads`: whether some article has a lead).
    pub fn trials(&self, leads: bool) -> usize {
        let lead = if leads { self.lead.len() } else { 1 };
        self.entity_shares.len() * self.title.len() * lead
    }

    fn validate(&self) -> Result<()> {
        for (name, values, max) in [
            ("entity_shares", &self.entity_shares, 1.0),
            ("title", &self.title, f64::MAX),
            ("lead", &self.lead, f64::MAX),
        ] {
            if values.is_empty() {
                return Err(Error::config(format!("grid: `{name}` has no value")));
            }
            if let Some(bad) = values
                .iter()
                .find(|v| !(v.is_finite() && **v >= 0.0 && **v <= max))
            {
                return Err(Error::config(format!(
                    "grid: `{name}` values must be finite, >= 0{}, got {bad}",
                    if max == 1.0 { " and <= 1" } else { "" }
                )));
            }
        }
        Ok(())
    }
}

/// One configuration of a grid search and its figures on the tuning set.
#[derive(Clone, Debug, PartialEq)]
pub struct Trial {
    /// The configuration tried.
    pub config: IndexConfig,
    /// Its figures on the judgments it was tuned on.
    pub report: RankingReport,
}

/// Tries every configuration of `grid` on `base` and returns every trial, best first: by
/// nDCG@k, then MAP, then grid order (the earlier, the simpler). Field weights need an index
/// each; the score weights re-rank the same scores, so the search costs one index build and
/// one scoring pass per (title, lead) pair.
///
/// # Errors
/// [`ErrorKind::Config`](crate::ErrorKind::Config) for an empty or invalid grid or base,
/// and the errors of [`IndexBuilder::build`](crate::IndexBuilder::build) and [`RankingSet::new`].
///
/// # Examples
/// ```
/// use connexe::{Article, eval::{Grid, Qrels, grid_search}};
///
/// let articles = vec![
///     Article::new("a", "Inflation record", "L'inflation atteint un record."),
///     Article::new("b", "La BCE et l'inflation", "L'inflation inquiète la BCE."),
///     Article::new("c", "Football", "Le Wydad remporte le championnat."),
/// ];
/// let qrels = Qrels::from_tsv("a\tb\t1\n".as_bytes())?;
/// let grid = Grid { entity_shares: vec![0.0, 0.5], title: vec![1.0, 3.0], lead: vec![2.0] };
/// let trials = grid_search(&articles, &Default::default(), &qrels, &Default::default(), &grid, 5)?;
/// assert_eq!(trials.len(), 4);
/// assert_eq!(trials[0].report.ndcg, 1.0);
/// # Ok::<(), connexe::Error>(())
/// ```
pub fn grid_search(
    articles: &[Article],
    aliases: &AliasTable,
    qrels: &Qrels,
    base: &IndexConfig,
    grid: &Grid,
    k: usize,
) -> Result<Vec<Trial>> {
    grid.validate()?;
    base.validate()?;
    let leads = if articles.iter().any(|a| a.lead.is_some()) {
        grid.lead.clone()
    } else {
        vec![base.fields.lead]
    };
    let sum = match base.weights.text + base.weights.entities {
        s if s > 0.0 => s,
        _ => 1.0,
    };
    let mut trials: Vec<(usize, Trial)> = Vec::new();
    for &title in &grid.title {
        for &lead in &leads {
            let mut config = base.clone();
            config.fields.title = title;
            config.fields.lead = lead;
            let index = Index::builder()
                .config(config.clone())
                .aliases(aliases.clone())
                .build(articles.iter().cloned())?;
            let set = RankingSet::new(&index, qrels)?;
            for &share in &grid.entity_shares {
                let mut config = config.clone();
                config.weights.text = sum * (1.0 - share);
                config.weights.entities = sum * share;
                let report = set.evaluate(&config.weights, k);
                trials.push((trials.len(), Trial { config, report }));
            }
        }
    }
    trials.sort_by(|(i, a), (j, b)| {
        b.report
            .ndcg
            .total_cmp(&a.report.ndcg)
            .then(b.report.map.total_cmp(&a.report.map))
            .then(i.cmp(j))
    });
    Ok(trials.into_iter().map(|(_, t)| t).collect())
}
