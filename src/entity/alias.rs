//! The alias table: variants of a name that mean the same entity.

use hashbrown::HashMap;

use super::key;
use crate::error::{Error, Result, quoted};

/// Maps name variants to one canonical entity ("Daech" = "État islamique" = "EI" = "ISIS").
///
/// Keys are folded (case, accents, apostrophes, hyphens), so "etat islamique" in a headline in
/// capitals still matches. Multi-word variants are also searched in the text as phrases, so
/// "État islamique" counts even where nothing marks it as a name.
///
/// # Examples
/// ```
/// use connexe::AliasTable;
///
/// let aliases = AliasTable::from_json(r#"{"Daech": ["État islamique", "EI", "ISIS"]}"#).unwrap();
/// assert_eq!(aliases.canonical("etat islamique"), "daech");
/// assert_eq!(aliases.canonical("ei"), "daech");
/// assert_eq!(aliases.canonical("rome"), "rome");
/// assert_eq!(aliases.display_name("daech"), Some("Daech"));
/// ```
#[derive(Clone, Debug, Default)]
pub struct AliasTable {
    /// folded variant (and folded canonical) -> folded canonical
    canonical: HashMap<String, String>,
    /// folded canonical -> the name as the table writes it
    display: HashMap<String, String>,
    /// first folded word of a multi-word variant -> the variants' folded words
    phrases: HashMap<String, Vec<Vec<String>>>,
}

impl AliasTable {
    /// An empty table.
    pub fn new() -> Self {
        AliasTable::default()
    }

    /// Reads a JSON object `{"Canonical name": ["variant", ...], ...}`.
    ///
    /// # Errors
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) for invalid JSON, a value that is not
    /// a list of strings, or a variant listed under two canonical names.
    pub fn from_json(text: &str) -> Result<AliasTable> {
        let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(text)
            .map_err(|e| Error::config(format!("alias table: invalid JSON: {e}")))?;
        let mut table = AliasTable::new();
        for (name, variants) in &map {
            let variants = variants
                .as_array()
                .and_then(|items| items.iter().map(|v| v.as_str()).collect::<Option<Vec<_>>>())
                .ok_or_else(|| {
                    Error::config(format!(
                        "alias table: {}: expected a list of strings",
                        quoted(name)
                    ))
                })?;
            table.insert(name, variants)?;
        }
        Ok(table)
    }

    /// Adds `variants` of the entity `name`.
    ///
    /// # Errors
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) when a name is empty once folded or a
    /// variant already belongs to another entity.
    pub fn insert<S: AsRef<str>>(&mut self, name: &str, variants: impl IntoIterator<Item = S>) -> Result<()> {
        let target = key(name);
        if target.is_empty() {
            return Err(Error::config(format!("alias table: empty name {}", quoted(name))));
        }
        self.display.insert(target.clone(), name.trim().to_owned());
        for variant in
            std::iter::once(name.to_owned()).chain(variants.into_iter().map(|v| v.as_ref().to_owned()))
        {
            let folded = key(&variant);
            if folded.is_empty() {
                return Err(Error::config(format!(
                    "alias table: {}: empty variant {}",
                    quoted(name),
                    quoted(&variant)
                )));
            }
            if let Some(existing) = self.canonical.get(&folded)
                && *existing != target
            {
                return Err(Error::config(format!(
                    "alias table: {} is listed under both {} and {}",
                    quoted(&variant),
                    quoted(&self.display[existing]),
                    quoted(name)
                )));
            }
            let words: Vec<String> = folded.split(' ').map(str::to_owned).collect();
            if words.len() > 1 {
                let list = self.phrases.entry(words[0].clone()).or_default();
                if !list.contains(&words) {
                    list.push(words);
                }
            }
            self.canonical.insert(folded, target.clone());
        }
        Ok(())
    }

    /// The canonical key of a folded key (the key itself when the table does not know it).
    pub fn canonical<'a>(&'a self, folded: &'a str) -> &'a str {
        self.canonical.get(folded).map_or(folded, String::as_str)
    }

    /// The name the table writes for a canonical key.
    pub fn display_name(&self, canonical: &str) -> Option<&str> {
        self.display.get(canonical).map(String::as_str)
    }

    /// Whether the table lists this folded key.
    pub fn contains(&self, folded: &str) -> bool {
        self.canonical.contains_key(folded)
    }

    /// Number of distinct entities in the table.
    pub fn len(&self) -> usize {
        self.display.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.display.is_empty()
    }

    /// Every entity as (name as the table writes it, its folded variants), in name order: what
    /// [`AliasTable::insert`] needs to build the same table again.
    pub(crate) fn entries(&self) -> Vec<(String, Vec<String>)> {
        let mut variants: HashMap<&str, Vec<String>> = HashMap::new();
        for (variant, target) in &self.canonical {
            variants.entry(target.as_str()).or_default().push(variant.clone());
        }
        let mut out: Vec<(String, Vec<String>)> = self
            .display
            .iter()
            .map(|(canonical, name)| {
                let mut list = variants.remove(canonical.as_str()).unwrap_or_default();
                list.sort();
                (name.clone(), list)
            })
            .collect();
        out.sort();
        out
    }

    /// The multi-word variants that start with this folded word.
    /// Whether the table has names of more than one word, which the extractor looks for as
    /// phrases in any case.
    pub(crate) fn has_phrases(&self) -> bool {
        !self.phrases.is_empty()
    }

    pub(crate) fn phrases_starting_with(&self, word: &str) -> &[Vec<String>] {
        self.phrases.get(word).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflicting_variant_is_an_error_naming_both() {
        let err = AliasTable::from_json(r#"{"Daech": ["EI"], "Émirats": ["EI"]}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "alias table: \"EI\" is listed under both \"Daech\" and \"Émirats\""
        );
    }

    #[test]
    fn bad_shapes_are_errors() {
        assert!(AliasTable::from_json("[1]").is_err());
        let err = AliasTable::from_json(r#"{"Daech": "EI"}"#).unwrap_err();
        assert_eq!(
            err.to_string(),
            "alias table: \"Daech\": expected a list of strings"
        );
        assert!(AliasTable::from_json(r#"{"Daech": [" - "]}"#).is_err());
    }

    #[test]
    fn entries_rebuild_the_same_table() {
        let table = AliasTable::from_json(
            r#"{"Daech": ["État islamique", "EI"], "OMS": ["Organisation mondiale de la santé"]}"#,
        )
        .unwrap();
        let mut again = AliasTable::new();
        for (name, variants) in table.entries() {
            again.insert(&name, variants).unwrap();
        }
        assert_eq!(again.entries(), table.entries());
        assert_eq!(again.canonical("etat islamique"), "daech");
        assert_eq!(again.phrases_starting_with("organisation").len(), 1);
    }

    #[test]
    fn folding_makes_variants_case_and_accent_blind() {
        let table = AliasTable::from_json(r#"{"Daech": ["État islamique"]}"#).unwrap();
        assert_eq!(table.canonical(&key("ETAT ISLAMIQUE")), "daech");
        assert_eq!(table.canonical(&key("Daech")), "daech");
        assert_eq!(
            table.phrases_starting_with("etat"),
            &[vec!["etat".to_owned(), "islamique".to_owned()]]
        );
    }
}
