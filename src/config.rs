//! One configuration file for the index and the page (TOML or JSON).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::index::IndexConfig;
use crate::page::PageConfig;

/// The index's and the page's configuration, as one file holds them:
///
/// ```toml
/// [index.weights]
/// entities = 0.2
///
/// [page.go_further]
/// count = 5
/// ```
///
/// # Examples
/// ```
/// let config = connexe::Config::from_toml("[index.weights]\nentities = 0.2\n[page.go_further]\ncount = 5\n")?;
/// assert_eq!(config.index.weights.entities, 0.2);
/// assert_eq!(config.page.go_further.count, 5);
/// # Ok::<(), connexe::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Analysis, weights and retrieval.
    pub index: IndexConfig,
    /// The page's blocks.
    pub page: PageConfig,
}

impl Config {
    /// Reads TOML and validates.
    ///
    /// # Errors
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) for invalid TOML, unknown keys or an
    /// invalid value.
    pub fn from_toml(text: &str) -> Result<Config> {
        let config: Config = toml::from_str(text).map_err(|e| Error::config(e.message().to_owned()))?;
        config.validate()?;
        Ok(config)
    }

    /// Reads JSON and validates.
    ///
    /// # Errors
    /// As [`Config::from_toml`].
    pub fn from_json(text: &str) -> Result<Config> {
        let config: Config = serde_json::from_str(text).map_err(|e| Error::config(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    /// Reads a `.toml` or `.json` file.
    ///
    /// # Errors
    /// [`ErrorKind::Io`](crate::ErrorKind::Io) when the file cannot be read,
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) for any other extension or content.
    pub fn from_path(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path.display(), e))?;
        let config = match path.extension().and_then(|e| e.to_str()) {
            Some("toml") => Config::from_toml(&text),
            Some("json") => Config::from_json(&text),
            _ => Err(Error::config("a configuration file ends in .toml or .json")),
        };
        config.map_err(|e| Error::config(format!("{}: {e}", path.display())))
    }

    /// Checks every value.
    ///
    /// # Errors
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) naming the value.
    pub fn validate(&self) -> Result<()> {
        self.index.validate()?;
        self.page.validate()
    }
}
