//! Prefixes that say where an error happened when the article and the line do not: the file
//! it was read from, the item of a stream given in chunks. Kind, line, field and source stay
//! as they were, so callers still branch on them.

use std::path::Path;

use super::Error;

impl Error {
    /// Prefixes the message with the file it comes from (`corpus.jsonl: line 2: ...`).
    pub(crate) fn in_file(mut self, path: &Path) -> Self {
        self.message = format!("{}: {}", path.display(), self.message);
        self
    }

    /// Prefixes the message with the 0-based number of the item it is about, in a stream
    /// whose items have no line to name (`item 3: field `title`: missing`).
    pub(crate) fn in_item(mut self, item: usize) -> Self {
        self.message = format!("item {item}: {}", self.message);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn prefixes_keep_kind_line_field_and_source() {
        let err = Error::bad_field("title", "missing")
            .at_line(2)
            .in_file(Path::new("c.jsonl"));
        assert_eq!(err.to_string(), "c.jsonl: line 2: field `title`: missing");
        assert_eq!(
            (err.kind(), err.line(), err.field()),
            (ErrorKind::Input, Some(2), Some("title"))
        );

        let missing = std::io::Error::from(std::io::ErrorKind::NotFound);
        let err = Error::io("q.tsv", missing).in_item(3);
        assert!(err.to_string().starts_with("item 3: q.tsv: "), "{err}");
        let source = std::error::Error::source(&err).and_then(|s| s.downcast_ref::<std::io::Error>());
        assert_eq!(
            source.map(std::io::Error::kind),
            Some(std::io::ErrorKind::NotFound)
        );
    }
}
