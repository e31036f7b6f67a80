//! The page: the three blocks a French news page carries around an article's body, with the
//! filters and controls editors ask for, ready for a CMS to render.
//!
//! - `read_also` ("À lire :"): inline links, each placed after the paragraph it matches best;
//! - `go_further` ("Aller plus loin"): the closest articles, older ones first, with teasers;
//! - `you_may_like` ("Ces articles devraient vous intéresser"): related but diverse
//!   (maximal marginal relevance), fresher, never repeating what the page already shows.
//!
//! The blocks rank the article's [candidate pool](crate::rank) and never reach into the
//! index's storage.

mod builder;
mod config;
mod html;
mod items;
mod lists;
mod read_also;
mod teaser;

use builder::PageBuilder;
pub use config::{
    Chronology, Filters, GoFurtherConfig, Labels, PageConfig, Pins, ReadAlsoConfig, YouMayLikeConfig,
};
pub use items::{ListItem, PageRecommendations, ReadAlsoItem};
pub use teaser::teaser;

use crate::error::Result;
use crate::index::Index;

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
        let article = self.member_of(id)?;
        Ok(PageBuilder::new(self, article, config).build())
    }
}
