//! Conversions between Python values and connexe's: Python values become the core's JSON
//! forms and are parsed by the core (`Article::from_json`, `Config::from_json`,
//! `PageConfig::from_json`, `AliasTable::from_json`), so validation and error messages are the
//! core's; results go back as the core's JSON, read by `json.loads`. Knows nothing of the
//! index or of the GIL's release.

use connexe::{AliasTable, Article, Config, PageConfig};
use pyo3::exceptions::{PyAttributeError, PyKeyError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyBytes, PyDict, PyFloat, PyInt, PyIterator, PyList, PyMapping, PyString, PyTuple, PyType,
};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{ConnexeError, OrRaise};

/// Deepest nesting of lists and dicts converted to JSON.
const MAX_DEPTH: usize = 64;

// ---------------------------------------------------------------------------------------------
// Python -> JSON

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map_or_else(|_| "object".to_owned(), |n| n.to_string())
}

/// A Python value as JSON: None, bool, int, float, str, list, tuple, dict with str keys, and
/// `datetime.date` / aware `datetime.datetime` as ISO 8601 strings. `Err` is a message.
fn to_json(obj: &Bound<'_, PyAny>, depth: usize) -> PyResult<Result<Value, String>> {
    static DATETIME: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    static DATE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    let py = obj.py();
    if depth > MAX_DEPTH {
        return Ok(Err(format!("nested more than {MAX_DEPTH} levels deep")));
    }
    if obj.is_none() {
        return Ok(Ok(Value::Null));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Ok(Value::String(s.to_cow()?.into_owned())));
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Ok(Value::Bool(b.is_true())));
    }
    if obj.cast::<PyInt>().is_ok() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Ok(Value::from(i)));
        }
        if let Ok(u) = obj.extract::<u64>() {
            return Ok(Ok(Value::from(u)));
        }
        return Ok(Err(format!("integer out of range: {}", obj.repr()?)));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        let value = f.value();
        return Ok(serde_json::Number::from_f64(value)
            .map(Value::Number)
            .ok_or_else(|| format!("expected a finite number, got {value}")));
    }
    if let Ok(dict) = obj.cast::<PyDict>() {
        let mut map = Map::new();
        for (key, value) in dict.iter() {
            let Ok(key) = key.cast::<PyString>() else {
                return Ok(Err(format!("dict keys must be strings, got {}", type_name(&key))));
            };
            match to_json(&value, depth + 1)? {
                Ok(v) => map.insert(key.to_cow()?.into_owned(), v),
                Err(message) => return Ok(Err(format!("{}: {message}", key.to_cow()?))),
            };
        }
        return Ok(Ok(Value::Object(map)));
    }
    if obj.cast::<PyList>().is_ok() || obj.cast::<PyTuple>().is_ok() {
        let mut items = Vec::new();
        for (i, item) in obj.try_iter()?.enumerate() {
            match to_json(&item?, depth + 1)? {
                Ok(v) => items.push(v),
                Err(message) => return Ok(Err(format!("item {i}: {message}"))),
            }
        }
        return Ok(Ok(Value::Array(items)));
    }
    let datetime = DATETIME.import(py, "datetime", "datetime")?;
    if obj.is_instance(datetime)? {
        if obj.call_method0("utcoffset")?.is_none() {
            return Ok(Err(format!(
                "a datetime without tzinfo is ambiguous; give an aware datetime or a string, got {}",
                obj.repr()?
            )));
        }
        return Ok(Ok(Value::String(obj.call_method0("isoformat")?.extract()?)));
    }
    if obj.is_instance(DATE.import(py, "datetime", "date")?)? {
        return Ok(Ok(Value::String(obj.call_method0("isoformat")?.extract()?)));
    }
    Ok(Err(format!(
        "expected a str, int, float, bool, None, list, tuple, dict, date or datetime, got {}",
        type_name(obj)
    )))
}

// ---------------------------------------------------------------------------------------------
// Articles

/// An article from a dict, a Mapping, or an object with the fields as attributes, parsed by
/// `Article::from_json`. `Err` is a Python exception (from the object itself, to propagate as
/// it is); `Ok(Err)` says why the value is not a valid article.
fn article_from_py(obj: &Bound<'_, PyAny>) -> PyResult<Result<Article, ConnexeError>> {
    let py = obj.py();
    if obj.cast::<PyString>().is_ok()
        || obj.cast::<PyList>().is_ok()
        || obj.cast::<PyTuple>().is_ok()
        || obj.cast::<PyInt>().is_ok()
        || obj.cast::<PyFloat>().is_ok()
        || obj.is_none()
        || obj.is_instance_of::<PyBytes>()
    {
        return Ok(Err(ConnexeError::input(
            format!(
                "expected an article (a dict, a Mapping, or an object with attributes id, title, body, ...), got {}",
                type_name(obj)
            ),
            None,
        )));
    }
    let mut map = Map::new();
    let mapping = obj.cast::<PyMapping>().ok();
    for &field in Article::field_names() {
        let value = if let Ok(dict) = obj.cast::<PyDict>() {
            dict.get_item(field)?
        } else if let Some(mapping) = mapping {
            match mapping.get_item(field) {
                Ok(v) => Some(v),
                Err(e) if e.is_instance_of::<PyKeyError>(py) => None,
                Err(e) => return Err(e),
            }
        } else {
            match obj.getattr(field) {
                Ok(v) => Some(v),
                Err(e) if e.is_instance_of::<PyAttributeError>(py) => None,
                Err(e) => return Err(e),
            }
        };
        let Some(value) = value else { continue };
        match to_json(&value, 0)? {
            Ok(v) => map.insert(field.to_owned(), v),
            Err(message) => {
                let message = format!("field `{field}`: {message}");
                return Ok(Err(ConnexeError::input(message, Some(field))));
            }
        };
    }
    Ok(Article::from_json(&Value::Object(map).to_string()).map_err(ConnexeError::from))
}

/// The article `obj` holds; InputError when it holds none.
pub fn article(obj: &Bound<'_, PyAny>) -> PyResult<Article> {
    Ok(article_from_py(obj)??)
}

/// How a chunk of [`articles`] ended.
pub enum ChunkEnd {
    /// The chunk is full; the iterator may have more.
    Full,
    /// The iterator is exhausted.
    Exhausted,
    /// An item failed: the exception to raise once the articles before it are added.
    Failed(PyErr),
}

/// The next articles of `items`, at most `max`, converted in order: a failure ends the chunk
/// early and comes beside the articles before it, so those can still be added. `first` is
/// the number of the chunk's first item, named in the message of an invalid one.
pub fn articles(items: &mut Bound<'_, PyIterator>, first: usize, max: usize) -> (Vec<Article>, ChunkEnd) {
    let mut chunk = Vec::with_capacity(max);
    while chunk.len() < max {
        let item = match items.next() {
            None => return (chunk, ChunkEnd::Exhausted),
            Some(Err(e)) => return (chunk, ChunkEnd::Failed(e)),
            Some(Ok(item)) => item,
        };
        match article_from_py(&item) {
            Ok(Ok(article)) => chunk.push(article),
            Ok(Err(invalid)) => {
                let err = invalid.in_item(first + chunk.len()).into();
                return (chunk, ChunkEnd::Failed(err));
            }
            Err(e) => return (chunk, ChunkEnd::Failed(e)),
        }
    }
    (chunk, ChunkEnd::Full)
}

// ---------------------------------------------------------------------------------------------
// Configurations

/// A dict converted to JSON text for one of the core's `from_json`; `what` names it in errors.
fn json_text(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    match to_json(obj, 0)? {
        Ok(value @ Value::Object(_)) => Ok(value.to_string()),
        Ok(_) => Err(format!("expected a dict, got {}", type_name(obj))),
        Err(message) => Err(message),
    }
    .map_err(|message| ConnexeError::config(format!("{what}: {message}")).into())
}

/// The configuration a `config` dict (`{"index": {...}, "page": {...}}`) gives; the default
/// for None.
pub fn config(config: Option<&Bound<'_, PyAny>>) -> PyResult<Config> {
    match config {
        Some(c) if !c.is_none() => Config::from_json(&json_text(c, "config")?).or_raise(),
        _ => Ok(Config::default()),
    }
}

/// The page settings a page config dict gives; None for None.
pub fn page_config(config: Option<&Bound<'_, PyAny>>) -> PyResult<Option<PageConfig>> {
    match config {
        Some(c) if !c.is_none() => PageConfig::from_json(&json_text(c, "page config")?)
            .map(Some)
            .or_raise(),
        _ => Ok(None),
    }
}

/// The alias table an aliases dict (`{"Canonical name": ["variant", ...]}`) gives; an empty
/// one for None.
pub fn aliases(aliases: Option<&Bound<'_, PyAny>>) -> PyResult<AliasTable> {
    match aliases {
        Some(a) if !a.is_none() => AliasTable::from_json(&json_text(a, "aliases")?).or_raise(),
        _ => Ok(AliasTable::new()),
    }
}

// ---------------------------------------------------------------------------------------------
// JSON -> Python

/// A core result as its JSON text (made without the GIL, then read by [`to_python`]).
pub fn json_of(value: &impl Serialize) -> String {
    serde_json::to_string(value).expect("connexe's results serialise to JSON")
}

/// The core's JSON text as Python objects, through `json.loads` (which keeps the field order).
pub fn to_python<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    LOADS.import(py, "json", "loads")?.call1((text,))
}
