//! The Python binding of connexe: conversions only.
//!
//! Python values become connexe's JSON forms and are parsed by the core (`Article::from_json`,
//! `Config::from_json`, `PageConfig::from_json`, `AliasTable::from_json`), so validation and
//! error messages are the core's; results go back as the core's JSON, read by `json.loads`.
//! Every core call runs with the GIL released (`Python::detach`); the index sits behind a
//! `RwLock` that is only ever taken while detached, so readers run in parallel and no thread
//! waits for the lock while holding the GIL.

use std::ffi::CString;
use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use connexe::eval::{Qrels, evaluate_ranking};
use connexe::{AliasTable, Article, Config, ErrorKind, Index, JsonlReader, Language, PageConfig};
use pyo3::exceptions::PyUserWarning;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyMapping, PyModule, PyString, PyTuple, PyType};
use serde::Serialize;
use serde_json::{Map, Value};

/// The fields of an article, as connexe's JSON names them.
const FIELDS: [&str; 10] = [
    "id",
    "title",
    "body",
    "lead",
    "url",
    "published",
    "section",
    "tags",
    "entities",
    "lang",
];

/// How many articles `add_many` converts (holding the GIL) before indexing them (without it,
/// on every core, holding the index's write lock): 256 took `add_many` from 4,770 to 7,900 to
/// 8,200 articles/s on 2 cores, as fast as 1,024 or 2,048, and readers wait some 30 ms at most.
const CHUNK: usize = 256;

/// Deepest nesting of lists and dicts converted to JSON.
const MAX_DEPTH: usize = 64;

// ---------------------------------------------------------------------------------------------
// Errors

/// A failure, turned into a Python exception once the GIL is back.
enum Failure {
    /// A core error.
    Core(connexe::Error),
    /// A file the binding itself opened.
    Io(String, std::io::Error),
    /// A Python value the binding cannot convert: the exception class, message and field.
    Convert(&'static str, String, Option<&'static str>),
    /// Another failure, its message prefixed with a file name or an item number.
    Context(String, Box<Failure>),
}

impl From<connexe::Error> for Failure {
    fn from(err: connexe::Error) -> Self {
        Failure::Core(err)
    }
}

impl Failure {
    fn context(self, context: impl std::fmt::Display) -> Failure {
        Failure::Context(context.to_string(), Box::new(self))
    }
}

fn prefixed(context: impl std::fmt::Display) -> impl FnOnce(connexe::Error) -> Failure {
    move |err| Failure::Core(err).context(context)
}

/// The exception class `name` of `connexe._errors` (pure Python, for multiple inheritance).
fn error_class<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    MODULE
        .get_or_try_init(py, || py.import("connexe._errors").map(Bound::unbind))?
        .bind(py)
        .getattr(name)
}

/// An exception of class `name` with `message` and the `field`, `line` and `errno` attributes.
fn make_error(
    py: Python<'_>,
    name: &str,
    message: String,
    field: Option<&str>,
    line: Option<u64>,
    errno: Option<i32>,
) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let err = error_class(py, name)?.call1((message,))?;
        err.setattr("field", field)?;
        err.setattr("line", line)?;
        if errno.is_some() {
            err.setattr("errno", errno)?;
        }
        Ok(PyErr::from_value(err))
    };
    build().unwrap_or_else(|e| e)
}

fn raise(py: Python<'_>, failure: Failure) -> PyErr {
    raise_in(py, failure, String::new())
}

/// `failure` as an exception, its message after `prefix` (empty or ending in ": ").
fn raise_in(py: Python<'_>, failure: Failure, prefix: String) -> PyErr {
    match failure {
        Failure::Context(context, inner) => raise_in(py, *inner, format!("{prefix}{context}: ")),
        Failure::Convert(class, message, field) => {
            make_error(py, class, format!("{prefix}{message}"), field, None, None)
        }
        Failure::Core(err) => {
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
            make_error(
                py,
                class,
                format!("{prefix}{err}"),
                err.field(),
                err.line(),
                errno,
            )
        }
        Failure::Io(context, err) => make_error(
            py,
            "ConnexeIOError",
            format!("{prefix}{context}: {err}"),
            None,
            None,
            err.raw_os_error(),
        ),
    }
}

trait OrRaise<T> {
    fn or_raise(self, py: Python<'_>) -> PyResult<T>;
}

impl<T, E: Into<Failure>> OrRaise<T> for Result<T, E> {
    fn or_raise(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| raise(py, e.into()))
    }
}

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

/// An article from a dict, a Mapping, or an object with the fields as attributes, parsed by
/// `Article::from_json`.
fn article_from_py(obj: &Bound<'_, PyAny>) -> PyResult<Result<Article, Failure>> {
    let py = obj.py();
    if obj.cast::<PyString>().is_ok()
        || obj.cast::<PyList>().is_ok()
        || obj.cast::<PyTuple>().is_ok()
        || obj.cast::<PyInt>().is_ok()
        || obj.cast::<PyFloat>().is_ok()
        || obj.is_none()
        || obj.is_instance_of::<pyo3::types::PyBytes>()
    {
        return Ok(Err(Failure::Convert(
            "InputError",
            format!(
                "expected an article (a dict, a Mapping, or an object with attributes id, title, body, ...), got {}",
                type_name(obj)
            ),
            None,
        )));
    }
    let mut map = Map::new();
    let mapping = obj.cast::<PyMapping>().ok();
    for field in FIELDS {
        let value = if let Ok(dict) = obj.cast::<PyDict>() {
            dict.get_item(field)?
        } else if let Some(mapping) = mapping {
            match mapping.get_item(field) {
                Ok(v) => Some(v),
                Err(e) if e.is_instance_of::<pyo3::exceptions::PyKeyError>(py) => None,
                Err(e) => return Err(e),
            }
        } else {
            match obj.getattr(field) {
                Ok(v) => Some(v),
                Err(e) if e.is_instance_of::<pyo3::exceptions::PyAttributeError>(py) => None,
                Err(e) => return Err(e),
            }
        };
        let Some(value) = value else { continue };
        match to_json(&value, 0)? {
            Ok(v) => map.insert(field.to_owned(), v),
            Err(message) => {
                let message = format!("field `{field}`: {message}");
                return Ok(Err(Failure::Convert("InputError", message, Some(field))));
            }
        };
    }
    Ok(Article::from_json(&Value::Object(map).to_string()).map_err(Failure::from))
}

fn to_article(obj: &Bound<'_, PyAny>) -> PyResult<Article> {
    let py = obj.py();
    article_from_py(obj)?.or_raise(py)
}

/// A dict converted to JSON text for one of the core's `from_json`; `what` names it in errors.
fn json_text(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    match to_json(obj, 0)? {
        Ok(value @ Value::Object(_)) => Ok(value.to_string()),
        Ok(_) => Err(format!("expected a dict, got {}", type_name(obj))),
        Err(message) => Err(message),
    }
    .map_err(|message| {
        raise(
            obj.py(),
            Failure::Convert("ConfigError", format!("{what}: {message}"), None),
        )
    })
}

fn parse_config(config: Option<&Bound<'_, PyAny>>) -> PyResult<Config> {
    match config {
        None => Ok(Config::default()),
        Some(c) if c.is_none() => Ok(Config::default()),
        Some(c) => Config::from_json(&json_text(c, "config")?).or_raise(c.py()),
    }
}

fn parse_page_config(config: Option<&Bound<'_, PyAny>>) -> PyResult<Option<PageConfig>> {
    match config {
        None => Ok(None),
        Some(c) if c.is_none() => Ok(None),
        Some(c) => PageConfig::from_json(&json_text(c, "page config")?)
            .map(Some)
            .or_raise(c.py()),
    }
}

fn parse_aliases(aliases: Option<&Bound<'_, PyAny>>) -> PyResult<AliasTable> {
    match aliases {
        None => Ok(AliasTable::new()),
        Some(a) if a.is_none() => Ok(AliasTable::new()),
        Some(a) => AliasTable::from_json(&json_text(a, "aliases")?).or_raise(a.py()),
    }
}

// ---------------------------------------------------------------------------------------------
// JSON -> Python

/// The core's JSON text as Python objects, through `json.loads` (which keeps the field order).
fn from_json_text<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    LOADS.import(py, "json", "loads")?.call1((text,))
}

fn json_of(value: &impl Serialize) -> String {
    serde_json::to_string(value).expect("connexe's results serialise to JSON")
}

// ---------------------------------------------------------------------------------------------
// Index

/// A related-articles index.
///
/// `language`: the language (ISO 639-1) of articles without `lang` whose language the detector
/// cannot tell; default: the config's `index.default_language` (French unless set).
/// `config`: a dict shaped like connexe's configuration file, {"index": {...}, "page": {...}};
/// its `page` part is what `page()` uses when given no config. `aliases`: a dict
/// {"Canonical name": ["variant", ...]}.
///
/// Articles are dicts, Mappings or objects (dataclasses, ORM models) with the fields id,
/// title, body (required), lead, url, published (RFC 3339 / YYYY-MM-DD str, date or aware
/// datetime), section, tags, entities, lang. Results are the core's JSON as Python objects.
#[pyclass(name = "Index", module = "connexe", frozen)]
struct PyIndex {
    inner: RwLock<Index>,
    /// The page settings `page()` uses when it is given none.
    page: PageConfig,
}

impl PyIndex {
    fn read(&self) -> RwLockReadGuard<'_, Index> {
        self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, Index> {
        self.inner.write().unwrap_or_else(PoisonError::into_inner)
    }

    fn wrap(index: Index, page: PageConfig) -> Self {
        PyIndex {
            inner: RwLock::new(index),
            page,
        }
    }

    fn page_of(
        &self,
        py: Python<'_>,
        id: &str,
        config: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<connexe::PageRecommendations> {
        let config = parse_page_config(config)?;
        py.detach(|| self.read().page(id, config.as_ref().unwrap_or(&self.page)))
            .or_raise(py)
    }
}

#[pymethods]
impl PyIndex {
    #[new]
    #[pyo3(signature = (language = None, config = None, aliases = None))]
    fn new(
        py: Python<'_>,
        language: Option<&str>,
        config: Option<&Bound<'_, PyAny>>,
        aliases: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let mut config = parse_config(config)?;
        if let Some(code) = language {
            config.index.default_language = Language::from_str(code).or_raise(py)?;
        }
        let aliases = parse_aliases(aliases)?;
        let index = Index::with_aliases(config.index, aliases).or_raise(py)?;
        Ok(PyIndex::wrap(index, config.page))
    }

    /// Opens an index written by `save` (its index settings and aliases come with it);
    /// `page_config` (the `page` part of a config) sets what `page()` uses by default.
    #[staticmethod]
    #[pyo3(signature = (path, page_config = None))]
    fn load(py: Python<'_>, path: PathBuf, page_config: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let page = parse_page_config(page_config)?.unwrap_or_default();
        let index = py.detach(|| Index::open(&path)).or_raise(py)?;
        Ok(PyIndex::wrap(index, page))
    }

    /// Writes the index to `path` atomically (temporary file, fsync, rename).
    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        py.detach(|| self.read().save(&path)).or_raise(py)
    }

    /// Adds a new article; its id must not be indexed yet (else InputError).
    fn add(&self, py: Python<'_>, article: &Bound<'_, PyAny>) -> PyResult<()> {
        let article = to_article(article)?;
        py.detach(|| self.write().add(article)).or_raise(py)
    }

    /// Adds every article of an iterable; returns how many. An error names the item
    /// ("item 3: ..."); the articles before it stay added.
    fn add_many(&self, py: Python<'_>, articles: &Bound<'_, PyAny>) -> PyResult<usize> {
        let mut added = 0;
        let mut items = articles.try_iter()?;
        loop {
            let mut chunk = Vec::with_capacity(CHUNK);
            let mut stop: Option<PyErr> = None;
            let mut exhausted = false;
            while chunk.len() < CHUNK {
                match items.next() {
                    None => {
                        exhausted = true;
                        break;
                    }
                    Some(Err(e)) => {
                        stop = Some(e);
                        break;
                    }
                    Some(Ok(item)) => match article_from_py(&item) {
                        Ok(Ok(article)) => chunk.push(article),
                        Ok(Err(failure)) => {
                            let failure = failure.context(format!("item {}", added + chunk.len()));
                            stop = Some(raise(py, failure));
                            break;
                        }
                        Err(e) => {
                            stop = Some(e);
                            break;
                        }
                    },
                }
            }
            let first = added;
            let outcome = py.detach(|| {
                let mut index = self.write();
                let before = index.len();
                // Analysed on every core; on an error, the articles before it are added.
                match index.add_many(chunk) {
                    Ok(()) => Ok(index.len() - before),
                    Err(e) => Err(prefixed(format!("item {}", first + index.len() - before))(e)),
                }
            });
            match outcome {
                Ok(done) => added += done,
                Err(failure) => return Err(raise(py, failure)),
            }
            if let Some(e) = stop {
                return Err(e);
            }
            if exhausted {
                return Ok(added);
            }
        }
    }

    /// Replaces the article with the same id; returns the old one (UnknownIdError if absent).
    fn update<'py>(&self, py: Python<'py>, article: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let article = to_article(article)?;
        let old = py
            .detach(|| self.write().update(article).map(|a| json_of(&a)))
            .or_raise(py)?;
        from_json_text(py, &old)
    }

    /// Adds the article or replaces the one with its id; returns the replaced one or None.
    fn upsert<'py>(
        &self,
        py: Python<'py>,
        article: &Bound<'py, PyAny>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let article = to_article(article)?;
        let old = py
            .detach(|| self.write().upsert(article).map(|a| a.map(|a| json_of(&a))))
            .or_raise(py)?;
        old.map(|text| from_json_text(py, &text)).transpose()
    }

    /// Removes the article with this id and returns it (UnknownIdError if absent).
    fn remove<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyAny>> {
        let old = py
            .detach(|| self.write().remove(id).map(|a| json_of(&a)))
            .or_raise(py)?;
        from_json_text(py, &old)
    }

    /// The article with this id, or None.
    fn get<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        let text = py.detach(|| self.read().get(id).map(json_of));
        text.map(|text| from_json_text(py, &text)).transpose()
    }

    fn __len__(&self, py: Python<'_>) -> usize {
        py.detach(|| self.read().len())
    }

    fn __contains__(&self, py: Python<'_>, id: &Bound<'_, PyAny>) -> PyResult<bool> {
        let Ok(id) = id.cast::<PyString>() else {
            return Ok(false);
        };
        let id = id.to_cow()?;
        Ok(py.detach(|| self.read().contains(&id)))
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!("<connexe.Index of {} articles>", self.__len__(py))
    }

    /// The `k` articles most related to `id`, best first: dicts with id, title, url and
    /// published (when known), score and explain.
    #[pyo3(signature = (id, k = 5))]
    fn similar<'py>(&self, py: Python<'py>, id: &str, k: usize) -> PyResult<Bound<'py, PyAny>> {
        let text = py
            .detach(|| self.read().similar(id, k).map(|r| json_of(&r)))
            .or_raise(py)?;
        from_json_text(py, &text)
    }

    /// The three blocks of `id`'s page (read_also, go_further, you_may_like, with id, lang,
    /// labels and notes), as the JSON has them. `config` is a page config dict replacing the
    /// index's page settings for this call.
    #[pyo3(signature = (id, config = None))]
    fn page<'py>(
        &self,
        py: Python<'py>,
        id: &str,
        config: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let page = self.page_of(py, id, config)?;
        let text = py.detach(|| json_of(&page));
        from_json_text(py, &text)
    }

    /// The page as compact JSON text.
    #[pyo3(signature = (id, config = None))]
    fn page_json(&self, py: Python<'_>, id: &str, config: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
        let page = self.page_of(py, id, config)?;
        Ok(py.detach(|| json_of(&page)))
    }

    /// The page as an escaped HTML fragment.
    #[pyo3(signature = (id, config = None))]
    fn page_html(&self, py: Python<'_>, id: &str, config: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
        let page = self.page_of(py, id, config)?;
        Ok(py.detach(|| page.to_html()))
    }
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/// Builds an index from a JSON Lines corpus and ranks every other article for each judged
/// query of `qrels` (query_id<TAB>doc_id<TAB>grade lines). Returns {"queries": n, "ndcg@K",
/// "p@K", "mrr", "map"}. The corpus reader's warnings are issued as UserWarning.
#[pyfunction]
#[pyo3(signature = (corpus, qrels, k = 5, config = None, aliases = None))]
fn evaluate<'py>(
    py: Python<'py>,
    corpus: PathBuf,
    qrels: PathBuf,
    k: usize,
    config: Option<&Bound<'py, PyAny>>,
    aliases: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyDict>> {
    let config = parse_config(config)?;
    let aliases = parse_aliases(aliases)?;
    let corpus_name = corpus.display().to_string();
    let qrels_name = qrels.display().to_string();
    let outcome = py.detach(|| {
        let file = File::open(&corpus).map_err(|e| Failure::Io(corpus_name.clone(), e))?;
        let reader = JsonlReader::new(BufReader::new(file));
        let (index, warnings) =
            Index::from_jsonl(config.index, aliases, reader, |_| {}).map_err(prefixed(&corpus_name))?;
        let file = File::open(&qrels).map_err(|e| Failure::Io(qrels_name.clone(), e))?;
        let judgments = Qrels::from_tsv(BufReader::new(file)).map_err(prefixed(&qrels_name))?;
        let report = evaluate_ranking(&index, &judgments, k).map_err(prefixed(&qrels_name))?;
        Ok::<_, Failure>((report, warnings))
    });
    let (report, warnings) = outcome.map_err(|f| raise(py, f))?;
    for warning in warnings {
        let message = CString::new(format!("{corpus_name}: {warning}").replace('\0', " "))
            .expect("NUL bytes were replaced");
        PyErr::warn(py, &py.get_type::<PyUserWarning>(), &message, 1)?;
    }
    let out = PyDict::new(py);
    out.set_item("queries", report.queries)?;
    out.set_item(format!("ndcg@{k}"), report.ndcg)?;
    out.set_item(format!("p@{k}"), report.precision)?;
    out.set_item("mrr", report.mrr)?;
    out.set_item("map", report.map)?;
    Ok(out)
}

/// connexe's native module; import `connexe` instead.
#[pymodule(name = "_connexe")]
mod connexe_module {
    #[pymodule_export]
    use super::PyIndex;
    #[pymodule_export]
    use super::evaluate;

    #[pymodule_init]
    fn init(m: &pyo3::Bound<'_, pyo3::types::PyModule>) -> pyo3::PyResult<()> {
        use pyo3::types::PyModuleMethods;
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }
}
