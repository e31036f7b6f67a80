//! `connexe.evaluate`: the core's [`evaluate_files`], with the GIL released, its figures as a
//! dict and the corpus reader's warnings as `UserWarning`s.

use std::ffi::CString;
use std::path::PathBuf;

use connexe::Index;
use connexe::eval::evaluate_files;
use pyo3::exceptions::PyUserWarning;
use pyo3::prelude::*;

use crate::convert::{self, json_of, to_python};
use crate::error::OrRaise;

/// Builds an index from a JSON Lines corpus and ranks every other article for each judged
/// query of `qrels` (query_id<TAB>doc_id<TAB>grade lines). Returns {"queries": n, "ndcg@K",
/// "p@K", "mrr", "map"}. The corpus reader's warnings are issued as UserWarning.
#[pyfunction]
#[pyo3(signature = (corpus, qrels, k = 5, config = None, aliases = None))]
pub fn evaluate<'py>(
    py: Python<'py>,
    corpus: PathBuf,
    qrels: PathBuf,
    k: usize,
    config: Option<&Bound<'py, PyAny>>,
    aliases: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let config = convert::config(config)?;
    let aliases = convert::aliases(aliases)?;
    let (report, warnings) = py
        .detach(|| evaluate_files(&corpus, &qrels, Index::builder().config(config.index).aliases(aliases), k))
        .or_raise()?;
    for warning in warnings {
        let message = format!("{}: {warning}", corpus.display()).replace('\0', " ");
        let message = CString::new(message).expect("NUL bytes were replaced");
        PyErr::warn(py, &py.get_type::<PyUserWarning>(), &message, 1)?;
    }
    to_python(py, &json_of(&report))
}
