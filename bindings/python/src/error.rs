//! connexe's errors as Python exceptions: the one place that maps a core [`connexe::Error`]
//! (and the binding's own conversion failures) onto the `ConnexeError` hierarchy that
//! `connexe._errors` defines in Python (for its multiple inheritance: `InputError` is also a
//! `ValueError`, ...). Knows nothing of which call failed.

use connexe::ErrorKind;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyModule;

/// An exception of `connexe._errors` before it is raised: `?` turns it into a `PyErr`.
pub struct ConnexeError {
    /// The class name in `connexe._errors`.
    class: &'static str,
    message: String,
    field: Option<&'static str>,
    line: Option<u64>,
    /// Set on the exception only when the system gave one.
    errno: Option<i32>,
}

impl From<connexe::Error> for ConnexeError {
    fn from(err: connexe::Error) -> Self {
        let class = match err.kind() {
            ErrorKind::Io => "ConnexeIOError",
            ErrorKind::Input => "InputError",
            ErrorKind::UnknownId => "UnknownIdError",
            ErrorKind::Config => "ConfigError",
            _ => "ConnexeError",
        };
        let errno = std::error::Error::source(&err)
            .and_then(|s| s.downcast_ref::<std::io::Error>())
            .and_then(std::io::Error::raw_os_error);
        ConnexeError {
            class,
            message: err.to_string(),
            field: err.field(),
            line: err.line(),
            errno,
        }
    }
}

impl ConnexeError {
    /// A Python value that no article field can hold (`InputError`).
    pub fn input(message: String, field: Option<&'static str>) -> Self {
        ConnexeError {
            class: "InputError",
            message,
            field,
            line: None,
            errno: None,
        }
    }

    /// A configuration that is not a dict of JSON values (`ConfigError`).
    pub fn config(message: String) -> Self {
        ConnexeError {
            class: "ConfigError",
            message,
            field: None,
            line: None,
            errno: None,
        }
    }

    /// The same error about the 0-based item `item` of an iterable (`item 3: ...`).
    pub fn in_item(mut self, item: usize) -> Self {
        self.message = format!("item {item}: {}", self.message);
        self
    }

    fn into_pyerr(self, py: Python<'_>) -> PyResult<PyErr> {
        let err = error_class(py, self.class)?.call1((self.message,))?;
        err.setattr("field", self.field)?;
        err.setattr("line", self.line)?;
        if self.errno.is_some() {
            err.setattr("errno", self.errno)?;
        }
        Ok(PyErr::from_value(err))
    }
}

impl From<ConnexeError> for PyErr {
    fn from(err: ConnexeError) -> PyErr {
        // Always called with the GIL held (after `detach` returns): `attach` only counts.
        Python::attach(|py| err.into_pyerr(py).unwrap_or_else(|e| e))
    }
}

/// A core result as a Python one: `core_call().or_raise()?`.
pub trait OrRaise<T> {
    /// The value, or the error as its `ConnexeError`.
    fn or_raise(self) -> PyResult<T>;
}

impl<T> OrRaise<T> for connexe::Result<T> {
    fn or_raise(self) -> PyResult<T> {
        self.map_err(|err| ConnexeError::from(err).into())
    }
}

/// The exception class `name` of `connexe._errors`.
fn error_class<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    MODULE
        .get_or_try_init(py, || py.import("connexe._errors").map(Bound::unbind))?
        .bind(py)
        .getattr(name)
}
