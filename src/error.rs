//! One error type for the whole crate.
//!
//! Callers match on [`ErrorKind`] to act (show the message to an editor, return a 404 for an
//! unknown id, ...); the message itself always says what went wrong and where.

mod context;

use std::fmt;

/// What kind of failure an [`Error`] is; callers branch on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading or writing a file or stream failed.
    Io,
    /// An article or a corpus line is malformed: the message names the line, field and value.
    Input,
    /// An id that the index does not hold.
    UnknownId,
    /// A configuration value (weights, alias table, limits) is invalid.
    Config,
}

/// The error of every fallible function in connexe.
///
/// # Examples
/// ```
/// use connexe::{ErrorKind, Index};
///
/// let index = Index::default();
/// let err = index.similar("nope", 3).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::UnknownId);
/// assert_eq!(err.to_string(), "unknown article id \"nope\"");
/// ```
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    line: Option<u64>,
    field: Option<&'static str>,
    message: String,
    source: Option<std::io::Error>,
}

/// `Result` with connexe's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The 1-based line of the input this error is about, when it is about one.
    pub fn line(&self) -> Option<u64> {
        self.line
    }

    /// The article field this error is about, when it is about one.
    pub fn field(&self) -> Option<&'static str> {
        self.field
    }

    pub(crate) fn io(context: impl fmt::Display, source: std::io::Error) -> Self {
        Error {
            kind: ErrorKind::Io,
            line: None,
            field: None,
            message: format!("{context}: {source}"),
            source: Some(source),
        }
    }

    /// An input error about one field of one article; `line` is added by the reader.
    pub(crate) fn bad_field(field: &'static str, message: impl fmt::Display) -> Self {
        Error {
            kind: ErrorKind::Input,
            line: None,
            field: Some(field),
            message: format!("field `{field}`: {message}"),
            source: None,
        }
    }

    pub(crate) fn input(message: impl fmt::Display) -> Self {
        Error {
            kind: ErrorKind::Input,
            line: None,
            field: None,
            message: message.to_string(),
            source: None,
        }
    }

    pub(crate) fn unknown_id(id: &str) -> Self {
        Error {
            kind: ErrorKind::UnknownId,
            line: None,
            field: None,
            message: format!("unknown article id {}", quoted(id)),
            source: None,
        }
    }

    pub(crate) fn config(message: impl fmt::Display) -> Self {
        Error {
            kind: ErrorKind::Config,
            line: None,
            field: None,
            message: message.to_string(),
            source: None,
        }
    }

    /// Prefixes the message with the id of the article it is about: articles given in a
    /// batch have no line to name.
    pub(crate) fn in_article(mut self, id: &str) -> Self {
        self.message = format!("article {}: {}", quoted(id), self.message);
        self
    }

    /// Prefixes the message with the input line it comes from.
    pub(crate) fn at_line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self.message = format!("line {line}: {}", self.message);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_ref().map(|e| e as _)
    }
}

/// A value quoted for an error message, cut so that a hostile 1 MB value stays readable.
pub(crate) fn quoted(value: &str) -> String {
    const MAX: usize = 80;
    match value.char_indices().nth(MAX) {
        None => format!("{value:?}"),
        Some((cut, _)) => format!("{:?}... ({} bytes)", &value[..cut], value.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_error_at_line_names_both() {
        let err = Error::bad_field("published", "expected RFC 3339 or YYYY-MM-DD, got \"28/06\"").at_line(12);
        assert_eq!(
            err.to_string(),
            "line 12: field `published`: expected RFC 3339 or YYYY-MM-DD, got \"28/06\""
        );
        assert_eq!(err.line(), Some(12));
        assert_eq!(err.field(), Some("published"));
        assert_eq!(err.kind(), ErrorKind::Input);
    }

    #[test]
    fn long_values_are_cut_in_messages() {
        let long = "x".repeat(10_000);
        let q = quoted(&long);
        assert!(q.len() < 120, "{q}");
        assert!(q.ends_with("(10000 bytes)"));
    }
}
