//! `connexe.Index`: the core [`Index`] behind a `RwLock` that is only ever taken with the GIL
//! released (`py.detach`), so readers run in parallel and no thread waits for the lock while
//! holding the GIL. Each method converts its arguments, calls the core without the GIL, and
//! converts the result back; conversions are `convert`'s, exceptions `error`'s.

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use connexe::{Index, Language, PageConfig, PageRecommendations};
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::convert::{self, ChunkEnd, json_of, to_python};
use crate::error::OrRaise;

/// How many articles `add_many` converts (holding the GIL) before indexing them (without it,
/// on every core, holding the index's write lock): 256 took `add_many` from 4,770 to 7,900 to
/// 8,200 articles/s on 2 cores, as fast as 1,024 or 2,048, and readers wait some 30 ms at most.
const CHUNK: usize = 256;

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
pub struct PyIndex {
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
    ) -> PyResult<PageRecommendations> {
        let config = convert::page_config(config)?;
        py.detach(|| self.read().page(id, config.as_ref().unwrap_or(&self.page)))
            .or_raise()
    }
}

#[pymethods]
impl PyIndex {
    #[new]
    #[pyo3(signature = (language = None, config = None, aliases = None))]
    fn new(
        language: Option<&str>,
        config: Option<&Bound<'_, PyAny>>,
        aliases: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let mut config = convert::config(config)?;
        if let Some(code) = language {
            config.index.default_language = Language::from_str(code).or_raise()?;
        }
        let aliases = convert::aliases(aliases)?;
        let index = Index::builder().config(config.index).aliases(aliases).empty().or_raise()?;
        Ok(PyIndex::wrap(index, config.page))
    }

    /// Opens an index written by `save` (its index settings and aliases come with it);
    /// `page_config` (the `page` part of a config) sets what `page()` uses by default.
    #[staticmethod]
    #[pyo3(signature = (path, page_config = None))]
    fn load(py: Python<'_>, path: PathBuf, page_config: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let page = convert::page_config(page_config)?.unwrap_or_default();
        let index = py.detach(|| Index::open(&path)).or_raise()?;
        Ok(PyIndex::wrap(index, page))
    }

    /// Writes the index to `path` atomically (temporary file, fsync, rename).
    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        py.detach(|| self.read().save(&path)).or_raise()
    }

    /// Adds a new article; its id must not be indexed yet (else InputError).
    fn add(&self, py: Python<'_>, article: &Bound<'_, PyAny>) -> PyResult<()> {
        let article = convert::article(article)?;
        py.detach(|| self.write().add(article)).or_raise()
    }

    /// Adds every article of an iterable; returns how many. An error names the item
    /// ("item 3: ..."); the articles before it stay added.
    fn add_many(&self, py: Python<'_>, articles: &Bound<'_, PyAny>) -> PyResult<usize> {
        let mut items = articles.try_iter()?;
        let mut added = 0;
        loop {
            let (chunk, end) = convert::articles(&mut items, added, CHUNK);
            let first = added;
            // Analysed on every core; on an error, the articles before it are added.
            added += py.detach(|| self.write().add_chunk(first, chunk)).or_raise()?;
            match end {
                ChunkEnd::Full => {}
                ChunkEnd::Exhausted => return Ok(added),
                ChunkEnd::Failed(e) => return Err(e),
            }
        }
    }

    /// Replaces the article with the same id; returns the old one (UnknownIdError if absent).
    fn update<'py>(&self, py: Python<'py>, article: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let article = convert::article(article)?;
        let old = py
            .detach(|| self.write().update(article).map(|a| json_of(&a)))
            .or_raise()?;
        to_python(py, &old)
    }

    /// Adds the article or replaces the one with its id; returns the replaced one or None.
    fn upsert<'py>(
        &self,
        py: Python<'py>,
        article: &Bound<'py, PyAny>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let article = convert::article(article)?;
        let old = py
            .detach(|| self.write().upsert(article).map(|a| a.map(|a| json_of(&a))))
            .or_raise()?;
        old.map(|text| to_python(py, &text)).transpose()
    }

    /// Removes the article with this id and returns it (UnknownIdError if absent).
    fn remove<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Bound<'py, PyAny>> {
        let old = py
            .detach(|| self.write().remove(id).map(|a| json_of(&a)))
            .or_raise()?;
        to_python(py, &old)
    }

    /// The article with this id, or None.
    fn get<'py>(&self, py: Python<'py>, id: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        let text = py.detach(|| self.read().get(id).map(json_of));
        text.map(|text| to_python(py, &text)).transpose()
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
            .or_raise()?;
        to_python(py, &text)
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
        to_python(py, &text)
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
